// Side-panel form of a webhook step: the URL that receives the contact and the entry event as JSON.
import { Text } from '@mantine/core';
import { webhookConfigSchema } from '../../../shared/journey/nodes/webhook.ts';
import { ConfigFormFrame } from './ConfigFormFrame.tsx';
import { TextField } from './fields.tsx';
import { useConfigForm, type ConfigFormProps } from './useConfigForm.ts';

export function WebhookForm(props: ConfigFormProps) {
  const { form } = useConfigForm(webhookConfigSchema, props);
  return (
    <ConfigFormFrame form={form}>
      <TextField name="url" label="URL" placeholder="https://example.com/hooks/kairos" type="url" />
      <Text size="xs" c="dimmed">
        Kairos POSTs the contact and the entry event as JSON, and retries when the other side fails.
      </Text>
    </ConfigFormFrame>
  );
}
