// Crash safety of delivery: a worker SIGKILLed at seeded random points; after restarts every queued message is sent
// exactly once, except at most the ones in flight (claimed, not yet recorded) at a kill, which may be sent twice.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { openWorkspace } from '../../server/workspace.ts';
import { startSmtpServer, type RunningSmtpServer } from '../../server/mail/devSmtp.ts';
import { projectRoot, TEST_SECRET, testConfig, tempDir } from './helpers.ts';
import { subscribedContact } from './mail-helpers.ts';

const MESSAGES = 400;
const LEASE_MS = 10_000;

let dir: { dir: string; cleanup(): void };
let smtp: RunningSmtpServer;
/** Message ids as the SMTP server received them, in order, duplicates included. */
let received: string[];

beforeEach(async () => {
  dir = tempDir('kairos-mail-crash-');
  received = [];
  smtp = await startSmtpServer({
    onMessage: ({ raw }) => {
      const id = /^Message-ID: <([^@>]+)@/im.exec(raw.toString('utf8'))?.[1];
      if (id) received.push(id);
    },
  });
});
afterEach(async () => {
  await smtp.close();
  dir.cleanup();
});

function populate(): string[] {
  const ws = openWorkspace(testConfig(dir.dir));
  const clock = fixedClock(new Date());
  const ids: string[] = [];
  const insert = ws.db.$client.prepare(`INSERT INTO messages (id, contact_id, enrollment_id, node_id, visit, template_id, data, category, status, next_attempt_at, created_at)
    VALUES (?, ?, ?, 'thanks', 1, 'first_purchase_thanks', '{}', 'transactional', 'queued', ?, ?)`);
  for (let i = 0; i < MESSAGES; i++) {
    const contact = subscribedContact({ db: ws.db, clock }, `buyer${i}@example.com`, { first_name: `Buyer ${i}` });
    const id = randomUUID();
    insert.run(id, contact, randomUUID(), clock.now().getTime() - 1000, clock.now().getTime());
    ids.push(id);
  }
  ws.close();
  return ids;
}

function worker(offsetMs: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/mail-crash-worker.ts'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, DATA_DIR: dir.dir, SECRET: TEST_SECRET, SMTP_URL: smtp.url, LEASE_MS: String(LEASE_MS), CLOCK_OFFSET_MS: String(offsetMs), LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { ready, exited, child };
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

function statuses(): { sending: string[]; unsent: number } {
  const ws = openWorkspace(testConfig(dir.dir));
  const sending = (ws.db.$client.prepare(`SELECT id FROM messages WHERE status = 'sending'`).all() as { id: string }[]).map((r) => r.id);
  const unsent = (ws.db.$client.prepare(`SELECT count(*) AS n FROM messages WHERE status != 'sent'`).get() as { n: number }).n;
  ws.close();
  return { sending, unsent };
}

describe('delivery under SIGKILL', () => {
  it.each([11, 23, 37])('sends every message exactly once except those in flight at a kill (seed %i)', { timeout: 120_000 }, async (seed) => {
    const ids = populate();
    const random = seeded(seed);
    const inFlightAtKills = new Set<string>();
    let offset = 0;

    for (let kill = 0; kill < 2; kill++) {
      const w = worker(offset);
      await w.ready;
      // Kill after a random number of further messages reached the server: early, mid-window or late in a batch.
      const target = Math.min(ids.length - 1, received.length + 1 + Math.floor(random() * 150));
      await waitFor(() => received.length >= target, 60_000);
      w.child.kill('SIGKILL');
      await w.exited;
      const after = statuses();
      expect(after.unsent).toBeGreaterThan(0);
      for (const id of after.sending) inFlightAtKills.add(id);
      // A restarted worker runs later than the lease of the killed one.
      offset += LEASE_MS + 1_000;
    }

    const last = worker(offset);
    await last.ready;
    await waitFor(() => new Set(received).size === ids.length, 60_000);
    last.child.kill('SIGTERM');
    await last.exited;

    const counts = new Map<string, number>();
    for (const id of received) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(ids.filter((id) => !counts.has(id))).toEqual([]);
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    expect(duplicated.filter((id) => !inFlightAtKills.has(id))).toEqual([]);
    expect([...counts.values()].every((n) => n <= 1 + 2)).toBe(true);
    expect(statuses()).toEqual({ sending: [], unsent: 0 });
    // Each kill leaves at most the delivery window (8 × 5 pooled connections) in flight.
    expect(inFlightAtKills.size).toBeLessThanOrEqual(2 * 40);
  });
});
