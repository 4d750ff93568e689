// Side-panel form of the trigger: what makes a contact enter the journey.
import { Select, Text } from '@mantine/core';
import { triggerConfigSchema, type TriggerConfig } from '../../../shared/journey/nodes/trigger.ts';
import { useReferences } from '../EditorContext.tsx';
import { ConfigFormFrame } from './ConfigFormFrame.tsx';
import { CLOSED_DROPDOWN, FiltersField, NumberField, SelectField, TextField } from './fields.tsx';
import { useConfigForm, type ConfigFormProps } from './useConfigForm.ts';

type On = TriggerConfig['on'];

const STARTS: { value: On; label: string }[] = [
  { value: 'subscription_confirmed', label: 'Subscription confirmed' },
  { value: 'event', label: 'An event' },
  { value: 'phase_entered', label: 'Enters a phase' },
  { value: 'persona_entered', label: 'Becomes a persona' },
  { value: 'date_anniversary', label: 'Each year on a date' },
  { value: 'manual', label: 'Added manually or by API' },
];

function startConfig(on: On, firstPersona: string | undefined): Record<string, unknown> {
  switch (on) {
    case 'event':
      return { on, event: '', filters: [] };
    case 'phase_entered':
      return { on, phase: 'subscriber' };
    case 'persona_entered':
      return { on, persona: firstPersona ?? '' };
    case 'date_anniversary':
      return { on, trait: 'birthday', hour: 9 };
    case 'subscription_confirmed':
    case 'manual':
      return { on };
    default:
      return on satisfies never;
  }
}

export function TriggerForm(props: ConfigFormProps) {
  const { form, replace } = useConfigForm(triggerConfigSchema, props);
  const refs = useReferences();
  const on = form.watch('on') as On | undefined;
  return (
    <ConfigFormFrame form={form}>
      <Select
        label="Starts when"
        data={STARTS}
        comboboxProps={CLOSED_DROPDOWN}
        allowDeselect={false}
        value={on ?? null}
        onChange={(v) => v && replace(startConfig(v as On, refs.personas[0]?.key))}
        error={form.formState.errors.on?.message as string | undefined}
      />
      {on === 'event' && (
        <>
          <TextField name="event" label="Event name" placeholder="e.g. cart_abandoned" />
          <FiltersField name="filters" label="Only when the event's properties match" />
          <TextField
            name="entryKeyProperty"
            label="One run per value of (optional)"
            description="An event property such as cart_id: each value enrols once, and two values run side by side."
            optional
          />
        </>
      )}
      {on === 'phase_entered' && (
        <SelectField name="phase" label="Phase" data={refs.phases.map((p) => ({ value: p.key, label: p.label }))} />
      )}
      {on === 'persona_entered' && (
        <SelectField name="persona" label="Persona" data={refs.personas.map((p) => ({ value: p.key, label: p.name }))} />
      )}
      {on === 'date_anniversary' && (
        <>
          <TextField name="trait" label="Date trait" placeholder="e.g. birthday" />
          <NumberField name="hour" label="Hour of day (contact's time zone)" min={0} max={23} />
        </>
      )}
      {on === 'subscription_confirmed' && (
        <Text size="sm" c="dimmed">
          Contacts enter when they confirm their subscription (double opt-in).
        </Text>
      )}
      {on === 'manual' && (
        <Text size="sm" c="dimmed">
          Contacts enter when added by hand or through the API.
        </Text>
      )}
    </ConfigFormFrame>
  );
}
