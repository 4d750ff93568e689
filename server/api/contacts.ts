// Contacts: the list with search and filters, a contact's detail and timeline, and CSV imports.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { columnMappingSchema, importModeSchema } from '../../shared/contacts/csv.ts';
import { contactListInputSchema } from '../../shared/contacts/query.ts';
import { ImportError, getImport, listImports, previewImport, startImport } from '../contacts/import.ts';
import { contactDetail, contactTimeline, countContacts, listContacts } from '../contacts/query.ts';
import { getContact } from '../contacts/db.ts';
import { contactReferrals } from '../contacts/referrals.ts';
import { log } from '../log.ts';
import { queueConfirmation } from '../mail/consent.ts';
import { mailRuntimeFor } from '../mail/runtime.ts';
import { authedProcedure, roleProcedure, router } from './trpc.ts';

const importProcedure = roleProcedure('marketer');

function importFailure(error: unknown): never {
  if (error instanceof ImportError) {
    const code = error.status === 404 ? 'NOT_FOUND' : error.status === 409 ? 'CONFLICT' : 'BAD_REQUEST';
    throw new TRPCError({ code, message: error.message });
  }
  throw error;
}

const importsRouter = router({
  list: importProcedure.query(({ ctx }) => listImports(ctx.db)),
  get: importProcedure.input(z.object({ id: z.string().min(1) })).query(({ ctx, input }) => {
    const job = getImport(ctx.db, input.id);
    if (!job) throw new TRPCError({ code: 'NOT_FOUND', message: 'This import does not exist.' });
    return job;
  }),
  /**
   * A dry run with journeys started: how many rows would be written, and who would enter which live journey. Nothing
   * is kept; the dialog shows it before the person confirms an import that starts journeys.
   */
  preview: importProcedure
    .input(z.object({ id: z.string().min(1), mapping: columnMappingSchema, mode: importModeSchema }))
    .mutation(async ({ ctx, input }) => {
      try {
        return await previewImport(ctx.db, ctx.clock, input.id, { mapping: input.mapping, mode: input.mode });
      } catch (error) {
        importFailure(error);
      }
    }),
  /** Starts the import and returns at once; the page polls imports.get for progress. Quiet unless startJourneys. */
  start: importProcedure
    .input(z.object({ id: z.string().min(1), mapping: columnMappingSchema, mode: importModeSchema, startJourneys: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => {
      try {
        const running = startImport(ctx.db, ctx.clock, input.id, { mapping: input.mapping, mode: input.mode, startJourneys: input.startJourneys, removeFileAfter: true });
        running.then(
          (job) => log.info({ importId: job.id, status: job.status, created: job.created, updated: job.updated, errors: job.errorCount, enteringJourneys: job.journeys?.contacts ?? 0 }, 'contact import finished'),
          (error: unknown) => log.error({ importId: input.id, err: error }, 'contact import failed'),
        );
        return { id: input.id };
      } catch (error) {
        importFailure(error);
      }
    }),
});

export const contactsRouter = router({
  list: authedProcedure.input(contactListInputSchema).query(({ ctx, input }) => listContacts(ctx.db, input)),

  /** Asked separately from the list (and capped), so paging never waits for a count. */
  count: authedProcedure.input(contactListInputSchema.omit({ after: true, before: true, limit: true })).query(({ ctx, input }) =>
    countContacts(ctx.db, { ...input, limit: 1 }),
  ),

  get: authedProcedure.input(z.object({ id: z.string().min(1) })).query(({ ctx, input }) => {
    const detail = contactDetail(ctx.db, input.id);
    if (!detail) throw new TRPCError({ code: 'NOT_FOUND', message: 'This contact does not exist (any more).' });
    return detail;
  }),

  timeline: authedProcedure
    .input(z.object({ id: z.string().min(1), cursor: z.object({ timestamp: z.number(), id: z.number().int() }).optional() }))
    .query(({ ctx, input }) => contactTimeline(ctx.db, input.id, input.cursor)),

  /** The contact's referral link, who referred them and whom they referred (with each one's subscription). */
  referrals: authedProcedure.input(z.object({ id: z.string().min(1) })).query(({ ctx, input }) => {
    if (!getContact(ctx.db, input.id)) throw new TRPCError({ code: 'NOT_FOUND', message: 'This contact does not exist (any more).' });
    // Codes are signed with the workspace secret, which this process holds through its mail runtime.
    const codes = mailRuntimeFor(ctx.db)?.referrals;
    return { code: codes?.code(input.id) ?? null, url: codes?.url(input.id) ?? null, ...contactReferrals(ctx.db, input.id) };
  }),

  /** Sends a pending contact the double opt-in confirmation again (at most one per ten minutes). */
  resendConfirmation: roleProcedure('marketer')
    .input(z.object({ id: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      const contact = getContact(ctx.db, input.id);
      if (!contact) throw new TRPCError({ code: 'NOT_FOUND', message: 'This contact does not exist (any more).' });
      if (contact.subscription !== 'pending') {
        throw new TRPCError({ code: 'BAD_REQUEST', message: `Only a pending contact is sent a confirmation; ${contact.email} is ${contact.subscription}.` });
      }
      const messageId = ctx.db.transaction(() => queueConfirmation(ctx.db, contact.id, ctx.clock.now().getTime()));
      if (messageId === null) {
        throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'A confirmation went to this address less than ten minutes ago; give it a moment to arrive.' });
      }
      const outcome = (await mailRuntimeFor(ctx.db)?.delivery.sendNow(messageId)) ?? 'queued';
      log.info({ contactId: contact.id, messageId, outcome }, 'confirmation resent');
      return { messageId, outcome };
    }),

  imports: importsRouter,
});
