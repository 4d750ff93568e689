// The journey's totals in the editor header: contacts enrolled and converted, refreshed with the node figures.
import { Group, Loader, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconTarget, IconUsers } from '@tabler/icons-react';
import { errorMessage } from '../../api/trpc.ts';
import { FIGURES_REFRESH_MS, useFiguresTotals } from './FiguresContext.tsx';
import { compactCount, conversionRate } from './traffic.ts';

export function FiguresSummary() {
  const { enabled, status, enrolled, converted, error, updatedAt } = useFiguresTotals();
  if (!enabled) return null;
  if (status === 'loading') {
    return (
      <Group gap={6} wrap="nowrap" c="dimmed">
        <Loader size={12} aria-hidden />
        <Text size="xs">Loading figures…</Text>
      </Group>
    );
  }
  if (status === 'error') {
    return (
      <Tooltip label={errorMessage(error)} multiline w={280}>
        <Group gap={4} wrap="nowrap" c="red" tabIndex={0} aria-label={`Figures unavailable: ${errorMessage(error)}`}>
          <IconAlertTriangle size={14} aria-hidden />
          <Text size="xs">Figures unavailable</Text>
        </Group>
      </Tooltip>
    );
  }
  const rate = conversionRate(converted, enrolled);
  const updated = updatedAt ? new Date(updatedAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '';
  return (
    <Tooltip label={`All versions. Updated ${updated}; refreshes every ${FIGURES_REFRESH_MS / 1000} seconds.`}>
      <Group gap="sm" wrap="nowrap" tabIndex={0} aria-label={`Journey figures: ${enrolled} enrolled, ${converted} converted${rate ? ` (${rate})` : ''}`} data-testid="journey-figures">
        <Group gap={4} wrap="nowrap">
          <IconUsers size={14} color="var(--mantine-color-dimmed)" aria-hidden />
          <Text size="xs" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
            {compactCount(enrolled)}
          </Text>
          <Text size="xs" c="dimmed">
            enrolled
          </Text>
        </Group>
        <Group gap={4} wrap="nowrap">
          <IconTarget size={14} color="var(--mantine-color-teal-7)" aria-hidden />
          <Text size="xs" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
            {compactCount(converted)}
          </Text>
          <Text size="xs" c="dimmed">
            converted{rate ? ` · ${rate}` : ''}
          </Text>
        </Group>
      </Group>
    </Tooltip>
  );
}
