// Schema changes keep what an existing database holds: each migration is applied to data written by the one before.
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, databaseFile, MIGRATIONS_DIR, openDatabase, type Db } from '../../server/db/client.ts';
import { contactJourneys, journeyFigures } from '../../server/executor/figures.ts';
import { lifecycleReport } from '../../server/reports/lifecycle.ts';
import { tempDir } from './helpers.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A database migrated only up to the migration tagged `tag`, as a release that shipped with it left it. */
function databaseAt(tag: string): Db {
  const tmp = tempDir();
  cleanups.push(tmp.cleanup);
  const folder = path.join(tmp.dir, 'migrations');
  cpSync(MIGRATIONS_DIR, folder, { recursive: true });
  const journalFile = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const upTo = journal.entries.findIndex((e) => e.tag === tag);
  expect(upTo, `migration ${tag} exists`).toBeGreaterThanOrEqual(0);
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo + 1) }));
  const db = openDatabase(databaseFile(tmp.dir));
  cleanups.push(() => db.$client.close());
  migrate(db, { migrationsFolder: folder });
  return db;
}

describe('0001_executor_hot_path', () => {
  it('turns the per-step log into per-advance paths and counts the figures from it', () => {
    const db = databaseAt('0000_init');
    const sqlite = db.$client;
    sqlite.pragma('foreign_keys = OFF');
    sqlite.exec(`INSERT INTO journeys (id, name, moment, status, draft_graph, draft_layout) VALUES ('j1', 'Thanks', 'first_purchase', 'live', '{}', '{}')`);
    sqlite.exec(`INSERT INTO contacts (id, email) VALUES ('c1', 'ada@example.com'), ('c2', 'bob@example.com')`);
    sqlite.exec(`INSERT INTO enrollments (id, journey_id, version, contact_id, entry_key, node_id, status, state, enrolled_at, updated_at)
      VALUES ('e1', 'j1', 1, 'c1', '', 'x', 'completed', '{}', 1000, 2000), ('e2', 'j1', 1, 'c2', '', 'w', 'waiting', '{}', 1000, 1000)`);
    const step = sqlite.prepare(`INSERT INTO step_log (enrollment_id, journey_id, version, node_id, at, outcome) VALUES (?, 'j1', 1, ?, ?, ?)`);
    for (const [e, node, at, outcome] of [
      ['e1', 't', 1000, 'next'], ['e1', 'vip', 1000, 'yes'], ['e1', 'w', 1000, 'waiting until 2026-11-05'],
      ['e2', 't', 1000, 'next'], ['e2', 'vip', 1000, 'no'], ['e2', 'w', 1000, 'waiting until 2026-11-05'],
      ['e1', 'w', 2000, 'waited'], ['e1', 'x', 2000, 'completed'],
    ] as const) step.run(e, node, at, outcome);
    sqlite.pragma('foreign_keys = ON');

    applyMigrations(db);

    expect(contactJourneys(db, 'c1')[0]!.path).toEqual([
      { nodeId: 't', at: 1000, outcome: 'next' },
      { nodeId: 'vip', at: 1000, outcome: 'yes' },
      { nodeId: 'w', at: 1000, outcome: 'waiting until 2026-11-05' },
      { nodeId: 'w', at: 2000, outcome: 'waited' },
      { nodeId: 'x', at: 2000, outcome: 'completed' },
    ]);
    const figures = journeyFigures(db, 'j1');
    expect(figures.nodes).toEqual({
      t: { entered: 2, waiting: 0, passed: 2, held: 0 },
      vip: { entered: 2, waiting: 0, passed: 2, held: 0 },
      w: { entered: 2, waiting: 1, passed: 1, held: 0 },
      x: { entered: 1, waiting: 0, passed: 0, held: 0 },
    });
    expect(figures.edges).toEqual({ 't:next': 2, 'vip:yes': 1, 'vip:no': 1, 'w:next': 1 });
    // The identity of a run is still unique after the index was rebuilt contact-first.
    expect(() => sqlite.exec(`INSERT INTO enrollments (id, journey_id, version, contact_id, entry_key, node_id, status, state, enrolled_at, updated_at)
      VALUES ('e3', 'j1', 1, 'c1', '', 't', 'active', '{}', 3000, 3000)`)).toThrow(/UNIQUE/);
  });
});

describe('0002_lifecycle_reports', () => {
  it('fills the report rollups from the phase history, enrollments and messages a workspace already holds', () => {
    const db = databaseAt('0001_executor_hot_path');
    const sqlite = db.$client;
    const DAY = 86_400_000;
    const t = (iso: string) => Date.parse(iso);
    sqlite.pragma('foreign_keys = OFF');
    sqlite.exec(`INSERT INTO personas (key, name) VALUES ('researcher', 'Researcher')`);
    sqlite.exec(`INSERT INTO journeys (id, name, moment, status, draft_graph, draft_layout) VALUES ('j1', 'Thanks', 'first_purchase', 'live', '{}', '{}')`);
    const contact = sqlite.prepare(`INSERT INTO contacts (id, email, persona_key, phase, subscription, consent_at, created_at) VALUES (?, ?, ?, ?, 'subscribed', ?, ?)`);
    contact.run('c1', 'ada@example.com', 'researcher', 'loyal', t('2026-10-01T08:00:00Z'), t('2026-10-01T08:00:00Z'));
    contact.run('c2', 'bob@example.com', null, 'customer', t('2026-10-02T08:00:00Z'), t('2026-10-02T08:00:00Z'));
    const history = sqlite.prepare(`INSERT INTO phase_history (contact_id, from_phase, to_phase, at, cause) VALUES (?, ?, ?, ?, 'test')`);
    history.run('c1', 'prospect', 'subscriber', t('2026-10-01T08:00:00Z'));
    history.run('c1', 'subscriber', 'customer', t('2026-10-05T09:00:00Z'));
    history.run('c1', 'customer', 'loyal', t('2026-10-15T10:00:00Z'));
    history.run('c2', 'prospect', 'customer', t('2026-10-04T08:00:00Z')); // bought before confirming: the consent time counts
    sqlite.exec(`INSERT INTO enrollments (id, journey_id, version, contact_id, entry_key, node_id, status, state, enrolled_at, updated_at, goal_reached_at)
      VALUES ('e1', 'j1', 1, 'c1', '', 'w', 'waiting', '{}', ${t('2026-10-05T09:00:00Z')}, 0, ${t('2026-10-15T10:00:00Z')}),
             ('e2', 'j1', 1, 'c2', '', 'w', 'waiting', '{}', ${t('2026-10-04T08:00:00Z')}, 0, NULL)`);
    const message = sqlite.prepare(`INSERT INTO messages (id, contact_id, template_id, category, status, attempts, error, next_attempt_at, sent_at, first_opened_at, first_clicked_at, created_at)
      VALUES (?, ?, ?, 'marketing', ?, 1, ?, ?, ?, ?, ?, ?)`);
    const sent = t('2026-10-05T09:00:00Z');
    message.run('m1', 'c1', 'thanks', 'sent', null, sent, sent, sent + 3_600_000, sent + 7_200_000, sent);
    message.run('m2', 'c2', 'thanks', 'sent', null, sent, sent, null, null, sent);
    message.run('m3', 'c2', 'thanks', 'failed', 'hard bounce: 550 no such user', sent, null, null, null, sent);
    message.run('m4', 'c2', 'thanks', 'failed', 'Template "thanks" could not be rendered for this contact: x', sent, null, null, null, sent); // never attempted
    message.run('m5', 'c1', '$notify', 'sent', null, sent, sent, null, null, sent);
    sqlite.pragma('foreign_keys = ON');

    applyMigrations(db);

    const report = lifecycleReport(db, { persona: null, from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' });
    expect([...report.flows].sort((a, b) => `${a.from}>${a.to}`.localeCompare(`${b.from}>${b.to}`))).toEqual([
      { from: 'customer', to: 'loyal', n: 1 },
      { from: null, to: 'prospect', n: 2 },
      { from: 'prospect', to: 'customer', n: 1 },
      { from: 'prospect', to: 'subscriber', n: 1 },
      { from: 'subscriber', to: 'customer', n: 1 },
    ]);
    // Ada: 4 days from subscriber to customer, 10 to loyal; Bob: 2 days from his consent to his purchase.
    expect(report.medians).toEqual({ subscriberToFirstPurchaseDays: 3, customerToLoyalDays: 10, firstPurchases: 2, becameLoyal: 1 });
    expect(report.templates).toEqual([
      { templateId: 'thanks', name: 'thanks', sent: 3, delivered: 2, uniqueOpens: 1, uniqueClicks: 1, unsubscribes: 0, bounces: 1, softBounces: 0, complaints: 0, clickRate: 0.5 },
    ]);
    const perJourney = sqlite.prepare(`SELECT metric, day, persona_key AS persona, n FROM daily_counts WHERE key = 'j1' ORDER BY metric, day`).all();
    expect(perJourney).toEqual([
      { metric: 'journey_converted', day: Math.floor(t('2026-10-15T10:00:00Z') / DAY), persona: 'researcher', n: 1 },
      { metric: 'journey_entered', day: Math.floor(t('2026-10-04T08:00:00Z') / DAY), persona: '', n: 1 },
      { metric: 'journey_entered', day: Math.floor(t('2026-10-05T09:00:00Z') / DAY), persona: 'researcher', n: 1 },
    ]);
    expect(report.personas.find((p) => p.key === 'researcher')!.flows).toContainEqual({ from: 'customer', to: 'loyal', n: 1 });
  });
});
