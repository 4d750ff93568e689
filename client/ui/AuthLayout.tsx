// The frame of the pages shown before sign-in: the word mark and one centred card.
import { Box, Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Logo } from './Logo.tsx';

export function AuthLayout({ title, intro, children }: { title: string; intro: ReactNode; children: ReactNode }) {
  return (
    <Box component="main" bg="light-dark(var(--mantine-color-gray-0), var(--mantine-color-dark-8))" mih="100vh" py={64} px="md">
      <Center>
        <Stack w="100%" maw={420} gap="lg">
          <Center>
            <Logo size="xl" />
          </Center>
          <Paper withBorder shadow="sm" p="xl">
            <Stack gap="md">
              <Stack gap={4}>
                <Title order={1} size="h3">
                  {title}
                </Title>
                <Text size="sm" c="dimmed">
                  {intro}
                </Text>
              </Stack>
              {children}
            </Stack>
          </Paper>
        </Stack>
      </Center>
    </Box>
  );
}
