// Settings → Sending → Sending domains (admins): add a domain, publish its DNS records (copy buttons), check them, remove it.
import { zodResolver } from '@hookform/resolvers/zod';
import { ActionIcon, Alert, Badge, Button, Card, Code, CopyButton, Group, Modal, Paper, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy, IconPlus, IconRefresh, IconShieldCheck, IconTrash, IconWorldWww } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import type { inferRouterOutputs } from '@trpc/server';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { addDomainInputSchema, authenticationStatus, type AddDomainInput, type AuthenticationStatus, type RecordCheck, type RecordCheckStatus } from '../../../shared/mail/domains.ts';
import type { AppRouter } from '../../../server/api/router.ts';
import { errorMessage, useTRPC } from '../../api/trpc.ts';
import { ErrorState, LoadingState } from '../../ui/QueryState.tsx';
import { formatDateTime } from '../contacts/contactUi.tsx';

type DomainRow = inferRouterOutputs<AppRouter>['domains']['list'][number];
type RecordRow = DomainRow['records'][number];

/** What a record is for, in the words of the table and the status line. */
function recordLabel(record: Pick<RecordRow, 'purpose' | 'type' | 'value'>): string {
  switch (record.purpose) {
    case 'dkim':
      return /\bk=ed25519\b/.test(record.value) ? 'DKIM (Ed25519)' : 'DKIM (RSA)';
    case 'spf':
      return 'SPF';
    case 'dmarc':
      return 'DMARC';
    case 'return-path':
      return record.type === 'MX' ? 'Bounces (MX)' : 'Bounces (SPF)';
  }
}

/**
 * Each expected record's result in the last check: by purpose and name, in order, since the bounce domain has two
 * records of one purpose at one name (MX and SPF).
 */
function checksOf(domain: DomainRow): (RecordCheck | null)[] {
  const left = [...(domain.lastCheck?.records ?? [])];
  return domain.records.map((record) => {
    const at = left.findIndex((c) => c.purpose === record.purpose && c.name === record.name);
    return at === -1 ? null : left.splice(at, 1)[0]!;
  });
}

const CHECK_BADGE: Record<RecordCheckStatus, { color: string; label: string }> = {
  ok: { color: 'teal', label: 'ok' },
  missing: { color: 'red', label: 'missing' },
  wrong: { color: 'orange', label: 'wrong' },
  unreachable: { color: 'gray', label: 'unreachable' },
};

function StatusBadge({ status }: { status: AuthenticationStatus }) {
  switch (status.state) {
    case 'unchecked':
      return <Badge variant="light" color="gray">Not checked yet</Badge>;
    case 'authenticated':
      return <Badge variant="light" color="teal" leftSection={<IconShieldCheck size={12} aria-hidden />}>Authenticated</Badge>;
    case 'unreachable':
      return <Badge variant="light" color="gray">DNS not reached</Badge>;
    case 'incomplete':
      return <Badge variant="light" color="orange">{status.problems.length === 1 ? '1 record to fix' : `${status.problems.length} records to fix`}</Badge>;
  }
}

/** The status in a sentence: what to do next. */
function statusSentence(status: AuthenticationStatus, domain: DomainRow, checks: (RecordCheck | null)[]): string {
  switch (status.state) {
    case 'unchecked':
      return 'Publish the records below at your DNS provider, then check them. Until then mail is signed, but receivers cannot verify it.';
    case 'authenticated':
      return `Every record is published as it should be (checked ${formatDateTime(status.at)}).`;
    case 'unreachable':
      return `${status.message} (checked ${formatDateTime(status.at)})`;
    case 'incomplete': {
      const by = (wanted: RecordCheckStatus) => domain.records.filter((_, i) => checks[i]?.status === wanted).map(recordLabel);
      const parts = [['Missing', by('missing')], ['Wrong', by('wrong')], ['Not looked up', by('unreachable')]] as const;
      const said = parts.filter(([, labels]) => labels.length > 0).map(([what, labels]) => `${what}: ${labels.join(', ')}.`);
      return `${said.join(' ')} (checked ${formatDateTime(status.at)})`;
    }
  }
}

function Copyable({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value} timeout={2000}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : label} withArrow>
          <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={label}>
            {copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}

function RecordsTable({ domain, checks }: { domain: DomainRow; checks: (RecordCheck | null)[] }) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing="sm" layout="fixed" aria-label={`DNS records for ${domain.domain}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={150}>Record</Table.Th>
            <Table.Th w={64}>Type</Table.Th>
            <Table.Th w="28%">Name</Table.Th>
            <Table.Th>Value</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {domain.records.map((record, i) => {
            const label = recordLabel(record);
            const check = checks[i];
            return (
              <Table.Tr key={`${record.purpose}-${record.type}-${record.name}`} style={{ verticalAlign: 'top' }}>
                <Table.Td>
                  <Stack gap={4} align="flex-start">
                    <Text size="sm" fw={500}>{label}</Text>
                    {check && <Badge size="sm" variant="light" color={CHECK_BADGE[check.status].color}>{CHECK_BADGE[check.status].label}</Badge>}
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{record.type}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap" align="flex-start">
                    <Code style={{ wordBreak: 'break-all', flex: 1 }}>{record.name}</Code>
                    <Copyable value={record.name} label={`Copy the name of the ${label} record`} />
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Stack gap={4}>
                    <Group gap={4} wrap="nowrap" align="flex-start">
                      <Code style={{ wordBreak: 'break-all', flex: 1 }}>{record.value}</Code>
                      <Copyable value={record.value} label={`Copy the value of the ${label} record`} />
                    </Group>
                    <Text size="xs" c="dimmed">
                      {record.priority === undefined ? record.note : `Priority ${record.priority}. ${record.note}`}
                    </Text>
                    {check && (
                      <Text size="xs" fw={check.status === 'ok' ? undefined : 500}>
                        Last check: {check.message}
                        {check.found && check.status === 'wrong' && (
                          <>
                            {' '}Found: <Code style={{ wordBreak: 'break-all' }}>{check.found}</Code>
                          </>
                        )}
                      </Text>
                    )}
                  </Stack>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function RemoveDomainModal({ domain, onClose }: { domain: DomainRow | null; onClose(): void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(trpc.domains.remove.mutationOptions());
  const close = () => {
    remove.reset();
    onClose();
  };
  async function confirm(target: DomainRow) {
    await remove.mutateAsync({ id: target.id });
    await queryClient.invalidateQueries({ queryKey: trpc.domains.list.queryKey() });
    notifications.show({ color: 'teal', message: `${target.domain} removed: its mail goes out unsigned from now on.` });
    close();
  }
  return (
    <Modal opened={domain !== null} onClose={close} title={`Remove ${domain?.domain ?? ''}?`}>
      <Stack gap="sm">
        {remove.error && <Alert color="red" variant="light" role="alert">{errorMessage(remove.error)}</Alert>}
        <Text size="sm">
          Mail from {domain?.domain} goes out without a DKIM signature from now on, and its keys are deleted. Adding the domain again makes new keys, whose
          records you would publish again. Bounces and complaints about mail already sent are still taken at {domain?.bounceDomain} for 30 days.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={close} data-autofocus>Cancel</Button>
          <Button color="red" loading={remove.isPending} onClick={() => domain && confirm(domain).catch(() => undefined)}>Remove domain</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function DomainCard({ domain, onRemove }: { domain: DomainRow; onRemove(): void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const check = useMutation(
    trpc.domains.check.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.domains.list.queryKey() }),
      onError: (error) => notifications.show({ color: 'red', title: `${domain.domain} not checked`, message: errorMessage(error) }),
    }),
  );
  const status = authenticationStatus(domain.lastCheck);
  const checks = checksOf(domain);
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-label={domain.domain}>
      <Group justify="space-between" align="flex-start" mb="xs" wrap="nowrap">
        <Stack gap={4}>
          <Group gap="xs">
            <IconWorldWww size={18} aria-hidden />
            <Title order={4} size="h6">{domain.domain}</Title>
            <StatusBadge status={status} />
          </Group>
          <Text size="sm" c="dimmed">Bounces come back to {domain.bounceDomain}.</Text>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          <Button size="xs" variant="light" leftSection={<IconRefresh size={14} aria-hidden />} loading={check.isPending} onClick={() => check.mutate({ id: domain.id })}>
            Check DNS
          </Button>
          <Button size="xs" variant="subtle" color="red" leftSection={<IconTrash size={14} aria-hidden />} onClick={onRemove} aria-label={`Remove ${domain.domain}`}>
            Remove
          </Button>
        </Group>
      </Group>
      <Text size="sm" mb="sm" role="status" aria-live="polite">
        {check.isPending ? `Looking up the records of ${domain.domain}…` : statusSentence(status, domain, checks)}
      </Text>
      <RecordsTable domain={domain} checks={checks} />
    </Card>
  );
}

/** The server's message for one field of the form, as the API names it (data.fieldErrors). */
function fieldError(error: unknown, field: keyof AddDomainInput): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const messages = (error.data?.fieldErrors as Record<string, string[] | undefined> | null | undefined)?.[field];
  return messages?.[0];
}

function AddDomainForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const add = useMutation(trpc.domains.add.mutationOptions());
  const form = useForm<AddDomainInput>({ resolver: zodResolver(addDomainInputSchema), defaultValues: { domain: '', bounceDomain: '' } });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    const added = await add.mutateAsync({ domain: values.domain, bounceDomain: values.bounceDomain || undefined }).catch((error: unknown) => {
      const domain = fieldError(error, 'domain');
      const bounceDomain = fieldError(error, 'bounceDomain');
      if (domain) form.setError('domain', { message: domain });
      if (bounceDomain) form.setError('bounceDomain', { message: bounceDomain });
      return null;
    });
    if (!added) return;
    form.reset({ domain: '', bounceDomain: '' });
    add.reset();
    await queryClient.invalidateQueries({ queryKey: trpc.domains.list.queryKey() });
    notifications.show({ color: 'teal', message: `${added.domain} added: publish its records, then check them.` });
  });
  // A refusal that names no field of the form (e.g. mail not running) shows above it.
  const otherError = add.error && !fieldError(add.error, 'domain') && !fieldError(add.error, 'bounceDomain') ? errorMessage(add.error) : null;
  // The default bounce domain, once the domain looks like one.
  const domainValue = form.watch('domain').trim().toLowerCase().replace(/\.$/, '');
  const bouncePlaceholder = /^[^\s.]+(\.[^\s.]+)+$/.test(domainValue) ? `bounces.${domainValue}` : 'bounces.example.com';
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Add a sending domain">
      {otherError && <Alert color="red" variant="light" role="alert" mb="sm">{otherError}</Alert>}
      <Group align="flex-start" gap="sm">
        <TextInput
          label="Domain"
          placeholder="example.com"
          description="The part after the @ of your From addresses"
          w={280}
          {...form.register('domain')}
          error={errors.domain && `Domain ${errors.domain.message}`}
        />
        <TextInput
          label="Bounce domain"
          placeholder={bouncePlaceholder}
          description="Optional: a subdomain for the Return-Path"
          w={280}
          {...form.register('bounceDomain')}
          error={errors.bounceDomain && `Bounce domain ${errors.bounceDomain.message}`}
        />
        <Button type="submit" mt={46} loading={isSubmitting} leftSection={<IconPlus size={14} aria-hidden />}>
          Add domain
        </Button>
      </Group>
    </form>
  );
}

export function DomainsSection() {
  const trpc = useTRPC();
  const domains = useQuery(trpc.domains.list.queryOptions());
  const [removing, setRemoving] = useState<DomainRow | null>(null);
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="sending-domains-title">
      <Title order={3} size="h5" id="sending-domains-title">Sending domains</Title>
      <Text size="sm" c="dimmed" mb="md">
        Every email from an address on these domains (or their subdomains) is DKIM-signed, and its bounces come back to Kairos.
      </Text>
      <Stack gap="md">
        <AddDomainForm />
        {domains.isPending && <LoadingState label="Loading sending domains" />}
        {domains.isError && <ErrorState error={domains.error} onRetry={() => domains.refetch()} />}
        {domains.data?.length === 0 && (
          <Alert variant="light" color="blue" title="No sending domain yet">
            Gmail, Yahoo and Outlook expect bulk mail to prove where it comes from: add the domain of your From addresses, publish the records Kairos
            shows for it, and every email from it is signed (DKIM), covered by your SPF and DMARC policy, and its bounces come back here. Until then mail
            goes out unsigned and is more likely to land in spam.
          </Alert>
        )}
        {domains.data?.map((domain) => <DomainCard key={domain.id} domain={domain} onRemove={() => setRemoving(domain)} />)}
      </Stack>
      <RemoveDomainModal domain={removing} onClose={() => setRemoving(null)} />
    </Paper>
  );
}
