// The lifecycle matrix: moments × personas, with the journeys of each cell, their key figures and the persona's contacts
// in the moment's phases.
import { asc } from 'drizzle-orm';
import { MOMENT_PHASES } from '../../shared/lifecycle/moments.ts';
import { journeys, moments, personas } from '../db/schema.ts';
import { journeyKeyFigures, phaseCountsByPersona } from '../reports/lifecycle.ts';
import { authedProcedure, router } from './trpc.ts';

export const lifecycleRouter = router({
  matrix: authedProcedure.query(({ ctx }) => {
    const list = ctx.db
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
      .all();
    // Each journey's key figures since it went live (entered, converted and its rate from the rollups; in journey now
    // from the enrollments index), and contacts per (persona, phase) now, for the moment's phases in each cell.
    const figures = journeyKeyFigures(ctx.db, list.map((j) => j.id));
    const counts = phaseCountsByPersona(ctx.db);
    return {
      moments: ctx.db.select().from(moments).orderBy(asc(moments.position)).all(),
      personas: ctx.db.select().from(personas).orderBy(asc(personas.priority), asc(personas.name)).all(),
      journeys: list.map((j) => ({ ...j, figures: figures.get(j.id)! })),
      /** Moment → the phases it serves (shared/lifecycle/moments.ts). */
      momentPhases: MOMENT_PHASES,
      /** Contacts now per persona (null: without one) and phase; phases without contacts are left out. */
      phaseCounts: [...counts.entries()].flatMap(([personaKey, byPhase]) =>
        Object.entries(byPhase)
          .filter(([, n]) => n > 0)
          .map(([phase, n]) => ({ personaKey: personaKey === '' ? null : personaKey, phase, n })),
      ),
    };
  }),
});
