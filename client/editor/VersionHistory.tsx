// Version history of a journey: every published version, newest first, each restorable into the draft.
import { Badge, Button, Drawer, Group, Paper, Stack, Text } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api/trpc.ts';
import { ErrorState, LoadingState } from '../ui/QueryState.tsx';

const MIGRATION_LABELS: Record<string, string> = {
  stay: 'contacts in flight stayed on their version',
  same_node: 'contacts in flight moved to the same step',
  exit: 'contacts in flight left',
};

function formatTime(value: Date | string | number): string {
  return new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function VersionHistory({ journeyId, currentVersion, opened, onClose, onRestore, restoring, readOnly }: {
  journeyId: string;
  currentVersion: number | null;
  opened: boolean;
  onClose: () => void;
  onRestore: (version: number) => void;
  restoring: number | null;
  readOnly: boolean;
}) {
  const trpc = useTRPC();
  const versions = useQuery({ ...trpc.journeys.versions.queryOptions({ id: journeyId }), enabled: opened });
  return (
    <Drawer opened={opened} onClose={onClose} position="right" title="Version history" size="md">
      {!readOnly && versions.data && versions.data.length > 0 && (
        <Text size="sm" c="dimmed" mb="md">
          Published versions never change. Restoring one copies its graph into the draft; publish to make it live again.
        </Text>
      )}
      {versions.isPending && <LoadingState label="Loading versions" />}
      {versions.isError && <ErrorState error={versions.error} onRetry={() => versions.refetch()} />}
      {versions.data?.length === 0 && (
        <Stack align="center" gap="xs" py="xl">
          <IconHistory size={32} stroke={1.4} color="var(--mantine-color-dimmed)" aria-hidden />
          <Text size="sm" c="dimmed" ta="center" maw={280}>
            Nothing published yet. Each publish makes an immutable version that appears here.
          </Text>
        </Stack>
      )}
      <Stack gap="sm" component="ol" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Published versions">
        {versions.data?.map((v) => (
          <Paper key={v.version} withBorder p="sm" component="li">
            <Stack gap={6}>
              <Group gap="xs">
                <Text fw={600}>Version {v.version}</Text>
                {v.version === currentVersion && (
                  <Badge size="xs" variant="light" color="teal">
                    Current
                  </Badge>
                )}
              </Group>
              <Text size="xs" c="dimmed">
                Published {formatTime(v.publishedAt)}
                {v.publishedBy ? ` by ${v.publishedBy}` : ''}
                {v.version > 1 && MIGRATION_LABELS[v.migration] ? `; ${MIGRATION_LABELS[v.migration]}.` : ''}
              </Text>
              {!readOnly && (
                <Button
                  size="xs"
                  variant="light"
                  style={{ alignSelf: 'flex-start' }}
                  onClick={() => onRestore(v.version)}
                  loading={restoring === v.version}
                  disabled={restoring !== null}
                  aria-label={`Restore into draft: version ${v.version}`}
                >
                  Restore into draft
                </Button>
              )}
            </Stack>
          </Paper>
        ))}
      </Stack>
    </Drawer>
  );
}
