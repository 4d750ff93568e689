// Bench group `report`: the lifecycle dashboard's queries over 100,000 contacts and 1,000,000 events, with the phase
// history, enrollments, messages and rollups that the real write paths leave beside them (generated here with direct
// prepared inserts in one transaction: setup is not what is measured). Goal: report.lifecycle under 300 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.ts';
import { newContactId } from '../../server/contacts/contacts.ts';
import { timeOrderedId } from '../../server/ids.ts';
import { journeyKeyFigures, lifecycleReport, phaseCountsByPersona } from '../../server/reports/lifecycle.ts';
import { RollupBatch } from '../../server/reports/rollups.ts';
import { openWorkspace, type Workspace } from '../../server/workspace.ts';
import { MOMENT_KEYS } from '../../shared/lifecycle/moments.ts';
import { wholeDays } from '../../shared/reports/aggregate.ts';
import { flowKey, type Metric } from '../../shared/reports/metrics.ts';
import type { Figure } from './run.ts';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = 7;
const DAY = 86_400_000;
const NOW = Date.parse('2026-12-01T12:00:00Z');
const YEAR_AGO = NOW - 365 * DAY;
const PERSONAS = ['bargain_hunter', 'researcher', 'loyalist', null] as const;
const TEMPLATES = ['welcome', 'nurture_researcher', 'thanks', 'winback', 'referral_invite', 'review_request'];
const BROWSING = ['page_viewed', 'product_viewed', 'cart_viewed', 'search_performed'];

function workspace(): { ws: Workspace; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kairos-bench-report-'));
  const config = loadConfig({ DATA_DIR: dir, SECRET: 'bench-secret-bench-secret-bench-secret' });
  if (!config.ok) throw new Error(config.errors.join('; '));
  return { ws: openWorkspace(config.config), dir };
}

/** A seeded generator, so every run measures the same population. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A contact's way through the phases: the transitions after its creation as a prospect, in time order. */
function lifePath(rnd: () => number, createdAt: number): { to: string; at: number }[] {
  const steps: { to: string; at: number }[] = [];
  let at = createdAt;
  const next = (to: string, maxDays: number) => {
    at = Math.min(NOW - 1, at + Math.floor(rnd() * maxDays * DAY) + 3_600_000);
    steps.push({ to, at });
  };
  if (rnd() < 0.15) return steps; // a prospect who never confirmed
  next('subscriber', 3);
  if (rnd() < 0.6) next('engaged', 20);
  if (rnd() < 0.45) {
    next('customer', 40);
    if (rnd() < 0.35) {
      next('loyal', 60);
      if (rnd() < 0.3) next('advocate', 60);
    }
  }
  if (rnd() < 0.2) {
    next('lapsed', 90);
    if (rnd() < 0.3) next('customer', 60);
  }
  return steps.filter((s) => s.at < NOW - 1);
}

interface Population {
  contacts: number;
  events: number;
  phaseHistory: number;
  enrollments: number;
  messages: number;
  rollupRows: number;
}

function populate(ws: Workspace): Population {
  const sqlite = ws.db.$client;
  const rnd = random(12);
  const rollups = new RollupBatch();
  const add = (metric: Metric, at: number, persona: string | null, key = '') => rollups.add(metric, at, persona, key);
  const journeyIds = MOMENT_KEYS.flatMap((moment) =>
    [null, 'researcher'].map((persona) => ({ id: `j_${moment}_${persona ?? 'all'}`, moment, persona })),
  );
  const insertJourney = sqlite.prepare(`INSERT INTO journeys (id, name, moment, persona_key, status, draft_graph, draft_layout, current_version) VALUES (?, ?, ?, ?, 'live', '{}', '{}', 1)`);
  const contact = sqlite.prepare(`INSERT INTO contacts (id, email, traits, name, persona_key, persona_source, phase, subscription, consent_at, timezone, last_active_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, 'rules', ?, ?, ?, 'Europe/Berlin', ?, ?, ?)`);
  const event = sqlite.prepare(`INSERT INTO events (contact_id, name, properties, timestamp, received_at) VALUES (?, ?, ?, ?, ?)`);
  const history = sqlite.prepare(`INSERT INTO phase_history (contact_id, from_phase, to_phase, at, cause) VALUES (?, ?, ?, ?, ?)`);
  const enrollment = sqlite.prepare(`INSERT INTO enrollments (id, journey_id, version, contact_id, entry_key, node_id, status, wake_at, state, enrolled_at, updated_at, ended_at, goal_reached_at)
    VALUES (?, ?, 1, ?, ?, ?, ?, ?, '{}', ?, ?, ?, ?)`);
  const message = sqlite.prepare(`INSERT INTO messages (id, contact_id, enrollment_id, journey_id, node_id, visit, template_id, category, status, attempts, next_attempt_at, sent_at, first_opened_at, open_count, first_clicked_at, click_count, created_at)
    VALUES (?, ?, ?, ?, 'email', 1, ?, 'marketing', ?, 1, ?, ?, ?, ?, ?, ?, ?)`);
  const counts: Population = { contacts: 0, events: 0, phaseHistory: 0, enrollments: 0, messages: 0, rollupRows: 0 };
  const eventsPerContact = EVENTS / CONTACTS;

  sqlite.transaction(() => {
    for (const j of journeyIds) insertJourney.run(j.id, `${j.moment} (${j.persona ?? 'all'})`, j.moment, j.persona);
    for (let i = 0; i < CONTACTS; i++) {
      const createdAt = YEAR_AGO + Math.floor((i / CONTACTS) * 365 * DAY);
      const id = newContactId(createdAt);
      const persona = PERSONAS[Math.floor(rnd() * PERSONAS.length)]!;
      const steps = lifePath(rnd, createdAt);
      const phase = steps.at(-1)?.to ?? 'prospect';
      const subscribedAt = steps.find((s) => s.to === 'subscriber')?.at ?? null;
      const lastAt = steps.at(-1)?.at ?? createdAt;
      const first = `Name${i}`;
      contact.run(id, `c${i}@example.com`, JSON.stringify({ firstName: first, lastName: 'Bench', plan: i % 4 === 0 ? 'pro' : 'free' }), `${first} Bench`, persona, phase,
        subscribedAt ? 'subscribed' : 'none', subscribedAt, lastAt, createdAt, lastAt);
      counts.contacts++;
      add('phase_flow', createdAt, persona, flowKey(null, 'prospect'));

      // Phase history, its $phase_entered events and the rollups transitionPhase writes for them.
      let from = 'prospect';
      let customerAt: number | null = null;
      let wasLoyal = false;
      for (const s of steps) {
        history.run(id, from, s.to, s.at, 'rule: bench');
        event.run(id, '$phase_entered', JSON.stringify({ phase: s.to, from }), s.at, s.at);
        counts.phaseHistory++;
        counts.events++;
        add('phase_flow', s.at, persona, flowKey(from, s.to));
        if (s.to === 'customer' && customerAt === null) {
          if (subscribedAt !== null) add('days_to_first_purchase', s.at, persona, String(wholeDays(subscribedAt, s.at)));
          customerAt = s.at;
          event.run(id, 'order_completed', JSON.stringify({ order_id: `o${i}`, total: 42.5 }), s.at, s.at);
          counts.events++;
        }
        if (s.to === 'loyal' && !wasLoyal && customerAt !== null) {
          add('days_customer_to_loyal', s.at, persona, String(wholeDays(customerAt, s.at)));
          wasLoyal = true;
        }
        from = s.to;
      }

      // Journeys: most subscribers enter one, some two; each entry sends one email.
      const entries = subscribedAt === null ? 0 : rnd() < 0.3 ? 2 : 1;
      for (let k = 0; k < entries; k++) {
        const j = journeyIds[Math.floor(rnd() * journeyIds.length)]!;
        if (j.persona !== null && j.persona !== persona) continue;
        const enrolledAt = Math.min(NOW - 1, subscribedAt! + Math.floor(rnd() * 30 * DAY));
        const open = rnd() < 0.25;
        const goal = rnd() < 0.2 ? Math.min(NOW - 1, enrolledAt + Math.floor(rnd() * 14 * DAY)) : null;
        const eid = timeOrderedId('e_', enrolledAt);
        enrollment.run(eid, j.id, id, String(k), open ? 'w' : 'x', open ? 'waiting' : 'completed', open ? NOW + DAY : null, enrolledAt, enrolledAt, open ? null : enrolledAt + 7 * DAY, goal);
        counts.enrollments++;
        add('journey_entered', enrolledAt, persona, j.id);
        if (goal !== null) add('journey_converted', goal, persona, j.id);
        const template = TEMPLATES[Math.floor(rnd() * TEMPLATES.length)]!;
        const bounced = rnd() < 0.02;
        const openedAt = !bounced && rnd() < 0.4 ? enrolledAt + 3_600_000 : null;
        const clickedAt = openedAt !== null && rnd() < 0.3 ? openedAt + 60_000 : null;
        message.run(timeOrderedId('m_', enrolledAt), id, eid, j.id, template, bounced ? 'failed' : 'sent', enrolledAt, bounced ? null : enrolledAt, openedAt, openedAt ? 1 : 0, clickedAt, clickedAt ? 1 : 0, enrolledAt);
        counts.messages++;
        add('template_sent', enrolledAt, persona, template);
        add(bounced ? 'template_bounced' : 'template_delivered', enrolledAt, persona, template);
        if (openedAt !== null) add('template_opened', openedAt, persona, template);
        if (clickedAt !== null) add('template_clicked', clickedAt, persona, template);
        if (openedAt !== null && rnd() < 0.01) add('template_unsubscribed', openedAt + 120_000, persona, template);
      }
      if (phase === 'advocate') add('referral', lastAt, persona);

      // The rest of the contact's share of the million events: browsing between its creation and now.
      const browsing = Math.max(0, Math.round(eventsPerContact * (i + 1)) - counts.events);
      for (let k = 0; k < browsing; k++) {
        const at = createdAt + Math.floor(rnd() * (NOW - createdAt));
        event.run(id, BROWSING[k % BROWSING.length]!, '{"path":"/products/42"}', at, at);
        counts.events++;
      }
    }
    counts.rollupRows = rollups.size;
    rollups.flush(ws.db);
  })();
  sqlite.pragma('optimize');
  return counts;
}

/** Median wall and CPU time of several runs; CPU time shows what a query costs when other processes share the cores. */
function medianMs(fn: () => unknown): { wall: number; cpu: number } {
  fn(); // statements prepared, pages warm: the dashboard's second look, which is every look after the first
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const used = process.cpuUsage();
    fn();
    const spent = process.cpuUsage(used);
    wall.push(performance.now() - start);
    cpu.push((spent.user + spent.system) / 1000);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wall: median(wall), cpu: median(cpu) };
}

const cpuNote = (t: { cpu: number }) => `CPU ${t.cpu.toFixed(0)} ms`;

export async function run(report: (f: Figure) => void): Promise<void> {
  const { ws, dir } = workspace();
  try {
    const started = performance.now();
    const made = populate(ws);
    const setupS = (performance.now() - started) / 1000;
    const period = { from: new Date(NOW - 90 * DAY).toISOString(), to: new Date(NOW).toISOString() };
    const all = medianMs(() => lifecycleReport(ws.db, { persona: null, ...period }));
    const one = medianMs(() => lifecycleReport(ws.db, { persona: 'researcher', ...period }));
    const year = medianMs(() => lifecycleReport(ws.db, { persona: null, from: new Date(NOW - 365 * DAY).toISOString(), to: period.to }));
    const journeys = (ws.db.$client.prepare('SELECT id FROM journeys').all() as { id: string }[]).map((j) => j.id);
    const matrix = medianMs(() => {
      journeyKeyFigures(ws.db, journeys);
      phaseCountsByPersona(ws.db);
    });
    const size = `${made.contacts.toLocaleString('en')} contacts, ${made.events.toLocaleString('en')} events, ${made.phaseHistory.toLocaleString('en')} transitions, ` +
      `${made.enrollments.toLocaleString('en')} enrollments, ${made.messages.toLocaleString('en')} messages, ${made.rollupRows.toLocaleString('en')} rollup rows (set up in ${setupS.toFixed(0)} s)`;
    report({ name: 'report.lifecycle', value: all.wall, unit: 'ms', note: `${cpuNote(all)}, all personas, last 90 days, median of ${RUNS}; ${size}; goal < 300 ms` });
    report({ name: 'report.lifecycle_persona', value: one.wall, unit: 'ms', note: `${cpuNote(one)}, one persona, last 90 days` });
    report({ name: 'report.lifecycle_year', value: year.wall, unit: 'ms', note: `${cpuNote(year)}, all personas, last 365 days` });
    report({ name: 'report.matrix_figures', value: matrix.wall, unit: 'ms', note: `${cpuNote(matrix)}, ${journeys.length} journeys' key figures and contacts per persona and phase` });
  } finally {
    ws.close();
    // BENCH_KEEP=1 keeps the generated DATA_DIR, to look at query plans on it.
    if (process.env.BENCH_KEEP) process.stdout.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
