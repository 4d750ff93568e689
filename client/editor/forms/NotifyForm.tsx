// Side-panel form of a notify step: the team address, subject and message of the internal email.
import { notifyConfigSchema } from '../../../shared/journey/nodes/notify.ts';
import { ConfigFormFrame } from './ConfigFormFrame.tsx';
import { TextareaField, TextField } from './fields.tsx';
import { useConfigForm, type ConfigFormProps } from './useConfigForm.ts';

export function NotifyForm(props: ConfigFormProps) {
  const { form } = useConfigForm(notifyConfigSchema, props);
  return (
    <ConfigFormFrame form={form}>
      <TextField name="to" label="Team address" placeholder="sales@example.com" type="email" />
      <TextField name="subject" label="Subject" description="Liquid works here, e.g. {{ contact.email }}." />
      <TextareaField name="message" label="Message" />
    </ConfigFormFrame>
  );
}
