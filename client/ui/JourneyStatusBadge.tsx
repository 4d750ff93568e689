// A journey's status as a coloured badge, the same on every page.
import { Badge } from '@mantine/core';

const STATUS: Record<string, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'gray' },
  live: { label: 'Live', color: 'teal' },
  paused: { label: 'Paused', color: 'yellow' },
  archived: { label: 'Archived', color: 'dark' },
};

export function JourneyStatusBadge({ status }: { status: string }) {
  const s = STATUS[status] ?? { label: status, color: 'gray' };
  return (
    <Badge size="xs" variant="light" color={s.color}>
      {s.label}
    </Badge>
  );
}
