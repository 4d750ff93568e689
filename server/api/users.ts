// Workspace users, managed by admins in Settings.
import { TRPCError } from '@trpc/server';
import { and, asc, count, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { newUserSchema, passwordSchema } from '../../shared/accounts.ts';
import { roleSchema } from '../../shared/roles.ts';
import { createUser, UserInputError } from '../auth/users.ts';
import type { Db } from '../db/client.ts';
import { account, session, user } from '../db/schema.ts';
import { adminProcedure, authedProcedure, router } from './trpc.ts';

const userIdSchema = z.object({ userId: z.string().min(1) });

function requireUser(db: Db, userId: string) {
  const found = db.select().from(user).where(eq(user.id, userId)).get();
  if (!found) throw new TRPCError({ code: 'NOT_FOUND', message: 'That user no longer exists.' });
  return found;
}

function otherAdmins(db: Db, userId: string): number {
  return db.select({ n: count() }).from(user).where(and(eq(user.role, 'admin'), ne(user.id, userId))).get()?.n ?? 0;
}

export const usersRouter = router({
  me: authedProcedure.query(({ ctx }) => ctx.user),

  list: adminProcedure.query(({ ctx }) =>
    ctx.db
      .select({ id: user.id, name: user.name, email: user.email, role: user.role, createdAt: user.createdAt })
      .from(user)
      .orderBy(asc(user.createdAt))
      .all(),
  ),

  create: adminProcedure.input(newUserSchema).mutation(async ({ ctx, input }) => {
    try {
      const created = await createUser(ctx.db, ctx.auth, input);
      return { id: created.id };
    } catch (error) {
      if (error instanceof UserInputError) throw new TRPCError({ code: 'CONFLICT', message: error.message });
      throw error;
    }
  }),

  setRole: adminProcedure
    .input(userIdSchema.extend({ role: roleSchema }))
    .mutation(({ ctx, input }) => {
      const target = requireUser(ctx.db, input.userId);
      if (target.role === 'admin' && input.role !== 'admin' && otherAdmins(ctx.db, target.id) === 0) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'The workspace needs at least one admin; make someone else admin first.' });
      }
      ctx.db.update(user).set({ role: input.role, updatedAt: new Date() }).where(eq(user.id, target.id)).run();
      return { id: target.id, role: input.role };
    }),

  setPassword: adminProcedure
    .input(userIdSchema.extend({ password: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      const target = requireUser(ctx.db, input.userId);
      const authContext = await ctx.auth.$context;
      const hash = await authContext.password.hash(input.password);
      ctx.db.transaction((tx) => {
        tx.update(account)
          .set({ password: hash, updatedAt: new Date() })
          .where(and(eq(account.userId, target.id), eq(account.providerId, 'credential')))
          .run();
        // A new password signs the user out everywhere.
        tx.delete(session).where(eq(session.userId, target.id)).run();
      });
      return { id: target.id };
    }),

  remove: adminProcedure.input(userIdSchema).mutation(({ ctx, input }) => {
    const target = requireUser(ctx.db, input.userId);
    if (target.id === ctx.user.id) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot remove your own account.' });
    }
    if (target.role === 'admin' && otherAdmins(ctx.db, target.id) === 0) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'The workspace needs at least one admin.' });
    }
    // Sessions and credentials go with the user (foreign keys cascade).
    ctx.db.delete(user).where(eq(user.id, target.id)).run();
    return { id: target.id };
  }),
});
