// Schema changes keep what an existing database holds: each migration is applied to data written by the one before.
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, databaseFile, MIGRATIONS_DIR, openDatabase, type Db } from '../../server/db/client.ts';
import { contactJourneys, journeyFigures } from '../../server/executor/figures.ts';
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
      t: { entered: 2, waiting: 0, passed: 2 },
      vip: { entered: 2, waiting: 0, passed: 2 },
      w: { entered: 2, waiting: 1, passed: 1 },
      x: { entered: 1, waiting: 0, passed: 0 },
    });
    expect(figures.edges).toEqual({ 't:next': 2, 'vip:yes': 1, 'vip:no': 1, 'w:next': 1 });
    // The identity of a run is still unique after the index was rebuilt contact-first.
    expect(() => sqlite.exec(`INSERT INTO enrollments (id, journey_id, version, contact_id, entry_key, node_id, status, state, enrolled_at, updated_at)
      VALUES ('e3', 'j1', 1, 'c1', '', 't', 'active', '{}', 3000, 3000)`)).toThrow(/UNIQUE/);
  });
});
