// The plain notice of a page whose feature is not built yet: what it will do, and no fake data.
import { List, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import type { Icon } from '@tabler/icons-react';
import type { ReactNode } from 'react';

export function PlannedFeature({ icon: FeatureIcon, title, children, planned }: {
  icon: Icon;
  title: string;
  children: ReactNode;
  planned: string[];
}) {
  return (
    <Paper withBorder p="xl" radius="md">
      <Stack align="center" gap="sm" maw={560} mx="auto" py="lg">
        <ThemeIcon size={48} radius="xl" variant="light" aria-hidden>
          <FeatureIcon size={26} stroke={1.5} />
        </ThemeIcon>
        <Title order={2} size="h4" ta="center">
          {title}
        </Title>
        <Text c="dimmed" size="sm" ta="center">
          {children}
        </Text>
        <List size="sm" spacing={4} mt="xs" c="dark.4">
          {planned.map((item) => (
            <List.Item key={item}>{item}</List.Item>
          ))}
        </List>
      </Stack>
    </Paper>
  );
}
