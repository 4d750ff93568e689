// Builders for the email tests: a workspace with its mail runtime, a real SMTP server on loopback that records (and can refuse) mail, contacts, queued messages.
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterEach, beforeEach } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixedClock, type Clock } from '../../server/clock.ts';
import { confirmSubscription, markPending } from '../../server/contacts/consent.ts';
import { findOrCreateContact } from '../../server/contacts/contacts.ts';
import type { Db } from '../../server/db/client.ts';
import { createApp } from '../../server/http/app.ts';
import { inflateHtml } from '../../server/mail/archive.ts';
import type { DnsResolver } from '../../server/mail/domains/dnsCheck.ts';
import { startSmtpServer, type RunningSmtpServer } from '../../server/mail/devSmtp.ts';
import { startMail, type MailRuntime } from '../../server/mail/runtime.ts';
import { writeSendingSettings, readSendingSettings } from '../../server/mail/settings.ts';
import type { SendingSettings } from '../../shared/mail/settings.ts';
import { freshWorkspace, tempDir, TEST_SECRET, type FreshWorkspace } from './helpers.ts';

export const PUBLIC_URL = 'https://kairos.example.com';

export interface Received {
  from: string;
  recipients: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

/** A real SMTP server on loopback that keeps what it accepts; `refuse` answers a recipient with a code, as a provider would. */
export class TestSmtp {
  received: Received[] = [];
  /** Per address: the replies to give, in order (then it accepts). */
  refusals = new Map<string, Array<[number, string]>>();
  /** Per address: a recipient the server does not answer until released. */
  private held = new Map<string, Promise<void>>();
  /** Called with each message as it arrives, before the sender hears it was accepted. */
  onReceived: ((mail: Received) => void) | null = null;
  server!: RunningSmtpServer;

  static async start(): Promise<TestSmtp> {
    const smtp = new TestSmtp();
    smtp.server = await startSmtpServer({
      onRecipient: async (address) => {
        await smtp.held.get(address);
        return smtp.refusals.get(address)?.shift() ?? null;
      },
      onMessage: async (mail) => {
        const received = { ...mail, parsed: await simpleParser(mail.raw) };
        smtp.received.push(received);
        smtp.onReceived?.(received);
      },
    });
    return smtp;
  }

  /** Keeps sends to this address waiting at RCPT TO, as a slow provider would, until the returned function is called. */
  hold(address: string): () => void {
    let release = () => {};
    this.held.set(address, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.held.delete(address);
      release();
    };
  }

  refuse(address: string, ...replies: Array<[number, string]>): void {
    this.refusals.set(address, replies);
  }

  to(address: string): Received[] {
    return this.received.filter((r) => r.recipients.includes(address));
  }
}

export interface MailWorld {
  fresh: FreshWorkspace;
  db: Db;
  clock: ReturnType<typeof fixedClock>;
  smtp: TestSmtp;
  mail: MailRuntime;
  cleanup(): Promise<void>;
}

/** A fresh workspace whose mail goes to a test SMTP server; time stands still until the test moves it. */
export async function mailWorld(
  options: { now?: string; settings?: Partial<SendingSettings>; leaseMs?: number; prepareInWorker?: boolean; dnsResolver?: DnsResolver } = {},
): Promise<MailWorld> {
  const fresh = freshWorkspace({ PUBLIC_URL });
  const clock = fixedClock(options.now ?? '2026-05-12T12:00:00Z');
  const db = fresh.ws.db;
  if (options.settings) writeSendingSettings(db, { ...readSendingSettings(db), ...options.settings });
  const smtp = await TestSmtp.start();
  const mail = await startMail({
    db,
    clock,
    secret: TEST_SECRET,
    publicUrl: PUBLIC_URL,
    smtpUrl: smtp.server.url,
    leaseMs: options.leaseMs,
    prepareInWorker: options.prepareInWorker,
    dnsResolver: options.dnsResolver,
  });
  return {
    fresh,
    db,
    clock,
    smtp,
    mail,
    async cleanup() {
      await mail.stop();
      await smtp.server.close();
      fresh.cleanup();
    },
  };
}

/** Serves the app of a world on loopback; returns its base URL and a stop function. */
export async function serveWorld(world: MailWorld): Promise<{ base: string; stop(): Promise<void> }> {
  const client = tempDir('kairos-client-');
  const app = createApp({ db: world.db, auth: world.fresh.ws.auth, clock: world.clock, clientDir: client.dir });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          client.cleanup();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** A contact who confirmed their subscription. */
export function subscribedContact(world: { db: Db; clock: Clock }, email: string, traits: Record<string, unknown> = {}): string {
  const { contact } = findOrCreateContact(world.db, world.clock, { email, traits });
  confirmSubscription(world.db, world.clock, contact.id, { source: 'test' });
  return contact.id;
}

export function pendingContact(world: { db: Db; clock: Clock }, email: string): string {
  const { contact } = findOrCreateContact(world.db, world.clock, { email });
  markPending(world.db, world.clock, contact.id, { source: 'test' });
  return contact.id;
}

/** Queues a message the way the executor does (one row per enrollment, node and visit). */
export function queueMessage(
  world: { db: Db; clock: Clock },
  contactId: string,
  input: { templateId?: string; category?: 'marketing' | 'transactional'; whenCapped?: 'delay' | 'skip'; data?: Record<string, unknown>; at?: number } = {},
): string {
  const id = randomUUID();
  const now = world.clock.now().getTime();
  world.db.$client
    .prepare(`INSERT INTO messages (id, contact_id, enrollment_id, journey_id, node_id, visit, template_id, data, category, when_capped, status, next_attempt_at, created_at)
      VALUES (?, ?, ?, 'j1', 'welcome', 1, ?, ?, ?, ?, 'queued', ?, ?)`)
    .run(id, contactId, randomUUID(), input.templateId ?? 'welcome', JSON.stringify(input.data ?? {}), input.category ?? 'marketing', input.whenCapped ?? 'delay', input.at ?? now, now);
  return id;
}

export interface MessageRow {
  id: string;
  status: string;
  attempts: number;
  nextAttemptAt: number;
  error: string | null;
  templateVersion: number | null;
  subject: string | null;
  html: string | null;
  text: string | null;
  messageIdHeader: string | null;
  sentAt: number | null;
  openCount: number;
  clickCount: number;
  firstOpenedAt: number | null;
  firstClickedAt: number | null;
}

export function messageRow(db: Db, id: string): MessageRow {
  const row = db.$client
    .prepare(`SELECT id, status, attempts, next_attempt_at AS nextAttemptAt, error, template_version AS templateVersion, subject, html_deflated AS html, text,
      message_id_header AS messageIdHeader, sent_at AS sentAt, open_count AS openCount, click_count AS clickCount,
      first_opened_at AS firstOpenedAt, first_clicked_at AS firstClickedAt FROM messages WHERE id = ?`)
    .get(id) as Omit<MessageRow, 'html'> & { html: Buffer | null };
  return { ...row, html: inflateHtml(row.html) };
}

export function header(r: Received, name: string): string | undefined {
  return r.parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, ' ');
}

/** Polls until `probe` gives a value (mail over real SMTP arrives a moment after the request), or fails naming `what`. */
export async function until<T>(probe: () => T | undefined, what: string, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface ServedWorld {
  world: MailWorld;
  base: string;
}

/** A mail world and its app on loopback for each test of a file: made before each test, stopped and removed after. */
export function servedWorldPerTest(options: Parameters<typeof mailWorld>[0] = {}): ServedWorld {
  const served = {} as ServedWorld & { stop?: () => Promise<void> };
  beforeEach(async () => {
    const world = await mailWorld(options);
    const { base, stop } = await serveWorld(world);
    Object.assign(served, { world, base, stop });
  });
  afterEach(async () => {
    await served.stop?.();
    await served.world?.cleanup();
  });
  return served;
}
