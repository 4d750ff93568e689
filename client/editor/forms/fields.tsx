// Mantine inputs bound to the side-panel form by field name, shared by the node kind forms.
import {
  ActionIcon,
  Button,
  Checkbox,
  Group,
  Input,
  MultiSelect,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  type ComboboxItem,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useController, useFieldArray, useFormContext } from 'react-hook-form';
import { DURATION_UNITS, FILTER_OPERATORS } from '../../../shared/journey/common.ts';

/**
 * Combobox dropdowns stay unmounted while closed. Mantine keeps them mounted by default, and a mounted
 * dropdown re-measures its position on every layout change, which a dragged canvas node causes each frame.
 */
export const CLOSED_DROPDOWN = { keepMounted: false, withinPortal: true } as const;

interface FieldProps {
  name: string;
  label: string;
  description?: string;
  placeholder?: string;
}

function useField(name: string) {
  const { control } = useFormContext();
  return useController({ name, control });
}

export function TextField({ name, label, description, placeholder, optional, type }: FieldProps & { optional?: boolean; type?: 'text' | 'time' | 'email' | 'url' }) {
  const { field, fieldState } = useField(name);
  return (
    <TextInput
      type={type}
      label={label}
      description={description}
      placeholder={placeholder}
      value={(field.value as string | undefined) ?? ''}
      // An optional field left empty is absent, not an empty string the schema would refuse.
      onChange={(e) => field.onChange(optional && e.currentTarget.value === '' ? undefined : e.currentTarget.value)}
      onBlur={field.onBlur}
      ref={field.ref}
      error={fieldState.error?.message}
    />
  );
}

export function TextareaField({ name, label, description, placeholder }: FieldProps) {
  const { field, fieldState } = useField(name);
  return (
    <Textarea
      label={label}
      description={description}
      placeholder={placeholder}
      autosize
      minRows={3}
      maxRows={10}
      value={(field.value as string | undefined) ?? ''}
      onChange={(e) => field.onChange(e.currentTarget.value)}
      onBlur={field.onBlur}
      ref={field.ref}
      error={fieldState.error?.message}
    />
  );
}

export function NumberField({ name, label, description, min, max, suffix, optional }: FieldProps & { min?: number; max?: number; suffix?: string; optional?: boolean }) {
  const { field, fieldState } = useField(name);
  return (
    <NumberInput
      label={label}
      description={description}
      min={min}
      max={max}
      suffix={suffix}
      allowDecimal={false}
      value={(field.value as number | undefined) ?? ''}
      onChange={(v) => field.onChange(v === '' ? (optional ? undefined : '') : Number(v))}
      onBlur={field.onBlur}
      ref={field.ref}
      error={fieldState.error?.message}
    />
  );
}

export function SelectField({ name, label, description, placeholder, data, clearable, nothingFound, error }: FieldProps & {
  data: (string | ComboboxItem)[];
  clearable?: boolean;
  nothingFound?: string;
  /** A problem the schema cannot see (a template that does not exist). */
  error?: string;
}) {
  const { field, fieldState } = useField(name);
  return (
    <Select
      label={label}
      description={description}
      placeholder={placeholder}
      data={data}
      searchable={data.length > 8}
      clearable={clearable}
      nothingFoundMessage={nothingFound}
      allowDeselect={false}
      value={(field.value as string | undefined) ?? null}
      onChange={(v) => field.onChange(v ?? (clearable ? undefined : ''))}
      onBlur={field.onBlur}
      ref={field.ref}
      error={fieldState.error?.message ?? error}
      comboboxProps={CLOSED_DROPDOWN}
    />
  );
}

export function MultiSelectField({ name, label, description, data }: FieldProps & { data: ComboboxItem[] }) {
  const { field, fieldState } = useField(name);
  return (
    <MultiSelect
      comboboxProps={CLOSED_DROPDOWN}
      label={label}
      description={description}
      data={data}
      value={(field.value as string[] | undefined) ?? []}
      onChange={field.onChange}
      onBlur={field.onBlur}
      ref={field.ref}
      error={fieldState.error?.message}
    />
  );
}

export function SegmentedField({ name, label, data }: { name: string; label: string; data: ComboboxItem[] }) {
  const { field } = useField(name);
  return (
    <Stack gap={4}>
      <Input.Label id={`${name}-label`}>{label}</Input.Label>
      <SegmentedControl aria-labelledby={`${name}-label`} data={data} value={(field.value as string | undefined) ?? data[0]!.value} onChange={field.onChange} fullWidth size="xs" />
    </Stack>
  );
}

export function SwitchField({ name, label, description }: FieldProps) {
  const { field } = useField(name);
  return <Switch label={label} description={description} checked={!!field.value} onChange={(e) => field.onChange(e.currentTarget.checked)} />;
}

export function CheckboxField({ name, label, description }: FieldProps) {
  const { field } = useField(name);
  return <Checkbox label={label} description={description} checked={!!field.value} onChange={(e) => field.onChange(e.currentTarget.checked)} />;
}

const UNIT_OPTIONS = DURATION_UNITS.map((u) => ({ value: u, label: u }));

/** A duration: amount and unit side by side. */
export function DurationField({ name, label }: { name: string; label: string }) {
  const amount = useField(`${name}.amount`);
  const unit = useField(`${name}.unit`);
  return (
    <Group gap="xs" align="flex-start" wrap="nowrap">
      <NumberInput
        label={label}
        min={0}
        allowDecimal={false}
        value={(amount.field.value as number | undefined) ?? ''}
        onChange={(v) => amount.field.onChange(v === '' ? '' : Number(v))}
        onBlur={amount.field.onBlur}
        error={amount.fieldState.error?.message}
        style={{ flex: 1 }}
      />
      <Select
        label="Unit"
        data={UNIT_OPTIONS}
        allowDeselect={false}
        value={(unit.field.value as string | undefined) ?? 'days'}
        onChange={(v) => unit.field.onChange(v ?? 'days')}
        comboboxProps={CLOSED_DROPDOWN}
        w={110}
      />
    </Group>
  );
}

/** Reads what a marketer typed as the value to compare with: numbers and true/false as such, else text. */
export function parseScalar(text: string): string | number | boolean {
  if (/^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

export function ScalarField({ name, label, description }: FieldProps) {
  const { field, fieldState } = useField(name);
  const value = field.value as string | number | boolean | null | undefined;
  return (
    <TextInput
      label={label}
      description={description}
      value={value === undefined || value === null ? '' : String(value)}
      onChange={(e) => field.onChange(parseScalar(e.currentTarget.value))}
      onBlur={field.onBlur}
      error={fieldState.error?.message}
    />
  );
}

const OPERATOR_LABELS: Record<(typeof FILTER_OPERATORS)[number], string> = {
  equals: 'equals',
  not_equals: 'does not equal',
  contains: 'contains',
  greater_than: 'is greater than',
  less_than: 'is less than',
  exists: 'is set',
  not_exists: 'is not set',
};
export const OPERATOR_OPTIONS = FILTER_OPERATORS.map((o) => ({ value: o, label: OPERATOR_LABELS[o] }));

function FilterRow({ name, index, onRemove }: { name: string; index: number; onRemove: () => void }) {
  const { watch } = useFormContext();
  const operator = watch(`${name}.${index}.operator`) as string;
  return (
    <Paper withBorder p="xs" radius="sm">
      <Stack gap={6}>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <div style={{ flex: 1 }}>
          <TextField name={`${name}.${index}.property`} label="Property" placeholder="e.g. total" />
        </div>
        <ActionIcon variant="subtle" color="gray" onClick={onRemove} aria-label={`Remove filter ${index + 1}`} mb={4}>
          <IconTrash size={16} />
        </ActionIcon>
      </Group>
      <SelectField name={`${name}.${index}.operator`} label="Condition" data={OPERATOR_OPTIONS} />
      {operator !== 'exists' && operator !== 'not_exists' && <ScalarField name={`${name}.${index}.value`} label="Value" />}
      </Stack>
    </Paper>
  );
}

/** A list of property filters (all must hold). */
export function FiltersField({ name, label }: { name: string; label: string }) {
  const { control } = useFormContext();
  const { fields, append, remove } = useFieldArray({ control, name });
  return (
    <Stack gap="xs">
      <Input.Label>{label}</Input.Label>
      {fields.length === 0 && (
        <Text size="xs" c="dimmed">
          No filters: any event with this name counts.
        </Text>
      )}
      {fields.map((f, i) => (
        <FilterRow key={f.id} name={name} index={i} onRemove={() => remove(i)} />
      ))}
      <Button variant="subtle" size="compact-sm" leftSection={<IconPlus size={14} />} onClick={() => append({ property: '', operator: 'equals', value: '' })} style={{ alignSelf: 'flex-start' }}>
        Add filter
      </Button>
    </Stack>
  );
}
