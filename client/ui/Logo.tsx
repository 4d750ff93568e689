// The Kairos word mark.
import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconHourglassHigh } from '@tabler/icons-react';

export function Logo({ size = 'lg' }: { size?: 'lg' | 'xl' }) {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon variant="filled" radius="md" size={size === 'xl' ? 'lg' : 'md'} aria-hidden>
        <IconHourglassHigh size={size === 'xl' ? 20 : 16} />
      </ThemeIcon>
      <Text fw={700} size={size} c="light-dark(var(--mantine-color-indigo-9), var(--mantine-color-indigo-2))">
        Kairos
      </Text>
    </Group>
  );
}
