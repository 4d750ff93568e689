// A server for the ingest bench, in its own process so the load generator does not share its CPU time:
// `kairos` is the real app on a fresh workspace; `bare` is the baseline, an Express endpoint inserting one row.
// Prints "ready <port> <writeKey>" when listening.
import Database from 'better-sqlite3';
import express from 'express';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApiKey } from '../../server/contacts/apiKeys.ts';
import { startCheckpointer } from '../../server/db/checkpointer.ts';
import { databaseFile, openDatabase } from '../../server/db/client.ts';
import { loadConfig } from '../../server/config.ts';
import { createApp } from '../../server/http/app.ts';
import { log } from '../../server/log.ts';
import { openWorkspace } from '../../server/workspace.ts';

const mode = process.argv[2];
const dataDir = mkdtempSync(path.join(tmpdir(), `kairos-bench-${mode}-`));

function listen(app: express.Express, key: string) {
  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(`ready ${(server.address() as AddressInfo).port} ${key}\n`);
  });
}

if (mode === 'kairos') {
  const config = loadConfig({ DATA_DIR: dataDir, SECRET: 'kairos-bench-secret-0123456789abcdefghij' });
  if (!config.ok) throw new Error(config.errors.join('; '));
  const ws = openWorkspace(config.config);
  // As server/index.ts runs it.
  startCheckpointer(ws.db, databaseFile(config.config.dataDir), log);
  const { key } = createApiKey(ws.db, ws.clock, { name: 'bench' });
  listen(createApp({ db: ws.db, auth: ws.auth, clientDir: dataDir }), key);
} else if (mode === 'bare') {
  // The same SQLite settings as Kairos (WAL, synchronous NORMAL), one prepared insert per request.
  const db: Database.Database = openDatabase(path.join(dataDir, 'bare.sqlite')).$client;
  db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT NOT NULL, received_at INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO events (body, received_at) VALUES (?, ?)');
  const app = express();
  app.post('/v1/track', express.json({ limit: '32kb' }), (req, res) => {
    insert.run(JSON.stringify(req.body), Date.now());
    res.json({ success: true });
  });
  listen(app, 'none');
} else {
  process.stderr.write('usage: ingest-server.ts kairos|bare\n');
  process.exit(1);
}

// Exit through process.exit so --cpu-prof can write its profile when the bench stops the server.
process.on('SIGTERM', () => process.exit(0));
