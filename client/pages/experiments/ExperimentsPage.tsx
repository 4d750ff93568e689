// Experiments: every split of a published journey and every journey holdout, running first, with its contacts per arm
// and the verdict in plain language; filtered by status (and by journey, from ?journey=).
import { Anchor, Button, Group, Input, Paper, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { IconFlask } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { useTRPC } from '../../api/trpc.ts';
import { PageHeader } from '../../ui/PageHeader.tsx';
import { ErrorState, LoadingState } from '../../ui/QueryState.tsx';
import { formatNumber } from '../dashboard/dashboardData.ts';
import { EXPERIMENT_STATUSES, KIND_LABEL, plural, STATUS_STYLE, type ExperimentListRow, type ExperimentStatus } from './experimentData.ts';
import { ExperimentStatusBadge, VerdictBadge } from './experimentUi.tsx';
import { EmptyState as EmptyStateCard } from '../../ui/EmptyState.tsx';

function EmptyState({ filtered, onClear }: { filtered: boolean; onClear: () => void }) {
  return (
    <EmptyStateCard
      icon={<IconFlask size={26} stroke={1.5} />}
      title={filtered ? 'No experiments match this filter' : 'No experiments yet'}
      actions={
        filtered ? (
          <Button variant="light" onClick={onClear}>
            Show all experiments
          </Button>
        ) : (
          <Button variant="light" component={Link} to="/journeys">
            Open Journeys
          </Button>
        )
      }
    >
      {filtered
        ? 'Try another status, or show the experiments of every journey.'
        : 'Add a Split to a journey and publish it; each split is an experiment. A journey holdout measures the journey itself.'}
    </EmptyStateCard>
  );
}

function ContactsPerArm({ row }: { row: ExperimentListRow }) {
  return (
    <Stack gap={0}>
      {row.contacts.map((c) => (
        <Text key={c.key} size="sm" style={{ whiteSpace: 'nowrap' }}>
          <Text span size="sm" fw={600}>
            {formatNumber(c.n)}
          </Text>{' '}
          <Text span size="sm" c="dimmed">
            {c.name}
          </Text>
        </Text>
      ))}
    </Stack>
  );
}

function ExperimentsTable({ rows }: { rows: ExperimentListRow[] }) {
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={960}>
        <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Experiments">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Experiment</Table.Th>
              <Table.Th scope="col">Kind</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col" ta="right">
                Days running
              </Table.Th>
              <Table.Th scope="col">Contacts per arm</Table.Th>
              <Table.Th scope="col">Verdict</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((x) => (
              <Table.Tr key={x.id}>
                <Table.Td maw={280}>
                  <Stack gap={2}>
                    <Anchor component={Link} to={`/experiments/${x.id}`} fw={600} size="sm">
                      {x.name}
                    </Anchor>
                    <Anchor component={Link} to={`/journeys/${x.journeyId}`} size="xs" c="dimmed" aria-label={`Journey: ${x.journeyName}`}>
                      {x.journeyName}
                    </Anchor>
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {KIND_LABEL[x.kind]}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <ExperimentStatusBadge status={x.status} />
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {plural(x.daysRunning, 'day')}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <ContactsPerArm row={x} />
                </Table.Td>
                <Table.Td maw={420}>
                  <Stack gap={4} align="flex-start">
                    <VerdictBadge kind={x.verdict.kind} />
                    <Text size="sm">{x.verdict.text}</Text>
                  </Stack>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

export function ExperimentsPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const status = (EXPERIMENT_STATUSES as readonly string[]).includes(params.get('status') ?? '') ? (params.get('status') as ExperimentStatus) : undefined;
  const journeyId = params.get('journey') || undefined;
  const experiments = useQuery(trpc.experiments.list.queryOptions({ journeyId }));

  const setStatus = (value: string) => {
    const next = new URLSearchParams(params);
    if (value === 'any') next.delete('status');
    else next.set('status', value);
    setParams(next, { replace: true });
  };

  // The server lists running experiments first, then the newest; the filter keeps that order.
  const rows = experiments.data?.filter((x) => status === undefined || x.status === status);
  const journeyName = journeyId ? experiments.data?.[0]?.journeyName : undefined;

  return (
    <>
      <PageHeader
        title="Experiments"
        description="Every split of a published journey is an experiment, and a journey holdout measures the journey itself. Verdicts come from a test that stays valid however often you look."
      />
      <Group gap="md" mb="md" align="flex-end">
        <Stack gap={4}>
          <Input.Label id="experiment-status-label">Status</Input.Label>
          <SegmentedControl
            aria-labelledby="experiment-status-label"
            value={status ?? 'any'}
            onChange={setStatus}
            data={[{ value: 'any', label: 'Any' }, ...EXPERIMENT_STATUSES.map((s) => ({ value: s, label: STATUS_STYLE[s].label }))]}
          />
        </Stack>
        {journeyId && (
          <Group gap="xs" pb={6}>
            <Text size="sm">Only the experiments of {journeyName ?? 'one journey'}.</Text>
            <Anchor component={Link} to={status ? `/experiments?status=${status}` : '/experiments'} size="sm">
              Show every journey
            </Anchor>
          </Group>
        )}
      </Group>

      {experiments.isPending && <LoadingState label="Loading experiments" />}
      {experiments.isError && <ErrorState error={experiments.error} onRetry={() => experiments.refetch()} />}
      {rows?.length === 0 && <EmptyState filtered={status !== undefined || journeyId !== undefined} onClear={() => setParams(new URLSearchParams(), { replace: true })} />}
      {rows && rows.length > 0 && <ExperimentsTable rows={rows} />}
    </>
  );
}
