// Side-panel form of a wait: for a duration, until a local time of day, or relative to a date trait.
import { Chip, Group, Input, Select, Stack, Text } from '@mantine/core';
import { useController, useFormContext } from 'react-hook-form';
import { WEEKDAYS, waitConfigSchema, type WaitConfig } from '../../../shared/journey/nodes/wait.ts';
import { ConfigFormFrame } from './ConfigFormFrame.tsx';
import { CLOSED_DROPDOWN, DurationField, SegmentedField, TextField } from './fields.tsx';
import { useConfigForm, type ConfigFormProps } from './useConfigForm.ts';

type Mode = WaitConfig['mode'];

const MODES: { value: Mode; label: string }[] = [
  { value: 'duration', label: 'For a while' },
  { value: 'time_of_day', label: 'Until a time of day' },
  { value: 'relative_to_trait', label: 'Around a date trait' },
];

function modeConfig(mode: Mode): Record<string, unknown> {
  switch (mode) {
    case 'duration':
      return { mode, duration: { amount: 1, unit: 'days' } };
    case 'time_of_day':
      return { mode, time: '09:00', weekdays: [...WEEKDAYS] };
    case 'relative_to_trait':
      return { mode, trait: '', offset: { amount: 3, unit: 'days' }, direction: 'before', time: '09:00' };
    default:
      return mode satisfies never;
  }
}

function WeekdaysField() {
  const { control } = useFormContext();
  const { field, fieldState } = useController({ name: 'weekdays', control });
  return (
    <Stack gap={4}>
      <Input.Label id="weekdays-label">On these days</Input.Label>
      <Chip.Group multiple value={(field.value as string[] | undefined) ?? []} onChange={field.onChange}>
        <Group gap={4} role="group" aria-labelledby="weekdays-label">
          {WEEKDAYS.map((d) => (
            <Chip key={d} value={d} size="xs">
              {d}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      {fieldState.error && (
        <Text size="xs" c="red">
          {fieldState.error.message}
        </Text>
      )}
    </Stack>
  );
}

export function WaitForm(props: ConfigFormProps) {
  const { form, replace } = useConfigForm(waitConfigSchema, props);
  const mode = form.watch('mode') as Mode | undefined;
  return (
    <ConfigFormFrame form={form}>
      <Select label="Wait" data={MODES} allowDeselect={false} comboboxProps={CLOSED_DROPDOWN} value={mode ?? null} onChange={(v) => v && replace(modeConfig(v as Mode))} />
      {mode === 'duration' && <DurationField name="duration" label="Duration" />}
      {mode === 'time_of_day' && (
        <>
          <TextField name="time" label="Time (contact's time zone)" type="time" />
          <WeekdaysField />
        </>
      )}
      {mode === 'relative_to_trait' && (
        <>
          <TextField name="trait" label="Date trait" placeholder="e.g. renewal_date" />
          <DurationField name="offset" label="Offset" />
          <SegmentedField
            name="direction"
            label="Direction"
            data={[
              { value: 'before', label: 'Before' },
              { value: 'after', label: 'After' },
            ]}
          />
          <TextField name="time" label="At (contact's time zone)" type="time" />
        </>
      )}
    </ConfigFormFrame>
  );
}
