// The journey's totals in the editor header: contacts enrolled and converted, refreshed with the node figures.
import { Group, Loader, Stack, Text, Tooltip } from '@mantine/core';
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
      {/* Two short lines: the header's name and actions need the width more. */}
      <Stack gap={0} tabIndex={0} aria-label={`Journey figures: ${enrolled} enrolled, ${converted} converted${rate ? ` (${rate})` : ''}`} data-testid="journey-figures" style={{ whiteSpace: 'nowrap' }}>
        <Group gap={4} wrap="nowrap">
          <IconUsers size={12} color="var(--mantine-color-dimmed)" aria-hidden />
          <Text size="xs" lh={1.3}>
            <Text span inherit fw={650}>
              {compactCount(enrolled)}
            </Text>{' '}
            <Text span inherit c="dimmed">
              enrolled
            </Text>
          </Text>
        </Group>
        <Group gap={4} wrap="nowrap">
          <IconTarget size={12} color="var(--mantine-color-teal-7)" aria-hidden />
          <Text size="xs" lh={1.3}>
            <Text span inherit fw={650}>
              {compactCount(converted)}
            </Text>{' '}
            <Text span inherit c="dimmed">
              converted{rate ? ` · ${rate}` : ''}
            </Text>
          </Text>
        </Group>
      </Stack>
    </Tooltip>
  );
}
