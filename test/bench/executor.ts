// Bench group `executor`: 100,000 contacts enter a live 6-node journey and advance to their first wait,
// against a raw better-sqlite3 baseline doing the same row writes in batched transactions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixedClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { createExecutor } from '../../server/executor/executor.ts';
import { newContactId } from '../../server/contacts/contacts.ts';
import { timeOrderedId } from '../../server/ids.ts';
import { openWorkspace, type Workspace } from '../../server/workspace.ts';
import { email, exit, graph, liveJourney, onEvent, waitDays } from '../integration/executorBuilders.ts';
import type { Figure } from './run.ts';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const NOW = '2026-11-02T08:00:00Z';

function workspace(): { ws: Workspace; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kairos-bench-'));
  const config = loadConfig({ DATA_DIR: dir, SECRET: 'bench-secret-bench-secret-bench-secret' });
  if (!config.ok) throw new Error(config.errors.join('; '));
  return { ws: openWorkspace(config.config), dir };
}

/** In which order the contacts' trigger events arrive: as they signed up, or in no relation to it. */
type Arrival = 'signup' | 'random';

/**
 * Contacts (with ids as Kairos makes them) and their trigger events, written raw: setup is not what is measured.
 * In `random` order, the enrollment and message indexes that lead with the contact id take inserts all over.
 */
function populate(ws: Workspace, arrival: Arrival): void {
  const sqlite = ws.db.$client;
  const contact = sqlite.prepare(`INSERT INTO contacts (id, email, traits, phase, subscription) VALUES (?, ?, ?, 'customer', 'subscribed')`);
  const event = sqlite.prepare(`INSERT INTO events (contact_id, name, properties, timestamp, received_at) VALUES (?, 'order_completed', '{"order_id":"o"}', ?, ?)`);
  const t = Date.parse(NOW);
  const ids = Array.from({ length: CONTACTS }, (_, i) => newContactId(t + i));
  const order = ids.map((_, i) => i);
  if (arrival === 'random') {
    // A seeded Fisher-Yates shuffle, so every run measures the same order.
    let seed = 42;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  }
  sqlite.transaction(() => {
    ids.forEach((id, i) => contact.run(id, `c${i}@example.com`, JSON.stringify({ vip: i % 3 === 0 })));
    for (const i of order) event.run(ids[i], t, t);
  })();
}

function sixNodeJourney() {
  return graph(
    [
      onEvent('order_completed'),
      { id: 'vip', kind: 'condition', config: { rules: [{ type: 'trait', trait: 'vip', operator: 'equals', value: true }] } },
      email('thanks'),
      waitDays('w', 3),
      email('review'),
      exit(),
    ],
    ['t:next>vip', 'vip:yes>thanks', 'vip:no>thanks', 'thanks:next>w', 'w:next>review', 'review:next>x'],
  );
}

function rssMb(): number {
  return process.memoryUsage().rss / 1_048_576;
}

/**
 * The same rows the executor writes, by hand: per contact the enrollment, its step-log row and one message
 * (time-ordered ids, as the executor's); per batch the step counts and the cursor.
 */
function baseline(ws: Workspace, journeyId: string, batch: number): number {
  const sqlite = ws.db.$client;
  const contacts = sqlite.prepare(`SELECT e.id AS eventId, e.contact_id AS contactId FROM events e WHERE e.id > ? ORDER BY e.id LIMIT ?`);
  const insertEnrollment = sqlite.prepare(`INSERT INTO enrollments (id, journey_id, version, contact_id, entry_key, node_id, status, wake_at, state, enrolled_at, updated_at) VALUES (?, ?, 1, ?, '', 'w', 'waiting', ?, ?, ?, ?)`);
  const insertStep = sqlite.prepare(`INSERT INTO step_log (enrollment_id, journey_id, version, at, steps) VALUES (?, ?, 1, ?, ?)`);
  const bump = sqlite.prepare(`INSERT INTO journey_step_counts (journey_id, node_id, outcome, n) VALUES (?, ?, ?, ?) ON CONFLICT (journey_id, node_id, outcome) DO UPDATE SET n = n + excluded.n`);
  const insertMessage = sqlite.prepare(`INSERT INTO messages (id, contact_id, enrollment_id, journey_id, node_id, visit, template_id, data, category, when_capped, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'thanks', 1, 'thanks', '{}', 'marketing', 'delay', 'queued', ?, ?)`);
  const cursor = sqlite.prepare(`INSERT INTO executor_state (key, value) VALUES ('baseline', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
  const now = Date.parse(NOW);
  const state = JSON.stringify({ nodeId: 'w', status: 'waiting', wakeAt: now + 3 * 86_400_000, awaiting: null, visits: { thanks: 1 }, variants: {}, entry: { name: 'order_completed', properties: { order_id: 'o' }, timestamp: now }, enrolledAt: now, goalReachedAt: null, error: null });
  const path = [['t', 'next'], ['vip', 'yes'], ['thanks', 'next'], ['w', 'waiting']] as const;
  const steps = JSON.stringify(path);
  const start = performance.now();
  let after = 0;
  for (;;) {
    const rows = contacts.all(after, batch) as { eventId: number; contactId: string }[];
    if (rows.length === 0) break;
    sqlite.transaction(() => {
      for (const r of rows) {
        const id = timeOrderedId('e_', now);
        insertEnrollment.run(id, journeyId, r.contactId, now + 3 * 86_400_000, state, now, now);
        insertStep.run(id, journeyId, now, steps);
        insertMessage.run(timeOrderedId('m_', now), r.contactId, id, journeyId, now, now);
      }
      for (const [node, outcome] of path) bump.run(journeyId, node, outcome, rows.length);
      cursor.run(rows[rows.length - 1]!.eventId);
    })();
    after = rows[rows.length - 1]!.eventId;
  }
  return (performance.now() - start) / 1000;
}

async function measure(arrival: Arrival, batch: number) {
  const measured = workspace();
  const reference = workspace();
  try {
    const clock = fixedClock(NOW);
    liveJourney(measured.ws.db, clock, sixNodeJourney());
    const refJourney = liveJourney(reference.ws.db, clock, sixNodeJourney());
    populate(measured.ws, arrival);
    populate(reference.ws, arrival);

    const rssBefore = rssMb();
    const executor = createExecutor({ db: measured.ws.db, clock, batchSize: batch });
    const start = performance.now();
    const tick = executor.tick();
    const seconds = (performance.now() - start) / 1000;
    if (tick.enrolled !== CONTACTS || tick.messagesQueued !== CONTACTS) {
      throw new Error(`expected ${CONTACTS} enrolments and messages, got ${tick.enrolled} and ${tick.messagesQueued}`);
    }
    const rssGrowth = rssMb() - rssBefore;
    const baselineSeconds = baseline(reference.ws, refJourney, batch);
    return { seconds, baselineSeconds, rssGrowth };
  } finally {
    measured.ws.close();
    reference.ws.close();
    rmSync(measured.dir, { recursive: true, force: true });
    rmSync(reference.dir, { recursive: true, force: true });
  }
}

const BEST_HOUR_CONTACTS = Number(process.env.BENCH_BEST_HOUR_CONTACTS ?? 10_000);

/** trigger → email (at the best hour within 48 hours, or now) → wait → exit */
function emailJourney(bestHour: boolean) {
  const config = bestHour ? { templateId: 'thanks', sendAt: { mode: 'best_hour', withinHours: 48 } } : { templateId: 'thanks' };
  return graph([onEvent('order_completed'), { id: 'thanks', kind: 'email', config }, waitDays('w', 3), exit()], ['t:next>thanks', 'thanks:next>w', 'w:next>x']);
}

/**
 * Contacts in a few zones, each with six opens of earlier emails (their own history decides), entering a journey whose
 * email waits for the best hour, against the same journey sending at once on the same population.
 */
async function measureBestHour(bestHour: boolean): Promise<number> {
  const { ws, dir } = workspace();
  try {
    const clock = fixedClock(NOW);
    liveJourney(ws.db, clock, emailJourney(bestHour));
    const sqlite = ws.db.$client;
    const contact = sqlite.prepare(`INSERT INTO contacts (id, email, traits, phase, subscription, timezone, persona_key) VALUES (?, ?, '{}', 'customer', 'subscribed', ?, ?)`);
    const opened = sqlite.prepare(`INSERT INTO messages (id, contact_id, template_id, data, category, status, next_attempt_at, sent_at, first_opened_at, created_at) VALUES (?, ?, 'thanks', '{}', 'marketing', 'sent', ?, ?, ?, ?)`);
    const event = sqlite.prepare(`INSERT INTO events (contact_id, name, properties, timestamp, received_at) VALUES (?, 'order_completed', '{"order_id":"o"}', ?, ?)`);
    const t = Date.parse(NOW);
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'UTC'];
    const personas = ['loyalist', 'researcher', null];
    sqlite.transaction(() => {
      for (let i = 0; i < BEST_HOUR_CONTACTS; i++) {
        const id = newContactId(t + i);
        contact.run(id, `c${i}@example.com`, zones[i % zones.length], personas[i % personas.length]);
        for (let k = 1; k <= 6; k++) {
          const at = t - k * 7 * 86_400_000 + (i % 24) * 3_600_000;
          opened.run(timeOrderedId('m_', at), id, at, at, at + 60_000, at);
        }
        event.run(id, t, t);
      }
    })();
    const executor = createExecutor({ db: ws.db, clock, batchSize: 2000 });
    const start = performance.now();
    const tick = executor.tick();
    const seconds = (performance.now() - start) / 1000;
    if (tick.messagesQueued !== BEST_HOUR_CONTACTS) throw new Error(`expected ${BEST_HOUR_CONTACTS} messages, got ${tick.messagesQueued}`);
    return seconds;
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(report: (f: Figure) => void): Promise<void> {
  const batch = 2000;
  for (const arrival of ['signup', 'random'] as const) {
    const { seconds, baselineSeconds, rssGrowth } = await measure(arrival, batch);
    const name = arrival === 'signup' ? 'executor.enrol_advance' : 'executor.enrol_advance_random_order';
    const order = arrival === 'signup' ? 'events in sign-up order' : 'events in random contact order';
    report({ name, value: CONTACTS / seconds, unit: 'contacts/s', ratio: baselineSeconds / seconds, note: `${CONTACTS} contacts in ${seconds.toFixed(2)} s, ${order}, baseline ${(CONTACTS / baselineSeconds).toFixed(0)} contacts/s` });
    if (arrival === 'signup') report({ name: 'executor.rss_growth', value: rssGrowth, unit: 'MB', note: `during the tick of ${CONTACTS} contacts (batches of ${batch})` });
  }
  const now = await measureBestHour(false);
  const best = await measureBestHour(true);
  report({
    name: 'executor.enrol_advance_best_hour',
    value: BEST_HOUR_CONTACTS / best,
    unit: 'contacts/s',
    ratio: now / best,
    note: `${BEST_HOUR_CONTACTS} contacts with 6 opens each, the email at the best hour within 48 h; the same journey sending at once ${(BEST_HOUR_CONTACTS / now).toFixed(0)} contacts/s`,
  });
}
