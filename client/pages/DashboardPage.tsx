// The lifecycle dashboard: for all contacts or one persona over a period, where contacts are, how they moved between
// phases, how fast, and what each moment's journeys and each template did. A flow leads to its contacts, a journey to
// its editor.
import { Alert, Anchor, Button, Code, Group, Paper, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconLayoutGrid } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { LifecycleReport } from '../../shared/reports/lifecycle.ts';
import { useTRPC } from '../api/trpc.ts';
import { JourneyStatusBadge } from '../ui/JourneyStatusBadge.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { ErrorState, LoadingState } from '../ui/QueryState.tsx';
import { Section } from '../ui/Section.tsx';
import { EntriesPerWeekChart, FlowsSankey, PhasesNowChart, ReferralsChart, type Labels } from './dashboard/DashboardCharts.tsx';
import {
  customPeriod,
  formatDays,
  formatNumber,
  formatPercent,
  lastDay,
  PERIOD_PRESETS,
  periodChoiceFromParams,
  presetPeriod,
  type Period,
} from './dashboard/dashboardData.ts';

const ALL = 'all';

function Stat({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Text size="sm" c="dimmed" fw={500}>
        {label}
      </Text>
      <Text fz={28} fw={700} lh={1.3}>
        {value}
      </Text>
      {detail && (
        <Text size="xs" c="dimmed">
          {detail}
        </Text>
      )}
    </Paper>
  );
}

function MomentJourneys({ report }: { report: LifecycleReport }) {
  const navigate = useNavigate();
  const phaseLabel = (key: string) => report.phases.find((p) => p.phase === key)?.label ?? key;
  type Row = { moment: LifecycleReport['moments'][number]; journey: LifecycleReport['moments'][number]['journeys'][number] | null; first: boolean; span: number };
  const rows = report.moments.flatMap((m): Row[] =>
    m.journeys.length === 0 ? [{ moment: m, journey: null, first: true, span: 1 }] : m.journeys.map((j, i) => ({ moment: m, journey: j, first: i === 0, span: m.journeys.length })),
  );
  return (
    <Section title="Journeys per moment" description="Entered and converted in the period; in journey now is today's count. Open a journey to see its steps' figures.">
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="xs" highlightOnHover aria-label="Journeys per moment">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Moment</Table.Th>
              <Table.Th scope="col">Journey</Table.Th>
              <Table.Th scope="col" ta="right">Entered</Table.Th>
              <Table.Th scope="col" ta="right">In journey now</Table.Th>
              <Table.Th scope="col" ta="right">Converted</Table.Th>
              <Table.Th scope="col" ta="right">Conversion rate</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(({ moment, journey, first, span }) => (
              <Table.Tr
                key={`${moment.moment}|${journey?.id ?? ''}`}
                style={journey ? { cursor: 'pointer' } : undefined}
                onClick={journey ? () => navigate(`/journeys/${journey.id}`) : undefined}
              >
                {first && (
                  <Table.Th scope="rowgroup" rowSpan={span} fw={600} style={{ verticalAlign: 'top' }}>
                    {moment.label}
                    {moment.inPhaseNow !== undefined && moment.phases && moment.phases.length > 0 && (
                      <Text size="xs" c="dimmed" fw={400}>
                        {formatNumber(moment.inPhaseNow)} in {moment.phases.map(phaseLabel).join(' or ')} now
                      </Text>
                    )}
                  </Table.Th>
                )}
                {journey ? (
                  <>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Anchor component={Link} to={`/journeys/${journey.id}`} size="sm" onClick={(e) => e.stopPropagation()}>
                          {journey.name}
                        </Anchor>
                        <JourneyStatusBadge status={journey.status} />
                      </Group>
                    </Table.Td>
                    <Table.Td ta="right">{formatNumber(journey.entered)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(journey.inJourneyNow)}</Table.Td>
                    <Table.Td ta="right">{formatNumber(journey.converted)}</Table.Td>
                    <Table.Td ta="right">{formatPercent(journey.conversionRate)}</Table.Td>
                  </>
                ) : (
                  <Table.Td colSpan={5}>
                    <Text size="sm" c="dimmed" component="span">
                      No journey for this moment yet.{' '}
                    </Text>
                    <Anchor component={Link} to={`/journeys/new?moment=${moment.moment}&persona=${report.persona ?? 'all'}`} size="sm">
                      Create a journey for {moment.label}
                    </Anchor>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Section>
  );
}

function TemplatePerformance({ report }: { report: LifecycleReport }) {
  const rows = [...report.templates].sort((a, b) => b.sent - a.sent);
  return (
    <Section title="Email performance per template" description="Emails sent in the period; rates are of delivered emails. Bounces are addresses that refused mail for good; soft bounces failed for now; complaints are contacts who marked an email as spam.">
      {rows.length === 0 ? (
        <Text size="sm" ta="center" py="md">
          No emails sent in this period — they count once a live journey sends one (run <Code>npm run demo</Code> to see them).
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={960}>
          <Table verticalSpacing="xs" striped aria-label="Email performance per template">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Template</Table.Th>
                {['Sent', 'Delivered', 'Unique opens', 'Unique clicks', 'Unsubscribes', 'Bounces', 'Soft bounces', 'Complaints', 'Click rate'].map((h) => (
                  <Table.Th key={h} scope="col" ta="right">
                    {h}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((t) => (
                <Table.Tr key={t.templateId}>
                  <Table.Th scope="row" fw={400}>
                    <Anchor component={Link} to={`/templates/${t.templateId}`} size="sm">
                      {t.name}
                    </Anchor>
                  </Table.Th>
                  <Table.Td ta="right">{formatNumber(t.sent)}</Table.Td>
                  <Table.Td ta="right">{formatNumber(t.delivered)}</Table.Td>
                  <Table.Td ta="right">{formatNumber(t.uniqueOpens)}</Table.Td>
                  <Table.Td ta="right">{formatNumber(t.uniqueClicks)}</Table.Td>
                  <Table.Td ta="right">{formatNumber(t.unsubscribes)}</Table.Td>
                  <Table.Td ta="right">{formatNumber(t.bounces)}</Table.Td>
                  <Table.Td ta="right">{formatNumber(t.softBounces)}</Table.Td>
                  <Table.Td ta="right">{formatNumber(t.complaints)}</Table.Td>
                  <Table.Td ta="right" fw={600}>
                    {formatPercent(t.clickRate)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}

function Report({ report, period }: { report: LifecycleReport; period: Period }) {
  const labels: Labels = useMemo(() => {
    const byKey = new Map(report.phases.map((p) => [p.phase, p.label]));
    return { phase: (key) => (key === null ? 'No phase' : (byKey.get(key) ?? key)), order: report.phases.map((p) => p.phase) };
  }, [report.phases]);
  const m = report.medians;
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} spacing="md">
        <Stat
          label="Subscriber to first purchase"
          value={formatDays(m.subscriberToFirstPurchaseDays)}
          detail={m.firstPurchases > 0 ? `median over ${formatNumber(m.firstPurchases)} first purchases` : 'no first purchase in the period'}
        />
        <Stat
          label="Customer to loyal"
          value={formatDays(m.customerToLoyalDays)}
          detail={m.becameLoyal > 0 ? `median over ${formatNumber(m.becameLoyal)} who became loyal` : 'nobody became loyal in the period'}
        />
        <Stat label="Lapsed" value={formatNumber(report.lapsed)} detail="entered the lapsed phase in the period" />
        <Stat label="Reactivated" value={formatNumber(report.reactivated)} detail="left the lapsed phase in the period" />
        <Stat label="Referrals" value={formatNumber(report.referrals)} detail="referred people who confirmed" />
      </SimpleGrid>
      <FlowsSankey report={report} labels={labels} period={period} />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <PhasesNowChart report={report} labels={labels} />
        <EntriesPerWeekChart report={report} labels={labels} />
      </SimpleGrid>
      <ReferralsChart report={report} />
      <MomentJourneys report={report} />
      <TemplatePerformance report={report} />
    </Stack>
  );
}

export function DashboardPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const personas = useQuery(trpc.personas.list.queryOptions());
  const persona = params.get('persona') || null;
  const choice = periodChoiceFromParams(params);
  // "Now" is taken once per visit, so the period (and its query key) does not move while the page is open.
  const [now] = useState(() => Date.now());
  const custom = choice.kind === 'custom' ? customPeriod(choice.fromDate, choice.toDate) : null;
  const period: Period | null = choice.kind === 'preset' ? presetPeriod(choice.days, now) : custom?.ok ? custom.period : null;
  const defaultCustom = presetPeriod(choice.kind === 'preset' ? choice.days : 90, now);
  const [draft, setDraft] = useState(() =>
    choice.kind === 'custom' ? { from: choice.fromDate, to: choice.toDate } : { from: defaultCustom.from.slice(0, 10), to: lastDay(defaultCustom) },
  );

  const report = useQuery({
    ...trpc.reports.lifecycle.queryOptions({ persona, from: period?.from ?? '', to: period?.to ?? '' }),
    enabled: period !== null,
    placeholderData: keepPreviousData,
  });

  function update(changes: Record<string, string | null>) {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v === null) next.delete(k);
          else next.set(k, v);
        }
        return next;
      },
      { replace: true },
    );
  }

  const periodValue = choice.kind === 'preset' ? String(choice.days) : 'custom';
  const header = (
    <PageHeader
      title="Lifecycle dashboard"
      description="Where your contacts are in the lifecycle, how they moved between phases in a period, and what each moment's journeys and each template did."
      actions={
        <Button component={Link} to="/" variant="default" leftSection={<IconLayoutGrid size={16} aria-hidden />}>
          Lifecycle matrix
        </Button>
      }
    />
  );

  return (
    <>
      {header}
      <Stack gap="md">
        <Group gap="md" align="flex-end" wrap="wrap">
          <Select
            label="Persona"
            data={[{ value: ALL, label: 'All personas' }, ...(personas.data ?? []).map((p) => ({ value: p.key, label: p.name }))]}
            value={persona ?? ALL}
            onChange={(v) => update({ persona: !v || v === ALL ? null : v })}
            allowDeselect={false}
            w={220}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="dashboard-period-label">
              Period
            </Text>
            <SegmentedControl
              aria-labelledby="dashboard-period-label"
              value={periodValue}
              onChange={(v) => {
                if (v === 'custom') update({ days: null, from: draft.from, to: draft.to });
                else update({ days: v, from: null, to: null });
              }}
              data={[...PERIOD_PRESETS.map((d) => ({ value: String(d), label: `${d} days` })), { value: 'custom', label: 'Custom' }]}
            />
          </Stack>
          {choice.kind === 'custom' && (
            <Group gap="sm" align="flex-end">
              <TextInput
                type="date"
                label="From"
                value={draft.from}
                max={draft.to || undefined}
                onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
                w={170}
              />
              <TextInput
                type="date"
                label="To (included)"
                value={draft.to}
                min={draft.from || undefined}
                onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })}
                w={170}
              />
              <Button variant="light" onClick={() => update({ days: null, from: draft.from, to: draft.to })}>
                Apply dates
              </Button>
            </Group>
          )}
          {period && (
            <Text size="sm" c="dimmed" pb={8} aria-live="polite">
              {new Date(period.from).toISOString().slice(0, 10)} to {lastDay(period)} (UTC)
            </Text>
          )}
        </Group>

        {custom && !custom.ok ? (
          <Alert color="orange" variant="light" title="Choose a period">
            {custom.error}
          </Alert>
        ) : report.isPending ? (
          <LoadingState label="Loading the dashboard" />
        ) : report.isError ? (
          <ErrorState error={report.error} onRetry={() => report.refetch()} />
        ) : (
          <div aria-busy={report.isFetching}>
            <Report report={report.data} period={period!} />
          </div>
        )}
      </Stack>
    </>
  );
}
