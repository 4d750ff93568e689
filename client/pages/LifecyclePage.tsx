// Home: the lifecycle matrix, one row per moment and one column per persona plus "all personas"; each cell shows its
// live journey's key figures and how many of the column's contacts stand in the moment's phases now.
import { Anchor, Box, Button, Group, Paper, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconChartSankey, IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTRPC } from '../api/trpc.ts';
import { JourneyStatusBadge } from '../ui/JourneyStatusBadge.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { PersonaSwatch } from '../ui/PersonaSwatch.tsx';
import { ErrorState, LoadingState } from '../ui/QueryState.tsx';
import { useContactLabels } from './contacts/contactUi.tsx';
import { formatNumber, formatPercent } from './dashboard/dashboardData.ts';

interface CellJourney {
  id: string;
  name: string;
  status: string;
  figures?: { inJourneyNow: number; converted: number; conversionRate: number | null; entered: number };
}


/** A running journey's figures in words: what a reader sees is what a screen reader reads. */
function JourneyFigures({ figures }: { figures: NonNullable<CellJourney['figures']> }) {
  return (
    <Text size="xs" c="dimmed">
      {formatNumber(figures.inJourneyNow)} in journey now · {figures.entered === 0 ? 'no entries yet' : `${formatPercent(figures.conversionRate)} converted`}
    </Text>
  );
}

function cellKey(moment: string, personaKey: string | null): string {
  return `${moment}|${personaKey ?? '*'}`;
}

const running = (j: CellJourney) => j.status === 'live' || j.status === 'paused';

function MatrixCell({ moment, momentLabel, persona, personaName, journeys, inPhase, coveredBy }: {
  moment: string;
  momentLabel: string;
  persona: string | null;
  personaName: string;
  journeys: CellJourney[];
  /** The column's contacts in the moment's phases now, with the phases' names. */
  inPhase: { n: number; phases: string } | null;
  /** In a persona's column: the all-personas journey that already runs for this moment, if any. */
  coveredBy: CellJourney | null;
}) {
  const createHref = `/journeys/new?moment=${moment}&persona=${persona ?? 'all'}`;
  // A cell with a running journey shows it, not an invitation to make a second one (publishing warns about that too).
  const hasRunning = journeys.some(running);
  return (
    <Stack gap={6} align="flex-start">
      {journeys.map((j) => (
        <Stack key={j.id} gap={0}>
          <Group gap={6} wrap="nowrap">
            <Anchor component={Link} to={`/journeys/${j.id}`} size="sm" lineClamp={2} title={j.name}>
              {j.name}
            </Anchor>
            {/* The name gives way when the column is narrow; the status stays whole. */}
            <Box flex="none">
              <JourneyStatusBadge status={j.status} />
            </Box>
          </Group>
          {j.figures && (j.status === 'live' || j.status === 'paused') && <JourneyFigures figures={j.figures} />}
        </Stack>
      ))}
      {inPhase && (
        <Text size="xs" c="dimmed">
          {formatNumber(inPhase.n)} {inPhase.n === 1 ? 'contact' : 'contacts'} in {inPhase.phases}
        </Text>
      )}
      {!hasRunning && coveredBy && (
        <Text size="xs" c="dimmed">
          Covered by <Anchor component={Link} to={`/journeys/${coveredBy.id}`} size="xs" underline="always">{coveredBy.name}</Anchor> (all personas)
        </Text>
      )}
      {!hasRunning && (
        <Button
          component={Link}
          to={createHref}
          size="compact-xs"
          variant={journeys.length === 0 && !coveredBy ? 'light' : 'subtle'}
          leftSection={<IconPlus size={12} aria-hidden />}
          aria-label={`${coveredBy ? 'Create a persona journey' : 'Create journey'}: ${momentLabel}, ${personaName}`}
        >
          {coveredBy ? 'Create a persona journey' : 'Create journey'}
        </Button>
      )}
    </Stack>
  );
}

export function LifecyclePage() {
  const trpc = useTRPC();
  const labels = useContactLabels();
  const matrix = useQuery(trpc.lifecycle.matrix.queryOptions());

  const header = (
    <PageHeader
      title="Lifecycle"
      description="One journey per moment that matters and per persona. Pick a cell to create or open its journey."
      actions={
        <Button component={Link} to="/dashboard" variant="default" leftSection={<IconChartSankey size={16} aria-hidden />}>
          Lifecycle dashboard
        </Button>
      }
    />
  );
  if (matrix.isPending) return (<>{header}<LoadingState label="Loading the lifecycle matrix" /></>);
  if (matrix.isError) return (<>{header}<ErrorState error={matrix.error} onRetry={() => matrix.refetch()} /></>);

  const { moments, personas, journeys, momentPhases, phaseCounts } = matrix.data;
  const phaseLabel = (key: string) => labels.phaseLabel(key);
  /** Contacts now in the moment's phases: one persona's, or everyone's for the "All personas" column. */
  const inPhase = (moment: string, persona: string | null) => {
    const phases: readonly string[] = (momentPhases as Record<string, readonly string[]>)[moment] ?? [];
    if (phases.length === 0) return null;
    const n = phaseCounts.filter((c) => phases.includes(c.phase) && (persona === null || c.personaKey === persona)).reduce((s, c) => s + c.n, 0);
    const names = phases.map(phaseLabel);
    return { n, phases: names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names[0]! };
  };
  const byCell = new Map<string, CellJourney[]>();
  for (const j of journeys) {
    const key = cellKey(j.moment, j.personaKey);
    byCell.set(key, [...(byCell.get(key) ?? []), j]);
  }
  const columns = [
    { key: null, name: 'All personas', description: 'Journeys for every contact, whatever their persona.', color: 'gray' },
    ...personas,
  ];

  return (
    <>
      {header}
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={240 + columns.length * 200}>
          <Table verticalSpacing="md" horizontalSpacing="md" withColumnBorders aria-label="Lifecycle matrix">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={240}>Moment</Table.Th>
                {columns.map((c) => (
                  <Table.Th key={c.key ?? '*'} scope="col">
                    <Tooltip label={c.description} multiline w={260} withArrow>
                      <Group gap={6} wrap="nowrap">
                        <PersonaSwatch color={c.color} />
                        <Text size="sm" fw={600}>{c.name}</Text>
                      </Group>
                    </Tooltip>
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {moments.map((m) => (
                <Table.Tr key={m.key}>
                  <Table.Th scope="row" style={{ verticalAlign: 'top' }}>
                    <Text fw={600} size="sm">{m.label}</Text>
                    <Text size="xs" c="dimmed" fw={400}>{m.purpose}</Text>
                  </Table.Th>
                  {columns.map((c) => (
                    <Table.Td key={c.key ?? '*'} style={{ verticalAlign: 'top' }}>
                      <MatrixCell
                        moment={m.key}
                        momentLabel={m.label}
                        persona={c.key}
                        personaName={c.name}
                        journeys={byCell.get(cellKey(m.key, c.key)) ?? []}
                        inPhase={inPhase(m.key, c.key)}
                        coveredBy={c.key === null ? null : ((byCell.get(cellKey(m.key, null)) ?? []).find(running) ?? null)}
                      />
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </>
  );
}
