// The development inbox: emails caught by the built-in SMTP server, by recipient, with rendered HTML, text and headers.
import { TRPCError } from '@trpc/server';
import { and, desc, eq, like, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { capturedEmails, contacts } from '../db/schema.ts';
import { heldEmails, releaseHeld } from '../mail/held.ts';
import { mailRuntimeFor } from '../mail/runtime.ts';
import { authedProcedure, roleProcedure, router } from './trpc.ts';

export const inboxRouter = router({
  /** Where mail goes in this process: caught here (development) or delivered (SMTP_URL). */
  status: authedProcedure.query(({ ctx }) => {
    const mail = mailRuntimeFor(ctx.db);
    return { running: mail !== undefined, mode: mail?.mode ?? null, destination: mail?.destination ?? null };
  }),

  /** Recipients with their number of emails, newest first, and their subscription when they are contacts. */
  recipients: authedProcedure.input(z.object({ search: z.string().trim().max(200).default('') }).default({ search: '' })).query(({ ctx, input }) =>
    ctx.db
      .select({
        recipient: capturedEmails.recipient,
        count: sql<number>`count(*)`,
        lastReceivedAt: sql<number>`max(${capturedEmails.receivedAt})`,
        subscription: contacts.subscription,
      })
      .from(capturedEmails)
      .leftJoin(contacts, eq(contacts.email, capturedEmails.recipient))
      .where(input.search ? like(capturedEmails.recipient, `%${input.search.toLowerCase().replace(/[%_]/g, '')}%`) : undefined)
      .groupBy(capturedEmails.recipient)
      .orderBy(desc(sql`max(${capturedEmails.id})`))
      .limit(200)
      .all(),
  ),

  list: authedProcedure
    .input(z.object({ recipient: z.string().min(1).nullable().default(null), before: z.number().int().positive().nullable().default(null) }))
    .query(({ ctx, input }) =>
      ctx.db
        .select({
          id: capturedEmails.id,
          recipient: capturedEmails.recipient,
          fromAddress: capturedEmails.fromAddress,
          subject: capturedEmails.subject,
          receivedAt: capturedEmails.receivedAt,
          size: capturedEmails.size,
        })
        .from(capturedEmails)
        .where(and(input.recipient ? eq(capturedEmails.recipient, input.recipient) : undefined, input.before ? lt(capturedEmails.id, input.before) : undefined))
        .orderBy(desc(capturedEmails.id))
        .limit(100)
        .all(),
    ),

  get: authedProcedure.input(z.object({ id: z.number().int().positive() })).query(({ ctx, input }) => {
    const email = ctx.db.select().from(capturedEmails).where(eq(capturedEmails.id, input.id)).get();
    if (!email) throw new TRPCError({ code: 'NOT_FOUND', message: 'This email is no longer in the inbox; it may have been cleared.' });
    return email;
  }),

  /** Emails the delivery loop is holding, with why and until when, so that no hold is silent. */
  held: authedProcedure
    .input(z.object({ contactId: z.string().min(1).nullable().default(null) }).default({ contactId: null }))
    .query(({ ctx, input }) => heldEmails(ctx.db, ctx.clock.now().getTime(), { contactId: input.contactId ?? undefined })),

  /** An admin sends a held email now (testing a journey on their own address): consent and suppression still apply. */
  sendHeldNow: roleProcedure('admin')
    .input(z.object({ messageId: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      if (!releaseHeld(ctx.db, input.messageId, ctx.clock.now().getTime(), ctx.user.email)) {
        throw new TRPCError({ code: 'CONFLICT', message: 'This email is not held any more: it was sent, or its hold ended.' });
      }
      const mail = mailRuntimeFor(ctx.db);
      const outcome = mail ? await mail.delivery.sendNow(input.messageId) : null;
      return { outcome: outcome ?? 'queued' };
    }),

  clear: roleProcedure('marketer').input(z.object({ recipient: z.string().min(1).nullable().default(null) })).mutation(({ ctx, input }) => {
    const result = ctx.db.delete(capturedEmails).where(input.recipient ? eq(capturedEmails.recipient, input.recipient) : undefined).run();
    return { deleted: result.changes };
  }),
});
