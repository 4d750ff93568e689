// Lifecycle settings: phase labels, which events count as purchase, referral, review and engagement, and the
// inactivity window after which the daily check marks contacts lapsed.
import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Group, NumberInput, Paper, SimpleGrid, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconInfoCircle } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Controller, useFieldArray, useForm } from 'react-hook-form';
import { z } from 'zod';
import { lifecycleSettingsSchema } from '../../../shared/contacts/lifecycle.ts';
import { phaseKeySchema } from '../../../shared/lifecycle/phases.ts';
import { errorMessage, useTRPC } from '../../api/trpc.ts';
import { ErrorState, LoadingState } from '../../ui/QueryState.tsx';

const formSchema = z.object({
  rules: lifecycleSettingsSchema,
  labels: z.array(z.object({ key: phaseKeySchema, label: z.string().trim().min(1, 'is required').max(40, 'must be at most 40 characters') })),
});
type FormValues = z.input<typeof formSchema>;

const EVENT_FIELDS = [
  { name: 'purchaseEvents', label: 'Purchase events', description: 'The first makes a customer, the second a loyal customer.' },
  { name: 'referralEvents', label: 'Referral events', description: 'Make an advocate. referral_converted, which Kairos records when someone the contact referred confirms, always counts.' },
  { name: 'reviewEvents', label: 'Review events', description: 'Make an advocate.' },
  { name: 'engagementEvents', label: 'Engagement events', description: 'Make a prospect or subscriber engaged; Kairos records email opens and clicks as $email_opened and $email_clicked.' },
] as const;

export function LifecyclePanel({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.lifecycleSettings.get.queryOptions());
  const save = useMutation(trpc.lifecycleSettings.save.mutationOptions());
  const form = useForm<FormValues>({ resolver: zodResolver(formSchema) });
  const labels = useFieldArray({ control: form.control, name: 'labels' });

  useEffect(() => {
    if (current.data) {
      form.reset({ rules: current.data.rules, labels: current.data.phases.map((p) => ({ key: p.key, label: p.label })) });
    }
  }, [current.data, form]);

  if (current.isPending) return <LoadingState label="Loading lifecycle settings" />;
  if (current.isError) return <ErrorState error={current.error} onRetry={() => current.refetch()} />;

  const onSubmit = form.handleSubmit(async (values) => {
    const parsed = formSchema.parse(values);
    const ok = await save.mutateAsync(parsed).then(() => true, () => false);
    if (!ok) return;
    await queryClient.invalidateQueries({ queryKey: trpc.lifecycleSettings.get.queryKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.lifecycle.matrix.queryKey() });
    notifications.show({ color: 'teal', message: 'Lifecycle settings saved. New events follow them from now on.' });
  });
  const errors = form.formState.errors;

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="lg" maw={880}>
        {!canEdit && (
          <Alert variant="light" color="gray" icon={<IconInfoCircle aria-hidden />}>
            Marketers and admins change these settings; you can read them.
          </Alert>
        )}
        {save.error && (
          <Alert color="red" variant="light" role="alert">
            {errorMessage(save.error)}
          </Alert>
        )}
        <Paper withBorder radius="md" p="lg">
          <Title order={2} size="h5">
            Rules
          </Title>
          <Text size="sm" c="dimmed" mb="md">
            Kairos moves contacts between phases when these events arrive. Journeys can set phases too; every change is recorded with its cause.
          </Text>
          <Stack gap="md">
            {EVENT_FIELDS.map((f) => (
              <Controller
                key={f.name}
                control={form.control}
                name={`rules.${f.name}`}
                render={({ field }) => (
                  <TagsInput
                    label={f.label}
                    description={f.description}
                    placeholder="Type an event name and press Enter"
                    value={field.value ?? []}
                    onChange={field.onChange}
                    disabled={!canEdit}
                    error={errors.rules?.[f.name]?.message}
                    clearable
                  />
                )}
              />
            ))}
            <Controller
              control={form.control}
              name="rules.inactivityDays"
              render={({ field }) => (
                <NumberInput
                  label="Inactivity window (days)"
                  description="A contact with no purchase or engagement for this long becomes lapsed (checked daily)."
                  min={1}
                  max={3650}
                  allowDecimal={false}
                  value={field.value}
                  onChange={(v) => field.onChange(typeof v === 'number' ? v : Number(v))}
                  disabled={!canEdit}
                  error={errors.rules?.inactivityDays?.message}
                  w={320}
                />
              )}
            />
          </Stack>
        </Paper>
        <Paper withBorder radius="md" p="lg">
          <Title order={2} size="h5">
            Phase labels
          </Title>
          <Text size="sm" c="dimmed" mb="md">
            How phases are called across Kairos. Their keys stay fixed, so journeys and API calls keep working.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
            {labels.fields.map((f, i) => (
              <TextInput
                key={f.id}
                label={`Label of ${f.key}`}
                {...form.register(`labels.${i}.label`)}
                disabled={!canEdit}
                error={errors.labels?.[i]?.label?.message}
              />
            ))}
          </SimpleGrid>
        </Paper>
        {canEdit && (
          <Group justify="flex-end">
            <Button variant="default" onClick={() => current.data && form.reset()} disabled={!form.formState.isDirty}>
              Discard changes
            </Button>
            <Button type="submit" loading={form.formState.isSubmitting}>
              Save lifecycle settings
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
