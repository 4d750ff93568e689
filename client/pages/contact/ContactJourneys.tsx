// The contact page's journeys: every run of this contact through a journey, newest first, with its status and the
// path it took (journeys.forContact). Node names come from each journey's draft; a node since deleted shows its id.
import { Anchor, Badge, Button, Card, Group, Paper, Stack, Text, Timeline, Title } from '@mantine/core';
import { IconRoute, IconTarget } from '@tabler/icons-react';
import { useQueries, useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { AppRouter } from '../../../server/api/router.ts';
import { kindDefinition, nodeKindSchema, type NodeKind } from '../../../shared/journey/kinds.ts';
import { useTRPC } from '../../api/trpc.ts';
import { KIND_META } from '../../editor/kindMeta.ts';
import { ErrorState, LoadingState } from '../../ui/QueryState.tsx';
import { describeOutcome, RUN_STATUS } from './runPath.ts';

type Run = inferRouterOutputs<AppRouter>['journeys']['forContact'][number];
type NodeInfo = { name: string; kind: NodeKind | null };

/** Steps shown before "Show all": a run in a loop can be long. */
const SHOWN_STEPS = 8;

const formatTime = (ms: number) => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function RunPath({ run, nodes }: { run: Run; nodes: Map<string, NodeInfo> | undefined }) {
  const [all, setAll] = useState(false);
  // Resuming from a wait is the wait's own line ("Wait over"), so every step log entry is one line.
  const steps = all ? run.path : run.path.slice(0, SHOWN_STEPS);
  if (run.path.length === 0) {
    return (
      <Text size="xs" c="dimmed">
        No steps yet: the run starts at the next tick.
      </Text>
    );
  }
  return (
    <Stack gap={6}>
      <Timeline bulletSize={18} lineWidth={2} active={steps.length} role="list" aria-label={`Path through ${run.journeyName}`}>
        {steps.map((step, i) => {
          const info = nodes?.get(step.nodeId);
          const kind = info?.kind ?? null;
          const Icon = kind ? KIND_META[kind].icon : IconRoute;
          const failed = step.outcome.startsWith('failed');
          return (
            <Timeline.Item
              key={i}
              role="listitem"
              bullet={<Icon size={10} aria-hidden />}
              color={failed ? 'red' : kind ? KIND_META[kind].color : 'gray'}
              title={
                <Group justify="space-between" gap="xs" wrap="nowrap" align="baseline">
                  <Text size="sm" fw={500} truncate>
                    {info?.name ?? step.nodeId}
                  </Text>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {formatTime(step.at)}
                  </Text>
                </Group>
              }
            >
              <Text size="xs" c={failed ? 'red.8' : 'dimmed'}>
                {describeOutcome(step.outcome, kind, formatTime)}
              </Text>
            </Timeline.Item>
          );
        })}
      </Timeline>
      {run.path.length > SHOWN_STEPS && (
        <Button variant="subtle" size="compact-xs" onClick={() => setAll((a) => !a)} style={{ alignSelf: 'flex-start' }} aria-expanded={all}>
          {all ? 'Show fewer steps' : `Show all ${run.path.length} steps`}
        </Button>
      )}
    </Stack>
  );
}

function RunCard({ run, nodes }: { run: Run; nodes: Map<string, NodeInfo> | undefined }) {
  const status = RUN_STATUS[run.status] ?? { label: run.status, color: 'gray' };
  return (
    <Paper withBorder radius="md" p="sm" component="li" aria-label={`${run.journeyName}, version ${run.version}: ${status.label}`}>
      <Stack gap="xs">
        <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
          <div style={{ minWidth: 0 }}>
            <Anchor component={Link} to={`/journeys/${run.journeyId}`} size="sm" fw={600} lineClamp={1}>
              {run.journeyName}
            </Anchor>
            <Text size="xs" c="dimmed">
              Version {run.version} · entered {formatTime(run.enrolledAt)}
              {run.endedAt !== null ? ` · ended ${formatTime(run.endedAt)}` : ''}
            </Text>
          </div>
          <Group gap={6} wrap="nowrap">
            {run.goalReachedAt !== null && (
              <Badge size="sm" variant="light" color="teal" leftSection={<IconTarget size={12} aria-hidden />} title={`Goal reached ${formatTime(run.goalReachedAt)}`}>
                Converted
              </Badge>
            )}
            <Badge size="sm" variant="light" color={status.color}>
              {status.label}
            </Badge>
          </Group>
        </Group>
        {run.error && (
          <Text size="xs" c="red.8">
            {run.error}
          </Text>
        )}
        <RunPath run={run} nodes={nodes} />
      </Stack>
    </Paper>
  );
}

/** Node names and kinds per journey, from each journey's draft graph (a few journeys: built per render). */
function useNodeNames(journeyIds: string[]): Map<string, Map<string, NodeInfo>> {
  const trpc = useTRPC();
  const results = useQueries({ queries: journeyIds.map((id) => ({ ...trpc.journeys.get.queryOptions({ id }), staleTime: 60_000 })) });
  const out = new Map<string, Map<string, NodeInfo>>();
  results.forEach((result, i) => {
    if (!result.data) return;
    const nodes = new Map<string, NodeInfo>();
    for (const n of result.data.graph.nodes) {
      const kind = nodeKindSchema.safeParse(n.kind);
      nodes.set(n.id, { name: n.name || (kind.success ? kindDefinition(kind.data).label : n.id), kind: kind.success ? kind.data : null });
    }
    out.set(journeyIds[i]!, nodes);
  });
  return out;
}

export function ContactJourneys({ contactId }: { contactId: string }) {
  const trpc = useTRPC();
  const runs = useQuery(trpc.journeys.forContact.queryOptions({ contactId }));
  const journeyIds = useMemo(() => [...new Set((runs.data ?? []).map((r) => r.journeyId))], [runs.data]);
  const names = useNodeNames(journeyIds);

  let body;
  if (runs.isPending) body = <LoadingState label="Loading journeys" />;
  else if (runs.isError) body = <ErrorState error={runs.error} onRetry={() => runs.refetch()} />;
  else if (runs.data.length === 0) {
    body = (
      <Text size="sm" c="dimmed">
        Not in any journey yet. A journey takes this contact when its trigger matches something the contact does.
      </Text>
    );
  } else {
    body = (
      <Stack gap="sm" component="ol" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Journey runs">
        {runs.data.map((run) => (
          <RunCard key={run.enrollmentId} run={run} nodes={names.get(run.journeyId)} />
        ))}
      </Stack>
    );
  }

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-label="Journeys">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h5">
          Journeys
        </Title>
        {runs.data && runs.data.length > 0 && (
          <Badge variant="light" color="gray">
            {runs.data.length} run{runs.data.length === 1 ? '' : 's'}
          </Badge>
        )}
      </Group>
      {body}
    </Card>
  );
}
