// Sending settings: quiet hours, frequency cap, brand footer, SMTP pool; sender identities; the suppression list.
import { TRPCError } from '@trpc/server';
import { count, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { emailAddressSchema, senderInputSchema, sendingSettingsSchema } from '../../shared/mail/settings.ts';
import { messages, suppressions } from '../db/schema.ts';
import { mailRuntimeFor } from '../mail/runtime.ts';
import * as settings from '../mail/settings.ts';
import { adminProcedure, authedProcedure, router } from './trpc.ts';

function run<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if (error instanceof settings.MailSettingsError) throw new TRPCError({ code: error.code, message: error.message, cause: error });
    throw error;
  }
}

export const sendingRouter = router({
  get: authedProcedure.query(({ ctx }) => {
    const mail = mailRuntimeFor(ctx.db);
    const byStatus = ctx.db.select({ status: messages.status, n: count() }).from(messages).groupBy(messages.status).all();
    return {
      settings: settings.readSendingSettings(ctx.db),
      mode: mail?.mode ?? null,
      destination: mail?.destination ?? null,
      messages: Object.fromEntries(byStatus.map((r) => [r.status, r.n])) as Partial<Record<(typeof byStatus)[number]['status'], number>>,
    };
  }),

  save: adminProcedure.input(sendingSettingsSchema).mutation(({ ctx, input }) => {
    const before = settings.readSendingSettings(ctx.db).smtp;
    const saved = settings.writeSendingSettings(ctx.db, input);
    if (before.maxConnections !== saved.smtp.maxConnections || before.ratePerSecond !== saved.smtp.ratePerSecond) {
      mailRuntimeFor(ctx.db)?.reconfigure();
    }
    return saved;
  }),

  senders: authedProcedure.query(({ ctx }) => settings.listSenders(ctx.db)),

  saveSender: adminProcedure
    .input(senderInputSchema.extend({ id: z.string().min(1).nullable().default(null) }))
    .mutation(({ ctx, input }) => run(() => settings.saveSender(ctx.db, input.id, input))),

  removeSender: adminProcedure.input(z.object({ id: z.string().min(1) })).mutation(({ ctx, input }) => run(() => settings.removeSender(ctx.db, input.id))),

  suppressions: authedProcedure.query(({ ctx }) => ctx.db.select().from(suppressions).orderBy(desc(suppressions.createdAt)).limit(500).all()),

  addSuppression: adminProcedure
    .input(z.object({ email: emailAddressSchema, detail: z.string().trim().max(300).default('') }))
    .mutation(({ ctx, input }) => settings.suppress(ctx.db, ctx.clock, input.email, 'manual', input.detail || 'added in Settings')),

  removeSuppression: adminProcedure.input(z.object({ email: z.string().min(1) })).mutation(({ ctx, input }) => {
    const removed = ctx.db.delete(suppressions).where(eq(suppressions.email, input.email)).run().changes;
    if (removed === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `${input.email} is not on the suppression list.` });
  }),
});
