// The typed tRPC client and TanStack Query hooks; only the router's type comes from the server.
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '../../server/api/router.ts';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (failures, error) => !isAuthError(error) && failures < 2,
      },
    },
  });
}

export function makeTrpcClient() {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: '/trpc' })] });
}

export function isAuthError(error: unknown): boolean {
  return error instanceof TRPCClientError && error.data?.code === 'UNAUTHORIZED';
}

/** The message to show a user for a failed call: field problems first, then the server's message. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const fieldErrors = error.data?.fieldErrors as Record<string, string[] | undefined> | null | undefined;
    const fields = Object.entries(fieldErrors ?? {}).flatMap(([field, messages]) =>
      (messages ?? []).map((m) => `${field} ${m}`),
    );
    if (fields.length > 0) return fields.join('; ');
    return error.message;
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}
