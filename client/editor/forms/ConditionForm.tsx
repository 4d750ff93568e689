// Side-panel form of a condition: rules over traits, phase, persona, consent, events or engagement; all or any.
import { ActionIcon, Button, Group, Paper, Select, Stack, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useMemo } from 'react';
import { useFieldArray, useFormContext } from 'react-hook-form';
import { useShallow } from 'zustand/react/shallow';
import { conditionConfigSchema, type Predicate } from '../../../shared/journey/nodes/condition.ts';
import { useEditor, useReferences } from '../EditorContext.tsx';
import { ConfigFormFrame } from './ConfigFormFrame.tsx';
import { CLOSED_DROPDOWN, FiltersField, MultiSelectField, NumberField, OPERATOR_OPTIONS, ScalarField, SegmentedField, SelectField, TextField } from './fields.tsx';
import { useConfigForm, type ConfigFormProps } from './useConfigForm.ts';

type RuleType = Predicate['type'];

const RULE_TYPES: { value: RuleType; label: string }[] = [
  { value: 'engagement', label: 'Opened or clicked an email' },
  { value: 'event_count', label: 'Did an event' },
  { value: 'trait', label: 'A trait' },
  { value: 'phase', label: 'Lifecycle phase' },
  { value: 'persona', label: 'Persona' },
  { value: 'subscription', label: 'Subscription status' },
];

function ruleDefaults(type: RuleType): Record<string, unknown> {
  switch (type) {
    case 'engagement':
      return { type, action: 'clicked' };
    case 'event_count':
      return { type, event: '', filters: [], comparison: 'at_least', count: 1 };
    case 'trait':
      return { type, trait: '', operator: 'equals', value: '' };
    case 'phase':
      return { type, phases: [] };
    case 'persona':
      return { type, personas: [] };
    case 'subscription':
      return { type, status: 'subscribed' };
    default:
      return type satisfies never;
  }
}

/** The email steps of this journey, for "opened or clicked that email"; primitive strings keep the selector cheap. */
function useEmailNodeOptions() {
  const entries = useEditor(useShallow((s) => s.nodes.filter((n) => n.type === 'email').map((n) => `${n.id}\u0000${n.data.name ?? ''}`)));
  return useMemo(
    () => [
      { value: '', label: 'Any email of this journey' },
      ...entries.map((e) => {
        const [id, name] = e.split('\u0000') as [string, string];
        return { value: id, label: name ? `${name} (${id})` : id };
      }),
    ],
    [entries],
  );
}

function RuleFields({ index }: { index: number }) {
  const { watch, setValue } = useFormContext();
  const refs = useReferences();
  const emailOptions = useEmailNodeOptions();
  const base = `rules.${index}`;
  const type = watch(`${base}.type`) as RuleType;
  const operator = watch(`${base}.operator`) as string | undefined;
  const emailNodeId = watch(`${base}.emailNodeId`) as string | undefined;
  switch (type) {
    case 'engagement': {
      const known = emailNodeId === undefined || emailOptions.some((o) => o.value === emailNodeId);
      const options = known ? emailOptions : [...emailOptions, { value: emailNodeId, label: `${emailNodeId} (not in this journey)` }];
      return (
        <>
          <SelectField name={`${base}.action`} label="The contact" data={[{ value: 'clicked', label: 'clicked' }, { value: 'opened', label: 'opened' }]} />
          <Select
            label="Email"
            data={options}
            comboboxProps={CLOSED_DROPDOWN}
            allowDeselect={false}
            value={emailNodeId ?? ''}
            onChange={(v) => setValue(`${base}.emailNodeId`, v ? v : undefined, { shouldValidate: true })}
            error={known ? undefined : 'This email step is not in the journey any more; choose another.'}
          />
        </>
      );
    }
    case 'event_count':
      return (
        <>
          <TextField name={`${base}.event`} label="Event name" placeholder="e.g. viewed_pricing" />
          <Group gap="xs" grow align="flex-start">
            <SelectField
              name={`${base}.comparison`}
              label="How often"
              data={[
                { value: 'at_least', label: 'at least' },
                { value: 'at_most', label: 'at most' },
                { value: 'exactly', label: 'exactly' },
              ]}
            />
            <NumberField name={`${base}.count`} label="Times" min={0} />
          </Group>
          <NumberField name={`${base}.withinDays`} label="Within the last … days (empty: ever)" min={1} optional />
          <FiltersField name={`${base}.filters`} label="Only events whose properties match" />
        </>
      );
    case 'trait':
      return (
        <>
          <TextField name={`${base}.trait`} label="Trait" placeholder="e.g. plan" />
          <SelectField name={`${base}.operator`} label="Condition" data={OPERATOR_OPTIONS} />
          {operator !== 'exists' && operator !== 'not_exists' && <ScalarField name={`${base}.value`} label="Value" />}
        </>
      );
    case 'phase':
      return <MultiSelectField name={`${base}.phases`} label="Phase is one of" data={refs.phases.map((p) => ({ value: p.key, label: p.label }))} />;
    case 'persona':
      return <MultiSelectField name={`${base}.personas`} label="Persona is one of" data={refs.personas.map((p) => ({ value: p.key, label: p.name }))} />;
    case 'subscription':
      return (
        <SelectField
          name={`${base}.status`}
          label="Subscription is"
          data={[
            { value: 'subscribed', label: 'subscribed' },
            { value: 'pending', label: 'pending (not confirmed)' },
            { value: 'unsubscribed', label: 'unsubscribed' },
          ]}
        />
      );
    default:
      return null;
  }
}

function Rules() {
  const { control, formState } = useFormContext();
  const { fields, append, remove, update } = useFieldArray({ control, name: 'rules' });
  const listError = (formState.errors.rules as { message?: string } | undefined)?.message;
  return (
    <Stack gap="xs">
      {fields.map((f, i) => (
        <Paper key={f.id} withBorder p="xs" radius="sm">
          <Stack gap={6}>
            <Group gap="xs" align="flex-end" wrap="nowrap">
              <Select
                label={`Rule ${i + 1}`}
                data={RULE_TYPES}
                comboboxProps={CLOSED_DROPDOWN}
                allowDeselect={false}
                value={(f as unknown as { type: RuleType }).type}
                onChange={(v) => v && update(i, ruleDefaults(v as RuleType))}
                style={{ flex: 1 }}
              />
              <ActionIcon variant="subtle" color="gray" onClick={() => remove(i)} aria-label={`Remove rule ${i + 1}`} mb={4}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
            <RuleFields index={i} />
          </Stack>
        </Paper>
      ))}
      {listError && (
        <Text size="xs" c="red">
          {listError}
        </Text>
      )}
      <Button variant="subtle" size="compact-sm" leftSection={<IconPlus size={14} />} onClick={() => append(ruleDefaults('trait'))} style={{ alignSelf: 'flex-start' }}>
        Add rule
      </Button>
    </Stack>
  );
}

export function ConditionForm(props: ConfigFormProps) {
  const { form } = useConfigForm(conditionConfigSchema, props);
  return (
    <ConfigFormFrame form={form}>
      <SegmentedField
        name="match"
        label="Contacts go down “yes” when"
        data={[
          { value: 'all', label: 'All rules hold' },
          { value: 'any', label: 'Any rule holds' },
        ]}
      />
      <Rules />
    </ConfigFormFrame>
  );
}
