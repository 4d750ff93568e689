// Personas: the buyer types of the workspace, their assignment rules in priority order, and live counts of contacts.
import { zodResolver } from '@hookform/resolvers/zod';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  CloseButton,
  Code,
  Drawer,
  Group,
  Loader,
  Modal,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconArrowDown, IconArrowUp, IconInfoCircle, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Controller, useFieldArray, useForm, useWatch, type Control } from 'react-hook-form';
import type { z } from 'zod';
import {
  COUNT_COMPARISONS,
  describeCondition,
  PERSONA_COLORS,
  personaInputSchema,
  personaRuleSetSchema,
  type PersonaCondition,
  type PersonaRuleSet,
} from '../../shared/contacts/personaRules.ts';
import { FILTER_OPERATORS } from '../../shared/journey/common.ts';
import { errorMessage, useTRPC } from '../api/trpc.ts';
import { PageHeader } from '../ui/PageHeader.tsx';
import { PersonaSwatch } from '../ui/PersonaSwatch.tsx';
import { ErrorState, LoadingState } from '../ui/QueryState.tsx';
import { formatCount } from './contacts/contactUi.tsx';

type FormValues = z.input<typeof personaInputSchema>;

interface PersonaRow {
  key: string;
  name: string;
  description: string;
  color: string;
  rules: PersonaRuleSet;
  members: { count: number; capped: boolean };
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
const COMPARISON_LABELS: Record<(typeof COUNT_COMPARISONS)[number], string> = { at_least: 'at least', at_most: 'at most', exactly: 'exactly' };

const NEW_TRAIT: PersonaCondition = { type: 'trait', trait: '', operator: 'equals', value: '' };
const NEW_EVENT: PersonaCondition = { type: 'event_count', event: '', comparison: 'at_least', count: 1 };

function useInvalidatePersonas() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.personas.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.lifecycle.matrix.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.contacts.pathKey() }),
    ]);
}

/** "Matches 1,234 contacts", recounted a moment after the rules stop changing. */
function LiveCount({ control }: { control: Control<FormValues> }) {
  const trpc = useTRPC();
  const rules = useWatch({ control, name: 'rules' });
  const [debounced] = useDebouncedValue(JSON.stringify(rules), 400);
  const parsed = personaRuleSetSchema.safeParse(JSON.parse(debounced || '{}'));
  const ready = parsed.success && parsed.data.conditions.length > 0;
  const count = useQuery(
    trpc.personas.previewCount.queryOptions({ rules: parsed.success ? parsed.data : { match: 'all', conditions: [] } }, { enabled: ready, placeholderData: keepPreviousData }),
  );
  let text: string;
  if (!ready) text = parsed.success ? 'Without conditions, this persona is only set explicitly (a persona trait).' : 'Finish the conditions to see how many contacts match.';
  else if (count.isError) text = errorMessage(count.error);
  else if (!count.data) text = 'Counting…';
  else text = `These rules match ${formatCount(count.data, 'contact')} now.`;
  return (
    <Paper withBorder radius="md" p="sm" bg="var(--mantine-color-gray-0)">
      <Group gap="xs" wrap="nowrap">
        {count.isFetching && ready ? <Loader size={14} aria-hidden /> : <IconInfoCircle size={16} aria-hidden />}
        <Text size="sm" aria-live="polite" data-testid="live-count">
          {text}
        </Text>
      </Group>
    </Paper>
  );
}

function ConditionRow({ control, index, onRemove }: { control: Control<FormValues>; index: number; onRemove: () => void }) {
  const condition = useWatch({ control, name: `rules.conditions.${index}` }) as PersonaCondition | undefined;
  if (!condition) return null;
  const n = index + 1;
  return (
    <Paper withBorder radius="md" p="sm">
      <Group align="flex-start" gap="sm" wrap="nowrap">
        <Stack gap="xs" style={{ flex: 1 }}>
          <Controller
            control={control}
            name={`rules.conditions.${index}`}
            render={({ field }) => (
              <SegmentedControl
                size="xs"
                aria-label={`Kind of condition ${n}`}
                data={[
                  { value: 'trait', label: 'Trait' },
                  { value: 'event_count', label: 'Event count' },
                ]}
                value={field.value?.type ?? 'trait'}
                onChange={(v) => field.onChange(v === 'trait' ? NEW_TRAIT : NEW_EVENT)}
                style={{ alignSelf: 'flex-start' }}
              />
            )}
          />
          {condition.type === 'trait' ? (
            <Group gap="xs" align="flex-start" wrap="wrap">
              <Controller
                control={control}
                name={`rules.conditions.${index}.trait`}
                render={({ field, fieldState }) => (
                  <TextInput size="xs" label="Trait" placeholder="plan" {...field} value={field.value ?? ''} error={fieldState.error?.message} w={160} />
                )}
              />
              <Controller
                control={control}
                name={`rules.conditions.${index}.operator`}
                render={({ field }) => (
                  <Select
                    size="xs"
                    label="Is"
                    data={FILTER_OPERATORS.map((o) => ({ value: o, label: OPERATOR_LABELS[o] }))}
                    value={field.value}
                    onChange={(v) => v && field.onChange(v)}
                    allowDeselect={false}
                    w={160}
                  />
                )}
              />
              {condition.operator !== 'exists' && condition.operator !== 'not_exists' && (
                <Controller
                  control={control}
                  name={`rules.conditions.${index}.value`}
                  render={({ field, fieldState }) => (
                    <TextInput
                      size="xs"
                      label="Value"
                      placeholder="b2b"
                      value={field.value == null ? '' : String(field.value)}
                      onChange={(e) => field.onChange(e.currentTarget.value)}
                      error={fieldState.error?.message}
                      w={160}
                    />
                  )}
                />
              )}
            </Group>
          ) : (
            <Group gap="xs" align="flex-start" wrap="wrap">
              <Controller
                control={control}
                name={`rules.conditions.${index}.event`}
                render={({ field, fieldState }) => (
                  <TextInput size="xs" label="Event" placeholder="order_completed" {...field} value={field.value ?? ''} error={fieldState.error?.message} w={170} />
                )}
              />
              <Controller
                control={control}
                name={`rules.conditions.${index}.comparison`}
                render={({ field }) => (
                  <Select
                    size="xs"
                    label="Happened"
                    data={COUNT_COMPARISONS.map((c) => ({ value: c, label: COMPARISON_LABELS[c] }))}
                    value={field.value}
                    onChange={(v) => v && field.onChange(v)}
                    allowDeselect={false}
                    w={110}
                  />
                )}
              />
              <Controller
                control={control}
                name={`rules.conditions.${index}.count`}
                render={({ field, fieldState }) => (
                  <NumberInput size="xs" label="Times" min={0} allowDecimal={false} value={field.value} onChange={(v) => field.onChange(typeof v === 'number' ? v : 0)} error={fieldState.error?.message} w={90} />
                )}
              />
              <Controller
                control={control}
                name={`rules.conditions.${index}.withinDays`}
                render={({ field, fieldState }) => (
                  <NumberInput
                    size="xs"
                    label="In the last … days"
                    placeholder="all time"
                    min={1}
                    allowDecimal={false}
                    value={field.value ?? ''}
                    onChange={(v) => field.onChange(typeof v === 'number' ? v : undefined)}
                    error={fieldState.error?.message}
                    w={130}
                  />
                )}
              />
            </Group>
          )}
        </Stack>
        <CloseButton aria-label={`Remove condition ${n}`} onClick={onRemove} />
      </Group>
    </Paper>
  );
}

function PersonaEditor({ persona, opened, onClose }: { persona: PersonaRow | null; opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const invalidate = useInvalidatePersonas();
  const create = useMutation(trpc.personas.create.mutationOptions());
  const update = useMutation(trpc.personas.update.mutationOptions());
  const form = useForm<FormValues>({
    resolver: zodResolver(personaInputSchema),
    values: persona
      ? { name: persona.name, description: persona.description, color: persona.color as FormValues['color'], rules: persona.rules }
      : { name: '', description: '', color: 'indigo', rules: { match: 'all', conditions: [NEW_TRAIT] } },
  });
  const conditions = useFieldArray({ control: form.control, name: 'rules.conditions' });
  const error = create.error ?? update.error;
  const close = () => {
    create.reset();
    update.reset();
    onClose();
  };
  const onSubmit = form.handleSubmit(async (values) => {
    const input = personaInputSchema.parse(values);
    const done = await (persona ? update.mutateAsync({ ...input, key: persona.key }) : create.mutateAsync(input)).then(
      (r) => r,
      () => null,
    );
    if (!done) return;
    await invalidate();
    notifications.show({
      color: 'teal',
      message: `${input.name} saved; ${done.reassigned.toLocaleString()} contact${done.reassigned === 1 ? '' : 's'} reassigned.`,
    });
    close();
  });
  const errors = form.formState.errors;
  return (
    <Drawer opened={opened} onClose={close} position="right" size="xl" title={persona ? `Edit ${persona.name}` : 'New persona'}>
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="md">
          {error && (
            <Alert color="red" variant="light" role="alert">
              {errorMessage(error)}
            </Alert>
          )}
          <Group grow align="flex-start">
            <TextInput label="Name" required {...form.register('name')} error={errors.name && `Name ${errors.name.message}`} data-autofocus />
            <Controller
              control={form.control}
              name="color"
              render={({ field }) => (
                <Select
                  label="Colour"
                  data={PERSONA_COLORS.map((c) => ({ value: c, label: c[0]!.toUpperCase() + c.slice(1) }))}
                  value={field.value}
                  onChange={(v) => v && field.onChange(v)}
                  allowDeselect={false}
                  leftSection={<PersonaSwatch color={field.value} size={14} />}
                  renderOption={({ option }) => (
                    <Group gap="xs">
                      <PersonaSwatch color={option.value} size={12} />
                      {option.label}
                    </Group>
                  )}
                />
              )}
            />
          </Group>
          <Textarea label="Description" autosize minRows={2} {...form.register('description')} error={errors.description && `Description ${errors.description.message}`} />

          <Stack gap="xs">
            <Group justify="space-between" align="flex-end">
              <div>
                <Text size="sm" fw={500}>
                  Rules
                </Text>
                <Text size="xs" c="dimmed">
                  Over traits and event history. A persona trait sent by your shop overrides them.
                </Text>
              </div>
              <Controller
                control={form.control}
                name="rules.match"
                render={({ field }) => (
                  <SegmentedControl
                    size="xs"
                    aria-label="Which conditions must hold"
                    data={[
                      { value: 'all', label: 'All conditions' },
                      { value: 'any', label: 'Any condition' },
                    ]}
                    value={field.value ?? 'all'}
                    onChange={field.onChange}
                  />
                )}
              />
            </Group>
            {conditions.fields.map((f, i) => (
              <ConditionRow key={f.id} control={form.control} index={i} onRemove={() => conditions.remove(i)} />
            ))}
            {conditions.fields.length === 0 && (
              <Text size="sm" c="dimmed">
                No conditions: contacts get this persona only when it is set explicitly.
              </Text>
            )}
            <Group gap="xs">
              <Button size="xs" variant="light" leftSection={<IconPlus size={14} aria-hidden />} onClick={() => conditions.append(NEW_TRAIT)}>
                Trait condition
              </Button>
              <Button size="xs" variant="light" leftSection={<IconPlus size={14} aria-hidden />} onClick={() => conditions.append(NEW_EVENT)}>
                Event condition
              </Button>
            </Group>
          </Stack>
          <LiveCount control={form.control} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={form.formState.isSubmitting}>
              {persona ? 'Save and reassign contacts' : 'Create persona'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Drawer>
  );
}

function DeleteModal({ persona, onClose }: { persona: PersonaRow | null; onClose: () => void }) {
  const trpc = useTRPC();
  const invalidate = useInvalidatePersonas();
  const remove = useMutation(trpc.personas.remove.mutationOptions());
  const close = () => {
    remove.reset();
    onClose();
  };
  async function confirm() {
    if (!persona) return;
    await remove.mutateAsync({ key: persona.key });
    await invalidate();
    notifications.show({ message: `${persona.name} was deleted.` });
    close();
  }
  return (
    <Modal opened={persona !== null} onClose={close} title="Delete persona">
      <Stack gap="sm">
        {remove.error && (
          <Alert color="red" variant="light" role="alert">
            {errorMessage(remove.error)}
          </Alert>
        )}
        <Text size="sm">
          {persona?.name} is removed from the lifecycle matrix, and its contacts get the next persona whose rules match.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red" onClick={() => confirm().catch(() => undefined)} loading={remove.isPending}>
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function PersonasPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.users.me.queryOptions());
  const personas = useQuery(trpc.personas.listWithRules.queryOptions());
  const invalidate = useInvalidatePersonas();
  const reorder = useMutation(
    trpc.personas.reorder.mutationOptions({
      onSuccess: () => invalidate(),
      onError: (e) => notifications.show({ color: 'red', title: 'Order not changed', message: errorMessage(e) }),
    }),
  );
  const [editing, setEditing] = useState<PersonaRow | 'new' | null>(null);
  const [deleting, setDeleting] = useState<PersonaRow | null>(null);
  const canEdit = me.data?.role === 'admin' || me.data?.role === 'marketer';

  function move(index: number, by: -1 | 1) {
    const keys = (personas.data ?? []).map((p) => p.key);
    const [key] = keys.splice(index, 1);
    keys.splice(index + by, 0, key!);
    reorder.mutate({ keys });
  }

  return (
    <>
      <PageHeader
        title="Personas"
        description="Buyer types your journeys are drawn for. A contact gets the first persona whose rules match, top to bottom; a persona trait sent by your shop overrides the rules."
        actions={
          canEdit && (
            <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setEditing('new')}>
              New persona
            </Button>
          )
        }
      />
      {personas.isPending && <LoadingState label="Loading personas" />}
      {personas.isError && <ErrorState error={personas.error} onRetry={() => personas.refetch()} />}
      {personas.data && personas.data.length === 0 && (
        <Alert variant="light" icon={<IconInfoCircle aria-hidden />}>
          No personas yet. Without personas, every journey is for all contacts.
        </Alert>
      )}
      {personas.data && (
        <Stack gap="md" aria-label="Personas in priority order">
          {personas.data.map((p, index) => (
            <Card key={p.key} withBorder padding="lg" radius="md" aria-label={p.name} component="section">
              <Group justify="space-between" align="flex-start" wrap="nowrap">
                <Stack gap={6} style={{ minWidth: 0 }}>
                  <Group gap="xs" wrap="nowrap">
                    <Badge variant="light" color="gray" aria-label={`Priority ${index + 1}`}>
                      #{index + 1}
                    </Badge>
                    <PersonaSwatch color={p.color} size={14} />
                    <Title order={2} size="h4">
                      {p.name}
                    </Title>
                    <Code>{p.key}</Code>
                  </Group>
                  {p.description && (
                    <Text size="sm" c="dimmed">
                      {p.description}
                    </Text>
                  )}
                  <Text size="sm">
                    {p.rules.conditions.length === 0 ? (
                      <Text span c="dimmed" size="sm">
                        No rules: set explicitly only.
                      </Text>
                    ) : (
                      <>
                        <Text span c="dimmed" size="sm">
                          Rules:{' '}
                        </Text>
                        {p.rules.conditions.map(describeCondition).join(p.rules.match === 'all' ? ' and ' : ' or ')}
                      </>
                    )}
                  </Text>
                </Stack>
                <Stack gap="xs" align="flex-end">
                  <Text size="sm" fw={500} style={{ whiteSpace: 'nowrap' }}>
                    {formatCount(p.members, 'contact')}
                  </Text>
                  {canEdit && (
                    <Group gap={4} wrap="nowrap">
                      <Tooltip label="Try earlier">
                        <ActionIcon variant="subtle" color="gray" aria-label={`Move ${p.name} up`} disabled={index === 0 || reorder.isPending} onClick={() => move(index, -1)}>
                          <IconArrowUp size={16} aria-hidden />
                        </ActionIcon>
                      </Tooltip>
                      <Tooltip label="Try later">
                        <ActionIcon
                          variant="subtle"
                          color="gray"
                          aria-label={`Move ${p.name} down`}
                          disabled={index === personas.data.length - 1 || reorder.isPending}
                          onClick={() => move(index, 1)}
                        >
                          <IconArrowDown size={16} aria-hidden />
                        </ActionIcon>
                      </Tooltip>
                      <Tooltip label="Edit">
                        <ActionIcon variant="subtle" aria-label={`Edit ${p.name}`} onClick={() => setEditing(p)}>
                          <IconPencil size={16} aria-hidden />
                        </ActionIcon>
                      </Tooltip>
                      <Tooltip label="Delete">
                        <ActionIcon variant="subtle" color="red" aria-label={`Delete ${p.name}`} onClick={() => setDeleting(p)}>
                          <IconTrash size={16} aria-hidden />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  )}
                </Stack>
              </Group>
            </Card>
          ))}
        </Stack>
      )}
      <PersonaEditor persona={editing === 'new' ? null : editing} opened={editing !== null} onClose={() => setEditing(null)} />
      <DeleteModal persona={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}
