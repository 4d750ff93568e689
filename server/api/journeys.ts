// Journeys: list, edit drafts, publish versions, change status, duplicate, export and import.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { journeyNameSchema } from '../../shared/journey/file.ts';
import { graphLayoutSchema, journeyGraphSchema } from '../../shared/journey/graph.ts';
import { momentKeySchema } from '../../shared/lifecycle/moments.ts';
import { JOURNEY_STATUSES, MIGRATION_CHOICES } from '../db/schema.ts';
import * as service from '../journeys/service.ts';
import { contactJourneys, journeyFigures } from '../executor/figures.ts';
import { simulate } from '../../shared/journey/simulate.ts';
import { contacts, events as eventsTable } from '../db/schema.ts';
import { desc, eq } from 'drizzle-orm';
import { scalarSchema } from '../../shared/journey/common.ts';
import { journeyPrioritySchema } from '../../shared/journey/priority.ts';
import { usesBestHour } from '../../shared/journey/nodes/email.ts';
import { simulationHistory } from '../mail/engagement.ts';
import { authedProcedure, roleProcedure, router } from './trpc.ts';

const editProcedure = roleProcedure('marketer');
/** Pausing and resuming is also a manager's call (an experiment going wrong). */
const operateProcedure = roleProcedure('marketer', 'manager');

const idInput = z.object({ id: z.string().min(1) });
const personaKeyInput = z.string().trim().min(1).nullable();

/** Runs a journey operation, turning its refusals into tRPC errors that keep the validation list. */
function run<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if (error instanceof service.JourneyError) {
      throw new TRPCError({ code: error.code, message: error.message, cause: error });
    }
    throw error;
  }
}

export const journeysRouter = router({
  list: authedProcedure
    .input(
      z
        .object({ moment: momentKeySchema.optional(), personaKey: personaKeyInput.optional(), status: z.enum(JOURNEY_STATUSES).optional() })
        .default({}),
    )
    .query(({ ctx, input }) => service.listJourneys(ctx.db, input)),

  get: authedProcedure.input(idInput).query(({ ctx, input }) => run(() => service.getJourney(ctx.db, input.id))),

  references: authedProcedure.query(({ ctx }) => service.referenceOptions(ctx.db)),

  create: editProcedure
    .input(z.object({ moment: momentKeySchema, personaKey: personaKeyInput, name: journeyNameSchema }))
    .mutation(({ ctx, input }) => run(() => service.createJourney(ctx.db, ctx.clock, input))),

  saveDraft: editProcedure
    .input(idInput.extend({ revision: z.number().int().positive(), graph: journeyGraphSchema, layout: graphLayoutSchema }))
    .mutation(({ ctx, input }) => run(() => service.saveDraft(ctx.db, ctx.clock, input))),

  rename: editProcedure
    .input(idInput.extend({ name: journeyNameSchema }))
    .mutation(({ ctx, input }) => run(() => service.renameJourney(ctx.db, ctx.clock, input))),

  /** Which journey's email takes a contact's last frequency-cap slot when two compete: 1 (low) … 5 (urgent). */
  setPriority: editProcedure
    .input(idInput.extend({ priority: journeyPrioritySchema }))
    .mutation(({ ctx, input }) => run(() => service.setPriority(ctx.db, input))),

  /** What publishing will do, asked before publishing: entry, first email, contacts inside, other live journeys here. */
  publishPreview: authedProcedure.input(idInput).query(({ ctx, input }) => run(() => service.publishPreview(ctx.db, input.id))),

  publish: editProcedure
    .input(idInput.extend({ revision: z.number().int().positive().optional(), migration: z.enum(MIGRATION_CHOICES).optional() }))
    .mutation(({ ctx, input }) => run(() => service.publishJourney(ctx.db, ctx.clock, { ...input, publishedBy: ctx.user.email }))),

  pause: operateProcedure.input(idInput).mutation(({ ctx, input }) => run(() => service.changeStatus(ctx.db, ctx.clock, input.id, 'pause'))),
  resume: operateProcedure.input(idInput).mutation(({ ctx, input }) => run(() => service.changeStatus(ctx.db, ctx.clock, input.id, 'resume'))),
  archive: editProcedure.input(idInput).mutation(({ ctx, input }) => run(() => service.changeStatus(ctx.db, ctx.clock, input.id, 'archive'))),

  duplicate: editProcedure
    .input(idInput.extend({ personaKey: personaKeyInput, name: journeyNameSchema.optional() }))
    .mutation(({ ctx, input }) => run(() => service.duplicateJourney(ctx.db, ctx.clock, input))),

  versions: authedProcedure.input(idInput).query(({ ctx, input }) => run(() => service.listVersions(ctx.db, input.id))),

  restoreVersion: editProcedure
    .input(idInput.extend({ version: z.number().int().positive(), revision: z.number().int().positive() }))
    .mutation(({ ctx, input }) => run(() => service.restoreVersion(ctx.db, ctx.clock, input))),

  figures: authedProcedure.input(idInput).query(({ ctx, input }) => {
    run(() => service.getJourney(ctx.db, input.id));
    return journeyFigures(ctx.db, input.id, ctx.clock.now().getTime());
  }),

  forContact: authedProcedure.input(z.object({ contactId: z.string().min(1) })).query(({ ctx, input }) => contactJourneys(ctx.db, input.contactId)),

  /** Runs a graph for one contact (stored or described) in virtual time; nothing is sent or stored. */
  simulate: authedProcedure
    .input(
      z.object({
        graph: journeyGraphSchema,
        /** The journey being simulated, so a holdout holds out the contacts the executor would. */
        journeyId: z.string().min(1).optional(),
        contactId: z.string().min(1).optional(),
        contact: z
          .object({
            email: z.string().default('simulated@example.com'),
            traits: z.record(z.string(), z.unknown()).default({}),
            personaKey: z.string().nullable().default(null),
            phase: z.string().default('subscriber'),
            subscription: z.string().default('subscribed'),
            timezone: z.string().nullable().default(null),
          })
          .default({ email: 'simulated@example.com', traits: {}, personaKey: null, phase: 'subscriber', subscription: 'subscribed', timezone: null }),
        start: z.coerce.date(),
        events: z
          .array(z.object({ name: z.string().trim().min(1, 'Name the event.'), at: z.coerce.date(), properties: z.record(z.string(), z.union([scalarSchema, z.array(scalarSchema)])).default({}) }))
          .max(500)
          .default([]),
        assume: z.object({ opens: z.boolean(), clicks: z.boolean() }).default({ opens: false, clicks: false }),
        horizonDays: z.number().int().min(1).max(730).default(90),
      }),
    )
    .mutation(({ ctx, input }) => {
      let contact = { id: 'simulated', ...input.contact };
      const script = input.events.map((e) => ({ name: e.name, properties: e.properties as Record<string, unknown>, timestamp: e.at.getTime() }));
      if (input.contactId) {
        const stored = ctx.db.select().from(contacts).where(eq(contacts.id, input.contactId)).get();
        if (!stored) throw new TRPCError({ code: 'NOT_FOUND', message: 'That contact no longer exists.' });
        contact = { id: stored.id, email: stored.email, traits: stored.traits, personaKey: stored.personaKey, phase: stored.phase, subscription: stored.subscription, timezone: stored.timezone };
        // The contact's own history counts for conditions (event counts), as it would for the executor.
        const history = ctx.db.select().from(eventsTable).where(eq(eventsTable.contactId, stored.id)).orderBy(desc(eventsTable.id)).limit(1000).all();
        for (const e of history) {
          if (e.timestamp.getTime() < input.start.getTime()) script.push({ name: e.name, properties: e.properties, timestamp: e.timestamp.getTime() });
        }
      }
      return simulate({
        graph: input.graph,
        journeyId: input.journeyId,
        contact,
        start: input.start.getTime(),
        events: script,
        assume: input.assume,
        horizonDays: input.horizonDays,
        refs: service.referenceContext(ctx.db),
        // Best-hour emails are timed from the picked contact's own opens and clicks, their persona's and everyone's.
        ...(usesBestHour(input.graph.nodes) ? simulationHistory(ctx.db, { contactId: input.contactId ?? null, personaKey: contact.personaKey, startMs: input.start.getTime() }) : {}),
      });
    }),

  exportFile: authedProcedure.input(idInput).query(({ ctx, input }) => run(() => service.exportJourney(ctx.db, input.id))),

  importFile: editProcedure
    .input(z.object({ file: z.unknown(), publish: z.boolean().default(false) }))
    .mutation(({ ctx, input }) =>
      run(() => service.importJourney(ctx.db, ctx.clock, input.file, { publish: input.publish, publishedBy: ctx.user.email })),
    ),
});
