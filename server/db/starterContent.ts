// Loads the starter content (moments, default phases, starter personas); safe to run on every start.
import { STARTER_MOMENTS } from '../../shared/lifecycle/moments.ts';
import { DEFAULT_PHASES } from '../../shared/lifecycle/phases.ts';
import { STARTER_PERSONAS } from '../../shared/lifecycle/personas.ts';
import type { Db } from './client.ts';
import { eq } from 'drizzle-orm';
import { moments, personas, phases, settings } from './schema.ts';

const PERSONAS_LOADED = 'starter_personas_loaded';

/**
 * Inserts what is missing and never overwrites: labels and personas that users edited stay edited.
 * Starter personas are loaded once per workspace (a marker in settings), so one a user deleted stays deleted.
 */
export function loadStarterContent(db: Db): void {
  db.transaction((tx) => {
    tx.insert(moments)
      .values(STARTER_MOMENTS.map((m, position) => ({ ...m, position })))
      .onConflictDoNothing()
      .run();
    tx.insert(phases)
      .values(DEFAULT_PHASES.map((p, position) => ({ ...p, position })))
      .onConflictDoNothing()
      .run();
    const loaded = tx.select().from(settings).where(eq(settings.key, PERSONAS_LOADED)).get();
    if (!loaded) {
      tx.insert(personas).values([...STARTER_PERSONAS]).onConflictDoNothing().run();
      tx.insert(settings).values({ key: PERSONAS_LOADED, value: true }).run();
    }
  });
}
