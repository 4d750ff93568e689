// Small pieces the contact pages share: phase, subscription and persona badges, dates, and the workspace's labels.
import { Badge, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../api/trpc.ts';
import { PersonaSwatch } from '../../ui/PersonaSwatch.tsx';

export const PHASE_COLORS: Record<string, string> = {
  prospect: 'gray',
  subscriber: 'blue',
  engaged: 'cyan',
  customer: 'teal',
  loyal: 'grape',
  advocate: 'violet',
  lapsed: 'orange',
};

export const SUBSCRIPTION_LABELS: Record<string, { label: string; color: string }> = {
  none: { label: 'No consent', color: 'gray' },
  pending: { label: 'Pending', color: 'yellow' },
  subscribed: { label: 'Subscribed', color: 'teal' },
  unsubscribed: { label: 'Unsubscribed', color: 'red' },
};

/** Phase labels and personas as the workspace names them, for badges and filters. */
export function useContactLabels() {
  const trpc = useTRPC();
  const lifecycle = useQuery(trpc.lifecycleSettings.get.queryOptions());
  const personas = useQuery(trpc.personas.list.queryOptions());
  const phaseLabel = (key: string) => lifecycle.data?.phases.find((p) => p.key === key)?.label ?? key;
  const persona = (key: string | null) => (key ? personas.data?.find((p) => p.key === key) : undefined);
  return { phases: lifecycle.data?.phases ?? [], personas: personas.data ?? [], phaseLabel, persona };
}

export function PhaseBadge({ phase, label }: { phase: string; label: string }) {
  return (
    <Badge variant="light" color={PHASE_COLORS[phase] ?? 'gray'} size="sm">
      {label}
    </Badge>
  );
}

export function SubscriptionBadge({ status }: { status: string }) {
  const s = SUBSCRIPTION_LABELS[status] ?? { label: status, color: 'gray' };
  return (
    <Badge variant="dot" color={s.color} size="sm">
      {s.label}
    </Badge>
  );
}

export function PersonaLabel({ name, color }: { name: string | null; color?: string }) {
  if (!name) {
    return (
      <Text size="sm" c="dimmed">
        No persona
      </Text>
    );
  }
  return (
    <Group gap={6} wrap="nowrap">
      <PersonaSwatch color={color ?? 'gray'} />
      <Text size="sm">{name}</Text>
    </Group>
  );
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(value: Date | number | string | null | undefined): string {
  return value == null ? '—' : dateTime.format(new Date(value));
}

export function formatDate(value: Date | number | string | null | undefined): string {
  return value == null ? '—' : dateOnly.format(new Date(value));
}

export function formatCount(n: { count: number; capped: boolean } | undefined, noun: string): string {
  if (!n) return '';
  const plural = n.count === 1 && !n.capped ? noun : `${noun}s`;
  return `${n.count.toLocaleString()}${n.capped ? '+' : ''} ${plural}`;
}
