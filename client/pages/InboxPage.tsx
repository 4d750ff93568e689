// The development inbox: every email the built-in SMTP server caught, by recipient, with rendered HTML, text and headers.
import { Alert, Badge, Box, Button, Grid, Group, NavLink, Paper, ScrollArea, SegmentedControl, Stack, Table, Tabs, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconInbox, IconInfoCircle, IconMailOpened, IconSearch, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, useTRPC } from '../api/trpc.ts';
import { PageHeader } from '../ui/PageHeader.tsx';
import { ErrorState, LoadingState } from '../ui/QueryState.tsx';
import { HeldEmails } from './inbox/HeldEmails.tsx';
import { EmailFrame, type FrameWidth } from './templates/EmailFrame.tsx';

const REFRESH_MS = 3_000;

const SUBSCRIPTION_COLORS: Record<string, string> = { subscribed: 'teal', pending: 'yellow', unsubscribed: 'red', none: 'gray' };

const when = (t: string | number | Date) => new Date(t).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function EmailViewer({ id }: { id: number }) {
  const trpc = useTRPC();
  const email = useQuery(trpc.inbox.get.queryOptions({ id }));
  const [width, setWidth] = useState<FrameWidth>('desktop');
  if (email.isPending) return <LoadingState label="Opening the email" />;
  if (email.isError) return <ErrorState error={email.error} onRetry={() => email.refetch()} />;
  const e = email.data;
  return (
    <Stack gap="sm">
      <Box>
        <Text fw={650} size="lg" lh={1.3}>{e.subject || '(no subject)'}</Text>
        <Text size="sm" c="dimmed">
          From {e.fromAddress} to {e.recipient} · {when(e.receivedAt)}
        </Text>
      </Box>
      <Tabs defaultValue={e.html ? 'html' : 'text'} keepMounted={false}>
        <Group justify="space-between" mb="sm">
          <Tabs.List>
            <Tabs.Tab value="html" disabled={!e.html}>HTML</Tabs.Tab>
            <Tabs.Tab value="text" disabled={!e.text}>Text</Tabs.Tab>
            <Tabs.Tab value="headers">Headers</Tabs.Tab>
          </Tabs.List>
          <SegmentedControl size="xs" aria-label="Width" value={width} onChange={(v) => setWidth(v as FrameWidth)} data={[{ value: 'desktop', label: 'Desktop' }, { value: 'mobile', label: 'Mobile' }]} />
        </Group>
        <Tabs.Panel value="html">{e.html && <EmailFrame html={e.html} title={`Email: ${e.subject}`} width={width} height={720} />}</Tabs.Panel>
        <Tabs.Panel value="text">
          <Paper withBorder radius="md" p="md" maw={width === 'mobile' ? 375 : undefined}>
            <Box component="pre" m={0} style={{ whiteSpace: 'pre-wrap', fontSize: 13, fontFamily: 'ui-monospace, Menlo, Consolas, monospace' }} aria-label="Text part">
              {e.text}
            </Box>
          </Paper>
        </Tabs.Panel>
        <Tabs.Panel value="headers">
          <Paper withBorder radius="md">
            <Table verticalSpacing={6} horizontalSpacing="md" aria-label="Headers" layout="fixed">
              <Table.Tbody>
                {e.headers.map(([name, value], i) => (
                  <Table.Tr key={i}>
                    <Table.Td w={200}><Text size="xs" fw={600} ff="monospace">{name}</Text></Table.Td>
                    <Table.Td><Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>{value}</Text></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

export function InboxPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [recipient, setRecipient] = useState<string | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const status = useQuery(trpc.inbox.status.queryOptions());
  const recipients = useQuery({ ...trpc.inbox.recipients.queryOptions({ search: debounced }), refetchInterval: REFRESH_MS });
  const emails = useQuery({ ...trpc.inbox.list.queryOptions({ recipient, before: null }), refetchInterval: REFRESH_MS });
  const clear = useMutation(
    trpc.inbox.clear.mutationOptions({
      onSuccess: async ({ deleted }) => {
        setOpenId(null);
        setRecipient(null);
        await queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
        notifications.show({ message: `${deleted} ${deleted === 1 ? 'email' : 'emails'} cleared.` });
      },
      onError: (error) => notifications.show({ color: 'red', title: 'Not cleared', message: errorMessage(error) }),
    }),
  );
  const total = (recipients.data ?? []).reduce((n, r) => n + r.count, 0);
  const opened = openId ?? emails.data?.[0]?.id ?? null;

  return (
    <>
      <PageHeader
        title="Inbox"
        description="Every email Kairos sends in development, caught here instead of delivered, so you can see journeys working without a mail server."
        actions={
          <Button variant="default" color="red" leftSection={<IconTrash size={16} aria-hidden />} disabled={total === 0} loading={clear.isPending} onClick={() => clear.mutate({ recipient })}>
            {recipient ? 'Clear this recipient' : 'Clear all'}
          </Button>
        }
      />
      {status.data?.mode === 'smtp' && (
        <Alert icon={<IconInfoCircle aria-hidden />} variant="light" mb="md" title="Emails are delivered for real">
          Kairos sends through {status.data.destination}. This inbox only shows emails caught while the built-in development server was in use.
        </Alert>
      )}
      {status.data?.mode === 'development' && (
        <Alert icon={<IconInfoCircle aria-hidden />} variant="light" color="gray" mb="md">
          Development mail: nothing leaves this machine. Set SMTP_URL to send through a real mail server.
        </Alert>
      )}
      <HeldEmails />
      {recipients.isError && <ErrorState error={recipients.error} onRetry={() => recipients.refetch()} />}
      {recipients.isPending && <LoadingState label="Loading the inbox" />}
      {recipients.data && total === 0 && debounced === '' && (
        <Paper withBorder p="xl" radius="md">
          <Stack align="center" gap="xs" py="lg">
            <IconInbox size={36} stroke={1.5} aria-hidden color="var(--mantine-color-gray-5)" />
            <Text fw={600}>No emails yet</Text>
            <Text size="sm" c="dimmed" ta="center" maw={460}>
              Emails appear here as journeys send them, when someone subscribes through the form at /subscribe, or when you send a test from a template.
            </Text>
          </Stack>
        </Paper>
      )}
      {recipients.data && (total > 0 || debounced !== '') && (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 3 }}>
            <Paper withBorder radius="md" p="xs">
              <TextInput size="xs" mb="xs" leftSection={<IconSearch size={14} aria-hidden />} placeholder="Search recipients" aria-label="Search recipients" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
              <ScrollArea.Autosize mah={720}>
                <nav aria-label="Recipients">
                  <NavLink label="All recipients" rightSection={<Badge size="sm" variant="light" color="gray">{total}</Badge>} active={recipient === null} onClick={() => { setRecipient(null); setOpenId(null); }} />
                  {recipients.data.map((r) => (
                    <NavLink
                      key={r.recipient}
                      active={recipient === r.recipient}
                      onClick={() => { setRecipient(r.recipient); setOpenId(null); }}
                      label={<Text size="sm" truncate="end">{r.recipient}</Text>}
                      description={r.subscription ? <Badge size="xs" variant="light" color={SUBSCRIPTION_COLORS[r.subscription] ?? 'gray'}>{r.subscription}</Badge> : undefined}
                      rightSection={<Badge size="sm" variant="light" color="gray">{r.count}</Badge>}
                    />
                  ))}
                  {recipients.data.length === 0 && <Text size="sm" c="dimmed" p="xs">No recipient matches.</Text>}
                </nav>
              </ScrollArea.Autosize>
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 3 }}>
            <Paper withBorder radius="md">
              <ScrollArea.Autosize mah={770}>
                <Stack gap={0} role="list" aria-label="Emails">
                  {(emails.data ?? []).map((m) => (
                    <UnstyledButton
                      key={m.id}
                      role="listitem"
                      onClick={() => setOpenId(m.id)}
                      p="sm"
                      aria-current={opened === m.id}
                      style={{ borderBottom: '1px solid var(--mantine-color-gray-2)', background: opened === m.id ? 'var(--mantine-color-indigo-0)' : undefined }}
                    >
                      <Text size="sm" fw={600} lineClamp={2}>{m.subject || '(no subject)'}</Text>
                      <Text size="xs" c="dimmed" truncate="end">To {m.recipient}</Text>
                      <Text size="xs" c="dimmed">{when(m.receivedAt)}</Text>
                    </UnstyledButton>
                  ))}
                  {emails.data?.length === 0 && <Text size="sm" c="dimmed" p="md">No emails for this recipient.</Text>}
                </Stack>
              </ScrollArea.Autosize>
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Paper withBorder radius="md" p="md">
              {opened !== null ? (
                <EmailViewer id={opened} />
              ) : (
                <Stack align="center" gap="xs" py="xl">
                  <IconMailOpened size={32} stroke={1.5} aria-hidden color="var(--mantine-color-gray-5)" />
                  <Text size="sm" c="dimmed">Choose an email to read it.</Text>
                </Stack>
              )}
            </Paper>
          </Grid.Col>
        </Grid>
      )}
    </>
  );
}
