// Side-panel form of an update-contact step: the traits to set and their values.
import { ActionIcon, Button, Group, Stack, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useFieldArray, useFormContext } from 'react-hook-form';
import { updateContactConfigSchema } from '../../../shared/journey/nodes/updateContact.ts';
import { ConfigFormFrame } from './ConfigFormFrame.tsx';
import { ScalarField, TextField } from './fields.tsx';
import { useConfigForm, type ConfigFormProps } from './useConfigForm.ts';

function Assignments() {
  const { control, formState } = useFormContext();
  const { fields, append, remove } = useFieldArray({ control, name: 'assignments' });
  const listError = (formState.errors.assignments as { message?: string } | undefined)?.message;
  return (
    <Stack gap="xs">
      {fields.map((f, i) => (
        <Group key={f.id} gap="xs" align="flex-start" wrap="nowrap">
          <div style={{ flex: 1 }}>
            <TextField name={`assignments.${i}.trait`} label="Trait" placeholder="e.g. plan" />
          </div>
          <div style={{ flex: 1 }}>
            <ScalarField name={`assignments.${i}.value`} label="Value" />
          </div>
          <ActionIcon variant="subtle" color="gray" onClick={() => remove(i)} aria-label={`Remove trait ${i + 1}`} mt={26}>
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      {listError && (
        <Text size="xs" c="red">
          {listError}
        </Text>
      )}
      <Button variant="subtle" size="compact-sm" leftSection={<IconPlus size={14} />} onClick={() => append({ trait: '', value: '' })} style={{ alignSelf: 'flex-start' }}>
        Add trait
      </Button>
    </Stack>
  );
}

export function UpdateContactForm(props: ConfigFormProps) {
  const { form } = useConfigForm(updateContactConfigSchema, props);
  return (
    <ConfigFormFrame form={form}>
      <Text size="xs" c="dimmed">
        Numbers and true/false are stored as such; anything else as text.
      </Text>
      <Assignments />
    </ConfigFormFrame>
  );
}
