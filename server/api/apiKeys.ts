// Write keys for the event API, managed by admins in Settings → API keys.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey } from '../contacts/apiKeys.ts';
import { adminProcedure, router } from './trpc.ts';

export const apiKeyNameSchema = z.string().trim().min(1, 'is required').max(80, 'must be at most 80 characters');

export const apiKeysRouter = router({
  list: adminProcedure.query(({ ctx }) => listApiKeys(ctx.db)),
  /** The key is in the answer once and never again: only its hash is stored. */
  create: adminProcedure
    .input(z.object({ name: apiKeyNameSchema }))
    .mutation(({ ctx, input }) => createApiKey(ctx.db, ctx.clock, { name: input.name, createdBy: ctx.user.email })),
  revoke: adminProcedure.input(z.object({ id: z.string().min(1) })).mutation(({ ctx, input }) => {
    if (!revokeApiKey(ctx.db, ctx.clock, input.id)) throw new TRPCError({ code: 'NOT_FOUND', message: 'This key does not exist or was revoked already.' });
    return { id: input.id };
  }),
});
