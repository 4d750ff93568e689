// Where contacts in flight go when a new version is published: stay, move to the same node id, or exit.
import type { JourneyGraph } from '../../shared/journey/graph.ts';
import type { EnrollmentState } from '../../shared/journey/interpret.ts';
import type Database from 'better-sqlite3';
import { createStepLog } from './steps.ts';

export type MigrationChoice = 'stay' | 'same_node' | 'exit';

export interface MigrationResult {
  moved: number;
  exited: number;
}

/**
 * Runs inside the publishing transaction. With same_node, an enrollment moves only when the new version
 * has a node of the same id and kind where it stands; otherwise it exits rather than land somewhere else.
 */
export function migrateEnrollments(
  sqlite: Database.Database,
  journeyId: string,
  toVersion: number,
  graph: JourneyGraph,
  choice: MigrationChoice,
  now: number,
  /** Only runs on this version move (the others stay): a version that changes nothing else, as shipping a variant. */
  onlyFromVersion?: number,
): MigrationResult {
  const result: MigrationResult = { moved: 0, exited: 0 };
  if (choice === 'stay') return result;
  const rows = sqlite
    .prepare(`SELECT id, version, node_id AS nodeId, state FROM enrollments WHERE journey_id = ? AND version < ? AND status IN ('active', 'waiting')`)
    .all(journeyId, toVersion)
    .filter((r) => onlyFromVersion === undefined || (r as { version: number }).version === onlyFromVersion) as { id: string; version: number; nodeId: string; state: string }[];
  const kinds = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  const oldKind = sqlite.prepare(`SELECT graph FROM journey_versions WHERE journey_id = ? AND version = ?`);
  const oldGraphs = new Map<number, Map<string, string>>();
  const move = sqlite.prepare(`UPDATE enrollments SET version = ?, updated_at = ? WHERE id = ?`);
  const exit = sqlite.prepare(`UPDATE enrollments SET status = 'exited', wake_at = NULL, awaiting_event = NULL, state = ?, ended_at = ?, updated_at = ? WHERE id = ?`);
  const steps = createStepLog(sqlite);

  for (const row of rows) {
    if (!oldGraphs.has(row.version)) {
      const stored = oldKind.get(journeyId, row.version) as { graph: string } | undefined;
      const nodes = stored ? (JSON.parse(stored.graph) as JourneyGraph).nodes : [];
      oldGraphs.set(row.version, new Map(nodes.map((n) => [n.id, n.kind])));
    }
    const sameKind = kinds.get(row.nodeId) !== undefined && kinds.get(row.nodeId) === oldGraphs.get(row.version)!.get(row.nodeId);
    if (choice === 'same_node' && sameKind) {
      move.run(toVersion, now, row.id);
      steps.record(row.id, journeyId, toVersion, now, [{ nodeId: row.nodeId, outcome: `moved from version ${row.version}` }]);
      result.moved++;
    } else {
      const state: EnrollmentState = { ...(JSON.parse(row.state) as EnrollmentState), status: 'exited', wakeAt: null, awaiting: null };
      exit.run(JSON.stringify(state), now, now, row.id);
      const why = choice === 'exit' ? `exited: version ${toVersion} published` : `exited: node ${row.nodeId} not in version ${toVersion}`;
      steps.record(row.id, journeyId, row.version, now, [{ nodeId: row.nodeId, outcome: why }]);
      result.exited++;
    }
  }
  steps.flush();
  return result;
}
