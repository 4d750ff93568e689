// Side-panel form of a split: the variants of the experiment, their weights (summing to 100), the holdout, and what
// the experiment measures (ExperimentFields).
import { ActionIcon, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useMemo } from 'react';
import { useFieldArray, useFormContext } from 'react-hook-form';
import { splitConfigSchema } from '../../../shared/journey/nodes/split.ts';
import { withExperimentDefaults } from '../experiments/settings.ts';
import { ConfigFormFrame } from './ConfigFormFrame.tsx';
import { ExperimentFields } from './ExperimentFields.tsx';
import { CheckboxField, NumberField, TextField } from './fields.tsx';
import { useConfigForm, type ConfigFormProps } from './useConfigForm.ts';

interface VariantValue {
  key?: string;
  weight?: number | string;
}

/** The first unused variant key of a, b, c, … */
function nextKey(variants: VariantValue[]): string {
  const used = new Set(variants.map((v) => v.key));
  for (let i = 0; i < 26; i++) {
    const key = String.fromCharCode(97 + i);
    if (!used.has(key)) return key;
  }
  return `v${variants.length + 1}`;
}

function Variants() {
  const { control, watch, formState } = useFormContext();
  const { fields, append, remove } = useFieldArray({ control, name: 'variants' });
  const variants = (watch('variants') as VariantValue[] | undefined) ?? [];
  const total = variants.reduce((sum, v) => sum + (typeof v.weight === 'number' ? v.weight : 0), 0);
  const listError = (formState.errors.variants as { message?: string; root?: { message?: string } } | undefined);
  const message = listError?.message ?? listError?.root?.message;
  return (
    <Stack gap="xs">
      {fields.map((f, i) => (
        <Paper key={f.id} withBorder p="xs" radius="sm">
          <Stack gap={6}>
            <Group gap="xs" align="flex-start" wrap="nowrap">
              <div style={{ flex: 1 }}>
                <TextField name={`variants.${i}.label`} label={`Variant ${i + 1}`} />
              </div>
              <div style={{ width: 96 }}>
                <NumberField name={`variants.${i}.weight`} label="Weight" min={0} max={100} suffix="%" />
              </div>
              <ActionIcon variant="subtle" color="gray" onClick={() => remove(i)} aria-label={`Remove variant ${i + 1}`} mt={26} disabled={fields.length <= 2}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
            <Group gap="xs" align="flex-end" wrap="nowrap">
              <div style={{ flex: 1 }}>
                <TextField name={`variants.${i}.key`} label="Key" description="Names the output; keep it once live." />
              </div>
            </Group>
            <CheckboxField name={`variants.${i}.holdout`} label="Holdout (control that gets nothing)" />
          </Stack>
        </Paper>
      ))}
      <Group justify="space-between">
        <Button
          variant="subtle"
          size="compact-sm"
          leftSection={<IconPlus size={14} />}
          disabled={fields.length >= 10}
          onClick={() => {
            const key = nextKey(variants);
            append({ key, label: key.toUpperCase(), weight: 0, holdout: false });
          }}
        >
          Add variant
        </Button>
        <Text size="sm" c={total === 100 ? 'dimmed' : 'red'} fw={500}>
          Total {total}%
        </Text>
      </Group>
      {message && (
        <Text size="xs" c="red">
          {message}
        </Text>
      )}
    </Stack>
  );
}

export function SplitForm({ nodeId, config }: ConfigFormProps) {
  const shown = useMemo(() => withExperimentDefaults(config), [config]);
  const { form } = useConfigForm(splitConfigSchema, { nodeId, config: shown });
  return (
    // The experiment settings stay editable for a manager, who saves them on their own (ExperimentFields).
    <ConfigFormFrame form={form} unlocked={<ExperimentFields nodeId={nodeId} />}>
      <Text size="sm" c="dimmed">
        Each contact gets one variant, by weight; the same contact always gets the same variant.
      </Text>
      <Variants />
    </ConfigFormFrame>
  );
}
