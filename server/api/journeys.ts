// Journeys: list, edit drafts, publish versions, change status, duplicate, export and import.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { journeyNameSchema } from '../../shared/journey/file.ts';
import { graphLayoutSchema, journeyGraphSchema } from '../../shared/journey/graph.ts';
import { momentKeySchema } from '../../shared/lifecycle/moments.ts';
import { JOURNEY_STATUSES, MIGRATION_CHOICES } from '../db/schema.ts';
import * as service from '../journeys/service.ts';
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

  exportFile: authedProcedure.input(idInput).query(({ ctx, input }) => run(() => service.exportJourney(ctx.db, input.id))),

  importFile: editProcedure
    .input(z.object({ file: z.unknown(), publish: z.boolean().default(false) }))
    .mutation(({ ctx, input }) =>
      run(() => service.importJourney(ctx.db, ctx.clock, input.file, { publish: input.publish, publishedBy: ctx.user.email })),
    ),
});
