// Templates: the emails journeys send, by moment, with the layouts and partials they share; create a template from scratch or a copy.
import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Anchor, Badge, Button, Card, Group, Modal, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconLayoutNavbar, IconMailPlus, IconPuzzle, IconSearch } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { Link, useNavigate } from 'react-router';
import { z } from 'zod';
import { MOMENT_KEYS, STARTER_MOMENTS, type MomentKey } from '../../shared/lifecycle/moments.ts';
import { templateIdSchema } from '../../shared/mail/settings.ts';
import { errorMessage, useTRPC } from '../api/trpc.ts';
import { PageHeader } from '../ui/PageHeader.tsx';
import { ErrorState, LoadingState } from '../ui/QueryState.tsx';

const MOMENT_LABELS = Object.fromEntries(STARTER_MOMENTS.map((m) => [m.key, m.label])) as Record<MomentKey, string>;

const newTemplateSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(120),
  id: templateIdSchema,
  moment: z.enum(MOMENT_KEYS).nullable(),
  copyFrom: z.string().nullable(),
});

/** A template id from its name: "Spring sale 2025" → spring_sale_2025. */
function slug(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^\w\s]/g, '').trim().replace(/\s+/g, '_').replace(/^_+|_+$/g, '').slice(0, 63);
}

function NewTemplateModal({ opened, onClose, templates }: { opened: boolean; onClose(): void; templates: { id: string; name: string }[] }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation(trpc.templates.create.mutationOptions());
  const form = useForm({ resolver: zodResolver(newTemplateSchema), defaultValues: { name: '', id: '', moment: null as MomentKey | null, copyFrom: null as string | null } });
  const [idTouched, setIdTouched] = useState(false);
  const close = () => {
    form.reset();
    create.reset();
    setIdTouched(false);
    onClose();
  };
  const onSubmit = form.handleSubmit(async (values) => {
    const created = await create.mutateAsync(values).catch(() => null);
    if (!created) return;
    await queryClient.invalidateQueries({ queryKey: trpc.templates.list.queryKey() });
    notifications.show({ color: 'teal', message: `Template "${values.name}" created.` });
    close();
    navigate(`/templates/${created.id}`);
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <Modal opened={opened} onClose={close} title="New template">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          {create.error && <Alert color="red" variant="light" role="alert">{errorMessage(create.error)}</Alert>}
          <TextInput
            label="Name"
            required
            data-autofocus
            {...form.register('name', { onChange: (e: React.ChangeEvent<HTMLInputElement>) => !idTouched && form.setValue('id', slug(e.target.value)) })}
            error={errors.name && `Name ${errors.name.message}`}
          />
          <TextInput
            label="Template id"
            description="What email nodes refer to; it cannot be changed later."
            required
            ff="monospace"
            {...form.register('id', { onChange: () => setIdTouched(true) })}
            error={errors.id && `Template id ${errors.id.message}`}
          />
          <Controller
            control={form.control}
            name="moment"
            render={({ field }) => (
              <Select label="Moment" placeholder="General (any moment)" clearable data={STARTER_MOMENTS.map((m) => ({ value: m.key, label: m.label }))} value={field.value} onChange={(v) => field.onChange(v)} />
            )}
          />
          <Controller
            control={form.control}
            name="copyFrom"
            render={({ field }) => (
              <Select
                label="Start from"
                placeholder="A blank marketing email"
                clearable
                searchable
                data={templates.map((t) => ({ value: t.id, label: t.name }))}
                value={field.value}
                onChange={(v) => field.onChange(v)}
              />
            )}
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>Cancel</Button>
            <Button type="submit" loading={isSubmitting}>Create template</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function TemplatesPage() {
  const trpc = useTRPC();
  const list = useQuery(trpc.templates.list.queryOptions());
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);

  const groups = useMemo(() => {
    const term = search.trim().toLowerCase();
    const matching = (list.data?.templates ?? []).filter(
      (t) => !term || t.name.toLowerCase().includes(term) || t.id.includes(term) || t.subject.toLowerCase().includes(term),
    );
    const keys: Array<MomentKey | null> = [...MOMENT_KEYS, null];
    return keys.map((moment) => ({ moment, templates: matching.filter((t) => t.moment === moment) })).filter((g) => g.templates.length > 0);
  }, [list.data, search]);

  return (
    <>
      <PageHeader
        title="Templates"
        description="The emails your journeys send, written in MJML with Liquid. Every save is a new version; layouts and partials are shared by all templates."
        actions={
          <Button leftSection={<IconMailPlus size={16} aria-hidden />} onClick={() => setCreating(true)} disabled={!list.data}>
            New template
          </Button>
        }
      />
      {list.isPending && <LoadingState label="Loading templates" />}
      {list.isError && <ErrorState error={list.error} onRetry={() => list.refetch()} />}
      {list.data && (
        <Stack gap="xl">
          <TextInput
            leftSection={<IconSearch size={16} aria-hidden />}
            placeholder="Search by name, id or subject"
            aria-label="Search templates"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            maw={420}
          />
          {groups.length === 0 && (
            <Paper withBorder p="xl" radius="md">
              <Text ta="center" c="dimmed" size="sm">
                {list.data.templates.length === 0 ? 'No templates yet. Create one to send it from a journey.' : `No template matches "${search}".`}
              </Text>
            </Paper>
          )}
          {groups.map((group) => (
            <Stack key={group.moment ?? 'general'} gap="xs">
              <Title order={2} size="h4">
                {group.moment ? MOMENT_LABELS[group.moment] : 'General'}
              </Title>
              <Paper withBorder radius="md">
                <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label={`${group.moment ? MOMENT_LABELS[group.moment] : 'General'} templates`}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Template</Table.Th>
                      <Table.Th>Subject</Table.Th>
                      <Table.Th w={170}>Layout</Table.Th>
                      <Table.Th w={90}>Version</Table.Th>
                      <Table.Th w={150}>Updated</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {group.templates.map((t) => (
                      <Table.Tr key={t.id}>
                        <Table.Td>
                          <Anchor component={Link} to={`/templates/${t.id}`} fw={500} size="sm">
                            {t.name}
                          </Anchor>
                          <Text size="xs" c="dimmed" ff="monospace">
                            {t.id}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" lineClamp={1} title={t.sampleSubject === t.subject ? undefined : `As written: ${t.subject}`}>
                            {t.sampleSubject}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {/* Never cut: the layout's name is the whole point of the column. */}
                          <Badge variant="light" color={t.layout === 'transactional' ? 'gray' : 'indigo'} style={{ overflow: 'visible' }} miw="max-content">
                            {t.layout ?? 'none'}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">v{t.currentVersion}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" c="dimmed">
                            {new Date(t.updatedAt).toLocaleDateString(undefined, { dateStyle: 'medium' })}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Paper>
            </Stack>
          ))}
          <Stack gap="xs">
            <Title order={2} size="h4">
              Layouts and partials
            </Title>
            <Text size="sm" c="dimmed" maw={720}>
              A layout wraps every template that uses it; partials are blocks any template renders with{' '}
              <Text span ff="monospace" size="sm">{"{% render 'name' %}"}</Text>. A change here reaches every email at once.
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
              {list.data.partials.map((p) => (
                <Card key={p.key} withBorder radius="md" padding="md" component={Link} to={`/templates/partials/${p.key}`}>
                  <Group gap="xs" wrap="nowrap" mb={4}>
                    {p.kind === 'layout' ? <IconLayoutNavbar size={18} aria-hidden /> : <IconPuzzle size={18} aria-hidden />}
                    <Text fw={600} size="sm">
                      {p.name}
                    </Text>
                    <Badge size="xs" variant="light" color="gray">
                      {p.kind}
                    </Badge>
                  </Group>
                  <Text size="sm" c="dimmed" lineClamp={2}>
                    {p.description}
                  </Text>
                </Card>
              ))}
            </SimpleGrid>
          </Stack>
        </Stack>
      )}
      {list.data && <NewTemplateModal opened={creating} onClose={() => setCreating(false)} templates={list.data.templates} />}
    </>
  );
}
