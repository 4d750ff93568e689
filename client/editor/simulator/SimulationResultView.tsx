// The result of a simulation: a summary, warnings, and the timeline of the path with times in the contact's zone.
// Every step names its node as a button that selects it on the canvas; each email renders on demand.
import { Alert, Badge, Button, Group, List, Stack, Text, Timeline, UnstyledButton } from '@mantine/core';
import {
  IconAlertTriangle,
  IconBolt,
  IconCircleCheck,
  IconClock,
  IconClockPause,
  IconDoorExit,
  IconFlag,
  IconHandClick,
  IconMail,
  IconPlayerStop,
  IconTarget,
  IconX,
} from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import type { GraphNode } from '../../../shared/journey/graph.ts';
import { kindDefinition } from '../../../shared/journey/kinds.ts';
import type { ValidationIssue } from '../../../shared/journey/validate.ts';
import { useReferences } from '../EditorContext.tsx';
import { KIND_META } from '../kindMeta.ts';
import { useRevealNode } from '../useRevealNode.ts';
import { EmailPreview, type EmailPreviewProps } from './EmailPreview.tsx';
import classes from './simulator.module.css';
import { bestHourNote, buildTimeline, deliveryNote, formatInZone, type ScriptEvent, type SimulationRun, type TimelineItem } from './timeline.ts';

/** What a run was made from, kept with its result so the timeline reads as it was when it ran. */
export interface SimulationRecord {
  run: SimulationRun;
  nodes: GraphNode[];
  script: ScriptEvent[];
  zone: string;
  horizonDays: number;
  contactId: string | null;
  /** The described contact, for rendering its emails; null for a picked one. */
  contact: EmailPreviewProps['contact'];
  /** The contact's subscription, when known: consent decides at delivery whether an email goes out. */
  subscription: string | null;
  hasGoal: boolean;
}

function NodeLink({ nodeId, title }: { nodeId: string; title: string }) {
  const reveal = useRevealNode();
  return (
    <UnstyledButton className={classes.nodeLink} onClick={() => reveal(nodeId)} aria-label={`${title}: show on the canvas`}>
      {title}
    </UnstyledButton>
  );
}

/** The problems that keep a draft from running (or warnings beside a run), each pointing at its node. */
export function IssueList({ issues, nodes }: { issues: ValidationIssue[]; nodes: GraphNode[] }) {
  const reveal = useRevealNode();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return (
    <List spacing={4} size="sm" aria-label="Problems to fix">
      {issues.map((issue, i) => {
        const node = issue.nodeId ? byId.get(issue.nodeId) : undefined;
        const title = node ? node.name || kindDefinition(node.kind).label : null;
        return (
          <List.Item key={`${issue.nodeId}-${issue.code}-${i}`}>
            {title && issue.nodeId ? (
              <>
                <UnstyledButton className={classes.nodeLink} onClick={() => reveal(issue.nodeId)}>
                  {title}
                </UnstyledButton>
                {': '}
              </>
            ) : null}
            <Text span size="sm">
              {issue.message}
            </Text>
          </List.Item>
        );
      })}
    </List>
  );
}

function EmailItem({ item, record }: { item: Extract<TimelineItem, { type: 'email' }>; record: SimulationRecord }) {
  const { templates } = useReferences();
  const [shown, setShown] = useState(false);
  const template = templates.find((t) => t.id === item.templateId);
  const note = deliveryNote(record.subscription, item.category);
  const bestHour = bestHourNote(item, record.zone);
  const entryEvent = record.run.final?.entry?.properties ?? {};
  return (
    <Stack gap={6}>
      <Text size="sm">
        Template <Text span fw={600}>{template?.name ?? item.templateId}</Text>
        {item.subjectOverride ? ` · subject “${item.subjectOverride}”` : ''}
      </Text>
      <Group gap={6}>
        <Badge size="xs" variant="light" color={item.category === 'transactional' ? 'gray' : 'blue'}>
          {item.category}
        </Badge>
        {!template && (
          <Badge size="xs" variant="light" color="orange" leftSection={<IconAlertTriangle size={10} aria-hidden />}>
            template missing
          </Badge>
        )}
      </Group>
      {note && (
        <Text size="xs" c="orange.8">
          {note}
        </Text>
      )}
      {bestHour && (
        <Stack gap={0} data-testid="simulated-best-hour">
          <Text size="sm">
            <Text span fw={600}>
              {bestHour.when}
            </Text>
          </Text>
          <Text size="xs" c="dimmed">
            Best hour: {bestHour.why}
          </Text>
        </Stack>
      )}
      {template ? (
        <>
          <Button
            size="compact-xs"
            variant="light"
            style={{ alignSelf: 'flex-start' }}
            onClick={() => setShown((s) => !s)}
            aria-expanded={shown}
            leftSection={<IconMail size={12} aria-hidden />}
          >
            {shown ? 'Hide email' : 'Show email'}
          </Button>
          {shown && <EmailPreview templateId={item.templateId} subjectOverride={item.subjectOverride} contactId={record.contactId} contact={record.contact} event={entryEvent} title={item.title} />}
        </>
      ) : (
        <Text size="xs" c="dimmed">
          The template “{item.templateId}” does not exist yet, so there is nothing to render. Live, this step would fail to send.
        </Text>
      )}
    </Stack>
  );
}

function bulletOf(item: TimelineItem): { icon: ReactNode; color: string } {
  switch (item.type) {
    case 'event':
      return { icon: <IconHandClick size={12} />, color: 'gray' };
    case 'goal':
      return { icon: <IconTarget size={12} />, color: 'teal' };
    case 'end':
      return item.reason === 'failed' ? { icon: <IconX size={12} />, color: 'red' } : { icon: <IconFlag size={12} />, color: 'dark' };
    case 'failed':
      return { icon: <IconX size={12} />, color: 'red' };
    case 'left':
      return { icon: <IconDoorExit size={12} />, color: 'orange' };
    case 'entered':
      return { icon: <IconBolt size={12} />, color: KIND_META.trigger.color };
    case 'email':
      return { icon: <IconMail size={12} />, color: KIND_META.email.color };
    case 'wait':
      return { icon: <IconClock size={12} />, color: KIND_META.wait.color };
    case 'await':
    case 'resumed':
      return { icon: <IconClockPause size={12} />, color: KIND_META.wait_for_event.color };
    case 'step': {
      const Icon = KIND_META[item.kind].icon;
      return { icon: <Icon size={12} />, color: KIND_META[item.kind].color };
    }
    default:
      return item satisfies never;
  }
}

function ItemBody({ item, record }: { item: TimelineItem; record: SimulationRecord }) {
  const at = (ms: number) => formatInZone(ms, record.zone);
  switch (item.type) {
    case 'event':
      return (
        <Text size="xs" c="dimmed">
          {item.entry ? 'Enters the journey. ' : ''}
          {Object.keys(item.properties).length > 0 ? Object.entries(item.properties).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ') : 'No properties'}
        </Text>
      );
    case 'goal':
      return (
        <Text size="sm">
          {item.afterEnd
            ? 'After the run ended, but within the conversion window: the contact counts as converted.'
            : "The contact reached the journey's goal and counts as converted."}
        </Text>
      );
    case 'end':
      return <Text size="sm">{item.text}</Text>;
    case 'entered':
      return <Text size="sm">Entered the journey.</Text>;
    case 'step':
      return <Text size="sm">{item.text}</Text>;
    case 'email':
      return <EmailItem item={item} record={record} />;
    case 'wait':
      return (
        <Stack gap={0}>
          <Text size="sm">{item.text}</Text>
          <Text size="sm">
            Wakes up <Text span fw={600}>{at(item.until)}</Text>
          </Text>
        </Stack>
      );
    case 'await':
      return (
        <Text size="sm">
          Waits for <Text span fw={600}>{item.event}</Text> until <Text span fw={600}>{at(item.until)}</Text>
        </Text>
      );
    case 'resumed':
      return <Text size="sm">{item.outcome === 'matched' ? 'The awaited event arrived.' : 'Timed out: the event did not come.'}</Text>;
    case 'failed':
      return (
        <Text size="sm" c="red.8">
          Failed: {item.error}
        </Text>
      );
    case 'left':
      return <Text size="sm">{item.reason}</Text>;
    default:
      return item satisfies never;
  }
}

function itemTitle(item: TimelineItem): ReactNode {
  switch (item.type) {
    case 'event':
      return <Text size="sm" fw={600}>Event: {item.name}</Text>;
    case 'goal':
      return <Text size="sm" fw={600}>Goal reached</Text>;
    case 'end':
      return <Text size="sm" fw={600}>{item.reason === 'horizon' ? 'Simulation ends' : 'End of the run'}</Text>;
    default:
      return <NodeLink nodeId={item.nodeId} title={item.title} />;
  }
}

function SummaryBadges({ record }: { record: SimulationRecord }) {
  const { run } = record;
  const stopped: Record<SimulationRun['stoppedBecause'], { label: string; color: string }> = {
    completed: { label: 'Completed', color: 'teal' },
    exited: { label: 'Exited', color: 'orange' },
    failed: { label: 'Failed', color: 'red' },
    horizon: { label: `Still inside after ${record.horizonDays} days`, color: 'gray' },
    'never entered': { label: 'Never entered', color: 'gray' },
  };
  const s = stopped[run.stoppedBecause];
  return (
    <Group gap={6}>
      <Badge variant="light" color={s.color} leftSection={run.stoppedBecause === 'completed' ? <IconCircleCheck size={12} aria-hidden /> : <IconPlayerStop size={12} aria-hidden />}>
        {s.label}
      </Badge>
      <Badge variant="light" color="blue" leftSection={<IconMail size={12} aria-hidden />}>
        {run.emails.length} email{run.emails.length === 1 ? '' : 's'}
      </Badge>
      <Badge variant="light" color="yellow" leftSection={<IconClock size={12} aria-hidden />}>
        {run.waits.length} wait{run.waits.length === 1 ? '' : 's'}
      </Badge>
      {record.hasGoal && (
        <Badge variant="light" color={run.converted !== null ? 'teal' : 'gray'} leftSection={<IconTarget size={12} aria-hidden />}>
          {run.converted !== null ? 'Converted' : 'Goal not reached'}
        </Badge>
      )}
    </Group>
  );
}

export function SimulationResultView({ record }: { record: SimulationRecord }) {
  const { run } = record;
  const items = buildTimeline(run, record.nodes, record.script, record.horizonDays);
  return (
    <Stack gap="md">
      <Stack gap={6}>
        <SummaryBadges record={record} />
        <Text size="xs" c="dimmed">
          {run.entered !== null ? `Entered ${formatInZone(run.entered, record.zone)}. ` : ''}Times in {record.zone}.
        </Text>
      </Stack>
      {run.warnings.length > 0 && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} title={run.warnings.length === 1 ? 'One warning' : `${run.warnings.length} warnings`} p="sm">
          <IssueList issues={run.warnings} nodes={record.nodes} />
        </Alert>
      )}
      {run.entered === null ? (
        <Alert color="gray" variant="light" title="The contact never entered" icon={<IconBolt aria-hidden />}>
          This journey starts on an event, and no scripted event matched its trigger. Add the entering event to the script.
        </Alert>
      ) : (
        <Timeline bulletSize={22} lineWidth={2} active={items.length} role="list" aria-label="Simulated path">
          {items.map((item, i) => {
            const bullet = bulletOf(item);
            return (
              <Timeline.Item
                key={i}
                role="listitem"
                bullet={bullet.icon}
                color={bullet.color}
                lineVariant={item.type === 'wait' || item.type === 'await' ? 'dashed' : 'solid'}
                title={
                  <Group justify="space-between" gap="xs" wrap="nowrap" align="baseline">
                    <div style={{ minWidth: 0 }}>{itemTitle(item)}</div>
                    {Number.isFinite(item.at) && (
                      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {formatInZone(item.at, record.zone)}
                      </Text>
                    )}
                  </Group>
                }
              >
                <ItemBody item={item} record={record} />
              </Timeline.Item>
            );
          })}
        </Timeline>
      )}
    </Stack>
  );
}
