// Bench group `experiments`: one split's report over 1,000,000 enrollments. The members and their outcomes are written
// through the executor's own counting path (createExperimentTracker: a member per first assignment, per-day counts in
// the same statements); setup is not what is measured. Goal: experiments.report under 200 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.ts';
import { createExperimentTracker } from '../../server/experiments/tracker.ts';
import { experimentDetails, experimentReportOf } from '../../server/experiments/report.ts';
import { createJourney, publishJourney } from '../../server/journeys/service.ts';
import { openWorkspace } from '../../server/workspace.ts';
import { assignVariant } from '../../shared/journey/interpret.ts';
import type { JourneyGraph } from '../../shared/journey/graph.ts';
import type { Figure } from './run.ts';

const ENROLLMENTS = Number(process.env.BENCH_ENROLLMENTS ?? 1_000_000);
const DAYS = 60;
const RUNS = 7;
const DAY = 86_400_000;
const START = Date.parse('2026-09-01T08:00:00Z');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function time(fn: () => unknown): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const variants = [
  { key: 'a', label: 'A', weight: 50, holdout: false },
  { key: 'b', label: 'B', weight: 50, holdout: false },
];

const journey: JourneyGraph = {
  nodes: [
    { id: 't', kind: 'trigger', config: { on: 'event', event: 'signed_up', filters: [] } },
    { id: 'ab', kind: 'split', config: { variants, experiment: { minimumEffect: 10 } } },
    { id: 'mail_a', kind: 'email', config: { templateId: 'nurture' } },
    { id: 'mail_b', kind: 'email', config: { templateId: 'nurture_founder_note' } },
    { id: 'x', kind: 'exit', config: {} },
  ],
  edges: [
    { from: 't', output: 'next', to: 'ab' },
    { from: 'ab', output: 'a', to: 'mail_a' },
    { from: 'ab', output: 'b', to: 'mail_b' },
    { from: 'mail_a', output: 'next', to: 'x' },
    { from: 'mail_b', output: 'next', to: 'x' },
  ],
  settings: { reentry: 'once', goal: { event: 'order_completed', filters: [], windowDays: 14, exitOnGoal: false }, exitEvents: [] },
};

export async function run(report: (f: Figure) => void): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kairos-bench-experiments-'));
  const config = loadConfig({ DATA_DIR: dir, SECRET: 'bench-secret-bench-secret-bench-secret' });
  if (!config.ok) throw new Error(config.errors.join('; '));
  const clock = { now: () => new Date(START) };
  const ws = openWorkspace(config.config, clock);
  try {
    const { id: journeyId } = createJourney(ws.db, clock, { moment: 'first_communication', personaKey: null, name: 'Bench split', graph: journey });
    publishJourney(ws.db, clock, { id: journeyId, publishedBy: 'bench' });
    const sqlite = ws.db.$client;
    const experimentId = (sqlite.prepare(`SELECT id FROM experiments WHERE journey_id = ?`).get(journeyId) as { id: string }).id;
    const tracker = createExperimentTracker(sqlite);
    tracker.refresh();

    const setupStart = process.hrtime.bigint();
    const chunk = 50_000;
    for (let from = 0; from < ENROLLMENTS; from += chunk) {
      sqlite.transaction(() => {
        for (let i = from; i < Math.min(ENROLLMENTS, from + chunk); i++) {
          const contactId = `c_${i.toString(36).padStart(8, '0')}`;
          const at = START + Math.floor((i / ENROLLMENTS) * DAYS * DAY);
          const arm = assignVariant(contactId, 'ab', variants);
          tracker.assigned({ journeyId, version: 1, nodeId: 'ab', contactId, enrollmentId: `e_${i}`, arm, at });
          // 3.2% of A and 3.5% of B reach the goal within a few days (a deterministic draw per contact).
          const draw = ((i * 2654435761) >>> 0) / 4294967296;
          if (draw < (arm === 'a' ? 0.032 : 0.035)) tracker.goalReached(journeyId, contactId, at + (1 + (i % 5)) * DAY, `e_${i}`);
        }
      })();
    }
    const setupS = Number(process.hrtime.bigint() - setupStart) / 1e9;
    const members = (sqlite.prepare(`SELECT count(*) AS n FROM experiment_members WHERE experiment_id = ?`).get(experimentId) as { n: number }).n;
    if (members !== ENROLLMENTS) throw new Error(`expected ${ENROLLMENTS} members, found ${members}`);

    const now = START + (DAYS + 5) * DAY;
    experimentReportOf(sqlite, experimentId, now); // warm the statement cache
    const reportMs = median(Array.from({ length: RUNS }, () => time(() => experimentReportOf(sqlite, experimentId, now))));
    const detailsMs = median(Array.from({ length: RUNS }, () => time(() => experimentDetails(sqlite, experimentId, now))));
    // What counting the members themselves would cost: the way the rollups avoid.
    const scanMs = median(
      Array.from({ length: 3 }, () =>
        time(() => sqlite.prepare(`SELECT arm, count(*), count(converted_at) FROM experiment_members WHERE experiment_id = ? GROUP BY arm`).all(experimentId)),
      ),
    );
    const r = experimentReportOf(sqlite, experimentId, now);
    report({
      name: 'experiments.report',
      value: reportMs,
      unit: 'ms',
      note: `${members.toLocaleString('en-US')} enrollments over ${DAYS} days; with charts' series ${detailsMs.toFixed(1)} ms; counting the members instead ${scanMs.toFixed(0)} ms; setup ${setupS.toFixed(1)} s; verdict: ${r.verdict.kind} (goal < 200 ms)`,
    });
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
