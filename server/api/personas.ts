// Personas: the buyer types journeys are drawn for, with assignment rules, priority order and live counts.
import { TRPCError } from '@trpc/server';
import { asc } from 'drizzle-orm';
import { z } from 'zod';
import { personaInputSchema, personaRuleSetSchema } from '../../shared/contacts/personaRules.ts';
import * as service from '../contacts/personas.ts';
import { personas } from '../db/schema.ts';
import { authedProcedure, roleProcedure, router } from './trpc.ts';

const editProcedure = roleProcedure('marketer');

function run<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if (error instanceof service.PersonaError) throw new TRPCError({ code: error.code, message: error.message });
    throw error;
  }
}

export const personasRouter = router({
  list: authedProcedure.query(({ ctx }) =>
    ctx.db.select().from(personas).orderBy(asc(personas.priority), asc(personas.name)).all(),
  ),

  /** Personas with their rules and how many contacts have each now. */
  listWithRules: authedProcedure.query(({ ctx }) => service.listPersonas(ctx.db)),

  /** The live count while rules are edited: contacts these rules match, up to a cap. */
  previewCount: authedProcedure
    .input(z.object({ rules: personaRuleSetSchema }))
    .query(({ ctx, input }) => service.countMatching(ctx.db, ctx.clock, input.rules)),

  create: editProcedure.input(personaInputSchema).mutation(async ({ ctx, input }) => {
    const created = run(() => service.createPersona(ctx.db, ctx.clock, input));
    const reassigned = await service.reassignAllPersonas(ctx.db, ctx.clock);
    return { ...created, reassigned };
  }),

  /** Saves and applies the rules to every contact, so the page's counts and the contacts agree. */
  update: editProcedure.input(personaInputSchema.extend({ key: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    const { key, ...values } = input;
    run(() => service.updatePersona(ctx.db, ctx.clock, key, values));
    return { reassigned: await service.reassignAllPersonas(ctx.db, ctx.clock) };
  }),

  remove: editProcedure.input(z.object({ key: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    run(() => service.deletePersona(ctx.db, input.key));
    return { reassigned: await service.reassignAllPersonas(ctx.db, ctx.clock) };
  }),

  reorder: editProcedure.input(z.object({ keys: z.array(z.string().min(1)).min(1) })).mutation(async ({ ctx, input }) => {
    run(() => service.reorderPersonas(ctx.db, input.keys));
    return { reassigned: await service.reassignAllPersonas(ctx.db, ctx.clock) };
  }),
});
