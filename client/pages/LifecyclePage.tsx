// Home: the lifecycle matrix, one row per moment and one column per persona plus "all personas".
import { Anchor, Button, Group, Paper, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTRPC } from '../api/trpc.ts';
import { JourneyStatusBadge } from '../ui/JourneyStatusBadge.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { PersonaSwatch } from '../ui/PersonaSwatch.tsx';
import { ErrorState, LoadingState } from '../ui/QueryState.tsx';

interface CellJourney {
  id: string;
  name: string;
  status: string;
}

function cellKey(moment: string, personaKey: string | null): string {
  return `${moment}|${personaKey ?? '*'}`;
}

function MatrixCell({ moment, momentLabel, persona, personaName, journeys }: {
  moment: string;
  momentLabel: string;
  persona: string | null;
  personaName: string;
  journeys: CellJourney[];
}) {
  const createHref = `/journeys/new?moment=${moment}&persona=${persona ?? 'all'}`;
  return (
    <Stack gap={6} align="flex-start">
      {journeys.map((j) => (
        <Group key={j.id} gap={6} wrap="nowrap">
          <Anchor component={Link} to={`/journeys/${j.id}`} size="sm" lineClamp={1}>
            {j.name}
          </Anchor>
          <JourneyStatusBadge status={j.status} />
        </Group>
      ))}
      <Button
        component={Link}
        to={createHref}
        size="compact-xs"
        variant={journeys.length === 0 ? 'light' : 'subtle'}
        leftSection={<IconPlus size={12} aria-hidden />}
        aria-label={`Create journey: ${momentLabel}, ${personaName}`}
      >
        Create journey
      </Button>
    </Stack>
  );
}

export function LifecyclePage() {
  const trpc = useTRPC();
  const matrix = useQuery(trpc.lifecycle.matrix.queryOptions());

  const header = (
    <PageHeader
      title="Lifecycle"
      description="One journey per moment that matters and per persona. Pick a cell to create or open its journey."
    />
  );
  if (matrix.isPending) return (<>{header}<LoadingState label="Loading the lifecycle matrix" /></>);
  if (matrix.isError) return (<>{header}<ErrorState error={matrix.error} onRetry={() => matrix.refetch()} /></>);

  const { moments, personas, journeys } = matrix.data;
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
