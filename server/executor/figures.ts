// Figures of a journey from its step counts and enrollments: per node, per edge, and conversions.
import type { Db } from '../db/client.ts';
import { heldByNode } from '../mail/held.ts';

export interface JourneyFigures {
  enrolled: number;
  converted: number;
  /** Per node: contacts who entered it, are waiting there now, went on from it, and (email steps) emails held now. */
  nodes: Record<string, { entered: number; waiting: number; passed: number; held: number }>;
  /** Per edge, keyed "from:output": contacts who took it. */
  edges: Record<string, number>;
}

// Steps that continue past a node, mapped to the output they took.
const FOLLOW: Record<string, string> = { waited: 'next', 'no wait needed': 'next', matched: 'matched', timeout: 'timeout' };
// Steps that only record something about a node already entered.
const NOT_AN_ENTRY = new Set(['waited', 'matched', 'timeout', 'exited', 'moved', 'failed', 'released']);

/** `nowMs`: holds that end before it are not counted (0 counts every hold still noted). */
export function journeyFigures(db: Db, journeyId: string, nowMs = 0): JourneyFigures {
  const sqlite = db.$client;
  const totals = sqlite
    .prepare(`SELECT count(*) AS enrolled, count(goal_reached_at) AS converted FROM enrollments WHERE journey_id = ?`)
    .get(journeyId) as { enrolled: number; converted: number };
  // Outcomes are counted by kind (steps.ts outcomeKind), in the transaction that logged the steps.
  const steps = sqlite
    .prepare(`SELECT node_id AS nodeId, outcome, n FROM journey_step_counts WHERE journey_id = ?`)
    .all(journeyId) as { nodeId: string; outcome: string; n: number }[];
  const waiting = sqlite
    .prepare(`SELECT node_id AS nodeId, count(*) AS n FROM enrollments WHERE journey_id = ? AND status IN ('active', 'waiting') GROUP BY 1`)
    .all(journeyId) as { nodeId: string; n: number }[];

  const nodes: JourneyFigures['nodes'] = {};
  const node = (id: string) => (nodes[id] ??= { entered: 0, waiting: 0, passed: 0, held: 0 });
  const edges: Record<string, number> = {};
  for (const s of steps) {
    const figures = node(s.nodeId);
    if (!NOT_AN_ENTRY.has(s.outcome) && !(s.outcome in FOLLOW)) figures.entered += s.n;
    // A held-out contact entered the trigger and stays there (journey holdout): no output taken.
    if (s.outcome === 'waiting' || s.outcome === 'completed' || s.outcome === 'held out') continue;
    if (NOT_AN_ENTRY.has(s.outcome) && !(s.outcome in FOLLOW)) continue;
    const output = FOLLOW[s.outcome] ?? s.outcome;
    edges[`${s.nodeId}:${output}`] = (edges[`${s.nodeId}:${output}`] ?? 0) + s.n;
    figures.passed += s.n;
  }
  for (const w of waiting) node(w.nodeId).waiting = w.n;
  for (const [nodeId, n] of Object.entries(heldByNode(db, journeyId, nowMs))) node(nodeId).held = n;
  return { enrolled: totals.enrolled, converted: totals.converted, nodes, edges };
}

export interface ContactJourneyRun {
  enrollmentId: string;
  journeyId: string;
  journeyName: string;
  version: number;
  status: string;
  enrolledAt: number;
  endedAt: number | null;
  goalReachedAt: number | null;
  error: string | null;
  path: { nodeId: string; at: number; outcome: string }[];
}

/** A contact's runs through journeys, newest first, each with the path it took. */
export function contactJourneys(db: Db, contactId: string, limit = 50): ContactJourneyRun[] {
  const sqlite = db.$client;
  const runs = sqlite
    .prepare(
      `SELECT e.id AS enrollmentId, e.journey_id AS journeyId, j.name AS journeyName, e.version, e.status,
              e.enrolled_at AS enrolledAt, e.ended_at AS endedAt, e.goal_reached_at AS goalReachedAt, e.error
       FROM enrollments e JOIN journeys j ON j.id = e.journey_id WHERE e.contact_id = ? ORDER BY e.enrolled_at DESC LIMIT ?`,
    )
    .all(contactId, limit) as Omit<ContactJourneyRun, 'path'>[];
  const advances = sqlite.prepare(`SELECT at, steps FROM step_log WHERE enrollment_id = ? ORDER BY id`);
  const pathOf = (enrollmentId: string): ContactJourneyRun['path'] =>
    (advances.all(enrollmentId) as { at: number; steps: string }[]).flatMap(({ at, steps }) =>
      (JSON.parse(steps) as [string, string][]).map(([nodeId, outcome]) => ({ nodeId, at, outcome })),
    );
  return runs.map((r) => ({ ...r, path: pathOf(r.enrollmentId) }));
}
