// Keeps the experiments in step with what runs: on every publish, each split (and the journey holdout) of the new
// version has its running experiment — started when new, kept when its design is unchanged, restarted when the design
// changed, ended when the split is gone. Runs inside the publishing transaction.
import type Database from 'better-sqlite3';
import { designsOf, sameDesign, type ExperimentDesign } from '../../shared/experiments/design.ts';
import type { JourneyGraph } from '../../shared/journey/graph.ts';
import { checkGraph } from '../../shared/journey/validate.ts';
import { timeOrderedId } from '../ids.ts';

export interface Actor {
  id: string | null;
  name: string;
}

interface RunningRow {
  id: string;
  nodeId: string;
  design: string;
}

const ANY: ReadonlySet<string> = { has: () => true } as unknown as ReadonlySet<string>;

export function historyEntry(
  sqlite: Database.Database,
  e: { experimentId: string; at: number; action: string; actor: Actor | null; arm?: string | null; version?: number | null; note?: string; figures?: unknown },
): void {
  sqlite
    .prepare(`INSERT INTO experiment_history (experiment_id, at, action, user_id, user_name, arm, version, note, figures) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(e.experimentId, e.at, e.action, e.actor?.id ?? null, e.actor?.name ?? null, e.arm ?? null, e.version ?? null, e.note ?? '', e.figures === undefined ? null : JSON.stringify(e.figures));
}

function start(sqlite: Database.Database, journeyId: string, version: number, design: ExperimentDesign, now: number, actor: Actor | null, note: string): string {
  const id = timeOrderedId('x_', now);
  sqlite
    .prepare(`INSERT INTO experiments (id, journey_id, node_id, kind, status, design, start_version, started_at) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)`)
    .run(id, journeyId, design.nodeId, design.kind, JSON.stringify(design), version, now);
  historyEntry(sqlite, { experimentId: id, at: now, action: 'started', actor, version, note });
  return id;
}

function end(sqlite: Database.Database, id: string, now: number, actor: Actor | null, version: number, action: 'restarted' | 'ended', note: string): void {
  sqlite.prepare(`UPDATE experiments SET status = 'stopped', ended_at = ? WHERE id = ?`).run(now, id);
  historyEntry(sqlite, { experimentId: id, at: now, action, actor, version, note });
}

/** Brings the journey's experiments in line with `graph`, published as `version`. Returns the running experiment ids. */
export function syncExperiments(sqlite: Database.Database, journeyId: string, version: number, graph: JourneyGraph, now: number, actor: Actor | null): string[] {
  const checked = checkGraph(graph, { templateIds: ANY, personaKeys: ANY, phaseKeys: ANY });
  if (!checked.ok) return [];
  const designs = new Map(designsOf(checked.graph).map((d) => [d.nodeId, d]));
  const running = sqlite.prepare(`SELECT id, node_id AS nodeId, design FROM experiments WHERE journey_id = ? AND status = 'running'`).all(journeyId) as RunningRow[];
  const ids: string[] = [];
  for (const row of running) {
    const next = designs.get(row.nodeId);
    const current = JSON.parse(row.design) as ExperimentDesign;
    if (!next) {
      const what = current.kind === 'holdout' ? 'the holdout was turned off' : `the split ${row.nodeId} is no longer in the journey`;
      end(sqlite, row.id, now, actor, version, 'ended', `Ended by version ${version}: ${what}.`);
      continue;
    }
    designs.delete(row.nodeId);
    if (sameDesign(current, next)) {
      // Names and the hypothesis follow the newest version; what is measured does not change.
      sqlite.prepare(`UPDATE experiments SET design = ? WHERE id = ?`).run(JSON.stringify(next), row.id);
      ids.push(row.id);
      continue;
    }
    end(sqlite, row.id, now, actor, version, 'restarted', `Version ${version} changed the design (arms, weights, metric, minimum effect or guardrails); a new experiment measures it from now on.`);
    ids.push(start(sqlite, journeyId, version, next, now, actor, `Started by version ${version}, replacing the experiment whose design changed.`));
  }
  for (const design of designs.values()) ids.push(start(sqlite, journeyId, version, design, now, actor, `Started by version ${version}.`));
  return ids;
}

/**
 * Experiments for live and paused journeys that have none yet (journeys published before experiments were kept):
 * started from now, on their current version. Idempotent; run at start-up.
 */
export function ensureExperiments(sqlite: Database.Database, now: number): number {
  const rows = sqlite
    .prepare(
      `SELECT j.id, j.current_version AS version, v.graph FROM journeys j JOIN journey_versions v ON v.journey_id = j.id AND v.version = j.current_version
       WHERE j.status IN ('live', 'paused') AND NOT EXISTS (SELECT 1 FROM experiments x WHERE x.journey_id = j.id)`,
    )
    .all() as { id: string; version: number; graph: string }[];
  let started = 0;
  sqlite.transaction(() => {
    for (const r of rows) started += syncExperiments(sqlite, r.id, r.version, JSON.parse(r.graph) as JourneyGraph, now, null).length;
  })();
  return started;
}

/** Ends every running experiment of a journey (it was archived): their figures stay, frozen at `now`. */
export function endExperiments(sqlite: Database.Database, journeyId: string, now: number, note: string): void {
  const rows = sqlite.prepare(`SELECT id FROM experiments WHERE journey_id = ? AND status = 'running'`).all(journeyId) as { id: string }[];
  for (const r of rows) {
    sqlite.prepare(`UPDATE experiments SET status = 'stopped', ended_at = ? WHERE id = ?`).run(now, r.id);
    historyEntry(sqlite, { experimentId: r.id, at: now, action: 'ended', actor: null, note });
  }
}
