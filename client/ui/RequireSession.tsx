// Guards the app: sends visitors to owner set-up on a new workspace, otherwise to sign-in.
import { Center, Loader } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Navigate, Outlet, useLocation } from 'react-router';
import { isAuthError, useTRPC } from '../api/trpc.ts';
import { ErrorState } from './QueryState.tsx';

export function FullPageLoader({ label }: { label: string }) {
  return (
    <Center h="100vh">
      <Loader role="progressbar" aria-label={label} />
    </Center>
  );
}

export function RequireSession() {
  const trpc = useTRPC();
  const location = useLocation();
  const setup = useQuery(trpc.setup.status.queryOptions());
  // The signed-in user comes from the server through TanStack Query, like all server state.
  const me = useQuery(trpc.users.me.queryOptions());

  if (setup.isPending || me.isPending) return <FullPageLoader label="Loading Kairos" />;
  if (setup.data?.needsOwner) return <Navigate to="/setup" replace />;
  if (me.isError && isAuthError(me.error)) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  if (me.isError) {
    return (
      <Center h="100vh" p="md">
        <ErrorState error={me.error} onRetry={() => me.refetch()} />
      </Center>
    );
  }
  return <Outlet />;
}
