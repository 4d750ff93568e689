// One contact: profile and consent, traits, phase history, and a timeline of everything they did.
import { Anchor, Button, Card, Code, Grid, Group, Stack, Table, Text, Timeline, Title, Tooltip } from '@mantine/core';
import {
  IconArrowLeft,
  IconBolt,
  IconBrowser,
  IconDeviceMobile,
  IconFlag,
  IconGitMerge,
  IconMail,
  IconMailOff,
  IconMailOpened,
  IconPointer,
  IconShieldCheck,
  IconUserCircle,
  IconUsersGroup,
} from '@tabler/icons-react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useTRPC } from '../api/trpc.ts';
import { PageHeader } from '../ui/PageHeader.tsx';
import { ErrorState, LoadingState } from '../ui/QueryState.tsx';
import { ContactJourneys } from './contact/ContactJourneys.tsx';
import { HeldEmails } from './inbox/HeldEmails.tsx';
import { ResendConfirmation } from './contact/ResendConfirmation.tsx';
import { ContactReferrals } from './contact/ContactReferrals.tsx';
import { formatDateTime, PersonaLabel, PhaseBadge, SubscriptionBadge, useContactLabels } from './contacts/contactUi.tsx';

interface TimelineEvent {
  id: number;
  name: string;
  properties: Record<string, unknown>;
  timestamp: number;
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" wrap="nowrap" gap="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <div style={{ textAlign: 'right', minWidth: 0 }}>{children}</div>
    </Group>
  );
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A bounce or complaint: which email, what the receiving server said, and what Kairos did (suppressed, unsubscribed). */
function bounceDetail(p: Record<string, unknown>): string {
  const email = typeof p.templateName === 'string' ? `“${p.templateName}”` : typeof p.templateId === 'string' ? `“${p.templateId}”` : 'An email';
  const why = typeof p.reason === 'string' ? `${p.reason}${typeof p.status === 'string' ? ` (${p.status})` : ''}` : null;
  const did = typeof p.action === 'string' ? p.action : null;
  return [email, why, did].filter(Boolean).join(' · ');
}

/** How an event reads in the timeline: Kairos's own events in words, sent events by name. */
function describe(e: TimelineEvent, phaseLabel: (key: string) => string): { title: string; icon: ReactNode; color: string; detail?: string } {
  const p = e.properties;
  switch (e.name) {
    case '$identify':
      return { title: 'Identified', icon: <IconUserCircle size={14} />, color: 'gray', detail: Object.keys((p.traits as object) ?? {}).join(', ') || undefined };
    case '$page':
      return { title: `Viewed page${p.name ? ` ${show(p.name)}` : ''}`, icon: <IconBrowser size={14} />, color: 'gray' };
    case '$screen':
      return { title: `Viewed screen${p.name ? ` ${show(p.name)}` : ''}`, icon: <IconDeviceMobile size={14} />, color: 'gray' };
    case '$group':
      return { title: `Joined group ${show(p.groupId)}`, icon: <IconUsersGroup size={14} />, color: 'gray' };
    case '$alias':
      return { title: `Alias ${show(p.previousId)} → ${show(p.userId)}`, icon: <IconGitMerge size={14} />, color: 'gray' };
    case '$merged':
      return { title: `Merged with ${show(p.email)}`, icon: <IconGitMerge size={14} />, color: 'gray', detail: show(p.cause) };
    case '$email_changed':
      return { title: `Email changed from ${show(p.from)}`, icon: <IconMail size={14} />, color: 'gray' };
    case '$phase_entered':
      return { title: `Entered phase ${phaseLabel(String(p.phase))}`, icon: <IconFlag size={14} />, color: 'indigo' };
    case '$persona_entered':
      return { title: `Became persona ${show(p.persona)}`, icon: <IconUserCircle size={14} />, color: 'indigo' };
    case '$subscription_pending':
      return { title: 'Asked to subscribe', icon: <IconShieldCheck size={14} />, color: 'yellow', detail: `via ${show(p.source)}` };
    case '$subscription_confirmed':
      return { title: 'Subscription confirmed', icon: <IconShieldCheck size={14} />, color: 'teal', detail: `via ${show(p.source)}` };
    case '$unsubscribed':
      return { title: 'Unsubscribed', icon: <IconShieldCheck size={14} />, color: 'red', detail: `via ${show(p.source)}` };
    case '$referral_link_used':
      return { title: 'Used a referral link', icon: <IconUsersGroup size={14} />, color: 'grape', detail: 'counts for the referrer once confirmed' };
    case 'referral_converted':
      return { title: `Referred ${show(p.referred_email)}`, icon: <IconUsersGroup size={14} />, color: 'grape', detail: 'they confirmed their subscription' };
    case '$email_opened':
      return { title: 'Opened an email', icon: <IconMailOpened size={14} />, color: 'cyan' };
    case '$email_clicked':
      return { title: 'Clicked in an email', icon: <IconPointer size={14} />, color: 'cyan', detail: p.url ? show(p.url) : undefined };
    case '$email_bounced':
      if (p.severity === 'soft') return { title: 'An email could not be delivered for now (soft bounce)', icon: <IconMailOff size={14} />, color: 'orange', detail: bounceDetail(p) };
      if (p.severity === 'blocked') return { title: 'An email was refused by the receiving server (blocked; the address is kept)', icon: <IconMailOff size={14} />, color: 'orange', detail: bounceDetail(p) };
      return { title: 'An email bounced: this address does not take mail', icon: <IconMailOff size={14} />, color: 'red', detail: bounceDetail(p) };
    case '$email_complained':
      return { title: 'Marked an email as spam', icon: <IconMailOff size={14} />, color: 'red', detail: bounceDetail(p) };
    default:
      return { title: e.name, icon: <IconBolt size={14} />, color: 'blue' };
  }
}

function Properties({ properties }: { properties: Record<string, unknown> }) {
  const entries = Object.entries(properties).slice(0, 8);
  if (entries.length === 0) return null;
  return (
    <Text size="xs" c="dimmed" lineClamp={2}>
      {entries.map(([k, v]) => `${k}: ${show(v)}`).join(' · ')}
    </Text>
  );
}

function EventTimeline({ contactId }: { contactId: string }) {
  const trpc = useTRPC();
  const { phaseLabel } = useContactLabels();
  const timeline = useInfiniteQuery(
    trpc.contacts.timeline.infiniteQueryOptions({ id: contactId }, { getNextPageParam: (last) => last.next ?? undefined }),
  );
  if (timeline.isPending) return <LoadingState label="Loading events" />;
  if (timeline.isError) return <ErrorState error={timeline.error} onRetry={() => timeline.refetch()} />;
  const events = timeline.data.pages.flatMap((p) => p.events);
  if (events.length === 0) return <Text size="sm" c="dimmed">No events yet.</Text>;
  return (
    <Stack gap="md">
      <Timeline bulletSize={24} lineWidth={2} aria-label="Events">
        {events.map((e) => {
          const d = describe(e, phaseLabel);
          const internal = e.name.startsWith('$') && e.name !== '$identify' && e.name !== '$page' && e.name !== '$screen' && e.name !== '$group';
          return (
            <Timeline.Item key={e.id} bullet={d.icon} color={d.color} title={<Text size="sm" fw={500}>{d.title}</Text>}>
              <Text size="xs" c="dimmed">
                {formatDateTime(e.timestamp)}
              </Text>
              {d.detail && (
                <Text size="xs" c="dimmed">
                  {d.detail}
                </Text>
              )}
              {!internal && e.name !== '$identify' && <Properties properties={e.properties} />}
            </Timeline.Item>
          );
        })}
      </Timeline>
      {timeline.hasNextPage && (
        <Button variant="default" size="xs" onClick={() => timeline.fetchNextPage()} loading={timeline.isFetchingNextPage} style={{ alignSelf: 'flex-start' }}>
          Load older events
        </Button>
      )}
    </Stack>
  );
}

export function ContactDetailPage() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const detail = useQuery(trpc.contacts.get.queryOptions({ id }));
  const labels = useContactLabels();
  const back = (
    <Button component={Link} to="/contacts" variant="default" leftSection={<IconArrowLeft size={16} aria-hidden />}>
      All contacts
    </Button>
  );
  if (detail.isPending) return (<><PageHeader title="Contact" actions={back} /><LoadingState label="Loading the contact" /></>);
  if (detail.isError) return (<><PageHeader title="Contact" actions={back} /><ErrorState error={detail.error} onRetry={() => detail.refetch()} /></>);

  const { contact, persona, phaseHistory, anonymousIds } = detail.data;
  const traits = Object.entries(contact.traits);
  return (
    <>
      <PageHeader
        title={contact.name ?? contact.email}
        description={contact.name ? contact.email : contact.externalId ? `User id ${contact.externalId}` : undefined}
        actions={back}
      />
      <HeldEmails contactId={contact.id} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="lg">
            <Card withBorder radius="md" padding="lg">
              <Title order={2} size="h5" mb="sm">
                Profile
              </Title>
              <Stack gap="xs">
                <Field label="Email">
                  <Text size="sm">{contact.email}</Text>
                </Field>
                {contact.externalId && (
                  <Field label="User id">
                    <Code>{contact.externalId}</Code>
                  </Field>
                )}
                <Field label="Persona">
                  <Group gap={6} justify="flex-end">
                    <PersonaLabel name={persona?.name ?? null} color={persona?.color} />
                    {persona && (
                      <Text size="xs" c="dimmed">
                        ({contact.personaSource === 'explicit' ? 'set explicitly' : 'by rules'})
                      </Text>
                    )}
                  </Group>
                </Field>
                <Field label="Phase">
                  <PhaseBadge phase={contact.phase} label={labels.phaseLabel(contact.phase)} />
                </Field>
                <Field label="Subscription">
                  <SubscriptionBadge status={contact.subscription} />
                  {contact.subscription === 'pending' && <ResendConfirmation contactId={contact.id} />}
                </Field>
                {contact.consentAt && (
                  <Field label="Consent recorded">
                    <Text size="sm">{formatDateTime(contact.consentAt)}</Text>
                    <Text size="xs" c="dimmed">
                      via {contact.consentSource}
                      {contact.consentIp ? ` from ${contact.consentIp}` : ''}
                    </Text>
                  </Field>
                )}
                <Field label="Time zone">
                  <Text size="sm">{contact.timezone ?? 'Workspace default'}</Text>
                </Field>
                <Field label="Added">
                  <Text size="sm">{formatDateTime(contact.createdAt)}</Text>
                </Field>
                <Field label="Last active">
                  <Tooltip label="Last purchase or engagement; lapse is measured from here">
                    <Text size="sm">{formatDateTime(contact.lastActiveAt)}</Text>
                  </Tooltip>
                </Field>
                {anonymousIds.length > 0 && (
                  <Field label="Anonymous ids">
                    <Text size="xs" ff="monospace">
                      {anonymousIds.join(', ')}
                    </Text>
                  </Field>
                )}
              </Stack>
            </Card>

            <ContactReferrals contactId={contact.id} />

            <Card withBorder radius="md" padding="lg">
              <Title order={2} size="h5" mb="sm">
                Traits
              </Title>
              {traits.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No traits yet.
                </Text>
              ) : (
                <Table verticalSpacing={6} aria-label="Traits">
                  <Table.Tbody>
                    {traits.map(([key, value]) => (
                      <Table.Tr key={key}>
                        <Table.Td w="40%">
                          <Text size="sm" c="dimmed">
                            {key}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" style={{ wordBreak: 'break-word' }}>
                            {show(value)}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Card>

            <Card withBorder radius="md" padding="lg">
              <Title order={2} size="h5" mb="sm">
                Phase history
              </Title>
              {phaseHistory.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {labels.phaseLabel(contact.phase)} since added on {formatDateTime(contact.createdAt)}.
                </Text>
              ) : (
                <Timeline bulletSize={14} lineWidth={2} aria-label="Phase history">
                  {phaseHistory.map((h) => (
                    <Timeline.Item
                      key={h.id}
                      title={
                        <Text size="sm" fw={500}>
                          {h.fromPhase ? `${labels.phaseLabel(h.fromPhase)} → ` : ''}
                          {labels.phaseLabel(h.toPhase)}
                        </Text>
                      }
                    >
                      <Text size="xs" c="dimmed">
                        {formatDateTime(h.at)} · {h.cause}
                      </Text>
                    </Timeline.Item>
                  ))}
                </Timeline>
              )}
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="lg">
            <ContactJourneys contactId={contact.id} />
            <Card withBorder radius="md" padding="lg">
              <Group justify="space-between" mb="sm">
                <Title order={2} size="h5">
                  Timeline
                </Title>
                <Anchor component={Link} to="/settings?tab=keys" size="xs">
                  How events arrive
                </Anchor>
              </Group>
              <EventTimeline contactId={contact.id} />
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}
