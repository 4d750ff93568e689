// /journeys/new?moment=M&persona=KEY|all — creates the cell's journey from its moment's starter graph, then opens it.
import { Anchor, Center, Stack } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { momentKeySchema } from '../../shared/lifecycle/moments.ts';
import { useTRPC } from '../api/trpc.ts';
import { PageHeader } from '../ui/PageHeader.tsx';
import { ErrorState, LoadingState } from '../ui/QueryState.tsx';

export function NewJourneyPage() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const matrix = useQuery(trpc.lifecycle.matrix.queryOptions());
  const create = useMutation(trpc.journeys.create.mutationOptions());
  // A page opened once creates one journey, also when React runs effects twice in development.
  const started = useRef(false);

  const moment = momentKeySchema.safeParse(params.get('moment'));
  const personaParam = params.get('persona') ?? 'all';
  const persona = personaParam === 'all' ? null : matrix.data?.personas.find((p) => p.key === personaParam);
  const momentRow = moment.success ? matrix.data?.moments.find((m) => m.key === moment.data) : undefined;
  const problem = !matrix.data
    ? null
    : !momentRow
      ? `There is no moment "${params.get('moment') ?? ''}".`
      : persona === undefined
        ? `There is no persona "${personaParam}".`
        : null;

  useEffect(() => {
    if (started.current || !matrix.data || problem || !momentRow || persona === undefined) return;
    started.current = true;
    create.mutate(
      { moment: momentRow.key, personaKey: persona?.key ?? null, name: `${momentRow.label} · ${persona?.name ?? 'All personas'}` },
      {
        onSuccess: ({ id }) => {
          void queryClient.invalidateQueries(trpc.lifecycle.matrix.pathFilter());
          void queryClient.invalidateQueries(trpc.journeys.list.pathFilter());
          navigate(`/journeys/${id}`, { replace: true });
        },
      },
    );
  }, [matrix.data, problem, momentRow, persona, create, navigate, queryClient, trpc]);

  const error = matrix.error ?? create.error ?? (problem ? new Error(problem) : null);
  if (error) {
    return (
      <>
        <PageHeader title="New journey" />
        <Stack gap="sm" maw={640}>
          <ErrorState error={error} />
          <Anchor component={Link} to="/" size="sm">
            Back to the lifecycle matrix
          </Anchor>
        </Stack>
      </>
    );
  }
  return (
    <Center h="60vh">
      <LoadingState label="Creating the journey from its starter graph" />
    </Center>
  );
}
