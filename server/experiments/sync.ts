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

export type ExperimentChange = 'start' | 'continue' | 'restart' | 'end';

export interface PlannedExperiment {
  nodeId: string;
  name: string;
  change: ExperimentChange;
  /** The running experiment it continues, restarts or ends. */
  runningId: string | null;
  design: ExperimentDesign | null;
}

/** What publishing `graph` does to the journey's experiments: pure over the running rows, used by publish and its preview. */
export function planExperiments(running: readonly RunningRow[], graph: JourneyGraph, stopped: readonly RunningRow[] = []): PlannedExperiment[] {
  const checked = checkGraph(graph, { templateIds: ANY, personaKeys: ANY, phaseKeys: ANY });
  // A graph that cannot be published changes nothing (its preview is the validation list's business).
  if (!checked.ok) return [];
  const designs = new Map(designsOf(checked.graph).map((d) => [d.nodeId, d]));
  // A split a manager stopped stays stopped through later versions, unless they change what it measures.
  for (const row of stopped) {
    const next = designs.get(row.nodeId);
    if (next && !running.some((r) => r.nodeId === row.nodeId) && sameDesign(JSON.parse(row.design) as ExperimentDesign, next)) designs.delete(row.nodeId);
  }
  const plan: PlannedExperiment[] = [];
  for (const row of running) {
    const current = JSON.parse(row.design) as ExperimentDesign;
    const next = designs.get(row.nodeId);
    designs.delete(row.nodeId);
    if (!next) plan.push({ nodeId: row.nodeId, name: current.name, change: 'end', runningId: row.id, design: null });
    else plan.push({ nodeId: row.nodeId, name: next.name, change: sameDesign(current, next) ? 'continue' : 'restart', runningId: row.id, design: next });
  }
  for (const design of designs.values()) plan.push({ nodeId: design.nodeId, name: design.name, change: 'start', runningId: null, design });
  return plan;
}

export function runningExperimentRows(sqlite: Database.Database, journeyId: string): RunningRow[] {
  return sqlite.prepare(`SELECT id, node_id AS nodeId, design FROM experiments WHERE journey_id = ? AND status = 'running'`).all(journeyId) as RunningRow[];
}

/** Per node, the newest experiment if a manager stopped it (its last history entry is 'stopped'). */
export function stoppedExperimentRows(sqlite: Database.Database, journeyId: string): RunningRow[] {
  return sqlite
    .prepare(
      `SELECT x.id, x.node_id AS nodeId, x.design FROM experiments x
       WHERE x.journey_id = ? AND x.status = 'stopped'
         AND (SELECT h.action FROM experiment_history h WHERE h.experiment_id = x.id ORDER BY h.id DESC LIMIT 1) = 'stopped'
         AND NOT EXISTS (SELECT 1 FROM experiments y WHERE y.journey_id = x.journey_id AND y.node_id = x.node_id AND y.started_at > x.started_at)`,
    )
    .all(journeyId) as RunningRow[];
}

/** Brings the journey's experiments in line with `graph`, published as `version`. Returns the running experiment ids. */
export function syncExperiments(sqlite: Database.Database, journeyId: string, version: number, graph: JourneyGraph, now: number, actor: Actor | null): string[] {
  const ids: string[] = [];
  for (const p of planExperiments(runningExperimentRows(sqlite, journeyId), graph, stoppedExperimentRows(sqlite, journeyId))) {
    switch (p.change) {
      case 'end': {
        const what = p.nodeId === '$holdout' ? 'the holdout was turned off' : `the split ${p.nodeId} is no longer in the journey`;
        end(sqlite, p.runningId!, now, actor, version, 'ended', `Ended by version ${version}: ${what}.`);
        break;
      }
      case 'continue':
        // Names and the hypothesis follow the newest version; what is measured does not change.
        sqlite.prepare(`UPDATE experiments SET design = ? WHERE id = ?`).run(JSON.stringify(p.design), p.runningId);
        ids.push(p.runningId!);
        break;
      case 'restart':
        end(sqlite, p.runningId!, now, actor, version, 'restarted', `Version ${version} changed the design (arms, weights, metric, minimum effect or guardrails); a new experiment measures it from now on.`);
        ids.push(start(sqlite, journeyId, version, p.design!, now, actor, `Started by version ${version}, replacing the experiment whose design changed.`));
        break;
      case 'start':
        ids.push(start(sqlite, journeyId, version, p.design!, now, actor, `Started by version ${version}.`));
        break;
      default:
        p.change satisfies never;
    }
  }
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
