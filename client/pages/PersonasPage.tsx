// Personas: the buyer types of the workspace, in the order their rules are tried.
import { Alert, Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api/trpc.ts';
import { PageHeader } from '../ui/PageHeader.tsx';
import { PersonaSwatch } from '../ui/PersonaSwatch.tsx';
import { ErrorState, LoadingState } from '../ui/QueryState.tsx';

export function PersonasPage() {
  const trpc = useTRPC();
  const personas = useQuery(trpc.personas.list.queryOptions());
  return (
    <>
      <PageHeader
        title="Personas"
        description="Buyer types your journeys are drawn for. A contact gets the first persona whose rules match, in this order."
      />
      <Alert variant="light" icon={<IconInfoCircle aria-hidden />} mb="lg">
        Assignment rules and live counts of matching contacts arrive with contacts. For now, personas give the lifecycle
        matrix its columns.
      </Alert>
      {personas.isPending && <LoadingState label="Loading personas" />}
      {personas.isError && <ErrorState error={personas.error} onRetry={() => personas.refetch()} />}
      {personas.data && (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {personas.data.map((p, index) => (
            <Card key={p.key} withBorder padding="lg" radius="md">
              <Stack gap="xs">
                <Group justify="space-between" wrap="nowrap">
                  <Group gap="xs" wrap="nowrap">
                    <PersonaSwatch color={p.color} size={14} />
                    <Title order={2} size="h4">
                      {p.name}
                    </Title>
                  </Group>
                  <Badge variant="light" color="gray">
                    #{index + 1}
                  </Badge>
                </Group>
                <Text size="sm" c="dimmed">
                  {p.description}
                </Text>
                <Text size="xs" c="dimmed" ff="monospace">
                  {p.key}
                </Text>
              </Stack>
            </Card>
          ))}
        </SimpleGrid>
      )}
    </>
  );
}
