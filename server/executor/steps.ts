// The step log and the per-node counts behind the canvas figures, written together.
import type Database from 'better-sqlite3';

export interface Step {
  nodeId: string;
  outcome: string;
}

/** The figure a step counts toward: the output taken, or its kind for outcomes carrying detail. */
export function outcomeKind(outcome: string): string {
  for (const kind of ['waiting', 'failed', 'exited', 'moved', 'held out', 'released']) if (outcome.startsWith(kind)) return kind;
  return outcome;
}

/**
 * Records one advance of a run as one step-log row, and adds its steps to counts kept in memory until
 * `flush`, which writes one upsert per (journey, node, outcome) instead of one per contact. Flush inside
 * the transaction that wrote the steps; `discard` when that transaction rolls back.
 */
export function createStepLog(sqlite: Database.Database) {
  const insert = sqlite.prepare(`INSERT INTO step_log (enrollment_id, journey_id, version, at, steps) VALUES (?, ?, ?, ?, ?)`);
  const bump = sqlite.prepare(`INSERT INTO journey_step_counts (journey_id, node_id, outcome, n) VALUES (?, ?, ?, ?)
    ON CONFLICT (journey_id, node_id, outcome) DO UPDATE SET n = n + excluded.n`);
  // journeyId → "nodeId\0kind" → count
  let pending = new Map<string, Map<string, number>>();

  return {
    record(enrollmentId: string, journeyId: string, version: number, at: number, steps: readonly Step[]): void {
      if (steps.length === 0) return;
      let json = '[';
      let counts = pending.get(journeyId);
      if (!counts) pending.set(journeyId, (counts = new Map()));
      for (let i = 0; i < steps.length; i++) {
        const { nodeId, outcome } = steps[i]!;
        json += (i ? ',[' : '[') + JSON.stringify(nodeId) + ',' + JSON.stringify(outcome) + ']';
        const key = `${nodeId}\0${outcomeKind(outcome)}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      insert.run(enrollmentId, journeyId, version, at, json + ']');
    },
    flush(): void {
      for (const [journeyId, counts] of pending) {
        for (const [key, n] of counts) {
          const cut = key.indexOf('\0');
          bump.run(journeyId, key.slice(0, cut), key.slice(cut + 1), n);
        }
      }
      pending = new Map();
    },
    discard(): void {
      pending = new Map();
    },
  };
}

export type StepLog = ReturnType<typeof createStepLog>;
