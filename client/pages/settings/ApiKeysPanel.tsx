// Admins make write keys for the event API (shown once), see when each was last used, and revoke them.
import { ActionIcon, Alert, Badge, Button, Code, CopyButton, Group, Modal, Paper, Stack, Table, Text, TextInput, Tooltip, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy, IconKey, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, useTRPC } from '../../api/trpc.ts';
import { ErrorState, LoadingState } from '../../ui/QueryState.tsx';
import { formatDateTime } from '../contacts/contactUi.tsx';

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
}

function Copyable({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value} timeout={2000}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : label} withArrow>
          <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={label}>
            {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}

function CreateKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation(trpc.apiKeys.create.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() }) }));
  const close = () => {
    setName('');
    create.reset();
    onClose();
  };
  const origin = window.location.origin;
  const key = create.data?.key;
  return (
    <Modal opened={opened} onClose={close} title={key ? 'Your new write key' : 'Make a write key'} size="lg">
      {key ? (
        <Stack gap="sm">
          <Alert color="yellow" variant="light" title="Copy it now">
            Kairos keeps only a hash of the key: it cannot show it again. Anyone with the key can send events.
          </Alert>
          <Group gap="xs" wrap="nowrap">
            <Code block style={{ flex: 1, wordBreak: 'break-all' }} aria-label="Write key">
              {key}
            </Code>
            <Copyable value={key} label="Copy the key" />
          </Group>
          <Text size="sm">Point a Segment or RudderStack server SDK at Kairos with this key as the write key, for example:</Text>
          <Code block>{`new Analytics({ writeKey: '${key.slice(0, 12)}…', host: '${origin}' })`}</Code>
          <Group justify="flex-end">
            <Button onClick={close}>I have copied it</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ name });
          }}
          noValidate
        >
          <Stack gap="sm">
            {create.error && (
              <Alert color="red" variant="light" role="alert">
                {errorMessage(create.error)}
              </Alert>
            )}
            <TextInput
              label="Name"
              description="What sends with it, so you know which key to revoke later"
              placeholder="Shop backend"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              required
              data-autofocus
            />
            <Group justify="flex-end" mt="sm">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} disabled={name.trim() === ''}>
                Make key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function RevokeModal({ apiKey, onClose }: { apiKey: KeyRow | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions());
  async function confirm() {
    if (!apiKey) return;
    await revoke.mutateAsync({ id: apiKey.id });
    await queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
    notifications.show({ message: `The key “${apiKey.name}” was revoked.` });
    onClose();
  }
  return (
    <Modal opened={apiKey !== null} onClose={onClose} title="Revoke write key">
      <Stack gap="sm">
        {revoke.error && (
          <Alert color="red" variant="light" role="alert">
            {errorMessage(revoke.error)}
          </Alert>
        )}
        <Text size="sm">
          Calls with “{apiKey?.name}” ({apiKey?.prefix}…) will be refused from now on. This cannot be undone.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" onClick={() => confirm().catch(() => undefined)} loading={revoke.isPending}>
            Revoke
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function ApiKeysPanel() {
  const trpc = useTRPC();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<KeyRow | null>(null);
  const origin = window.location.origin;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <Text size="sm" c="dimmed" maw={640}>
          Write keys let your shop send events to <Code>{origin}/v1/identify</Code>, <Code>/v1/track</Code> and <Code>/v1/batch</Code> in the
          Segment spec, so Segment and RudderStack SDKs work unchanged. The key is the user name of HTTP Basic auth.
        </Text>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
          Make key
        </Button>
      </Group>
      {keys.isPending && <LoadingState label="Loading keys" />}
      {keys.isError && <ErrorState error={keys.error} onRetry={() => keys.refetch()} />}
      {keys.data && keys.data.length === 0 && (
        <Paper withBorder radius="md" p="lg">
          <Group gap="sm">
            <IconKey size={20} aria-hidden />
            <Text size="sm">No write keys yet. Make one for each system that sends events, so you can revoke them one by one.</Text>
          </Group>
        </Paper>
      )}
      {keys.data && keys.data.length > 0 && (
        <Paper withBorder radius="md">
          <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="API keys">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Made</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th w={60}>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.map((k) => (
                <Table.Tr key={k.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {k.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Code>{k.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(k.createdAt)}</Text>
                    {k.createdBy && (
                      <Text size="xs" c="dimmed">
                        by {k.createdBy}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={k.lastUsedAt ? undefined : 'dimmed'}>
                      {k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'Never'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {k.revokedAt ? (
                      <Tooltip label={`Revoked ${formatDateTime(k.revokedAt)}`}>
                        <Badge color="gray" variant="light">
                          Revoked
                        </Badge>
                      </Tooltip>
                    ) : (
                      <Badge color="teal" variant="light">
                        Active
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {!k.revokedAt && (
                      <Tooltip label="Revoke">
                        <ActionIcon variant="subtle" color="red" aria-label={`Revoke ${k.name}`} onClick={() => setRevoking(k)}>
                          <IconTrash size={16} aria-hidden />
                        </ActionIcon>
                      </Tooltip>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      <CreateKeyModal opened={creating} onClose={() => setCreating(false)} />
      <RevokeModal apiKey={revoking} onClose={() => setRevoking(null)} />
    </Stack>
  );
}
