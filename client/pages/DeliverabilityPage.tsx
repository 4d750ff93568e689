// Deliverability: per sending domain, whether it is authenticated, what was sent, and how much bounced or was marked
// as spam over 7 and 30 days against the limits mailbox providers enforce; and the reports that changed nothing.
import { Alert, Anchor, Badge, Button, Group, List, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconMailCog, IconQuestionMark, IconShieldX, IconWifiOff } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useId, type ReactNode } from 'react';
import { Link } from 'react-router';
import { formatRate, OTHER_DOMAINS, THRESHOLDS, type AuthStatus, type DeliverabilityReport, type DomainReport, type WindowFigures } from '../../shared/reports/deliverability.ts';
import { useTRPC } from '../api/trpc.ts';
import { PageHeader } from '../ui/PageHeader.tsx';
import { ErrorState, LoadingState } from '../ui/QueryState.tsx';
import { RatesChart } from './deliverability/RatesChart.tsx';

const number = new Intl.NumberFormat('en-US');
const dateTime = (ms: number) => new Date(ms).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

const AUTH: Record<AuthStatus['status'], { label: string; color: string; icon: ReactNode }> = {
  ok: { label: 'Authenticated', color: 'teal', icon: <IconCircleCheck size={14} aria-hidden /> },
  problems: { label: 'DNS records missing or wrong', color: 'red', icon: <IconShieldX size={14} aria-hidden /> },
  unreachable: { label: 'DNS not reached at the last check', color: 'yellow', icon: <IconWifiOff size={14} aria-hidden /> },
  unchecked: { label: 'DNS not checked yet', color: 'gray', icon: <IconQuestionMark size={14} aria-hidden /> },
};

function AuthBadge({ auth }: { auth: AuthStatus }) {
  const a = AUTH[auth.status];
  return (
    <Badge color={a.color} variant="light" leftSection={a.icon} size="lg" tt="none">
      {a.label}
    </Badge>
  );
}

/** A rate, said in words too when it is at or over its limit: colour is never the only sign. */
function Rate({ value, limit }: { value: number | null; limit: number }) {
  const over = value !== null && value >= limit;
  return (
    <Text span size="sm" fw={over ? 700 : undefined} c={over ? 'red.8' : undefined}>
      {formatRate(value)}
      {over && ' (over the limit)'}
    </Text>
  );
}

function Figures({ windows, domain }: { windows: WindowFigures[]; domain: string }) {
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table verticalSpacing="xs" withTableBorder aria-label={`Sent, bounces and complaints of ${domain}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Period</Table.Th>
            <Table.Th scope="col" ta="right">Sent</Table.Th>
            <Table.Th scope="col" ta="right">Bounced</Table.Th>
            <Table.Th scope="col" ta="right">Bounce rate (limit {formatRate(THRESHOLDS.bounceRate)})</Table.Th>
            <Table.Th scope="col" ta="right">Complaints</Table.Th>
            <Table.Th scope="col" ta="right">Complaint rate (limit {formatRate(THRESHOLDS.complaintRate)})</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {windows.map((w) => (
            <Table.Tr key={w.days}>
              <Table.Th scope="row" fw={500}>
                Last {w.days} days
              </Table.Th>
              <Table.Td ta="right">{number.format(w.sent)}</Table.Td>
              <Table.Td ta="right">{number.format(w.bounced)}</Table.Td>
              <Table.Td ta="right">
                <Rate value={w.bounceRate} limit={THRESHOLDS.bounceRate} />
              </Table.Td>
              <Table.Td ta="right">{number.format(w.complained)}</Table.Td>
              <Table.Td ta="right">
                <Rate value={w.complaintRate} limit={THRESHOLDS.complaintRate} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function DomainSection({ report }: { report: DomainReport }) {
  // An id of its own: a domain name is no idref ("(other domains)" has spaces).
  const titleId = useId();
  const other = report.domain === OTHER_DOMAINS;
  const title = other ? 'Other domains' : report.domain;
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby={titleId}>
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
          <Stack gap={2}>
            <Title order={2} size="h3" id={titleId}>
              {title}
            </Title>
            <Text size="sm" c="dimmed">
              {other
                ? `Mail From ${report.fromDomains.join(', ')}: no sending domain covers these, so it is not DKIM-signed and its bounces do not come back here.`
                : `Bounces and complaints come back to ${report.bounceDomain}${report.fromDomains.length > 1 ? `; counts mail From ${report.fromDomains.join(', ')}` : ''}.`}
            </Text>
          </Stack>
          {report.auth && (
            <Stack gap={2} align="flex-end">
              <AuthBadge auth={report.auth} />
              <Text size="xs" c="dimmed">
                {report.auth.checkedAt ? `Checked ${dateTime(report.auth.checkedAt)}` : 'Run “Check DNS” in Settings → Sending'}
              </Text>
            </Stack>
          )}
        </Group>
        {report.auth && report.auth.problems.length > 0 && (
          <Alert color={report.auth.status === 'unreachable' ? 'yellow' : 'red'} variant="light" title="At the last DNS check" icon={<IconShieldX aria-hidden />}>
            <List size="sm" spacing={4}>
              {report.auth.problems.map((p) => (
                <List.Item key={`${p.purpose}:${p.name}`}>
                  <Text span size="sm" fw={600}>
                    {p.purpose.toUpperCase()}
                  </Text>{' '}
                  ({p.name}): {p.message}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        {report.warnings.map((w) => (
          <Alert key={w} color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} title="Over the limit">
            {w}
          </Alert>
        ))}
        <Figures windows={report.windows} domain={title} />
        <RatesChart report={report} />
      </Stack>
    </Paper>
  );
}

function Unapplied({ unapplied }: { unapplied: DeliverabilityReport['unapplied'] }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="unapplied-title">
      <Stack gap="sm">
        <Title order={2} size="h3" id="unapplied-title">
          Reports that changed nothing
        </Title>
        <Text size="sm">
          {unapplied.count === 0
            ? 'None in the last 30 days: every bounce and complaint that arrived was tied to an email Kairos sent.'
            : `${number.format(unapplied.count)} in the last 30 days: messages to the bounce address that were no report, or a bounce or complaint about no email Kairos sent. Each is kept with its raw message.`}
        </Text>
        {unapplied.latest.length > 0 && (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="xs" striped aria-label="Latest reports that changed nothing">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Received</Table.Th>
                  <Table.Th scope="col">Kind</Table.Th>
                  <Table.Th scope="col">Why nothing was done</Table.Th>
                  <Table.Th scope="col">From → to</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {unapplied.latest.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateTime(r.receivedAt)}</Table.Td>
                    <Table.Td>{r.kind === 'unmatched' ? 'Not a report' : r.kind === 'bounce' ? 'Bounce' : 'Complaint'}</Table.Td>
                    <Table.Td>{r.note}</Table.Td>
                    <Table.Td>
                      <Text size="sm" style={{ wordBreak: 'break-all' }}>
                        {r.envelopeFrom || '<>'} → {r.envelopeTo}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}

function Summary({ report }: { report: DeliverabilityReport }) {
  const week = (d: DomainReport) => d.windows.find((w) => w.days === 7)!;
  const sent = report.domains.reduce((s, d) => s + week(d).sent, 0);
  const over = report.domains.filter((d) => d.warnings.length > 0).length;
  const authenticated = report.domains.filter((d) => d.auth?.status === 'ok').length;
  const configured = report.domains.filter((d) => d.configured).length;
  const stat = (label: string, value: string, detail: string) => (
    <Paper withBorder radius="md" p="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={28} fw={700} lh={1.2}>
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {detail}
      </Text>
    </Paper>
  );
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
      {stat('Sent in the last 7 days', number.format(sent), 'from every domain')}
      {stat('Domains over a limit', number.format(over), over === 0 ? 'all within 2% bounces and 0.3% complaints' : 'see each one below')}
      {stat('Authenticated domains', `${number.format(authenticated)} of ${number.format(configured)}`, 'DKIM, SPF and DMARC as published')}
    </SimpleGrid>
  );
}

export function DeliverabilityPage() {
  const trpc = useTRPC();
  const report = useQuery(trpc.deliverability.report.queryOptions());
  return (
    <>
      <PageHeader
        title="Deliverability"
        description={`How mailbox providers see your mail: per sending domain, its authentication, and how much bounced or was marked as spam. Gmail and Yahoo filter senders above ${formatRate(THRESHOLDS.complaintRate)} complaints; keep bounces under ${formatRate(THRESHOLDS.bounceRate)}.`}
        actions={
          <Button component={Link} to="/settings?tab=sending" variant="default" leftSection={<IconMailCog size={16} aria-hidden />}>
            Sending domains
          </Button>
        }
      />
      {report.isPending ? (
        <LoadingState label="Loading deliverability" />
      ) : report.isError ? (
        <ErrorState error={report.error} onRetry={() => report.refetch()} />
      ) : (
        <Stack gap="md">
          <Summary report={report.data} />
          {report.data.domains.length === 0 && (
            <Paper withBorder radius="md" p="lg">
              <Stack gap="xs" align="flex-start">
                <Title order={2} size="h3">
                  No sending domain yet
                </Title>
                <Text size="sm">
                  Add the domain you send from in{' '}
                  <Anchor component={Link} to="/settings?tab=sending">
                    Settings → Sending
                  </Anchor>
                  : Kairos signs its mail (DKIM), gives every email a return address on the bounce domain, and shows here what bounced or was marked as spam.
                </Text>
              </Stack>
            </Paper>
          )}
          {report.data.domains.map((d) => (
            <DomainSection key={d.domain} report={d} />
          ))}
          <Unapplied unapplied={report.data.unapplied} />
        </Stack>
      )}
    </>
  );
}
