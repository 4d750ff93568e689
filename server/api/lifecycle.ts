// The lifecycle matrix: moments × personas, with the journeys of each cell.
import { asc } from 'drizzle-orm';
import { journeys, moments, personas } from '../db/schema.ts';
import { authedProcedure, router } from './trpc.ts';

export const lifecycleRouter = router({
  matrix: authedProcedure.query(({ ctx }) => ({
    moments: ctx.db.select().from(moments).orderBy(asc(moments.position)).all(),
    personas: ctx.db.select().from(personas).orderBy(asc(personas.priority), asc(personas.name)).all(),
    journeys: ctx.db
      .select({
        id: journeys.id,
        name: journeys.name,
        moment: journeys.moment,
        personaKey: journeys.personaKey,
        status: journeys.status,
        updatedAt: journeys.updatedAt,
      })
      .from(journeys)
      .orderBy(asc(journeys.name))
      .all(),
  })),
});
