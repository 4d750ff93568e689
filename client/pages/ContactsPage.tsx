// Contacts: search by email or name, filter by persona, phase and subscription, page through any number of them.
import { Alert, Anchor, Button, Group, Paper, Pill, Select, Stack, Table, Text, TextInput, ThemeIcon, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChevronLeft, IconChevronRight, IconFileImport, IconKey, IconSearch, IconUsers, IconX } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { parseMovedParams, type ContactListInput, type MovedFilter } from '../../shared/contacts/query.ts';
import { useTRPC } from '../api/trpc.ts';
import { PageHeader } from '../ui/PageHeader.tsx';
import { ErrorState, LoadingState } from '../ui/QueryState.tsx';
import { formatCount, formatDate, PersonaLabel, PhaseBadge, SUBSCRIPTION_LABELS, SubscriptionBadge, useContactLabels } from './contacts/contactUi.tsx';
import { ImportContactsModal } from './contacts/ImportContactsModal.tsx';

const PAGE_SIZE = 50;
const FILTER_KEYS = ['q', 'persona', 'phase', 'subscription'] as const;
/** The dashboard's link to one flow: ?moved=from>to&from=ISO&to=ISO. */
const MOVED_KEYS = ['moved', 'from', 'to'] as const;
const DAY_MS = 86_400_000;
const utcDate = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
const utcDateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** "Moved from Customer to Lapsed between 4 Sept 2026 and 2 Dec 2026": whole UTC days are shown as days, both included. */
export function describeMoved(moved: MovedFilter, phaseLabel: (key: string) => string): string {
  const since = Date.parse(moved.since);
  const until = Date.parse(moved.until);
  const wholeDays = since % DAY_MS === 0 && until % DAY_MS === 0;
  const span = wholeDays
    ? `between ${utcDate.format(since)} and ${utcDate.format(until - DAY_MS)}`
    : `between ${utcDateTime.format(since)} and ${utcDateTime.format(until)} UTC`;
  const change = moved.from === null ? `Entered ${phaseLabel(moved.to)} as their first phase` : `Moved from ${phaseLabel(moved.from)} to ${phaseLabel(moved.to)}`;
  return `${change} ${span}`;
}

function EmptyWorkspace({ onImport }: { onImport: () => void }) {
  return (
    <Paper withBorder p="xl" radius="md">
      <Stack align="center" gap="sm" maw={520} mx="auto" py="lg">
        <ThemeIcon size={48} radius="xl" variant="light" aria-hidden>
          <IconUsers size={26} stroke={1.5} />
        </ThemeIcon>
        <Title order={2} size="h4" ta="center">
          No contacts yet
        </Title>
        <Text c="dimmed" size="sm" ta="center">
          Contacts arrive when your shop sends events to the Segment-compatible API, or when you import a CSV file.
        </Text>
        <Group mt="xs">
          <Button leftSection={<IconFileImport size={16} aria-hidden />} onClick={onImport}>
            Import CSV
          </Button>
          <Button variant="default" component={Link} to="/settings?tab=keys" leftSection={<IconKey size={16} aria-hidden />}>
            Get an API key
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export function ContactsPage() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [importing, setImporting] = useState(false);
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 250);
  const labels = useContactLabels();

  const filters: Omit<ContactListInput, 'after' | 'before' | 'limit'> = {
    q: params.get('q') || undefined,
    persona: params.get('persona') || undefined,
    phase: (params.get('phase') || undefined) as ContactListInput['phase'],
    subscription: (params.get('subscription') || undefined) as ContactListInput['subscription'],
  };
  const movedLink = parseMovedParams(params.get('moved'), params.get('from'), params.get('to'));
  if (movedLink?.ok) filters.moved = movedLink.filter;
  const cursor = { after: params.get('after') || undefined, before: params.get('before') || undefined };
  const page = Number(params.get('page') ?? 1);

  /** Changes filters and goes back to the first page. */
  function setFilter(key: (typeof FILTER_KEYS)[number], value: string | null) {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        for (const k of ['after', 'before', 'page']) next.delete(k);
        return next;
      },
      { replace: true },
    );
  }

  useEffect(() => {
    if ((params.get('q') ?? '') !== debouncedSearch) setFilter('q', debouncedSearch || null);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only the debounced search drives this
  }, [debouncedSearch]);

  // Contacts change from outside the app (events, imports): each visit reads them afresh.
  const list = useQuery(trpc.contacts.list.queryOptions({ ...filters, ...cursor, limit: PAGE_SIZE }, { placeholderData: keepPreviousData, staleTime: 0 }));
  const count = useQuery(trpc.contacts.count.queryOptions(filters, { placeholderData: keepPreviousData, staleTime: 0 }));
  const filtered = FILTER_KEYS.some((k) => params.get(k)) || Boolean(movedLink);

  function removeMoved() {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const k of [...MOVED_KEYS, 'after', 'before', 'page']) next.delete(k);
        return next;
      },
      { replace: true },
    );
  }

  function goTo(direction: 'older' | 'newer') {
    const rows = list.data?.rows ?? [];
    const edge = direction === 'older' ? rows.at(-1) : rows[0];
    if (!edge) return;
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      next.delete('after');
      next.delete('before');
      const target = direction === 'older' ? page + 1 : page - 1;
      if (target > 1) {
        next.set(direction === 'older' ? 'after' : 'before', edge.id);
        next.set('page', String(target));
      } else next.delete('page');
      return next;
    });
  }

  const header = (
    <PageHeader
      title="Contacts"
      description="The people your journeys reach, with their persona, lifecycle phase and consent."
      actions={
        <Button leftSection={<IconFileImport size={16} aria-hidden />} onClick={() => setImporting(true)}>
          Import CSV
        </Button>
      }
    />
  );
  const modal = <ImportContactsModal opened={importing} onClose={() => setImporting(false)} />;

  if (list.isPending) return (<>{header}<LoadingState label="Loading contacts" />{modal}</>);
  if (list.isError) return (<>{header}<ErrorState error={list.error} onRetry={() => list.refetch()} />{modal}</>);
  if (!filtered && page === 1 && list.data.rows.length === 0) return (<>{header}<EmptyWorkspace onImport={() => setImporting(true)} />{modal}</>);

  const { rows, hasOlder, hasNewer } = list.data;
  const first = (page - 1) * PAGE_SIZE + 1;
  return (
    <>
      {header}
      <Stack gap="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="Email or name"
            leftSection={<IconSearch size={16} aria-hidden />}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            rightSection={
              search ? (
                <IconX size={14} aria-label="Clear search" role="button" style={{ cursor: 'pointer' }} onClick={() => setSearch('')} />
              ) : null
            }
            w={280}
          />
          <Select
            label="Persona"
            placeholder="Any persona"
            clearable
            data={[...labels.personas.map((p) => ({ value: p.key, label: p.name })), { value: 'none', label: 'No persona' }]}
            value={filters.persona ?? null}
            onChange={(v) => setFilter('persona', v)}
            w={190}
          />
          <Select
            label="Phase"
            placeholder="Any phase"
            clearable
            data={labels.phases.map((p) => ({ value: p.key, label: p.label }))}
            value={filters.phase ?? null}
            onChange={(v) => setFilter('phase', v)}
            w={170}
          />
          <Select
            label="Subscription"
            placeholder="Any status"
            clearable
            data={Object.entries(SUBSCRIPTION_LABELS).map(([value, s]) => ({ value, label: s.label }))}
            value={filters.subscription ?? null}
            onChange={(v) => setFilter('subscription', v)}
            w={170}
          />
          {filtered && (
            <Button
              variant="subtle"
              color="gray"
              onClick={() => {
                setSearch('');
                setParams(new URLSearchParams(), { replace: true });
              }}
            >
              Clear filters
            </Button>
          )}
        </Group>

        {movedLink?.ok && (
          <Group gap="xs">
            <Pill
              size="lg"
              withRemoveButton
              onRemove={removeMoved}
              // Mantine hides a pill's remove button from keyboards and screen readers (inputs remove pills with
              // Backspace); this pill stands alone, so its button is a real one.
              removeButtonProps={{ 'aria-hidden': false, tabIndex: 0, 'aria-label': `Remove filter: ${describeMoved(movedLink.filter, labels.phaseLabel)}` }}
            >
              {describeMoved(movedLink.filter, labels.phaseLabel)}
            </Pill>
            {/* The dashboard counts phase changes; someone who lapsed twice in the period is one contact here. */}
            <Text size="xs" c="dimmed">
              Each contact is listed once, however often they made this change.
            </Text>
          </Group>
        )}
        {movedLink && !movedLink.ok && (
          <Alert color="orange" variant="light" title="This link's phase-change filter cannot be read">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{movedLink.error} Showing contacts without it.</Text>
              <Button size="xs" variant="white" color="orange" onClick={removeMoved}>
                Remove it
              </Button>
            </Stack>
          </Alert>
        )}

        <Paper withBorder radius="md">
          <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Contacts" aria-busy={list.isFetching}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Contact</Table.Th>
                <Table.Th>Persona</Table.Th>
                <Table.Th>Phase</Table.Th>
                <Table.Th>Subscription</Table.Th>
                <Table.Th>Added</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => {
                const persona = labels.persona(c.personaKey);
                return (
                  <Table.Tr key={c.id} style={{ cursor: 'pointer' }} onClick={() => navigate(`/contacts/${c.id}`)}>
                    <Table.Td>
                      <Anchor component={Link} to={`/contacts/${c.id}`} size="sm" fw={500} onClick={(e) => e.stopPropagation()}>
                        {c.name ?? c.email}
                      </Anchor>
                      {c.name && (
                        <Text size="xs" c="dimmed">
                          {c.email}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <PersonaLabel name={persona?.name ?? (c.personaKey ? c.personaKey : null)} color={persona?.color} />
                    </Table.Td>
                    <Table.Td>
                      <PhaseBadge phase={c.phase} label={labels.phaseLabel(c.phase)} />
                    </Table.Td>
                    <Table.Td>
                      <SubscriptionBadge status={c.subscription} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {formatDate(c.createdAt)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
              {rows.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={5}>
                    <Text ta="center" c="dimmed" size="sm" py="lg">
                      No contacts match these filters.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Paper>

        <Group justify="space-between">
          <Text size="sm" c="dimmed" aria-live="polite">
            {rows.length > 0 ? `${first.toLocaleString()}–${(first + rows.length - 1).toLocaleString()} of ` : ''}
            {count.data ? formatCount(count.data, 'contact') : 'counting…'}
          </Text>
          <Group gap="xs">
            <Button variant="default" size="xs" leftSection={<IconChevronLeft size={14} aria-hidden />} disabled={!hasNewer} onClick={() => goTo('newer')}>
              Previous
            </Button>
            <Button variant="default" size="xs" rightSection={<IconChevronRight size={14} aria-hidden />} disabled={!hasOlder} onClick={() => goTo('older')}>
              Next
            </Button>
          </Group>
        </Group>
      </Stack>
      {modal}
    </>
  );
}
