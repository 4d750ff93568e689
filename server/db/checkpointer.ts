// WAL checkpoints on a worker thread, so the server's writers (event ingestion, the executor, the delivery loop)
// never stop to copy the log back into the database file themselves.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.ts';
import type { Db } from './client.ts';

/** How often the worker checkpoints (ms). */
const INTERVAL_MS = 200;
/**
 * While the worker runs, the writing connection checkpoints only past this many WAL pages (~400 MB): a safety
 * net should the worker fall behind. SQLite's own default of 1,000 pages would have it checkpoint constantly.
 */
const SAFETY_PAGES = 100_000;
/** What the writing connection goes back to when the worker stops or fails (db/client.ts sets it too). */
const OWN_PAGES = 10_000;

// Plain CommonJS, evaluated by the worker: no TypeScript loader is needed in it.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
let stopping = false;
const checkpoint = () => {
  // PASSIVE: copies what no reader still needs, never waits for or blocks a writer.
  const [row] = db.pragma('wal_checkpoint(PASSIVE)');
  parentPort.postMessage({ type: 'checkpoint', log: row.log, checkpointed: row.checkpointed });
};
const timer = setInterval(() => { if (!stopping) checkpoint(); }, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  stopping = true;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Frames in the WAL and frames copied back, as of the worker's last checkpoint. */
  last(): { log: number; checkpointed: number } | null;
  stop(): Promise<void>;
}

export function startCheckpointer(db: Db, file: string, log: Logger, intervalMs = INTERVAL_MS): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs } });
  let last: { log: number; checkpointed: number } | null = null;
  let stopped = false;
  let failed = false;
  const fallBack = () => {
    if (db.$client.open) db.$client.pragma(`wal_autocheckpoint = ${OWN_PAGES}`);
  };
  db.$client.pragma(`wal_autocheckpoint = ${SAFETY_PAGES}`);
  worker.on('message', (m: { type: string; log: number; checkpointed: number }) => {
    if (m.type === 'checkpoint') last = { log: m.log, checkpointed: m.checkpointed };
  });
  worker.on('error', (error) => {
    failed = true;
    log.error({ err: error }, 'the checkpoint worker failed; the database checkpoints on its own again');
    fallBack();
  });
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      if (!stopped && !failed) log.error({ code }, 'the checkpoint worker stopped; the database checkpoints on its own again');
      fallBack();
      resolve();
    });
  });
  worker.unref();
  return {
    last: () => last,
    stop() {
      if (!stopped) {
        stopped = true;
        // Unreferenced, the worker would not keep the process alive for its last checkpoint.
        worker.ref();
        worker.postMessage('stop');
      }
      return exited;
    },
  };
}
