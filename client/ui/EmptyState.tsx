// The empty state of a list page: an icon, what is missing (a level-2 heading), what fills it, and the way forward.
import { Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function EmptyState({ icon, title, children, actions, width = 520 }: { icon: ReactNode; title: string; children: ReactNode; actions: ReactNode; width?: number }) {
  return (
    <Paper withBorder p="xl" radius="md">
      <Stack align="center" gap="sm" py="lg" maw={width} mx="auto">
        <ThemeIcon size={48} radius="xl" variant="light" aria-hidden>
          {icon}
        </ThemeIcon>
        <Title order={2} size="h4" ta="center">
          {title}
        </Title>
        <Text c="dimmed" size="sm" ta="center">
          {children}
        </Text>
        {actions}
      </Stack>
    </Paper>
  );
}
