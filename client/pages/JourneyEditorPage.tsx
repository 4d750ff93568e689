// /journeys/:id — loads a journey and its reference data, then opens the editor over the whole main area.
import { Anchor, Center, Stack } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { STARTER_MOMENTS } from '../../shared/lifecycle/moments.ts';
import { useTRPC } from '../api/trpc.ts';
import { JourneyEditor } from '../editor/JourneyEditor.tsx';
import { PageHeader } from '../ui/PageHeader.tsx';
import { ErrorState, LoadingState } from '../ui/QueryState.tsx';

export function JourneyEditorPage() {
  const { id = '' } = useParams();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The open draft lives in the editor's store; refetching on focus would only race the autosave.
  const journey = useQuery({ ...trpc.journeys.get.queryOptions({ id }), refetchOnWindowFocus: false });
  const references = useQuery(trpc.journeys.references.queryOptions());
  const matrix = useQuery(trpc.lifecycle.matrix.queryOptions());
  const me = useQuery(trpc.users.me.queryOptions());
  const [opened, setOpened] = useState(0);

  if (journey.isPending || references.isPending) {
    return (
      <Center h="60vh">
        <LoadingState label="Opening the journey" />
      </Center>
    );
  }
  if (journey.isError || references.isError) {
    const error = journey.error ?? references.error;
    const notFound = error instanceof TRPCClientError && error.data?.code === 'NOT_FOUND';
    return (
      <>
        <PageHeader title={notFound ? 'Journey not found' : 'Journey'} />
        <Stack gap="sm" maw={640}>
          <ErrorState error={error} onRetry={notFound ? undefined : () => void (journey.refetch(), references.refetch())} />
          <Anchor component={Link} to="/journeys" size="sm">
            Back to all journeys
          </Anchor>
        </Stack>
      </>
    );
  }

  const moment = journey.data.moment;
  const momentLabel = matrix.data?.moments.find((m) => m.key === moment)?.label ?? STARTER_MOMENTS.find((m) => m.key === moment)?.label ?? moment;

  async function reload() {
    await queryClient.fetchQuery({ ...trpc.journeys.get.queryOptions({ id }), staleTime: 0 });
    setOpened((n) => n + 1);
  }

  return (
    <JourneyEditor
      key={`${id}:${opened}`}
      journey={journey.data}
      references={references.data}
      momentLabel={momentLabel}
      canEdit={me.data?.role !== 'manager'}
      onReload={() => void reload()}
    />
  );
}
