// First start: tells the client whether the owner account is still to be created, and creates it once.
import { TRPCError } from '@trpc/server';
import { ownerSchema } from '../../shared/accounts.ts';
import { countUsers, createUser } from '../auth/users.ts';
import { publicProcedure, router } from './trpc.ts';

// Two browsers racing to create the owner must not both succeed: creation runs one at a time.
let ownerCreation: Promise<unknown> = Promise.resolve();

export const setupRouter = router({
  status: publicProcedure.query(({ ctx }) => ({ needsOwner: countUsers(ctx.db) === 0 })),

  createOwner: publicProcedure.input(ownerSchema).mutation(({ ctx, input }) => {
    const run = ownerCreation.then(async () => {
      if (countUsers(ctx.db) > 0) {
        throw new TRPCError({ code: 'CONFLICT', message: 'The owner account already exists. Please sign in.' });
      }
      const owner = await createUser(ctx.db, ctx.auth, { ...input, role: 'admin' });
      return { id: owner.id, email: owner.email };
    });
    ownerCreation = run.catch(() => undefined);
    return run;
  }),
});
