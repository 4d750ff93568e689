// Lifecycle settings: phase labels, the events that count as purchase, referral, review and engagement, and the
// inactivity window after which contacts lapse.
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { lifecycleSettingsSchema } from '../../shared/contacts/lifecycle.ts';
import { phaseKeySchema } from '../../shared/lifecycle/phases.ts';
import { forgetRules, LIFECYCLE_SETTINGS_KEY, loadLifecycleSettings } from '../contacts/rules.ts';
import { phases, settings } from '../db/schema.ts';
import { authedProcedure, roleProcedure, router } from './trpc.ts';

export const lifecycleSettingsRouter = router({
  get: authedProcedure.query(({ ctx }) => ({
    rules: loadLifecycleSettings(ctx.db),
    phases: ctx.db.select().from(phases).orderBy(asc(phases.position)).all(),
  })),

  save: roleProcedure('marketer')
    .input(
      z.object({
        rules: lifecycleSettingsSchema,
        labels: z.array(z.object({ key: phaseKeySchema, label: z.string().trim().min(1, 'is required').max(40, 'must be at most 40 characters') })),
      }),
    )
    .mutation(({ ctx, input }) => {
      ctx.db.transaction((tx) => {
        tx.insert(settings)
          .values({ key: LIFECYCLE_SETTINGS_KEY, value: input.rules })
          .onConflictDoUpdate({ target: settings.key, set: { value: input.rules } })
          .run();
        for (const { key, label } of input.labels) tx.update(phases).set({ label }).where(eq(phases.key, key)).run();
      });
      forgetRules(ctx.db);
      return loadLifecycleSettings(ctx.db);
    }),
});
