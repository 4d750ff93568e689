// The executor's guarantees across processes: a SIGKILL at any point loses nothing and duplicates nothing,
// and two processes on one database process every enrollment exactly once.
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { openWorkspace, type Workspace } from '../../server/workspace.ts';
import { addContact, email, exit, graph, liveJourney, onEvent, waitDays } from './executorBuilders.ts';
import { projectRoot, TEST_SECRET, testConfig, tempDir } from './helpers.ts';

const NOW = '2026-11-02T08:00:00Z';
const CONTACTS = 2000;
// Short, so the process after a kill waits little for the killed one's lease to expire.
const LEASE_MS = 1000;

let dir: { dir: string; cleanup(): void };
beforeEach(() => {
  dir = tempDir('kairos-exec-');
});
afterEach(() => dir.cleanup());

/** A live 6-node journey and CONTACTS contacts who each just completed an order. */
function populate(): void {
  const ws = openWorkspace(testConfig(dir.dir));
  const clock = fixedClock(NOW);
  liveJourney(
    ws.db,
    clock,
    graph(
      [onEvent('order_completed'), { id: 'vip', kind: 'condition', config: { rules: [{ type: 'trait', trait: 'vip', operator: 'equals', value: true }] } }, email('first'), waitDays('w', 3), email('second'), exit()],
      ['t:next>vip', 'vip:yes>first', 'vip:no>first', 'first:next>w', 'w:next>second', 'second:next>x'],
    ),
  );
  const sqlite = ws.db.$client;
  const insertEvent = sqlite.prepare(`INSERT INTO events (contact_id, name, properties, timestamp, received_at) VALUES (?, 'order_completed', '{}', ?, ?)`);
  sqlite.transaction(() => {
    for (let i = 0; i < CONTACTS; i++) insertEvent.run(addContact(ws.db, { traits: { vip: i % 2 === 0 } }), Date.parse(NOW), Date.parse(NOW));
  })();
  ws.close();
}

interface Worker {
  ready: Promise<void>;
  exited: Promise<number | null>;
  kill(): void;
}

function worker(batch = 50): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/fixtures/tickWorker.ts', NOW, String(batch), String(LEASE_MS)], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, DATA_DIR: dir.dir, SECRET: TEST_SECRET, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { ready, exited, kill: () => child.kill('SIGKILL') };
}

function audit(ws: Workspace) {
  const q = (sql: string) => ws.db.$client.prepare(sql).get() as Record<string, number>;
  return {
    contactsEnrolled: q(`SELECT count(DISTINCT contact_id) AS n FROM enrollments`).n,
    enrollments: q(`SELECT count(*) AS n FROM enrollments`).n,
    waitingAtW: q(`SELECT count(*) AS n FROM enrollments WHERE status = 'waiting' AND node_id = 'w'`).n,
    firstMessages: q(`SELECT count(*) AS n FROM messages WHERE node_id = 'first'`).n,
    duplicateSteps: q(`SELECT count(*) AS n FROM (SELECT enrollment_id, s.value ->> 0, s.value ->> 1, count(*) c FROM step_log, json_each(step_log.steps) s GROUP BY 1, 2, 3 HAVING c > 1)`).n,
    steps: q(`SELECT count(*) AS n FROM step_log, json_each(step_log.steps)`).n,
    stepCounts: q(`SELECT coalesce(sum(n), 0) AS n FROM journey_step_counts`).n,
    cursor: q(`SELECT coalesce((SELECT value FROM executor_state WHERE key = 'event_cursor'), 0) AS n`).n,
    lastEvent: q(`SELECT max(id) AS n FROM events`).n,
  };
}

/** A small seeded generator, so a failing seed can be replayed. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('executor processes', () => {
  it.each([1, 2, 3])('a SIGKILL mid-tick (seed %i) loses and duplicates nothing after restart', { timeout: 120_000 }, async (seed) => {
    populate();
    const random = seeded(seed);
    // Kill a few times at random moments, then let one run finish.
    for (let kill = 0; kill < 2; kill++) {
      const w = worker();
      await w.ready;
      await new Promise((r) => setTimeout(r, 20 + random() * 400));
      w.kill();
      await w.exited;
    }
    const last = worker();
    expect(await last.exited).toBe(0);

    const ws = openWorkspace(testConfig(dir.dir));
    const a = audit(ws);
    ws.close();
    expect(a).toEqual({ contactsEnrolled: CONTACTS, enrollments: CONTACTS, waitingAtW: CONTACTS, firstMessages: CONTACTS, duplicateSteps: 0, cursor: a.lastEvent, lastEvent: a.lastEvent, steps: a.steps, stepCounts: a.steps });
    // The figures' counts were written with the steps, so a kill never leaves them apart.
    expect(a.steps).toBeGreaterThan(CONTACTS);
  });

  it('two executor processes on one database process everything exactly once', { timeout: 120_000 }, async () => {
    populate();
    const [a, b] = [worker(20), worker(20)];
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    const ws = openWorkspace(testConfig(dir.dir));
    const result = audit(ws);
    ws.close();
    expect(result).toMatchObject({ contactsEnrolled: CONTACTS, enrollments: CONTACTS, waitingAtW: CONTACTS, firstMessages: CONTACTS, duplicateSteps: 0, stepCounts: result.steps });
  });
});
