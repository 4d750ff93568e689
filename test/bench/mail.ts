// Bench group `mail`: the delivery loop sends 5,000 queued messages to a local SMTP server, against raw pooled
// nodemailer sending the same rendered messages to the same server with the same pool, in the same run.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { fixedClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { inflateHtml } from '../../server/mail/archive.ts';
import { startMail } from '../../server/mail/runtime.ts';
import { readSendingSettings, writeSendingSettings } from '../../server/mail/settings.ts';
import { openWorkspace, type Workspace } from '../../server/workspace.ts';
import type { Figure } from './run.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5_000);
const WARM_UP = 200;
/** Kairos and the baseline take turns in rounds of this many messages. */
const ROUND = 500;
const SECRET = 'kairos-bench-secret-0123456789abcdefghij';

function workspace(): { ws: Workspace; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kairos-bench-mail-'));
  const config = loadConfig({ DATA_DIR: dir, SECRET });
  if (!config.ok) throw new Error(config.errors.join('; '));
  return { ws: openWorkspace(config.config), dir };
}

/** Subscribed contacts with one queued marketing email each, written raw: setup is not what is measured. */
function queue(ws: Workspace, count: number, prefix: string, now: number): void {
  const sqlite = ws.db.$client;
  const contact = sqlite.prepare(`INSERT INTO contacts (id, email, traits, subscription) VALUES (?, ?, ?, 'subscribed')`);
  const message = sqlite.prepare(`INSERT INTO messages (id, contact_id, enrollment_id, node_id, visit, template_id, data, category, status, next_attempt_at, created_at)
    VALUES (?, ?, ?, 'welcome', 1, 'welcome', '{}', 'marketing', 'queued', ?, ?)`);
  sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      contact.run(id, `${prefix}${i}@example.com`, JSON.stringify({ first_name: `Reader ${i}` }));
      message.run(randomUUID(), id, randomUUID(), now, now);
    }
  })();
}

async function sink(): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/mail-sink.ts'], { cwd: path.resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      const m = /ready (\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the SMTP sink exited with ${code}`)));
  });
  return { port, stop: () => new Promise((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))) };
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function sentCount(ws: Workspace): number {
  return (ws.db.$client.prepare(`SELECT count(*) AS n FROM messages WHERE status = 'sent'`).get() as { n: number }).n;
}

/** Runs the real loop (start, not runOnce) until `target` messages are sent; returns the seconds it took. */
async function deliver(mail: Awaited<ReturnType<typeof startMail>>, ws: Workspace, target: number): Promise<number> {
  const started = performance.now();
  mail.delivery.start();
  // The in-memory count is free to look at; the database is asked only once the loop has run dry.
  while (mail.delivery.inFlight > 0 || sentCount(ws) < target) await new Promise((r) => setTimeout(r, 2));
  const seconds = (performance.now() - started) / 1000;
  await mail.delivery.stop();
  return seconds;
}

/** The rendered messages Kairos sent to these addresses, as raw nodemailer will send them again. */
function sentMessages(ws: Workspace, prefix: string, now: Date) {
  const rows = ws.db.$client
    .prepare(`SELECT c.email, m.subject, m.html_deflated AS html, m.text, m.message_id_header AS messageId FROM messages m JOIN contacts c ON c.id = m.contact_id
      WHERE m.status = 'sent' AND c.email LIKE ?`)
    .all(`${prefix}%`) as { email: string; subject: string; html: Buffer; text: string; messageId: string }[];
  return rows.map((m) => ({
    from: { name: 'Kairos Shop', address: 'hello@shop.example.com' },
    to: m.email,
    subject: m.subject,
    html: inflateHtml(m.html)!,
    text: m.text,
    messageId: m.messageId,
    date: now,
    headers: { 'List-Unsubscribe': '<https://kairos.example.com/u/x>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    textEncoding: 'quoted-printable' as const,
  }));
}

export async function run(report: (f: Figure) => void): Promise<void> {
  const { ws, dir } = workspace();
  const smtp = await sink();
  try {
    // Noon, no cap: the bench measures sending, not the rules holding mail back.
    const clock = fixedClock('2026-05-12T12:00:00Z');
    writeSendingSettings(ws.db, { ...readSendingSettings(ws.db), frequencyCap: { enabled: false, maxPerWeek: 3 } });
    const pool = readSendingSettings(ws.db).smtp;
    const url = `smtp://127.0.0.1:${smtp.port}`;
    const mail = await startMail({ db: ws.db, clock, secret: SECRET, publicUrl: 'https://kairos.example.com', smtpUrl: url });
    const transport = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, maxConnections: pool.maxConnections, maxMessages: Infinity });

    // Warm-up of both (template compiled, pools connected, JIT), then rounds that alternate Kairos and the
    // baseline, so that a busy moment of a shared machine falls on both alike.
    queue(ws, WARM_UP, 'warm', clock.now().getTime());
    await deliver(mail, ws, WARM_UP);
    await Promise.all(sentMessages(ws, 'warm', clock.now()).map((m) => transport.sendMail(m)));
    let kairosSeconds = 0;
    let baselineSeconds = 0;
    // CPU time of this process, per phase: on a shared machine it says more about the cost than wall time.
    let kairosCpuMs = 0;
    let baselineCpuMs = 0;
    let sent = WARM_UP;
    let htmlBytes = 0;
    for (let round = 0; sent < WARM_UP + MESSAGES; round++) {
      const count = Math.min(ROUND, WARM_UP + MESSAGES - sent);
      queue(ws, count, `r${round}-`, clock.now().getTime());
      sent += count;
      const kairosCpu = process.cpuUsage();
      kairosSeconds += await deliver(mail, ws, sent);
      kairosCpuMs += cpuMs(kairosCpu);
      const same = sentMessages(ws, `r${round}-`, clock.now());
      htmlBytes = same[0]?.html.length ?? 0;
      const started = performance.now();
      const baselineCpu = process.cpuUsage();
      await Promise.all(same.map((m) => transport.sendMail(m)));
      baselineCpuMs += cpuMs(baselineCpu);
      baselineSeconds += (performance.now() - started) / 1000;
    }
    await mail.stop();
    transport.close();

    const kairosRate = MESSAGES / kairosSeconds;
    const baselineRate = MESSAGES / baselineSeconds;
    report({
      name: 'mail.delivery',
      value: kairosRate,
      unit: 'messages/s',
      ratio: kairosRate / baselineRate,
      note: `raw pooled nodemailer ${baselineRate.toFixed(0)} messages/s; CPU ${(kairosCpuMs / MESSAGES).toFixed(2)} vs ${(baselineCpuMs / MESSAGES).toFixed(2)} ms per message; ${pool.maxConnections} connections, ${(htmlBytes / 1000).toFixed(1)} kB HTML each`,
    });
  } finally {
    await smtp.stop();
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
