// Side-panel form of an email step: the template, an optional subject, and how sending rules treat it.
import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import { emailConfigSchema } from '../../../shared/journey/nodes/email.ts';
import { useEditor, useReferences } from '../EditorContext.tsx';
import { ConfigFormFrame } from './ConfigFormFrame.tsx';
import { SegmentedField, SelectField, TextField } from './fields.tsx';
import { useConfigForm, type ConfigFormProps } from './useConfigForm.ts';

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
            data={[
              { value: 'delay', label: 'Send it later' },
              { value: 'skip', label: 'Skip this email' },
            ]}
          />
        </>
      )}
    </ConfigFormFrame>
  );
}
