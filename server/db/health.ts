// Whether the database is migrated to this build's schema and readable, for /healthz.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './client.ts';
import { MIGRATIONS_DIR } from './client.ts';

const expectedMigrations: number = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8'))
  .entries.length;

export type Health = { ok: true } | { ok: false; reason: string };

export function checkHealth(db: Db): Health {
  try {
    const applied = db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    if (applied.n < expectedMigrations) {
      return { ok: false, reason: `database has ${applied.n} of ${expectedMigrations} migrations applied` };
    }
    db.$client.prepare('SELECT count(*) FROM moments').get();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
