// Writes the report rollups (daily_counts): callers add counts inside the transaction of the write they describe,
// so a figure never disagrees with the rows it counts. Hot paths gather a batch's counts and flush them once.
import type { Db } from '../db/client.ts';
import { dayOf, type Metric } from '../../shared/reports/metrics.ts';

type Upsert = { run(metric: string, day: number, persona: string, key: string, n: number): unknown };
const upserts = new WeakMap<object, Upsert>();

function upsert(db: Db): Upsert {
  let stmt = upserts.get(db.$client);
  if (!stmt) {
    const prepared = db.$client.prepare<[string, number, string, string, number]>(
      `INSERT INTO daily_counts (metric, day, persona_key, key, n) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (metric, day, persona_key, key) DO UPDATE SET n = n + excluded.n`,
    );
    stmt = { run: (...args) => prepared.run(...args) };
    upserts.set(db.$client, stmt);
  }
  return stmt;
}

/** Adds n to one counter now; for writes that happen one at a time (a phase change, a referral, a click). */
export function bumpCount(db: Db, metric: Metric, atMs: number, personaKey: string | null, key = '', n = 1): void {
  if (n !== 0) upsert(db).run(metric, dayOf(atMs), personaKey ?? '', key, n);
}

/** Gathers counts in memory (a batch of enrollments, a batch of sent emails) and writes each counter once. */
export class RollupBatch {
  private readonly counts = new Map<string, [Metric, number, string, string, number]>();

  add(metric: Metric, atMs: number, personaKey: string | null, key = '', n = 1): void {
    const day = dayOf(atMs);
    const persona = personaKey ?? '';
    const id = `${metric}\u0000${day}\u0000${persona}\u0000${key}`;
    const row = this.counts.get(id);
    if (row) row[4] += n;
    else this.counts.set(id, [metric, day, persona, key, n]);
  }

  /** Writes and forgets what was gathered; call inside the transaction of the rows counted. */
  flush(db: Db): void {
    const stmt = upsert(db);
    for (const [metric, day, persona, key, n] of this.counts.values()) if (n !== 0) stmt.run(metric, day, persona, key, n);
    this.counts.clear();
  }

  /** Forgets what was gathered, when the transaction it belonged to rolled back. */
  discard(): void {
    this.counts.clear();
  }

  get size(): number {
    return this.counts.size;
  }
}
