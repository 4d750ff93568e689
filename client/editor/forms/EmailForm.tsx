// Side-panel form of an email step: the template, an optional subject, and how sending rules treat it.
import { Anchor, Stack, Switch, Text } from '@mantine/core';
import { useController, useFormContext } from 'react-hook-form';
import { Link } from 'react-router';
import { emailConfigSchema, type SendAt } from '../../../shared/journey/nodes/email.ts';
import { BEST_HOUR_WITHIN } from '../../../shared/mail/bestHour.ts';
import { useEditor, useReferences } from '../EditorContext.tsx';
import { ConfigFormFrame } from './ConfigFormFrame.tsx';
import { NumberField, SegmentedField, SelectField, TextField } from './fields.tsx';
import { bestHourExplanation, isBestHour, toggledSendAt } from './sendAt.ts';
import { useConfigForm, type ConfigFormProps } from './useConfigForm.ts';

/** "Send at the contact's best hour within N hours": a switch, the hours when on, and what it does in words. */
function BestHourField() {
  const { control } = useFormContext();
  const { field } = useController({ name: 'sendAt', control });
  const sendAt = field.value as SendAt | undefined;
  const on = isBestHour(sendAt);
  return (
    <Stack gap={6}>
      <Switch label="Send at the contact's best hour" checked={on} onChange={(e) => field.onChange(toggledSendAt(e.currentTarget.checked, sendAt))} />
      {on && <NumberField name="sendAt.withinHours" label="Within" suffix=" hours" min={BEST_HOUR_WITHIN.min} max={BEST_HOUR_WITHIN.max} />}
      <Text size="xs" c="dimmed" data-testid="email-best-hour-rule">
        {bestHourExplanation(sendAt)}
      </Text>
    </Stack>
  );
}

export function EmailForm(props: ConfigFormProps) {
  const { form } = useConfigForm(emailConfigSchema, props);
  const { templates } = useReferences();
  const templateIssue = useEditor((s) => s.issuesByNode.get(props.nodeId)?.find((i) => i.code === 'unknown_template')?.message);
  const category = form.watch('category') as string | undefined;
  const templateId = form.watch('templateId') as string | undefined;
  // A template id the workspace does not know still shows, so the marketer sees what to replace.
  const options = templates.map((t) => ({ value: t.id, label: t.name }));
  if (templateId && !templates.some((t) => t.id === templateId)) options.unshift({ value: templateId, label: `${templateId} (missing)` });
  return (
    <ConfigFormFrame form={form}>
      <SelectField name="templateId" label="Template" placeholder="Choose a template" data={options} nothingFound="No templates" error={templateIssue} />
      {templates.length === 0 && (
        <Text size="xs" c="dimmed">
          This workspace has no email templates yet.{' '}
          <Anchor component={Link} to="/templates" size="xs">
            Templates
          </Anchor>
        </Text>
      )}
      <TextField name="subjectOverride" label="Subject (optional)" description="Leave empty to use the template's subject." optional />
      <SegmentedField
        name="category"
        label="Kind of email"
        data={[
          { value: 'marketing', label: 'Marketing' },
          { value: 'transactional', label: 'Transactional' },
        ]}
      />
      {/* The rule itself is journeyConsentBlock and sendDecision in shared/mail/rules.ts; this says it in words. */}
      {category === 'transactional' ? (
        <Text size="xs" c="dimmed" data-testid="email-kind-rule">
          <Text span fw={600} size="xs">
            Transactional:
          </Text>{' '}
          sent to any known contact who is not suppressed (also never-subscribed, pending and unsubscribed ones), ignores quiet hours and
          the frequency cap — use only for receipts and notices.
        </Text>
      ) : (
        <>
          <Text size="xs" c="dimmed" data-testid="email-kind-rule">
            <Text span fw={600} size="xs">
              Marketing:
            </Text>{' '}
            sent only to subscribed contacts, respects quiet hours and the frequency cap.
          </Text>
          <SelectField
            name="whenCapped"
            label="When the frequency cap is reached"
            description="Either way, an email that loses the last slot to a journey of higher priority waits for the next one."
            data={[
              { value: 'delay', label: 'Send it later' },
              { value: 'skip', label: 'Skip this email' },
            ]}
          />
          <BestHourField />
        </>
      )}
    </ConfigFormFrame>
  );
}
