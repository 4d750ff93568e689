// Settings → Sending: where mail goes, sender identities, sending domains (admins), quiet hours and the frequency cap, the footer's brand details, the SMTP pool, suppressions.
import { zodResolver } from '@hookform/resolvers/zod';
import { ActionIcon, Alert, Badge, Button, Checkbox, Divider, Group, Modal, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Textarea, Title, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconMailCog, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { z } from 'zod';
import { senderInputSchema, sendingSettingsSchema, type SendingSettings } from '../../../shared/mail/settings.ts';
import { errorMessage, useTRPC } from '../../api/trpc.ts';
import { ErrorState, LoadingState } from '../../ui/QueryState.tsx';
import { DomainsSection } from './DomainsSection.tsx';

const STATUS_LABELS: Record<string, string> = { queued: 'Queued', sending: 'Sending', sent: 'Sent', failed: 'Failed', suppressed: 'Not sent (consent or suppression)' };

function useTimeZones(): string[] {
  return useMemo(() => {
    const zones = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
    return zones.includes('UTC') ? zones : ['UTC', ...zones];
  }, []);
}

type SenderRow = { id: string; label: string; fromName: string; fromEmail: string; replyTo: string | null; isDefault: boolean };

const senderFormSchema = senderInputSchema.extend({ replyTo: z.string().trim() });

function SenderModal({ sender, opened, onClose }: { sender: SenderRow | null; opened: boolean; onClose(): void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const save = useMutation(trpc.sending.saveSender.mutationOptions());
  const form = useForm({ resolver: zodResolver(senderFormSchema), defaultValues: { label: '', fromName: '', fromEmail: '', replyTo: '', isDefault: false } });
  useEffect(() => {
    if (opened) form.reset(sender ? { ...sender, replyTo: sender.replyTo ?? '' } : { label: '', fromName: '', fromEmail: '', replyTo: '', isDefault: false });
    // Reset only when the modal opens for a sender.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, sender]);
  const close = () => {
    save.reset();
    onClose();
  };
  const onSubmit = form.handleSubmit(async (values) => {
    const done = await save.mutateAsync({ ...values, id: sender?.id ?? null }).then(() => true, () => false);
    if (!done) return;
    await queryClient.invalidateQueries({ queryKey: trpc.sending.senders.queryKey() });
    notifications.show({ color: 'teal', message: `Sender "${values.label}" saved.` });
    close();
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <Modal opened={opened} onClose={close} title={sender ? `Edit ${sender.label}` : 'Add a sender'}>
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          {save.error && <Alert color="red" variant="light" role="alert">{errorMessage(save.error)}</Alert>}
          <TextInput label="Label" description="What marketers pick in an email node" required data-autofocus {...form.register('label')} error={errors.label && `Label ${errors.label.message}`} />
          <TextInput label="From name" required {...form.register('fromName')} error={errors.fromName && `From name ${errors.fromName.message}`} />
          <TextInput label="From address" type="email" required {...form.register('fromEmail')} error={errors.fromEmail && `From address ${errors.fromEmail.message}`} />
          <TextInput label="Reply-To address" description="Optional; replies go to the From address without it" type="email" {...form.register('replyTo')} error={errors.replyTo && `Reply-To ${errors.replyTo.message}`} />
          <Controller control={form.control} name="isDefault" render={({ field }) => <Checkbox label="Default sender" checked={field.value} onChange={(e) => field.onChange(e.currentTarget.checked)} />} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>Cancel</Button>
            <Button type="submit" loading={isSubmitting}>Save sender</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function SendersSection({ isAdmin }: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const senders = useQuery(trpc.sending.senders.queryOptions());
  const [editing, setEditing] = useState<SenderRow | null>(null);
  const [adding, setAdding] = useState(false);
  const remove = useMutation(
    trpc.sending.removeSender.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.sending.senders.queryKey() }),
      onError: (error) => notifications.show({ color: 'red', title: 'Sender not removed', message: errorMessage(error) }),
    }),
  );
  return (
    <Paper withBorder radius="md" p="lg">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={3} size="h5">Senders</Title>
          <Text size="sm" c="dimmed">From and Reply-To of every email; email nodes choose one, or get the default.</Text>
        </div>
        {isAdmin && <Button size="xs" leftSection={<IconPlus size={14} aria-hidden />} onClick={() => setAdding(true)}>Add sender</Button>}
      </Group>
      {senders.isPending && <LoadingState label="Loading senders" />}
      {senders.isError && <ErrorState error={senders.error} onRetry={() => senders.refetch()} />}
      {senders.data && (
        <Table verticalSpacing="xs" aria-label="Senders">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Label</Table.Th>
              <Table.Th>From</Table.Th>
              <Table.Th>Reply-To</Table.Th>
              {isAdmin && <Table.Th w={90}><VisuallyHidden>Actions</VisuallyHidden></Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {senders.data.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>
                  <Group gap="xs"><Text size="sm" fw={500}>{s.label}</Text>{s.isDefault && <Badge size="xs" variant="light">default</Badge>}</Group>
                </Table.Td>
                <Table.Td><Text size="sm">{s.fromName} &lt;{s.fromEmail}&gt;</Text></Table.Td>
                <Table.Td><Text size="sm" c={s.replyTo ? undefined : 'dimmed'}>{s.replyTo ?? 'From address'}</Text></Table.Td>
                {isAdmin && (
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <ActionIcon variant="subtle" color="gray" aria-label={`Edit ${s.label}`} onClick={() => setEditing(s)}><IconPencil size={16} /></ActionIcon>
                      <ActionIcon variant="subtle" color="red" aria-label={`Remove ${s.label}`} onClick={() => remove.mutate({ id: s.id })} disabled={senders.data.length === 1}><IconTrash size={16} /></ActionIcon>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <SenderModal sender={editing} opened={adding || editing !== null} onClose={() => { setAdding(false); setEditing(null); }} />
    </Paper>
  );
}

function RulesForm({ settings, isAdmin }: { settings: SendingSettings; isAdmin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const zones = useTimeZones();
  const save = useMutation(trpc.sending.save.mutationOptions());
  const form = useForm<SendingSettings>({ resolver: zodResolver(sendingSettingsSchema) as never, defaultValues: settings });
  const { errors, isSubmitting, isDirty } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    const saved = await save.mutateAsync(values).catch(() => null);
    if (!saved) return;
    form.reset(saved);
    await queryClient.invalidateQueries({ queryKey: trpc.sending.get.queryKey() });
    notifications.show({ color: 'teal', message: 'Sending settings saved.' });
  });
  const quietOn = form.watch('quietHours.enabled');
  const capOn = form.watch('frequencyCap.enabled');
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Sending rules">
      <fieldset disabled={!isAdmin} style={{ border: 0, padding: 0, margin: 0 }}>
        <Stack gap="lg">
          {save.error && <Alert color="red" variant="light" role="alert">{errorMessage(save.error)}</Alert>}
          <Paper withBorder radius="md" p="lg">
            <Title order={3} size="h5">Quiet hours and frequency</Title>
            <Text size="sm" c="dimmed" mb="md">Checked when each marketing email is about to go out; transactional mail (the opt-in confirmation) ignores both.</Text>
            <Stack gap="md">
              <Controller control={form.control} name="quietHours.enabled" render={({ field }) => <Switch label="Hold marketing emails during quiet hours, in each contact's time zone" checked={field.value} onChange={(e) => field.onChange(e.currentTarget.checked)} />} />
              <Group gap="md" align="flex-start">
                <TextInput type="time" label="Quiet from" w={140} disabled={!quietOn} {...form.register('quietHours.start')} error={errors.quietHours?.start && `Quiet from ${errors.quietHours.start.message}`} />
                <TextInput type="time" label="Until" w={140} disabled={!quietOn} {...form.register('quietHours.end')} error={errors.quietHours?.end && `Until ${errors.quietHours.end.message}`} />
                <Controller
                  control={form.control}
                  name="defaultTimezone"
                  render={({ field }) => (
                    <Select label="Time zone of contacts without one" searchable data={zones} value={field.value} onChange={(v) => v && field.onChange(v)} allowDeselect={false} w={280} error={errors.defaultTimezone?.message} />
                  )}
                />
              </Group>
              <Divider />
              <Controller control={form.control} name="frequencyCap.enabled" render={({ field }) => <Switch label="Limit marketing emails per contact in any 7 days" checked={field.value} onChange={(e) => field.onChange(e.currentTarget.checked)} />} />
              <Controller
                control={form.control}
                name="frequencyCap.maxPerWeek"
                render={({ field }) => (
                  <NumberInput label="At most" suffix=" emails per 7 days" min={1} max={100} w={360} disabled={!capOn} value={field.value} onChange={(v) => field.onChange(typeof v === 'number' ? v : Number(v))} error={errors.frequencyCap?.maxPerWeek && `At most ${errors.frequencyCap.maxPerWeek.message}`} description="Emails over the cap wait for a free slot, or are skipped where the email node says so." />
                )}
              />
            </Stack>
          </Paper>
          <Paper withBorder radius="md" p="lg">
            <Title order={3} size="h5">Footer</Title>
            <Text size="sm" c="dimmed" mb="md">Shown in every marketing email, as anti-spam laws ask: who you are and where to find you.</Text>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label="Company name" required {...form.register('brand.name')} error={errors.brand?.name && `Company name ${errors.brand.name.message}`} />
              <TextInput label="Website" required {...form.register('brand.websiteUrl')} error={errors.brand?.websiteUrl && `Website ${errors.brand.websiteUrl.message}`} />
            </SimpleGrid>
            <Textarea mt="sm" label="Postal address" required autosize minRows={2} {...form.register('brand.postalAddress')} error={errors.brand?.postalAddress && `Postal address ${errors.brand.postalAddress.message}`} />
          </Paper>
          <Paper withBorder radius="md" p="lg">
            <Title order={3} size="h5">SMTP connection pool</Title>
            <Text size="sm" c="dimmed" mb="md">How hard Kairos pushes your mail server; lower these if your provider throttles.</Text>
            <Group gap="md" align="flex-start">
              <Controller control={form.control} name="smtp.maxConnections" render={({ field }) => <NumberInput label="Connections" min={1} max={50} w={180} value={field.value} onChange={(v) => field.onChange(typeof v === 'number' ? v : Number(v))} error={errors.smtp?.maxConnections && `Connections ${errors.smtp.maxConnections.message}`} />} />
              <Controller control={form.control} name="smtp.ratePerSecond" render={({ field }) => <NumberInput label="Messages per second" description="0 means no limit" min={0} w={200} value={field.value} onChange={(v) => field.onChange(typeof v === 'number' ? v : Number(v))} error={errors.smtp?.ratePerSecond && `Messages per second ${errors.smtp.ratePerSecond.message}`} />} />
            </Group>
          </Paper>
          {isAdmin && (
            <Group justify="flex-end">
              <Button variant="default" onClick={() => form.reset(settings)} disabled={!isDirty}>Discard changes</Button>
              <Button type="submit" loading={isSubmitting} disabled={!isDirty}>Save sending settings</Button>
            </Group>
          )}
        </Stack>
      </fieldset>
    </form>
  );
}

function SuppressionsSection({ isAdmin }: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.sending.suppressions.queryOptions());
  const [email, setEmail] = useState('');
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.sending.suppressions.queryKey() });
  const add = useMutation(trpc.sending.addSuppression.mutationOptions({ onSuccess: async () => { setEmail(''); await invalidate(); } }));
  const remove = useMutation(trpc.sending.removeSuppression.mutationOptions({ onSuccess: invalidate, onError: (error) => notifications.show({ color: 'red', message: errorMessage(error) }) }));
  return (
    <Paper withBorder radius="md" p="lg">
      <Title order={3} size="h5">Suppressed addresses</Title>
      <Text size="sm" c="dimmed" mb="md">Nothing is sent to these addresses, not even transactional mail. Hard bounces are added automatically.</Text>
      {isAdmin && (
        <form onSubmit={(e) => { e.preventDefault(); add.mutate({ email, detail: '' }); }} noValidate>
          <Group align="flex-start" mb="md">
            <TextInput aria-label="Address to suppress" placeholder="name@example.com" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={add.error ? errorMessage(add.error) : undefined} w={320} />
            <Button type="submit" variant="default" loading={add.isPending} disabled={email.trim() === ''}>Suppress</Button>
          </Group>
        </form>
      )}
      {list.isPending && <LoadingState label="Loading suppressions" />}
      {list.isError && <ErrorState error={list.error} onRetry={() => list.refetch()} />}
      {list.data && list.data.length === 0 && <Text size="sm" c="dimmed">No suppressed addresses.</Text>}
      {list.data && list.data.length > 0 && (
        <Table verticalSpacing="xs" aria-label="Suppressed addresses">
          <Table.Thead>
            <Table.Tr><Table.Th>Address</Table.Th><Table.Th>Reason</Table.Th><Table.Th>Since</Table.Th>{isAdmin && <Table.Th w={60}><VisuallyHidden>Actions</VisuallyHidden></Table.Th>}</Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((s) => (
              <Table.Tr key={s.email}>
                <Table.Td><Text size="sm">{s.email}</Text></Table.Td>
                <Table.Td><Badge variant="light" color={s.reason === 'hard_bounce' ? 'red' : 'gray'}>{s.reason.replace('_', ' ')}</Badge> <Text span size="xs" c="dimmed">{s.detail}</Text></Table.Td>
                <Table.Td><Text size="sm" c="dimmed">{new Date(s.createdAt).toLocaleDateString(undefined, { dateStyle: 'medium' })}</Text></Table.Td>
                {isAdmin && <Table.Td><ActionIcon variant="subtle" color="gray" aria-label={`Remove ${s.email} from the list`} onClick={() => remove.mutate({ email: s.email })}><IconTrash size={16} /></ActionIcon></Table.Td>}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

export function SendingPanel({ isAdmin }: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const sending = useQuery(trpc.sending.get.queryOptions());
  if (sending.isPending) return <LoadingState label="Loading sending settings" />;
  if (sending.isError) return <ErrorState error={sending.error} onRetry={() => sending.refetch()} />;
  const { mode, destination, messages } = sending.data;
  return (
    <Stack gap="lg" maw={960}>
      <Paper withBorder radius="md" p="lg">
        <Group gap="sm" mb={6}>
          <IconMailCog size={20} aria-hidden />
          <Title order={3} size="h5">Delivery</Title>
          {mode && <Badge variant="light" color={mode === 'development' ? 'yellow' : 'teal'}>{mode === 'development' ? 'Development: caught in the Inbox' : 'Sending through SMTP'}</Badge>}
        </Group>
        <Text size="sm" c="dimmed">
          {mode === 'development'
            ? 'SMTP_URL is not set, so Kairos runs its own mail server and every email lands in the Inbox page instead of a real mailbox.'
            : mode === 'smtp'
              ? `Emails go out through ${destination}, set by SMTP_URL.`
              : 'Email is not running in this server process.'}
        </Text>
        <Group gap="xs" mt="sm">
          {Object.entries(STATUS_LABELS).map(([status, label]) => (
            <Badge key={status} variant="outline" color="gray" tt="none">{label}: {messages[status as keyof typeof messages] ?? 0}</Badge>
          ))}
        </Group>
      </Paper>
      {!isAdmin && <Alert variant="light" color="gray">Only admins change sending settings; you can read them here.</Alert>}
      <SendersSection isAdmin={isAdmin} />
      {isAdmin && <DomainsSection />}
      <RulesForm settings={sending.data.settings} isAdmin={isAdmin} />
      <SuppressionsSection isAdmin={isAdmin} />
    </Stack>
  );
}
