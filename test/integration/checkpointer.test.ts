// WAL checkpoints on a worker thread: the server's writing connection leaves them to it, and takes them back when
// the worker stops.
import { describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../server/db/checkpointer.ts';
import { databaseFile } from '../../server/db/client.ts';
import { log } from '../../server/log.ts';
import { workspacePerTest, type FreshWorkspace } from './helpers.ts';

const workspace = workspacePerTest();

const autocheckpoint = (ws: FreshWorkspace['ws']) => ws.db.$client.pragma('wal_autocheckpoint', { simple: true });

describe('the checkpoint worker', () => {
  it('copies committed WAL frames back while the writer goes on, and hands checkpoints back when stopped', async () => {
    const { ws } = workspace();
    const sqlite = ws.db.$client;
    sqlite.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const checkpointer = startCheckpointer(ws.db, databaseFile(ws.config.dataDir), log, 20);
    expect(autocheckpoint(ws)).toBe(100_000);

    const insert = sqlite.prepare('INSERT INTO filler (body) VALUES (?)');
    for (let i = 0; i < 300; i++) insert.run('x'.repeat(2000));
    // Everything the writer committed is copied back, without the writer checkpointing itself.
    await expect.poll(() => {
      const last = checkpointer.last();
      return last !== null && last.log > 0 && last.checkpointed === last.log;
    }, { timeout: 5_000 }).toBe(true);

    await checkpointer.stop();
    expect(autocheckpoint(ws)).toBe(10_000);
    // The database is whole: every row is there after the worker's last checkpoint.
    expect(sqlite.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 300 });
  });
});
