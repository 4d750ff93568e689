// Personas: the buyer types journeys are drawn for.
import { asc } from 'drizzle-orm';
import { personas } from '../db/schema.ts';
import { authedProcedure, router } from './trpc.ts';

export const personasRouter = router({
  list: authedProcedure.query(({ ctx }) =>
    ctx.db.select().from(personas).orderBy(asc(personas.priority), asc(personas.name)).all(),
  ),
});
