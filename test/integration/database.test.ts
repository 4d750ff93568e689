// The SQLite file under DATA_DIR: migrations, starter content that survives restarts, and the health check.
import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, databaseFile, openDatabase } from '../../server/db/client.ts';
import { checkHealth } from '../../server/db/health.ts';
import { moments, personas, phases } from '../../server/db/schema.ts';
import { openWorkspace, type Workspace } from '../../server/workspace.ts';
import { freshWorkspace, tempDir, testConfig, type FreshWorkspace } from './helpers.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function workspace(): FreshWorkspace {
  const fresh = freshWorkspace();
  cleanups.push(fresh.cleanup);
  return fresh;
}

/** Closes the workspace and opens it again on the same DATA_DIR, as a server restart does. */
function restart(ws: Workspace): Workspace {
  ws.close();
  const reopened = openWorkspace(ws.config);
  cleanups.push(() => reopened.db.$client.open && reopened.close());
  return reopened;
}

function counts(ws: Workspace) {
  return {
    moments: ws.db.select().from(moments).all().length,
    phases: ws.db.select().from(phases).all().length,
    personas: ws.db.select().from(personas).all().length,
  };
}

describe('a fresh database', () => {
  it('is migrated, in WAL mode, with foreign keys enforced', () => {
    const { ws } = workspace();
    const tables = ws.db.$client
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((row) => (row as { name: string }).name);
    expect(tables).toEqual(expect.arrayContaining(['moments', 'phases', 'personas', 'journeys', 'user', 'session']));
    expect(ws.db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(ws.db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('holds the starter content: five moments in lifecycle order, seven phases, three personas', () => {
    const { ws } = workspace();
    const momentKeys = ws.db.select().from(moments).orderBy(asc(moments.position)).all().map((m) => m.key);
    expect(momentKeys).toEqual(['opt_in', 'first_communication', 'first_purchase', 'reactivation', 'advocacy']);
    expect(counts(ws)).toEqual({ moments: 5, phases: 7, personas: 3 });
  });
});

describe('restarting on the same DATA_DIR', () => {
  it('does not duplicate the starter content', () => {
    let { ws } = workspace();
    ws = restart(ws);
    ws = restart(ws);
    expect(counts(ws)).toEqual({ moments: 5, phases: 7, personas: 3 });
  });

  it('does not bring back a persona the user deleted', () => {
    let { ws } = workspace();
    ws.db.delete(personas).where(eq(personas.key, 'bargain_hunter')).run();
    ws = restart(ws);
    const keys = ws.db.select().from(personas).all().map((p) => p.key).sort();
    expect(keys).toEqual(['loyalist', 'researcher']);
  });

  it('keeps an edited phase label', () => {
    let { ws } = workspace();
    ws.db.update(phases).set({ label: 'Lead' }).where(eq(phases.key, 'prospect')).run();
    ws = restart(ws);
    expect(ws.db.select().from(phases).where(eq(phases.key, 'prospect')).get()?.label).toBe('Lead');
  });
});

describe('checkHealth', () => {
  it('is ok on a migrated database', () => {
    const { ws } = workspace();
    expect(checkHealth(ws.db)).toEqual({ ok: true });
  });

  it('is not ok on a database file that was never migrated', () => {
    const { dir, cleanup } = tempDir();
    const db = openDatabase(databaseFile(testConfig(dir).dataDir));
    cleanups.push(cleanup, () => db.$client.close());
    const health = checkHealth(db);
    expect(health.ok).toBe(false);
  });

  it('becomes ok once that file is migrated', () => {
    const { dir, cleanup } = tempDir();
    const db = openDatabase(databaseFile(dir));
    cleanups.push(cleanup, () => db.$client.close());
    applyMigrations(db);
    expect(checkHealth(db)).toEqual({ ok: true });
  });
});
