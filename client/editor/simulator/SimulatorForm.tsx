// The simulator's set-up: the contact (picked or described), when it enters, the events it does, and engagement.
import { ActionIcon, Autocomplete, Button, Divider, Group, NumberInput, Paper, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useMemo } from 'react';
import { useController, useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import { DURATION_UNITS } from '../../../shared/journey/common.ts';
import { DEFAULT_PHASES } from '../../../shared/lifecycle/phases.ts';
import { useReferences } from '../EditorContext.tsx';
import { CheckboxField, CLOSED_DROPDOWN, NumberField, SelectField, TextField } from '../forms/fields.tsx';
import { ContactPicker } from './ContactPicker.tsx';
import { NO_PERSONA, SUBSCRIPTIONS, timeZoneNames, zoneOf, type SimulatorValues } from './request.ts';

const UNIT_OPTIONS = DURATION_UNITS.map((u) => ({ value: u, label: u }));

function Section({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <Stack gap="xs" component="section" aria-label={title}>
      <div>
        <Title order={3} size="h6">
          {title}
        </Title>
        {description && (
          <Text size="xs" c="dimmed">
            {description}
          </Text>
        )}
      </div>
      {children}
    </Stack>
  );
}

/** Rows of name and value (traits of the contact, properties of an event), each removable. */
function KeyValueRows({ name, noun, keyLabel, addLabel }: { name: `traits` | `events.${number}.properties`; noun: string; keyLabel: string; addLabel: string }) {
  const { control, register, formState } = useFormContext<SimulatorValues>();
  const { fields, append, remove } = useFieldArray({ control, name });
  const errorAt = (i: number) => {
    const rows = name === 'traits' ? formState.errors.traits : formState.errors.events?.[Number(name.split('.')[1])]?.properties;
    return (rows as { key?: { message?: string } }[] | undefined)?.[i]?.key?.message;
  };
  return (
    <Stack gap={6}>
      {fields.map((field, i) => (
        <Group key={field.id} gap="xs" align="flex-start" wrap="nowrap">
          <TextInput size="xs" aria-label={`Name of ${noun} ${i + 1}`} placeholder={keyLabel} {...register(`${name}.${i}.key`)} error={errorAt(i)} style={{ flex: 1 }} />
          <TextInput size="xs" aria-label={`Value of ${noun} ${i + 1}`} placeholder="value" {...register(`${name}.${i}.value`)} style={{ flex: 1 }} />
          <ActionIcon variant="subtle" color="gray" aria-label={`Remove ${noun} ${i + 1}`} onClick={() => remove(i)} mt={2}>
            <IconTrash size={14} />
          </ActionIcon>
        </Group>
      ))}
      <Button variant="subtle" size="compact-xs" leftSection={<IconPlus size={12} />} onClick={() => append({ key: '', value: '' })} style={{ alignSelf: 'flex-start' }}>
        {addLabel}
      </Button>
    </Stack>
  );
}

function SourceControl() {
  const { field } = useController<SimulatorValues, 'source'>({ name: 'source' });
  return (
    <SegmentedControl
      aria-label="Who goes through the journey"
      fullWidth
      size="xs"
      data={[
        { value: 'describe', label: 'Describe a contact' },
        { value: 'pick', label: 'Pick a contact' },
      ]}
      value={field.value}
      onChange={(v) => field.onChange(v as SimulatorValues['source'])}
    />
  );
}

function StartField({ zone }: { zone: string }) {
  const { field, fieldState } = useController<SimulatorValues, 'start'>({ name: 'start' });
  return (
    <TextInput
      type="datetime-local"
      label="Enters at"
      description={`In ${zone} time`}
      value={field.value}
      onChange={(e) => field.onChange(e.currentTarget.value)}
      onBlur={field.onBlur}
      ref={field.ref}
      error={fieldState.error?.message}
    />
  );
}

function ScriptedEvent({ index, eventNames, onRemove }: { index: number; eventNames: string[]; onRemove: () => void }) {
  const name = useController<SimulatorValues, `events.${number}.name`>({ name: `events.${index}.name` });
  const after = useController<SimulatorValues, `events.${number}.after`>({ name: `events.${index}.after` });
  const unit = useController<SimulatorValues, `events.${number}.unit`>({ name: `events.${index}.unit` });
  return (
    <Paper withBorder p="xs" radius="md" bg="gray.0" component="li" aria-label={`Scripted event ${index + 1}`}>
      <Stack gap={6}>
        <Group gap="xs" align="flex-start" wrap="nowrap">
          <Autocomplete
            size="xs"
            label={`Event ${index + 1}`}
            placeholder="order_completed"
            data={eventNames}
            value={name.field.value}
            onChange={name.field.onChange}
            onBlur={name.field.onBlur}
            error={name.fieldState.error?.message}
            comboboxProps={CLOSED_DROPDOWN}
            style={{ flex: 1 }}
          />
          <ActionIcon variant="subtle" color="gray" aria-label={`Remove event ${index + 1}`} onClick={onRemove} mt={22}>
            <IconTrash size={14} />
          </ActionIcon>
        </Group>
        <Group gap="xs" align="flex-start" wrap="nowrap">
          <NumberInput
            size="xs"
            label="After the start"
            min={0}
            value={after.field.value}
            onChange={(v) => after.field.onChange(v === '' ? Number.NaN : Number(v))}
            onBlur={after.field.onBlur}
            error={after.fieldState.error?.message}
            style={{ flex: 1 }}
          />
          <Select
            size="xs"
            label="Unit"
            data={UNIT_OPTIONS}
            allowDeselect={false}
            value={unit.field.value}
            onChange={(v) => unit.field.onChange(v ?? 'days')}
            comboboxProps={CLOSED_DROPDOWN}
            w={110}
          />
        </Group>
        <Text size="xs" fw={500}>
          Properties
        </Text>
        <KeyValueRows name={`events.${index}.properties`} noun="property" keyLabel="Property" addLabel="Add property" />
      </Stack>
    </Paper>
  );
}

function EventScript({ eventNames }: { eventNames: string[] }) {
  const { control } = useFormContext<SimulatorValues>();
  const { fields, append, remove } = useFieldArray({ control, name: 'events' });
  return (
    <Stack gap="xs">
      {fields.length === 0 ? (
        <Text size="xs" c="dimmed">
          No events: the contact does nothing but receive the journey.
        </Text>
      ) : (
        <Stack gap="xs" component="ol" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Scripted events">
          {fields.map((f, i) => (
            <ScriptedEvent key={f.id} index={i} eventNames={eventNames} onRemove={() => remove(i)} />
          ))}
        </Stack>
      )}
      <Button
        variant="light"
        size="xs"
        leftSection={<IconPlus size={14} />}
        onClick={() => append({ name: eventNames[0] ?? '', after: 1, unit: 'days', properties: [] })}
        style={{ alignSelf: 'flex-start' }}
      >
        Add event
      </Button>
    </Stack>
  );
}

function DescribedContact() {
  const { personas, phases } = useReferences();
  const zones = useMemo(() => timeZoneNames(), []);
  const phaseOptions = (phases.length > 0 ? phases : DEFAULT_PHASES).map((p) => ({ value: p.key, label: p.label }));
  return (
    <Stack gap="xs">
      <TextField name="email" label="Email" type="email" />
      <SimpleGrid cols={2} spacing="xs" verticalSpacing="xs">
        <SelectField name="personaKey" label="Persona" data={[{ value: NO_PERSONA, label: 'No persona' }, ...personas.map((p) => ({ value: p.key, label: p.name }))]} />
        <SelectField name="phase" label="Phase" data={phaseOptions} />
        <SelectField name="subscription" label="Subscription" data={SUBSCRIPTIONS.map((s) => ({ value: s.value, label: s.label }))} />
        <SelectField name="timezone" label="Time zone" data={zones} nothingFound="No such time zone" />
      </SimpleGrid>
      <Text size="sm" fw={500}>
        Traits
      </Text>
      <KeyValueRows name="traits" noun="trait" keyLabel="Trait" addLabel="Add trait" />
    </Stack>
  );
}

export function SimulatorForm({ eventNames, pickedZone }: { eventNames: string[]; pickedZone: string | null }) {
  const source = useWatch<SimulatorValues, 'source'>({ name: 'source' });
  const describedZone = useWatch<SimulatorValues, 'timezone'>({ name: 'timezone' });
  const zone = source === 'pick' ? zoneOf(pickedZone) : zoneOf(describedZone);
  return (
    <Stack gap="lg">
      <Section title="Contact">
        <SourceControl />
        {source === 'pick' ? <ContactPicker /> : <DescribedContact />}
      </Section>
      <Divider />
      <Section title="Time">
        <SimpleGrid cols={2} spacing="xs">
          <StartField zone={zone} />
          <NumberField name="horizonDays" label="Run for" description="Days after entering" suffix=" days" min={1} max={730} />
        </SimpleGrid>
      </Section>
      <Divider />
      <Section title="Events the contact does" description="Times count from the start. Goal and exit events take effect as they would live.">
        <EventScript eventNames={eventNames} />
      </Section>
      <Divider />
      <Section title="Engagement" description="Conditions on opens and clicks read these.">
        <Group gap="lg">
          <CheckboxField name="opens" label="Opens the emails" />
          <CheckboxField name="clicks" label="Clicks the emails" />
        </Group>
      </Section>
    </Stack>
  );
}
