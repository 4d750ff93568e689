// Bench group `mail`: the delivery loop sends 5,000 queued messages to a local SMTP server, against raw pooled
// nodemailer sending the same rendered messages to the same server with the same pool, in the same run; then the same
// with the sender's domain configured, so that both sides DKIM-sign every message with an RSA and an Ed25519 key.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dkimSign } from 'mailauth';
import nodemailer, { type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { fixedClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { inflateHtml } from '../../server/mail/archive.ts';
import { dkimOptionsFor, mailauthDkimOptionsFor, type DomainKey, type RsaDomainKey } from '../../server/mail/domains/keys.ts';
import { verpAddress } from '../../server/mail/inbound/verp.ts';
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

type BaselineMail = ReturnType<typeof sentMessages>[number];

/**
 * The baseline's signing, the same work Kairos does for a domain with an RSA and an Ed25519 key: nodemailer signs RSA
 * with its own `dkim` option, as a nodemailer user would; it cannot sign Ed25519, so that signature comes from mailauth,
 * as in Kairos, over the message nodemailer composed (MailComposer, then sent raw: nodemailer's DKIM signs raw
 * messages too). Both sides decrypt the keys once, parse the PEM per signature and give the message its VERP envelope
 * sender. What differs is what a nodemailer user cannot avoid: two libraries sign, so the body is canonicalised and
 * hashed twice (Kairos hashes it once for both signatures), and nodemailer's signer streams the message again.
 */
function signingBaseline(ws: Workspace, domain: string, bounceDomain: string) {
  // Kairos gives mail the VERP sender only once Check DNS found the bounce domain's MX: as if it had.
  const checked = { at: 0, ok: true, records: [{ purpose: 'return-path', type: 'MX', name: bounceDomain, status: 'ok', found: 'kairos.example.com', message: '' }] };
  ws.db.$client.prepare(`UPDATE sending_domains SET last_check = ? WHERE domain = ?`).run(JSON.stringify(checked), domain);
  const row = ws.db.$client.prepare(`SELECT keys FROM sending_domains WHERE domain = ?`).get(domain) as { keys: string };
  const stored = (JSON.parse(row.keys) as Array<{ selector: string; algorithm: 'rsa' | 'ed25519'; privateKeyEncrypted: string }>).map((k) => ({ ...k, domain }));
  const rsa = dkimOptionsFor(stored.find((k): k is RsaDomainKey => k.algorithm === 'rsa')!, SECRET);
  const ed25519 = mailauthDkimOptionsFor(stored.filter((k) => k.algorithm === 'ed25519') as DomainKey[], SECRET);
  return async (transport: Transporter, m: BaselineMail) => {
    const composed = await new MailComposer(m).compile().build();
    const { signatures } = await dkimSign(composed, { ...ed25519, signatureData: ed25519.signatureData.map((d) => ({ ...d })), signTime: m.date });
    const id = /^<([^@]+)@/.exec(m.messageId)![1]!;
    return transport.sendMail({ raw: Buffer.concat([Buffer.from(signatures), composed]), envelope: { from: verpAddress(id, bounceDomain, SECRET), to: m.to }, dkim: rsa });
  };
}

interface Measured {
  kairosRate: number;
  baselineRate: number;
  kairosCpuMs: number;
  baselineCpuMs: number;
  htmlBytes: number;
  connections: number;
}

/** One variant on a fresh workspace: Kairos's delivery loop against raw pooled nodemailer, in alternating rounds. */
async function measure(port: number, signing: boolean): Promise<Measured> {
  const { ws, dir } = workspace();
  try {
    // Noon, no cap: the bench measures sending, not the rules holding mail back.
    const clock = fixedClock('2026-05-12T12:00:00Z');
    writeSendingSettings(ws.db, { ...readSendingSettings(ws.db), frequencyCap: { enabled: false, maxPerWeek: 3 } });
    const pool = readSendingSettings(ws.db).smtp;
    const url = `smtp://127.0.0.1:${port}`;
    const mail = await startMail({ db: ws.db, clock, secret: SECRET, publicUrl: 'https://kairos.example.com', smtpUrl: url });
    // The default sender is hello@shop.example.com: with its domain configured, every email is signed twice.
    const send = signing
      ? signingBaseline(ws, (await mail.domains.add({ domain: 'shop.example.com' })).domain, 'bounces.shop.example.com')
      : (transport: Transporter, m: BaselineMail) => transport.sendMail(m);
    const transport = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port, secure: false, ignoreTLS: true, maxConnections: pool.maxConnections, maxMessages: Infinity });

    // Warm-up of both (template compiled, pools connected, JIT), then rounds that alternate Kairos and the
    // baseline, so that a busy moment of a shared machine falls on both alike.
    queue(ws, WARM_UP, 'warm', clock.now().getTime());
    await deliver(mail, ws, WARM_UP);
    await Promise.all(sentMessages(ws, 'warm', clock.now()).map((m) => send(transport, m)));
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
      await Promise.all(same.map((m) => send(transport, m)));
      baselineCpuMs += cpuMs(baselineCpu);
      baselineSeconds += (performance.now() - started) / 1000;
    }
    await mail.stop();
    transport.close();
    return { kairosRate: MESSAGES / kairosSeconds, baselineRate: MESSAGES / baselineSeconds, kairosCpuMs, baselineCpuMs, htmlBytes, connections: pool.maxConnections };
  } finally {
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function figure(name: string, m: Measured, baselineName: string): Figure {
  return {
    name,
    value: m.kairosRate,
    unit: 'messages/s',
    ratio: m.kairosRate / m.baselineRate,
    note: `${baselineName} ${m.baselineRate.toFixed(0)} messages/s; CPU ${(m.kairosCpuMs / MESSAGES).toFixed(2)} vs ${(m.baselineCpuMs / MESSAGES).toFixed(2)} ms per message; ${m.connections} connections, ${(m.htmlBytes / 1000).toFixed(1)} kB HTML each`,
  };
}

export async function run(report: (f: Figure) => void): Promise<void> {
  const smtp = await sink();
  try {
    report(figure('mail.delivery', await measure(smtp.port, false), 'raw pooled nodemailer'));
    // A configured sending domain: Kairos signs RSA and Ed25519 (mailauth) and sends with a VERP envelope sender.
    report(figure('mail.delivery.dkim', await measure(smtp.port, true), 'raw pooled nodemailer signing the same (RSA by its dkim option, Ed25519 by mailauth)'));
  } finally {
    await smtp.stop();
  }
}
