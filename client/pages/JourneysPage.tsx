// Journeys: every journey of the workspace, filtered by moment, persona and status; import and create.
import { Anchor, Button, FileButton, Group, Input, Modal, Paper, SegmentedControl, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconPlus, IconRoute, IconUpload } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { MOMENT_KEYS, type MomentKey } from '../../shared/lifecycle/moments.ts';
import { errorMessage, useTRPC } from '../api/trpc.ts';
import { useImportJourney } from '../editor/importExport.ts';
import { JourneyStatusBadge } from '../ui/JourneyStatusBadge.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { PersonaSwatch } from '../ui/PersonaSwatch.tsx';
import { ErrorState, LoadingState } from '../ui/QueryState.tsx';
import { JourneyPriority, PRIORITY_HINT } from './journeys/JourneyPriority.tsx';
import { EmptyState as EmptyStateCard } from '../ui/EmptyState.tsx';

const STATUSES = ['draft', 'live', 'paused', 'archived'] as const;
type Status = (typeof STATUSES)[number];

/** The persona filter: any journey, journeys for all personas ("all"), or one persona's key. */
function personaFilter(value: string | null): string | null | undefined {
  if (!value) return undefined;
  return value === 'all' ? null : value;
}

function formatUpdated(value: Date | string | number): string {
  return new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function journeyName(momentLabel: string, personaName: string): string {
  return `${momentLabel} · ${personaName}`;
}

function NewJourneyDialog({ opened, onClose, moments, personas }: {
  opened: boolean;
  onClose: () => void;
  moments: { key: MomentKey; label: string }[];
  personas: { key: string; name: string }[];
}) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation(trpc.journeys.create.mutationOptions());
  const [moment, setMoment] = useState<MomentKey>(moments[0]?.key ?? 'opt_in');
  const [persona, setPersona] = useState('all');
  const [name, setName] = useState<string | null>(null);
  const suggested = journeyName(
    moments.find((m) => m.key === moment)?.label ?? moment,
    persona === 'all' ? 'All personas' : (personas.find((p) => p.key === persona)?.name ?? persona),
  );
  const submit = async () => {
    const { id } = await create.mutateAsync({ moment, personaKey: persona === 'all' ? null : persona, name: (name ?? suggested).trim() });
    void queryClient.invalidateQueries(trpc.lifecycle.matrix.pathFilter());
    void queryClient.invalidateQueries(trpc.journeys.list.pathFilter());
    navigate(`/journeys/${id}`);
  };
  return (
    <Modal opened={opened} onClose={onClose} title="New journey">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          The journey starts from the moment's starter graph, which you then adapt.
        </Text>
        <Select label="Moment" allowDeselect={false} value={moment} onChange={(v) => v && setMoment(v as MomentKey)} data={moments.map((m) => ({ value: m.key, label: m.label }))} />
        <Select
          label="For persona"
          allowDeselect={false}
          value={persona}
          onChange={(v) => setPersona(v ?? 'all')}
          data={[{ value: 'all', label: 'All personas' }, ...personas.map((p) => ({ value: p.key, label: p.name }))]}
        />
        <TextInput label="Name" value={name ?? suggested} onChange={(e) => setName(e.currentTarget.value)} maxLength={120} />
        {create.isError && (
          <Text size="sm" c="red">
            {errorMessage(create.error)}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => void submit().catch(() => undefined)} loading={create.isPending} disabled={!(name ?? suggested).trim()}>
            Create journey
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function EmptyState({ filtered, onClear, onCreate }: { filtered: boolean; onClear: () => void; onCreate: () => void }) {
  return (
    <EmptyStateCard
      icon={<IconRoute size={26} stroke={1.5} />}
      title={filtered ? 'No journeys match these filters' : 'No journeys yet'}
      width={480}
      actions={
        filtered ? (
          <Button variant="light" onClick={onClear}>
            Clear filters
          </Button>
        ) : (
          <Group gap="xs">
            <Button variant="light" component={Link} to="/">
              Open the lifecycle matrix
            </Button>
            <Button leftSection={<IconPlus size={16} />} onClick={onCreate}>
              New journey
            </Button>
          </Group>
        )
      }
    >
      {filtered
        ? 'Try another moment, persona or status.'
        : 'Each journey answers one moment that matters for one persona. Start from a cell of the lifecycle matrix, create one here, or import a journey file.'}
    </EmptyStateCard>
  );
}

export function JourneysPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const moment = (MOMENT_KEYS as readonly string[]).includes(params.get('moment') ?? '') ? (params.get('moment') as MomentKey) : undefined;
  const persona = params.get('persona');
  const status = (STATUSES as readonly string[]).includes(params.get('status') ?? '') ? (params.get('status') as Status) : undefined;
  const filtered = moment !== undefined || persona !== null || status !== undefined;

  const matrix = useQuery(trpc.lifecycle.matrix.queryOptions());
  const journeys = useQuery(trpc.journeys.list.queryOptions({ moment, personaKey: personaFilter(persona), status }));
  const { importJourney, importing, failure, dismissFailure } = useImportJourney();
  const [creating, setCreating] = useState(false);

  const setFilter = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  const moments = matrix.data?.moments ?? [];
  const personas = matrix.data?.personas ?? [];
  const momentLabel = (key: string) => moments.find((m) => m.key === key)?.label ?? key;
  const personaOf = (key: string | null) => (key === null ? undefined : personas.find((p) => p.key === key));

  return (
    <>
      <PageHeader
        title="Journeys"
        description="Every journey of the workspace, by moment, persona and status."
        actions={
          <Group gap="xs" wrap="nowrap">
            <FileButton onChange={(file) => void importJourney(file)} accept="application/json,.json">
              {(props) => (
                <Button {...props} variant="default" leftSection={<IconUpload size={16} />} loading={importing}>
                  Import file
                </Button>
              )}
            </FileButton>
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} disabled={!matrix.data}>
              New journey
            </Button>
          </Group>
        }
      />
      <Group gap="sm" mb="md" align="flex-end">
        <Select
          label="Moment"
          placeholder="Any moment"
          clearable
          w={220}
          value={moment ?? null}
          onChange={(v) => setFilter('moment', v)}
          data={moments.map((m) => ({ value: m.key, label: m.label }))}
        />
        <Select
          label="Persona"
          placeholder="Any persona"
          clearable
          w={220}
          value={persona}
          onChange={(v) => setFilter('persona', v)}
          data={[{ value: 'all', label: 'All personas (shared)' }, ...personas.map((p) => ({ value: p.key, label: p.name }))]}
        />
        <Stack gap={4}>
          <Input.Label id="status-filter-label">Status</Input.Label>
          <SegmentedControl
            aria-labelledby="status-filter-label"
            value={status ?? 'any'}
            onChange={(v) => setFilter('status', v === 'any' ? null : v)}
            data={[
              { value: 'any', label: 'Any' },
              { value: 'draft', label: 'Draft' },
              { value: 'live', label: 'Live' },
              { value: 'paused', label: 'Paused' },
              { value: 'archived', label: 'Archived' },
            ]}
          />
        </Stack>
      </Group>

      {journeys.isPending && <LoadingState label="Loading journeys" />}
      {journeys.isError && <ErrorState error={journeys.error} onRetry={() => journeys.refetch()} />}
      {journeys.data?.length === 0 && <EmptyState filtered={filtered} onClear={() => setParams(new URLSearchParams(), { replace: true })} onCreate={() => setCreating(true)} />}
      {journeys.data && journeys.data.length > 0 && (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={920}>
            <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Journeys">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Moment</Table.Th>
                  <Table.Th>Persona</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Version</Table.Th>
                  <Table.Th title={PRIORITY_HINT}>Priority</Table.Th>
                  <Table.Th>Updated</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {journeys.data.map((j) => {
                  const p = personaOf(j.personaKey);
                  return (
                    <Table.Tr key={j.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/journeys/${j.id}`} fw={500} size="sm">
                          {j.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{momentLabel(j.moment)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={6} wrap="nowrap">
                          <PersonaSwatch color={p?.color ?? 'gray'} />
                          <Text size="sm">{j.personaKey === null ? 'All personas' : (p?.name ?? j.personaKey)}</Text>
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <JourneyStatusBadge status={j.status} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c={j.currentVersion === null ? 'dimmed' : undefined}>
                          {j.currentVersion === null ? 'Not published' : `v${j.currentVersion}`}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <JourneyPriority journey={j} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          {formatUpdated(j.updatedAt)}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <Modal opened={failure !== null} onClose={dismissFailure} title={`Could not import ${failure?.fileName ?? ''}`} size="lg">
        <Stack gap="md">
          <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
            {failure?.message}
          </Text>
          <Text size="sm" c="dimmed">
            Nothing was imported. Fix the file, or export the journey again from Kairos, and import it once more.
          </Text>
          <Group justify="flex-end">
            <Button onClick={dismissFailure}>Close</Button>
          </Group>
        </Stack>
      </Modal>
      {creating && matrix.data && (
        <NewJourneyDialog opened onClose={() => setCreating(false)} moments={matrix.data.moments} personas={matrix.data.personas} />
      )}
    </>
  );
}
