// Experiments: everyone signed in reads them; managers (and admins) decide — configure, stop, ship.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { experimentSettingsSchema } from '../../shared/journey/nodes/split.ts';
import { configureExperiment, ExperimentActionError, shipVariant, stopExperiment } from '../experiments/actions.ts';
import { experimentDetails, ExperimentNotFound, listExperiments } from '../experiments/report.ts';
import { JourneyError } from '../journeys/service.ts';
import { authedProcedure, roleProcedure, router } from './trpc.ts';

const decideProcedure = roleProcedure('manager');

function run<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if (error instanceof ExperimentNotFound) throw new TRPCError({ code: 'NOT_FOUND', message: error.message, cause: error });
    if (error instanceof ExperimentActionError || error instanceof JourneyError) {
      throw new TRPCError({ code: error.code === 'NOT_FOUND' ? 'NOT_FOUND' : error.code, message: error.message, cause: error });
    }
    throw error;
  }
}

const idInput = z.object({ id: z.string().min(1) });
const noteInput = z.string().trim().max(500, 'Keep the note under 500 characters.').optional();

export const experimentsRouter = router({
  list: authedProcedure
    .input(z.object({ journeyId: z.string().min(1).optional() }).default({}))
    .query(({ ctx, input }) => listExperiments(ctx.db.$client, ctx.clock.now().getTime(), input)),

  get: authedProcedure.input(idInput).query(({ ctx, input }) => run(() => experimentDetails(ctx.db.$client, input.id, ctx.clock.now().getTime()))),

  configure: decideProcedure
    .input(z.object({ journeyId: z.string().min(1), nodeId: z.string().min(1), settings: experimentSettingsSchema }))
    .mutation(({ ctx, input }) =>
      run(() => configureExperiment(ctx.db, ctx.clock, { ...input, actor: { id: ctx.user.id, name: ctx.user.name || ctx.user.email } })),
    ),

  stop: decideProcedure
    .input(idInput.extend({ note: noteInput }))
    .mutation(({ ctx, input }) => run(() => stopExperiment(ctx.db, ctx.clock, { ...input, actor: { id: ctx.user.id, name: ctx.user.name || ctx.user.email } }))),

  ship: decideProcedure
    .input(idInput.extend({ arm: z.string().min(1, 'Choose the variant to ship.'), note: noteInput }))
    .mutation(({ ctx, input }) => run(() => shipVariant(ctx.db, ctx.clock, { ...input, actor: { id: ctx.user.id, name: ctx.user.name || ctx.user.email } }))),
});
