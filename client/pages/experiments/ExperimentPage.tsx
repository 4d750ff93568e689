// /experiments/:id — one experiment: its design, the verdict in plain language, per-arm figures and comparisons with
// statistics that stay valid however often one looks, the sample check and the power, three charts, the decisions a
// manager can take, and the history of who decided what on which figures.
import { ActionIcon, Alert, Anchor, Badge, Box, Button, Collapse, Group, Paper, SimpleGrid, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconInfoCircle, IconScale } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { useId, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import type { VerdictKind } from '../../../shared/stats/verdict.ts';
import { useTRPC } from '../../api/trpc.ts';
import { PageHeader } from '../../ui/PageHeader.tsx';
import { ErrorState, LoadingState } from '../../ui/QueryState.tsx';
import { formatNumber, formatPercent } from '../dashboard/dashboardData.ts';
import { ExperimentActions } from './ExperimentActions.tsx';
import { AssignedChart, DifferenceChart, RateChart, useArmStyles } from './ExperimentCharts.tsx';
import {
  detectableSentence,
  formatDate,
  formatDifference,
  formatDifferenceInterval,
  formatInterval,
  formatLift,
  formatP,
  formatRate,
  GUARDRAIL_LABEL,
  historyTitle,
  isRevenue,
  KIND_LABEL,
  peekingP,
  plural,
  powerSentence,
  probabilityBestByArm,
  srmSentence,
  VERDICT_STYLE,
  type ExperimentDetails,
  type ExperimentReport,
  type HistoryEntry,
} from './experimentData.ts';
import { ExperimentStatusBadge } from './experimentUi.tsx';
import { Section } from '../../ui/Section.tsx';

const FIXED_P_HELP =
  'The classic two-sample test. It is only valid read once, at an end planned in advance: looked at every day and stopped when it dips below 0.05, it finds differences that are not there. The verdict never uses it.';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text component="dt" size="xs" c="dimmed" fw={500}>
        {label}
      </Text>
      <Text component="dd" size="sm" m={0}>
        {children}
      </Text>
    </div>
  );
}

const VERDICT_ICON: Record<VerdictKind, ReactNode> = {
  ship: <IconCircleCheck aria-hidden />,
  worse: <IconAlertTriangle aria-hidden />,
  guardrail: <IconAlertTriangle aria-hidden />,
  srm: <IconAlertTriangle aria-hidden />,
  inconclusive: <IconScale aria-hidden />,
  empty: <IconInfoCircle aria-hidden />,
};

function verdictExplanation(details: ExperimentDetails): string {
  const { experiment, report } = details;
  if (report.verdict.kind === 'srm') {
    return 'The arms did not get the shares their weights promise, so any difference could come from the assignment, not from the branches. Check the split’s weights and what changed while it ran.';
  }
  if (experiment.endedAt !== null) {
    const what = experiment.status === 'shipped' ? 'Shipped' : 'Stopped';
    return `${what} on ${formatDate(experiment.endedAt)}: the figures as they stood then, read from the always-valid test. They no longer change.`;
  }
  return experiment.kind === 'holdout'
    ? 'Read from the always-valid test of the journey against the contacts held out of it: it stays true however often you look.'
    : 'Read from the always-valid test: it stays true however often you look, so you can check every day and decide when it says so.';
}

function VerdictAlert({ details }: { details: ExperimentDetails }) {
  const { verdict } = details.report;
  return (
    <Alert
      variant="light"
      color={VERDICT_STYLE[verdict.kind].color}
      icon={VERDICT_ICON[verdict.kind]}
      title={
        <Text component="span" fw={700} size="lg" lh={1.35}>
          {verdict.text}
        </Text>
      }
    >
      <Text size="sm">{verdictExplanation(details)}</Text>
    </Alert>
  );
}

function Design({ details, journeyStatus }: { details: ExperimentDetails; journeyStatus: string | undefined }) {
  const x = details.experiment;
  const holdoutArm = x.arms.find((a) => a.key === x.controlKey);
  return (
    <Paper withBorder radius="md" p="md">
      <SimpleGrid component="dl" cols={{ base: 1, xs: 2, md: 4 }} spacing="md" verticalSpacing="sm" m={0}>
        <Fact label="Journey">
          <Anchor component={Link} to={`/journeys/${x.journeyId}`} size="sm">
            {x.journeyName}
          </Anchor>
          {journeyStatus && (
            <Text span size="xs" c="dimmed">
              {' '}
              ({journeyStatus})
            </Text>
          )}
        </Fact>
        <Fact label="Started">
          {formatDate(x.startedAt)} (version {x.startVersion})
        </Fact>
        <Fact label={x.endedAt === null ? 'Running for' : 'Ended'}>{x.endedAt === null ? plural(x.daysRunning, 'day') : `${formatDate(x.endedAt)}, after ${plural(x.daysRunning, 'day')}`}</Fact>
        <Fact label="Arms">{x.arms.map((a) => `${a.name} ${a.weight}%`).join(' · ')}</Fact>
        <Fact label="Metric">{x.metricLabel}</Fact>
        <Fact label="Minimum effect of interest">{Math.round(x.minimumEffect * 100)}% relative lift</Fact>
        <Fact label="Guardrails">{x.guardrails.length === 0 ? (x.kind === 'holdout' ? 'None (held-out contacts get no email)' : 'None') : x.guardrails.map((g) => GUARDRAIL_LABEL[g] ?? g).join(', ')}</Fact>
        <Fact label="Hypothesis">
          {x.hypothesis || (
            <Text span size="sm" c="dimmed">
              {x.kind === 'holdout' ? `The journey brings more conversions than holding ${holdoutArm?.weight ?? ''}% of its contacts out.` : 'None written down — a manager sets one in the split’s settings.'}
            </Text>
          )}
        </Fact>
      </SimpleGrid>
    </Paper>
  );
}

function ArmsTable({ details }: { details: ExperimentDetails }) {
  const { report, experiment } = details;
  const revenue = isRevenue(report);
  return (
    <Section
      title="Per arm"
      description={revenue ? 'Mean revenue per contact with its 95% interval (normal approximation).' : 'Conversion rate with its 95% interval (Wilson score).'}
    >
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs" aria-label="Per arm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Arm</Table.Th>
              <Table.Th scope="col" ta="right">
                Weight
              </Table.Th>
              <Table.Th scope="col" ta="right">
                Contacts
              </Table.Th>
              <Table.Th scope="col" ta="right">
                {revenue ? 'Contacts who bought' : 'Conversions'}
              </Table.Th>
              <Table.Th scope="col" ta="right">
                {revenue ? 'Mean revenue per contact' : 'Conversion rate'}
              </Table.Th>
              <Table.Th scope="col" ta="right">
                95% interval
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.arms.map((a) => (
              <Table.Tr key={a.key}>
                <Table.Th scope="row" fw={500}>
                  <Group gap={6} wrap="nowrap">
                    {a.name}
                    {a.key === experiment.controlKey && (
                      <Badge size="xs" variant="outline" color="gray">
                        {experiment.kind === 'holdout' ? 'held out' : 'control'}
                      </Badge>
                    )}
                    {a.key === experiment.shippedArm && (
                      <Badge size="xs" variant="light" color="teal">
                        shipped
                      </Badge>
                    )}
                  </Group>
                </Table.Th>
                <Table.Td ta="right">{a.weight}%</Table.Td>
                <Table.Td ta="right">{formatNumber(a.n)}</Table.Td>
                <Table.Td ta="right">{formatNumber(a.conversions)}</Table.Td>
                <Table.Td ta="right" fw={600}>
                  {formatRate(a.rate, revenue)}
                </Table.Td>
                <Table.Td ta="right">{formatInterval(a.ci, revenue)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Section>
  );
}

function FixedPHeader() {
  return (
    <Group gap={4} justify="flex-end" wrap="nowrap">
      <Text span size="sm" c="dimmed" fw={600}>
        Fixed-horizon p
      </Text>
      <Tooltip label={FIXED_P_HELP} multiline w={300} withArrow events={{ hover: true, focus: true, touch: true }}>
        <ActionIcon variant="subtle" color="gray" size="sm" aria-label={`About the fixed-horizon p: ${FIXED_P_HELP}`}>
          <IconInfoCircle size={16} aria-hidden />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

function ComparisonsTable({ details }: { details: ExperimentDetails }) {
  const { report } = details;
  const revenue = isRevenue(report);
  const name = (key: string) => report.arms.find((a) => a.key === key)?.name ?? key;
  const best = probabilityBestByArm(report);
  const controlKey = report.comparisons[0]?.control ?? details.experiment.controlKey;
  const several = report.comparisons.length > 1;
  return (
    <Section
      title={`Against ${name(controlKey)}`}
      description={
        <>
          The difference and its 95% interval are always valid: they hold however often you look, and the interval only narrows as contacts arrive.
          {several ? ' The p-value is adjusted (Holm) for comparing several variants at once.' : ''}
        </>
      }
    >
      <Table.ScrollContainer minWidth={820}>
        <Table verticalSpacing="xs" aria-label={`Against ${name(controlKey)}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Arm</Table.Th>
              <Table.Th scope="col" ta="right">
                {revenue ? 'Difference per contact' : 'Difference'}
              </Table.Th>
              <Table.Th scope="col" ta="right">
                Always-valid 95% interval
              </Table.Th>
              <Table.Th scope="col" ta="right">
                Relative lift
              </Table.Th>
              <Table.Th scope="col" ta="right">
                p (valid when peeking)
              </Table.Th>
              <Table.Th scope="col" ta="right">
                Probability to be best
              </Table.Th>
              <Table.Th scope="col" ta="right">
                <FixedPHeader />
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th scope="row" fw={500}>
                {name(controlKey)}
              </Table.Th>
              <Table.Td colSpan={4}>
                <Text span size="sm" c="dimmed">
                  {details.experiment.kind === 'holdout' ? 'held out: the baseline' : 'control: the baseline'}
                </Text>
              </Table.Td>
              <Table.Td ta="right">{formatPercent(best.get(controlKey) ?? null)}</Table.Td>
              <Table.Td ta="right" />
            </Table.Tr>
            {report.comparisons.map((c) => (
              <Table.Tr key={c.arm}>
                <Table.Th scope="row" fw={500}>
                  {name(c.arm)}
                </Table.Th>
                <Table.Td ta="right" fw={600}>
                  {formatDifference(c.diff, revenue)}
                </Table.Td>
                <Table.Td ta="right">{formatDifferenceInterval(c.ci, revenue)}</Table.Td>
                <Table.Td ta="right">{formatLift(c.relativeLift)}</Table.Td>
                <Table.Td ta="right" fw={600}>
                  {formatP(peekingP(c))}
                </Table.Td>
                <Table.Td ta="right">{formatPercent(best.get(c.arm) ?? null)}</Table.Td>
                <Table.Td ta="right">
                  <Text span size="sm" c="dimmed">
                    {formatP(c.pFixed)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {!revenue && (
        <Text size="xs" c="dimmed">
          Differences are in percentage points (pts) of the conversion rate; an interval is cut where it would pass ±100 pts. Probability to be best is a
          Bayesian reading (uniform priors); on its own it never calls a result.
        </Text>
      )}
    </Section>
  );
}

function HoldoutEffect({ details }: { details: ExperimentDetails }) {
  const { report, experiment } = details;
  const revenue = isRevenue(report);
  const c = report.comparisons[0];
  const held = experiment.arms.find((a) => a.key === experiment.controlKey);
  return (
    <Section title="The journey’s incremental effect">
      <Text size="sm">
        {held?.weight ?? 0}% of the contacts entering {experiment.journeyName} are held out: they are enrolled, counted and followed for the goal, but
        receive nothing. The difference between those in the journey and those held out is what the journey itself adds to the goal — proof that it earns
        its sends, or that it does not.
      </Text>
      {c && (
        <Text size="sm" fw={600}>
          {c.ci === null
            ? 'Not enough contacts yet to measure the journey’s effect.'
            : `In the journey: ${formatDifference(c.diff, revenue)} against held out (always-valid 95% interval ${formatDifferenceInterval(c.ci, revenue)}).`}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        A holdout has no variant to ship; to stop holding contacts out, turn the holdout off in the journey settings and publish.
      </Text>
    </Section>
  );
}

function Checks({ details }: { details: ExperimentDetails }) {
  const { report, experiment } = details;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Section title="Sample ratio">
        <Text size="sm" c={report.srm.flagged ? 'red' : undefined} fw={report.srm.flagged ? 600 : undefined}>
          {srmSentence(report)}
        </Text>
      </Section>
      <Section title="Power">
        <Text size="sm">{powerSentence(report, experiment.minimumEffect, experiment.kind === 'holdout')}</Text>
        {detectableSentence(details.minimumDetectableEffect, experiment.kind === 'holdout') && (
          <Text size="sm" c="dimmed">
            {detectableSentence(details.minimumDetectableEffect, experiment.kind === 'holdout')}
          </Text>
        )}
      </Section>
    </SimpleGrid>
  );
}

function Guardrails({ details }: { details: ExperimentDetails }) {
  const { guardrails, experiment, report } = details;
  if (guardrails.length === 0) return null;
  const arms = report.arms;
  return (
    <Section
      title="Guardrails"
      description="Higher is worse. A variant that reliably raises one (by the always-valid test) is flagged in the verdict, whatever it does to the metric."
    >
      <Table.ScrollContainer minWidth={520}>
        <Table verticalSpacing="xs" aria-label="Guardrails">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Guardrail</Table.Th>
              {arms.map((a) => (
                <Table.Th key={a.key} scope="col" ta="right">
                  {a.name}
                  {a.key === experiment.controlKey ? ' (control)' : ''}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {guardrails.map((g) => (
              <Table.Tr key={g.label}>
                <Table.Th scope="row" fw={500}>
                  {GUARDRAIL_LABEL[g.label] ?? g.label}
                </Table.Th>
                {arms.map((a) => {
                  const figures = g.arms.find((x) => x.key === a.key);
                  return (
                    <Table.Td key={a.key} ta="right">
                      {formatPercent(figures?.rate ?? null)}
                      <Text span size="xs" c="dimmed">
                        {' '}
                        ({formatNumber(figures?.count ?? 0)} of {formatNumber(figures?.n ?? 0)})
                      </Text>
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Section>
  );
}

function FiguresAtTheTime({ figures, revenue }: { figures: ExperimentReport; revenue: boolean }) {
  return (
    <Stack gap="xs">
      <Text size="sm">{figures.verdict.text}</Text>
      <Table verticalSpacing={4} withTableBorder aria-label="Figures at the time">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Arm</Table.Th>
            <Table.Th scope="col" ta="right">
              Contacts
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {revenue ? 'Mean revenue' : 'Rate'}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              95% interval
            </Table.Th>
            <Table.Th scope="col" ta="right">
              p (valid when peeking)
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {figures.arms.map((a) => {
            const c = figures.comparisons.find((x) => x.arm === a.key);
            return (
              <Table.Tr key={a.key}>
                <Table.Th scope="row" fw={500}>
                  {a.name}
                </Table.Th>
                <Table.Td ta="right">{formatNumber(a.n)}</Table.Td>
                <Table.Td ta="right">{formatRate(a.rate, revenue)}</Table.Td>
                <Table.Td ta="right">{formatInterval(a.ci, revenue)}</Table.Td>
                <Table.Td ta="right">{c ? formatP(peekingP(c)) : '—'}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function HistoryItem({ entry, details }: { entry: HistoryEntry; details: ExperimentDetails }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const armName = (key: string) => details.experiment.arms.find((a) => a.key === key)?.name ?? key;
  return (
    <Box component="li" py="xs" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="md">
        <Stack gap={2}>
          <Text size="sm" fw={600}>
            {historyTitle(entry, armName)}
          </Text>
          <Text size="xs" c="dimmed">
            {formatDate(entry.at)} · {entry.userName ?? 'Kairos'}
          </Text>
          {entry.note && <Text size="sm">{entry.note}</Text>}
        </Stack>
        {entry.figures && (
          <Button variant="subtle" size="compact-sm" aria-expanded={open} aria-controls={id} onClick={() => setOpen((v) => !v)} style={{ flexShrink: 0 }}>
            {open ? 'Hide the figures' : 'Figures at the time'}
          </Button>
        )}
      </Group>
      {entry.figures && (
        <Collapse expanded={open} id={id}>
          <Box pt="xs">
            <FiguresAtTheTime figures={entry.figures} revenue={isRevenue(entry.figures)} />
          </Box>
        </Collapse>
      )}
    </Box>
  );
}

function History({ details }: { details: ExperimentDetails }) {
  const entries = [...details.history].reverse();
  return (
    <Section title="History" description="Who decided what, when, and on which figures; newest first.">
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing recorded yet.
        </Text>
      ) : (
        <Box component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Experiment history">
          {entries.map((e, i) => (
            <HistoryItem key={`${e.at}-${i}`} entry={e} details={details} />
          ))}
        </Box>
      )}
    </Section>
  );
}

function Experiment({ details }: { details: ExperimentDetails }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.users.me.queryOptions());
  const journey = useQuery(trpc.journeys.get.queryOptions({ id: details.experiment.journeyId }));
  const arms = useArmStyles(details);
  const x = details.experiment;
  const canDecide = me.data?.role === 'admin' || me.data?.role === 'manager';
  const shippedName = x.shippedArm ? (x.arms.find((a) => a.key === x.shippedArm)?.name ?? x.shippedArm) : null;
  const shippedVersion = details.history.findLast((h) => h.action === 'shipped')?.version ?? null;
  return (
    <>
      <PageHeader
        title={x.name}
        description={
          <Group gap="xs" component="span">
            <ExperimentStatusBadge status={x.status} />
            <Text span size="sm" c="dimmed">
              {KIND_LABEL[x.kind]} in{' '}
              <Anchor component={Link} to={`/journeys/${x.journeyId}`} size="sm">
                {x.journeyName}
              </Anchor>
              {shippedName && ` · shipped ${shippedName}${shippedVersion === null ? '' : ` in version ${shippedVersion}`}`}
            </Text>
          </Group>
        }
      />
      <Stack gap="md">
        <Design details={details} journeyStatus={journey.data?.status} />
        <VerdictAlert details={details} />
        <Section title="Decide">
          {me.data ? <ExperimentActions details={details} journey={journey.data} canDecide={canDecide} /> : <LoadingState label="Loading your role" />}
        </Section>
        {x.kind === 'holdout' && <HoldoutEffect details={details} />}
        <ArmsTable details={details} />
        <ComparisonsTable details={details} />
        <Guardrails details={details} />
        <Checks details={details} />
        <RateChart details={details} arms={arms} />
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
          <DifferenceChart details={details} arms={arms} />
          <AssignedChart details={details} arms={arms} />
        </SimpleGrid>
        <History details={details} />
        <Anchor component={Link} to="/experiments" size="sm">
          Back to all experiments
        </Anchor>
      </Stack>
    </>
  );
}

export function ExperimentPage() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const details = useQuery(trpc.experiments.get.queryOptions({ id }));
  if (details.isPending) return <LoadingState label="Loading the experiment" />;
  if (details.isError) {
    const notFound = details.error instanceof TRPCClientError && details.error.data?.code === 'NOT_FOUND';
    return (
      <>
        <PageHeader title={notFound ? 'Experiment not found' : 'Experiment'} />
        <Stack gap="sm" maw={640}>
          <ErrorState error={details.error} onRetry={notFound ? undefined : () => void details.refetch()} />
          <Anchor component={Link} to="/experiments" size="sm">
            Back to all experiments
          </Anchor>
        </Stack>
      </>
    );
  }
  return <Experiment details={details.data} />;
}
