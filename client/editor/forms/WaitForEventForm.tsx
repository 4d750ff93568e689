// Side-panel form of a wait for event: the awaited event, optional correlation with the entry event, timeout.
import { Switch } from '@mantine/core';
import { waitForEventConfigSchema } from '../../../shared/journey/nodes/waitForEvent.ts';
import { ConfigFormFrame } from './ConfigFormFrame.tsx';
import { DurationField, FiltersField, TextField } from './fields.tsx';
import { useConfigForm, type ConfigFormProps } from './useConfigForm.ts';

export function WaitForEventForm(props: ConfigFormProps) {
  const { form } = useConfigForm(waitForEventConfigSchema, props);
  const correlated = form.watch('correlate') !== undefined;
  return (
    <ConfigFormFrame form={form}>
      <TextField name="event" label="Event name" placeholder="e.g. order_completed" />
      <FiltersField name="filters" label="Only when the event's properties match" />
      <Switch
        label="Must belong to the entry event"
        description="e.g. the order whose cart_id is the abandoned cart's cart_id"
        checked={correlated}
        onChange={(e) =>
          form.setValue('correlate', e.currentTarget.checked ? { eventProperty: '', entryProperty: '' } : undefined, { shouldValidate: true })
        }
      />
      {correlated && (
        <>
          <TextField name="correlate.eventProperty" label="Property of the awaited event" placeholder="cart_id" />
          <TextField name="correlate.entryProperty" label="Equals this property of the entry event" placeholder="cart_id" />
        </>
      )}
      <DurationField name="timeout" label="Give up after" />
    </ConfigFormFrame>
  );
}
