// `npm run bench -- ingest`: events per second through /v1/batch, requests per second of single /v1/track calls
// against a bare Express+SQLite endpoint measured in the same run, and a 100,000-row CSV import.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixedClock } from '../../server/clock.ts';
import { registerFile, startImport } from '../../server/contacts/import.ts';
import { loadConfig } from '../../server/config.ts';
import { openWorkspace } from '../../server/workspace.ts';
import type { Figure } from './run.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const USERS = 10_000;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);

interface Server {
  url: string;
  key: string;
  child: ChildProcess;
}

async function startServer(mode: 'kairos' | 'bare'): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/ingest-server.ts', mode], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const ready = out.split('\n').find((l) => l.startsWith('ready '));
      if (ready) resolve(ready);
    });
    child.once('exit', (code) => reject(new Error(`${mode} bench server exited with ${code}`)));
  });
  const [, port, key] = line.split(' ');
  return { url: `http://127.0.0.1:${port}`, key: key!, child };
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

const auth = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

function load(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function check(result: autocannon.Result, what: string): void {
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${what}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
}

/** Every user identified once, 100 per batch, so the measured calls find their contacts. */
async function seedUsers(server: Server): Promise<void> {
  for (let start = 0; start < USERS; start += 100) {
    const batch = Array.from({ length: 100 }, (_, i) => ({
      type: 'identify',
      userId: `user-${start + i}`,
      traits: { email: `user-${start + i}@example.com`, name: `User ${start + i}`, plan: i % 2 ? 'b2b' : 'b2c' },
    }));
    const res = await fetch(`${server.url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: auth(server.key), 'content-type': 'application/json' },
      body: JSON.stringify({ batch }),
    });
    if (!res.ok) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
  }
}

let sequence = 0;
/** A fresh messageId per event, as real senders make them. */
const messageId = () => `bench-${process.pid}-${++sequence}`;

/** One request of 100 events over many users; one in ten is a purchase, so lifecycle rules run too. */
function batchBody(): string {
  const base = sequence;
  return JSON.stringify({
    batch: Array.from({ length: 100 }, (_, i) => {
      const user = (base + i * 97) % USERS;
      const event = i % 10 === 0 ? 'order_completed' : 'viewed_product';
      return { type: 'track', userId: `user-${user}`, event, messageId: messageId(), properties: { product_id: `p-${i}`, price: 19.9 } };
    }),
  });
}

function trackBody(): string {
  const n = ++sequence;
  return JSON.stringify({ userId: `user-${(n * 37) % USERS}`, event: 'viewed_product', messageId: messageId(), properties: { product_id: `p-${n % 50}`, price: 19.9 } });
}

async function benchBatch(server: Server, report: (f: Figure) => void): Promise<void> {
  const result = await load({
    url: `${server.url}/v1/batch`,
    method: 'POST',
    connections: 4,
    duration: DURATION_S,
    headers: { authorization: auth(server.key), 'content-type': 'application/json' },
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: batchBody() }) }],
  });
  check(result, 'batch');
  const perSecond = (result.requests.total * 100) / (result.duration || DURATION_S);
  report({ name: 'ingest.batch', value: perSecond, unit: 'events/s', note: `100-event batches, p99 ${result.latency.p99} ms, goal ≥ 20000` });
}

async function trackRate(server: Server, pathName: string): Promise<autocannon.Result> {
  const result = await load({
    url: `${server.url}${pathName}`,
    method: 'POST',
    connections: 50,
    duration: DURATION_S,
    headers: { authorization: auth(server.key), 'content-type': 'application/json' },
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: trackBody() }) }],
  });
  check(result, pathName);
  return result;
}

async function benchCsv(report: (f: Figure) => void): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kairos-bench-csv-'));
  try {
    const file = path.join(dir, 'contacts-100k.csv');
    const lines = ['email,first_name,last_name,plan,consent,city'];
    for (let i = 0; i < 100_000; i++) lines.push(`person${i}@example.com,First${i},Last${i},${i % 3 ? 'b2c' : 'b2b'},${i % 4 ? 'yes' : ''},City ${i % 100}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const config = loadConfig({ DATA_DIR: dir, SECRET: 'kairos-bench-secret-0123456789abcdefghij' });
    if (!config.ok) throw new Error(config.errors.join('; '));
    const ws = openWorkspace(config.config, fixedClock('2025-01-01T00:00:00Z'));
    try {
      const started = performance.now();
      const upload = await registerFile(ws.db, ws.clock, { fileName: 'contacts-100k.csv', filePath: file, createdBy: null });
      const job = await startImport(ws.db, ws.clock, upload.id, { mapping: upload.suggested, mode: 'all_or_nothing', removeFileAfter: false });
      const seconds = (performance.now() - started) / 1000;
      if (job.status !== 'done' || job.created !== 100_000) throw new Error(`csv import ended ${job.status}: ${job.message}`);
      report({ name: 'ingest.csv_100k', value: seconds, unit: 's', note: '100,000 new contacts, all or nothing, 75% with consent' });
    } finally {
      ws.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(report: (f: Figure) => void): Promise<void> {
  const kairos = await startServer('kairos');
  try {
    await seedUsers(kairos);
    await benchBatch(kairos, report);
    const bare = await startServer('bare');
    let baseline: autocannon.Result;
    try {
      baseline = await trackRate(bare, '/v1/track');
    } finally {
      await stop(bare);
    }
    const track = await trackRate(kairos, '/v1/track');
    report({
      name: 'ingest.track',
      value: track.requests.average,
      unit: 'requests/s',
      ratio: track.requests.average / baseline.requests.average,
      note: `p99 ${track.latency.p99} ms (bare Express+SQLite insert: ${Math.round(baseline.requests.average)} requests/s, p99 ${baseline.latency.p99} ms), 50 connections, goal ratio ≥ 0.6`,
    });
  } finally {
    await stop(kairos);
  }
  await benchCsv(report);
}
