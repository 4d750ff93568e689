// Bounces and complaints that arrive later, through the real inbound SMTP listener on loopback: a hard bounce suppresses
// the address, soft bounces suppress it at 3 within 7 days, delay notices count for nothing, a refusal not about the
// address (DMARC, a spam block, a full mailbox) counts as a bounce and suppresses nothing, a complaint unsubscribes and
// suppresses; each counts toward the template and the From domain and shows on the contact's timeline; a report
// received twice is applied once;
// malformed, unmatched and forged reports are stored with their bytes and change nothing; every message sent is stored;
// recipients outside the bounce domains are refused; garbage never stops the listener; a database error answers 4xx;
// a message over the size limit is refused with 552 without being held in memory; at most 50 connections at once.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestCalls } from '../../server/contacts/ingest.ts';
import { contactTimeline } from '../../server/contacts/query.ts';
import type { StoredDkimKey } from '../../server/db/schema.ts';
import { timeOrderedId } from '../../server/ids.ts';
import { dkimSelector, encryptSecret, generateDkimKey } from '../../server/mail/domains/keys.ts';
import { startInboundListener, type InboundListener } from '../../server/mail/inbound/listener.ts';
import { RAW_KEPT_BYTES } from '../../server/mail/inbound/process.ts';
import { verpAddress } from '../../server/mail/inbound/verp.ts';
import { readSendingSettings, saveSender, suppress, writeSendingSettings } from '../../server/mail/settings.ts';
import { scheduleSuppressionExpiry } from '../../server/mail/suppressions.ts';
import { log } from '../../server/log.ts';
import { deliverabilityReport } from '../../server/reports/deliverability.ts';
import { lifecycleReport } from '../../server/reports/lifecycle.ts';
import { startMail } from '../../server/mail/runtime.ts';
import { parseBatch } from '../../shared/contacts/segment.ts';
import { dayOf } from '../../shared/reports/metrics.ts';
import { TEST_SECRET } from './helpers.ts';
import { mailWorld, queueMessage, subscribedContact, until, type MailWorld } from './mail-helpers.ts';

const DAY = 86_400_000;
const BOUNCE_DOMAIN = 'bounces.example.com';
const FROM_DOMAIN = 'shop.example';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/inbound/${name}.eml`, import.meta.url), 'latin1');

/** A sample report, retold about one of our messages: its VERP address and Message-ID name `messageId`. */
function sampleAbout(name: string, messageId: string): Buffer {
  const verp = verpAddress(messageId, BOUNCE_DOMAIN, TEST_SECRET);
  const source = fixture(name)
    .replace(/bounce\+m_[0-9a-z]{26}\.[0-9a-z]{16}@bounces\.example\.com/g, verp)
    .replace(/<m_[0-9a-z]{26}@/g, `<${messageId}@`);
  return Buffer.from(source, 'latin1');
}

interface Sent {
  ok: boolean;
  code: number | null;
  message: string;
}

/** Sends raw bytes to the listener as a mail server would: over SMTP, with the envelope given (empty MAIL FROM for a DSN). */
async function deliver(port: number, raw: Buffer | string, to: string[], from = ''): Promise<Sent> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 5_000 });
  try {
    const info = await transport.sendMail({ envelope: { from, to }, raw });
    return { ok: true, code: 250, message: info.response };
  } catch (error) {
    const e = error as { responseCode?: number; message: string };
    return { ok: false, code: e.responseCode ?? null, message: e.message };
  } finally {
    transport.close();
  }
}

interface StoredReport {
  id: number;
  kind: string;
  severity: string | null;
  messageId: string | null;
  contactId: string | null;
  recipient: string | null;
  status: string | null;
  feedbackType: string | null;
  note: string;
  envelopeTo: string;
  raw: Buffer | null;
  size: number;
}

let world: MailWorld;
let listener: InboundListener;

beforeEach(async () => {
  world = await mailWorld({ now: '2026-03-02T09:00:00Z' });
  saveSender(world.db, null, { label: 'Shop', fromName: 'Shop', fromEmail: `hello@${FROM_DOMAIN}`, replyTo: null, isDefault: true });
  listener = await startInboundListener({ db: world.db, clock: world.clock, secret: TEST_SECRET, port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  await listener.close();
  await world.cleanup();
});

/** A DKIM key as sending_domains stores it (made once per file: an RSA key takes a moment to find). */
let storedKey: StoredDkimKey | null = null;
function dkimKey(): StoredDkimKey {
  if (!storedKey) {
    const key = generateDkimKey('rsa');
    storedKey = { selector: dkimSelector('rsa'), algorithm: 'rsa', publicKeyDns: key.publicKeyDns, privateKeyEncrypted: encryptSecret(key.privateKeyPem, TEST_SECRET), createdAt: 0 };
  }
  return storedKey;
}

/**
 * Configures the sending domain (mail From it is signed from then on) whose bounce domain the listener takes mail for,
 * checked with the bounce domain's MX in place, so mail goes out with its VERP Return-Path.
 */
function addSendingDomain(): void {
  const lastCheck = { at: world.clock.now().getTime(), ok: true, records: [{ purpose: 'return-path', type: 'MX', name: BOUNCE_DOMAIN, status: 'ok', found: 'kairos.example.com', message: 'MX record found.' }] };
  world.db.$client
    .prepare(`INSERT INTO sending_domains (id, domain, bounce_domain, keys, last_check, created_at) VALUES ('d1', ?, ?, ?, ?, ?)`)
    .run(FROM_DOMAIN, BOUNCE_DOMAIN, JSON.stringify([dkimKey()]), JSON.stringify(lastCheck), world.clock.now().getTime());
}

/** Lets one contact get any number of emails a day (the frequency cap would hold back the fourth of a week). */
function withoutCap(): void {
  writeSendingSettings(world.db, { ...readSendingSettings(world.db), frequencyCap: { ...readSendingSettings(world.db).frequencyCap, enabled: false } });
}

/** A journey email queued for the contact now and sent through the real delivery loop; its message id. */
async function sendWelcome(contactId: string): Promise<string> {
  const now = world.clock.now().getTime();
  const id = timeOrderedId('m_', now);
  world.db.$client
    .prepare(`INSERT INTO messages (id, contact_id, enrollment_id, journey_id, node_id, visit, template_id, data, category, when_capped, status, next_attempt_at, created_at)
      VALUES (?, ?, ?, 'j1', 'welcome', 1, 'welcome', '{}', 'marketing', 'delay', 'queued', ?, ?)`)
    .run(id, contactId, `e_${id}`, now, now);
  const report = await world.mail.delivery.runOnce();
  expect(report.outcomes.sent).toBe(1);
  return id;
}

const reports = (): StoredReport[] =>
  world.db.$client
    .prepare(`SELECT id, kind, severity, message_id AS messageId, contact_id AS contactId, recipient, status, feedback_type AS feedbackType, note,
      envelope_to AS envelopeTo, raw, size FROM inbound_reports ORDER BY id`)
    .all() as StoredReport[];

const suppression = (email: string) =>
  world.db.$client.prepare(`SELECT reason, detail FROM suppressions WHERE email = ?`).get(email) as { reason: string; detail: string } | undefined;

/** A daily counter summed over days and personas. */
const counted = (metric: string, key: string): number =>
  (world.db.$client.prepare(`SELECT coalesce(sum(n), 0) AS n FROM daily_counts WHERE metric = ? AND key = ?`).get(metric, key) as { n: number }).n;

const timeline = (contactId: string) => contactTimeline(world.db, contactId).events;

/** The welcome template's figures as the dashboard shows them, over March 2026. */
const welcomeFigures = () =>
  lifecycleReport(world.db, { persona: null, from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' }).templates.find((t) => t.templateId === 'welcome');

describe('the inbound SMTP listener', () => {
  it('suppresses a hard-bounced address, counts it for the template and the domain, and shows it on the timeline, once', async () => {
    addSendingDomain();
    const ana = subscribedContact(world, 'ana.lopez@example.net');
    const message = await sendWelcome(ana);
    // The send path gave the email its own Return-Path on the bounce domain: the receiving server bounces it there.
    const verp = world.smtp.received.at(-1)!.from;
    expect(verp).toBe(verpAddress(message, BOUNCE_DOMAIN, TEST_SECRET));
    const report = sampleAbout('postfix-hard-bounce', message);

    expect(await deliver(listener.port, report, [verp])).toMatchObject({ ok: true });

    expect(suppression('ana.lopez@example.net')).toMatchObject({ reason: 'hard_bounce' });
    expect(suppression('ana.lopez@example.net')!.detail).toMatch(/^5\.1\.1 the mailbox does not exist: 550 5\.1\.1/);
    const sent = world.db.$client.prepare(`SELECT status, error FROM messages WHERE id = ?`).get(message) as { status: string; error: string };
    expect(sent.status).toBe('sent');
    expect(sent.error).toMatch(/^Bounced after it was sent: 5\.1\.1 the mailbox does not exist/);
    expect(counted('template_bounced', 'welcome')).toBe(1);
    expect(welcomeFigures()).toMatchObject({ sent: 1, bounces: 1, softBounces: 0, complaints: 0 });
    expect(counted('domain_sent', FROM_DOMAIN)).toBe(1);
    expect(counted('domain_bounced', FROM_DOMAIN)).toBe(1);
    const [stored] = reports();
    expect(stored).toMatchObject({ kind: 'bounce', severity: 'hard', messageId: message, contactId: ana, recipient: 'ana.lopez@example.net', status: '5.1.1', raw: null, size: report.length });
    expect(stored!.note).toBe('Hard bounce (the mailbox does not exist): address suppressed, nothing more is sent to it.');
    const bounced = timeline(ana).filter((e) => e.name === '$email_bounced');
    expect(bounced).toHaveLength(1);
    expect(bounced[0]!.properties).toMatchObject({ messageId: message, templateId: 'welcome', templateName: 'Welcome', severity: 'hard', status: '5.1.1', reason: 'the mailbox does not exist', action: 'address suppressed, nothing more is sent to it' });

    // The same report again (a retrying MTA): stored, and nothing applied twice.
    expect(await deliver(listener.port, report, [verp])).toMatchObject({ ok: true });
    expect(reports()).toHaveLength(2);
    expect(reports()[1]).toMatchObject({ kind: 'bounce', messageId: message, contactId: ana, note: 'Already applied: this hard bounce of the message was received before.' });
    expect(counted('template_bounced', 'welcome')).toBe(1);
    expect(counted('domain_bounced', FROM_DOMAIN)).toBe(1);
    expect(timeline(ana).filter((e) => e.name === '$email_bounced')).toHaveLength(1);
  });

  it('suppresses an address after 3 soft bounces within 7 days, not 3 spread wider', async () => {
    const ben = subscribedContact(world, 'ben.okafor@example.org');
    addSendingDomain();
    const start = world.clock.now().getTime();
    const softBounceOn = async (day: number) => {
      world.clock.set(new Date(start + day * DAY));
      const message = await sendWelcome(ben);
      world.clock.advance(60_000);
      expect(await deliver(listener.port, sampleAbout('soft-bounce-expired', message), [verpAddress(message, BOUNCE_DOMAIN, TEST_SECRET)])).toMatchObject({ ok: true });
      return reports().at(-1)!;
    };

    expect((await softBounceOn(0)).note).toBe('Soft bounce (the mailbox is full): 1 of 3 soft bounces within 7 days; at 3 the address is suppressed.');
    expect((await softBounceOn(5)).note).toMatch(/: 2 of 3 soft bounces within 7 days/);
    // Day 9: the one of day 0 is more than 7 days old, so this is the second within the window, not the third.
    expect((await softBounceOn(9)).note).toMatch(/: 2 of 3 soft bounces within 7 days/);
    expect(suppression('ben.okafor@example.org')).toBeUndefined();
    const third = await softBounceOn(11);
    expect(third).toMatchObject({ kind: 'bounce', severity: 'soft', status: '4.2.2', contactId: ben });
    expect(third.note).toBe('Soft bounce (the mailbox is full): 3 soft bounces within 7 days, address suppressed until 2026-04-12.');
    expect(suppression('ben.okafor@example.org')).toMatchObject({ reason: 'soft_bounces' });
    expect(counted('template_soft_bounced', 'welcome')).toBe(4);
    expect(welcomeFigures()).toMatchObject({ sent: 4, softBounces: 4, bounces: 0, complaints: 0 });
    // Soft bounces are not the hard bounces mailbox providers count.
    expect(counted('template_bounced', 'welcome')).toBe(0);
    expect(counted('domain_bounced', FROM_DOMAIN)).toBe(0);
    expect(timeline(ben).filter((e) => e.name === '$email_bounced').map((e) => e.properties.severity)).toEqual(['soft', 'soft', 'soft', 'soft']);

    // Once suppressed, the next email to Ben is not sent.
    world.clock.advance(DAY);
    const now = world.clock.now().getTime();
    world.db.$client
      .prepare(`INSERT INTO messages (id, contact_id, enrollment_id, journey_id, node_id, visit, template_id, data, category, when_capped, status, next_attempt_at, created_at)
        VALUES ('m_after', ?, 'e_after', 'j1', 'welcome', 1, 'welcome', '{}', 'marketing', 'delay', 'queued', ?, ?)`)
      .run(ben, now, now);
    expect((await world.mail.delivery.runOnce()).outcomes).toMatchObject({ sent: 0, suppressed: 1 });
  });

  it('lifts a soft-bounce suppression after 30 days, suppresses again after a new run, and for good after a hard bounce', async () => {
    const ben = subscribedContact(world, 'ben.okafor@example.org');
    addSendingDomain();
    withoutCap();
    const expiry = scheduleSuppressionExpiry(world.db, world.clock, log);
    expect(expiry.getStatus()).toBe('stopped');
    const sendAndReport = async (fixtureName: string) => {
      const message = await sendWelcome(ben);
      world.clock.advance(60_000);
      expect(await deliver(listener.port, sampleAbout(fixtureName, message), [verpAddress(message, BOUNCE_DOMAIN, TEST_SECRET)])).toMatchObject({ ok: true });
      world.clock.advance(DAY);
      return message;
    };
    const nextEmail = async () => {
      queueMessage(world, ben);
      return (await world.mail.delivery.runOnce()).outcomes;
    };
    for (let i = 0; i < 3; i++) await sendAndReport('soft-bounce-expired');
    const suppressedAt = world.db.$client.prepare(`SELECT created_at AS at FROM suppressions WHERE email = 'ben.okafor@example.org'`).get() as { at: number };
    expect(suppression('ben.okafor@example.org')).toMatchObject({ reason: 'soft_bounces', detail: expect.stringMatching(/Sent to again from 2026-04-03\.$/) });

    // 29 days on, still suppressed; past 30, lifted, and the next email goes out.
    world.clock.set(new Date(suppressedAt.at + 29 * DAY));
    await expiry.execute();
    expect(await nextEmail()).toMatchObject({ sent: 0, suppressed: 1 });
    world.clock.set(new Date(suppressedAt.at + 30 * DAY + 60_000));
    await expiry.execute();
    expect(suppression('ben.okafor@example.org')).toBeUndefined();
    expect(await nextEmail()).toMatchObject({ sent: 1 });

    // A new run of three suppresses again, with its own 30 days.
    const first = await sendAndReport('soft-bounce-expired');
    await sendAndReport('soft-bounce-expired');
    await sendAndReport('soft-bounce-expired');
    expect(reports().at(-1)!.note).toMatch(/: 3 soft bounces within 7 days, address suppressed until /);
    expect(await nextEmail()).toMatchObject({ sent: 0, suppressed: 1 });

    // A hard bounce arriving late for the first of them: the address does not exist, and that does not lift.
    expect(await deliver(listener.port, sampleAbout('postfix-hard-bounce', first).toString('latin1').replaceAll('ana.lopez@example.net', 'ben.okafor@example.org'), [verpAddress(first, BOUNCE_DOMAIN, TEST_SECRET)])).toMatchObject({ ok: true });
    expect(suppression('ben.okafor@example.org')).toMatchObject({ reason: 'hard_bounce' });
    // Nor does one added by hand in Settings over a soft-bounce suppression.
    world.db.$client.prepare(`INSERT INTO suppressions (email, reason, detail, created_at) VALUES ('cleo@example.org', 'soft_bounces', '', ?)`).run(world.clock.now().getTime());
    suppress(world.db, world.clock, 'cleo@example.org', 'manual', 'asked us by phone');
    expect(suppression('cleo@example.org')).toEqual({ reason: 'manual', detail: 'asked us by phone' });
    world.clock.advance(31 * DAY);
    await expiry.execute();
    expect(suppression('ben.okafor@example.org')).toMatchObject({ reason: 'hard_bounce' });
    expect(suppression('cleo@example.org')).toMatchObject({ reason: 'manual' });
    await expiry.destroy();
  });

  it('keeps delay notices (greylisting, a full mailbox still being retried) without counting them as bounces', async () => {
    const ben = subscribedContact(world, 'ben.okafor@example.org');
    addSendingDomain();
    withoutCap();
    const notices = ['greylisted-delayed', 'soft-bounce-mailbox-full', 'greylisted-delayed', 'soft-bounce-mailbox-full'];
    for (const name of notices) {
      const message = await sendWelcome(ben);
      world.clock.advance(3_600_000);
      expect(await deliver(listener.port, sampleAbout(name, message), [verpAddress(message, BOUNCE_DOMAIN, TEST_SECRET)])).toMatchObject({ ok: true });
    }

    // Four notices within a day, for mail the servers then delivered: the address keeps getting mail.
    expect(suppression('ben.okafor@example.org')).toBeUndefined();
    expect(reports().map((r) => [r.kind, r.severity, r.contactId, r.status])).toEqual([
      ['bounce', null, ben, '4.7.1'],
      ['bounce', null, ben, '4.2.2'],
      ['bounce', null, ben, '4.7.1'],
      ['bounce', null, ben, '4.2.2'],
    ]);
    expect(reports()[0]!.note).toBe('Delayed (the receiving server refused it (policy or spam filter), 4.7.1): the receiving server is still trying; not a bounce, nothing counted.');
    expect(reports()[1]!.note).toBe('Delayed (the mailbox is full, 4.2.2): the receiving server is still trying; not a bounce, nothing counted.');
    expect(counted('template_soft_bounced', 'welcome')).toBe(0);
    expect(counted('template_bounced', 'welcome')).toBe(0);
    expect(counted('domain_bounced', FROM_DOMAIN)).toBe(0);
    expect(welcomeFigures()).toMatchObject({ sent: 4, softBounces: 0, bounces: 0 });
    expect(timeline(ben).filter((e) => e.name === '$email_bounced')).toEqual([]);

    // Nor do they count toward the 3 soft bounces: the first real one is the first.
    const message = await sendWelcome(ben);
    expect(await deliver(listener.port, sampleAbout('soft-bounce-expired', message), [verpAddress(message, BOUNCE_DOMAIN, TEST_SECRET)])).toMatchObject({ ok: true });
    expect(reports().at(-1)!.note).toBe('Soft bounce (the mailbox is full): 1 of 3 soft bounces within 7 days; at 3 the address is suppressed.');
  });

  it('counts a refusal that is not about the address (DMARC, spam block, full mailbox, the receiving system) as a bounce without suppressing', async () => {
    addSendingDomain();
    withoutCap();
    const chloe = subscribedContact(world, 'chloe.martin@gmail.example');
    const eli = subscribedContact(world, 'eli.weber@example.de');
    const ana = subscribedContact(world, 'ana.lopez@example.net');
    const deliverAbout = async (contactId: string, raw: (message: string) => Buffer) => {
      const message = await sendWelcome(contactId);
      expect(await deliver(listener.port, raw(message), [verpAddress(message, BOUNCE_DOMAIN, TEST_SECRET)])).toMatchObject({ ok: true });
      return { message, report: reports().at(-1)! };
    };
    const withStatus = (status: string) => (message: string) => Buffer.from(sampleAbout('postfix-hard-bounce', message).toString('latin1').replaceAll('5.1.1', status), 'latin1');

    const dmarc = await deliverAbout(chloe, (m) => sampleAbout('gmail-dmarc-rejection', m));
    expect(dmarc.report).toMatchObject({ kind: 'bounce', severity: 'hard', contactId: chloe, status: '5.7.26' });
    expect(dmarc.report.note).toBe('Blocked (the receiving server refused it: authentication (SPF/DKIM/DMARC) failed, 5.7.26): counted as a bounce; the address is not suppressed, since this refusal is not about whether it exists.');
    const full = await deliverAbout(eli, (m) => sampleAbout('mailbox-full-permanent', m));
    expect(full.report.note).toMatch(/^Blocked \(the mailbox is full, 5\.2\.2\): counted as a bounce; the address is not suppressed/);
    for (const status of ['5.7.1', '5.3.4', '5.4.4']) {
      const { report } = await deliverAbout(ana, withStatus(status));
      expect(report.note, status).toMatch(/^Blocked \(/);
    }

    expect(world.db.$client.prepare(`SELECT count(*) AS n FROM suppressions`).get()).toEqual({ n: 0 });
    expect(counted('template_bounced', 'welcome')).toBe(5);
    expect(counted('domain_bounced', FROM_DOMAIN)).toBe(5);
    expect(welcomeFigures()).toMatchObject({ sent: 5, bounces: 5, softBounces: 0 });
    const sent = world.db.$client.prepare(`SELECT status, error FROM messages WHERE id = ?`).get(dmarc.message) as { status: string; error: string };
    expect(sent).toMatchObject({ status: 'sent', error: expect.stringMatching(/^Refused after it was sent: 5\.7\.26 /) });
    const [event] = timeline(chloe).filter((e) => e.name === '$email_bounced');
    expect(event!.properties).toMatchObject({ severity: 'blocked', status: '5.7.26', action: 'counted as a bounce; the address is not suppressed, since this refusal is not about whether it exists' });
    // Ana still gets mail; a disabled mailbox (5.2.1) is about the address, and suppresses it.
    const disabled = await deliverAbout(ana, withStatus('5.2.1'));
    expect(disabled.report.note).toBe('Hard bounce (the mailbox is disabled): address suppressed, nothing more is sent to it.');
    expect(suppression('ana.lopez@example.net')).toMatchObject({ reason: 'hard_bounce' });
  });

  it('unsubscribes and suppresses a contact who complained, whatever the envelope, once', async () => {
    const dana = subscribedContact(world, 'dana.k@yahoo.example');
    const message = await sendWelcome(dana);
    addSendingDomain();
    // Feedback loops send to the address registered with them, not to the VERP address: the report's own
    // Original-Mail-From names the message.
    const complaint = sampleAbout('arf-abuse-complaint', message);
    expect(await deliver(listener.port, complaint, [`fbl@${BOUNCE_DOMAIN}`], 'feedback@arf.mail.yahoo.example')).toMatchObject({ ok: true });

    const contact = world.db.$client.prepare(`SELECT subscription, consent_source AS source FROM contacts WHERE id = ?`).get(dana);
    expect(contact).toEqual({ subscription: 'unsubscribed', source: 'complaint' });
    expect(suppression('dana.k@yahoo.example')).toMatchObject({ reason: 'complaint' });
    expect(counted('template_complained', 'welcome')).toBe(1);
    expect(counted('domain_complained', FROM_DOMAIN)).toBe(1);
    expect(welcomeFigures()).toMatchObject({ sent: 1, complaints: 1, bounces: 0, softBounces: 0 });
    expect(reports()).toEqual([
      expect.objectContaining({ kind: 'complaint', messageId: message, contactId: dana, recipient: 'dana.k@yahoo.example', feedbackType: 'abuse', note: 'Complaint (abuse): unsubscribed, address suppressed.' }),
    ]);
    const events = timeline(dana);
    expect(events.find((e) => e.name === '$unsubscribed')?.properties).toMatchObject({ source: 'complaint' });
    // Newest first: the complaint, then the unsubscribe it caused.
    expect(events.filter((e) => e.name === '$unsubscribed' || e.name === '$email_complained').map((e) => e.name)).toEqual(['$unsubscribed', '$email_complained']);
    expect(events.filter((e) => e.name === '$email_complained').map((e) => e.properties)).toEqual([
      expect.objectContaining({ messageId: message, templateId: 'welcome', feedbackType: 'abuse', action: 'unsubscribed, address suppressed' }),
    ]);

    expect(await deliver(listener.port, complaint, [`fbl@${BOUNCE_DOMAIN}`])).toMatchObject({ ok: true });
    expect(reports()[1]).toMatchObject({ kind: 'complaint', note: 'Already applied: a complaint about this message was received before.' });
    expect(counted('template_complained', 'welcome')).toBe(1);
    expect(timeline(dana).filter((e) => e.name === '$email_complained')).toHaveLength(1);
  });

  it('changes nothing for a complaint about an internal notification sent to the team, and keeps it with a note', async () => {
    const dana = subscribedContact(world, 'dana.k@yahoo.example');
    addSendingDomain();
    // A notify node told the team about Dana; someone on the team marked that email as spam.
    const notice = queueMessage(world, dana, { templateId: '$notify', category: 'transactional', data: { to: 'sales@team.example', subject: 'Hot lead: {{ contact.email }}', message: 'Viewed pricing.' } });
    expect((await world.mail.delivery.runOnce()).outcomes.sent).toBe(1);
    const complaint = Buffer.from(sampleAbout('arf-abuse-complaint', notice).toString('latin1').replaceAll('dana.k@yahoo.example', 'sales@team.example'), 'latin1');
    expect(await deliver(listener.port, complaint, [`fbl@${BOUNCE_DOMAIN}`])).toMatchObject({ ok: true });

    expect(world.db.$client.prepare(`SELECT subscription FROM contacts WHERE id = ?`).get(dana)).toEqual({ subscription: 'subscribed' });
    expect(world.db.$client.prepare(`SELECT count(*) AS n FROM suppressions`).get()).toEqual({ n: 0 });
    expect(reports()).toEqual([
      expect.objectContaining({
        kind: 'complaint',
        messageId: notice,
        contactId: null,
        recipient: 'sales@team.example',
        note: 'Complaint (abuse) about an internal notification sent to sales@team.example, not to the contact (dana.k@yahoo.example): their consent and suppressions are unchanged.',
      }),
    ]);
    expect(reports()[0]!.raw?.equals(complaint)).toBe(true);
    expect(timeline(dana).filter((e) => e.name === '$email_complained' || e.name === '$unsubscribed')).toEqual([]);
  });

  it('suppresses only the old address, and keeps the contact subscribed, for a complaint about mail sent before they changed address', async () => {
    withoutCap();
    addSendingDomain();
    const identify = (email: string) => {
      const parsed = parseBatch({ batch: [{ type: 'identify', userId: 'u-dana', traits: { email, consent: 'subscribed' } }] });
      if (!parsed.ok) throw new Error(parsed.error);
      ingestCalls(world.db, world.clock, parsed.calls, { ip: null });
    };
    identify('dana.k@yahoo.example');
    const dana = (world.db.$client.prepare(`SELECT id FROM contacts WHERE email = 'dana.k@yahoo.example'`).get() as { id: string }).id;
    const first = await sendWelcome(dana);
    const second = await sendWelcome(dana);
    world.clock.advance(DAY);
    identify('dana@newmail.example');
    world.clock.advance(DAY);

    // The provider named the old address.
    expect(await deliver(listener.port, sampleAbout('arf-abuse-complaint', first), [`fbl@${BOUNCE_DOMAIN}`])).toMatchObject({ ok: true });
    // This one redacted it: the address at the time comes from the contact's change of address.
    const redacted = Buffer.from(sampleAbout('arf-abuse-complaint', second).toString('latin1').replace(/^Original-Rcpt-To: .*\r\n/m, ''), 'latin1');
    expect(await deliver(listener.port, redacted, [`fbl@${BOUNCE_DOMAIN}`])).toMatchObject({ ok: true });

    expect(world.db.$client.prepare(`SELECT email, subscription FROM contacts WHERE id = ?`).get(dana)).toEqual({ email: 'dana@newmail.example', subscription: 'subscribed' });
    expect(suppression('dana.k@yahoo.example')).toMatchObject({ reason: 'complaint' });
    expect(suppression('dana@newmail.example')).toBeUndefined();
    expect(reports().map((r) => [r.recipient, r.contactId, r.note])).toEqual([
      ['dana.k@yahoo.example', dana, 'Complaint (abuse): dana.k@yahoo.example suppressed; not unsubscribed: sent to an address the contact no longer uses (now dana@newmail.example).'],
      ['dana.k@yahoo.example', dana, 'Complaint (abuse): dana.k@yahoo.example was already suppressed; not unsubscribed: sent to an address the contact no longer uses (now dana@newmail.example).'],
    ]);
    // Still complaints about our mail: they count, and show on the timeline, with no unsubscribe after them.
    expect(counted('template_complained', 'welcome')).toBe(2);
    expect(timeline(dana).filter((e) => e.name === '$email_complained').map((e) => e.properties.address)).toEqual(['dana.k@yahoo.example', 'dana.k@yahoo.example']);
    expect(timeline(dana).filter((e) => e.name === '$unsubscribed')).toEqual([]);
  });

  it('leaves not-spam feedback alone', async () => {
    const dana = subscribedContact(world, 'dana.k@yahoo.example');
    const message = await sendWelcome(dana);
    addSendingDomain();
    const notSpam = Buffer.from(sampleAbout('arf-abuse-complaint', message).toString('latin1').replace('Feedback-Type: abuse', 'Feedback-Type: not-spam'), 'latin1');
    expect(await deliver(listener.port, notSpam, [`fbl@${BOUNCE_DOMAIN}`])).toMatchObject({ ok: true });
    expect(world.db.$client.prepare(`SELECT subscription FROM contacts WHERE id = ?`).get(dana)).toEqual({ subscription: 'subscribed' });
    expect(suppression('dana.k@yahoo.example')).toBeUndefined();
    expect(reports()[0]).toMatchObject({ kind: 'complaint', feedbackType: 'not-spam', note: expect.stringMatching(/^Not-spam feedback/) });
  });

  it('stores malformed, unmatched and forged reports with their bytes and a reason, and changes nothing', async () => {
    const ana = subscribedContact(world, 'ana.lopez@example.net');
    const message = await sendWelcome(ana);
    addSendingDomain();
    const verp = verpAddress(message, BOUNCE_DOMAIN, TEST_SECRET);
    const samples = [
      sampleAbout('malformed-report', message),
      sampleAbout('out-of-office', message),
      // A bounce about a message Kairos never sent, to a bounce address whose MAC is made up.
      Buffer.from(fixture('forged-verp'), 'latin1'),
      // A DSN naming a message that is not ours at all.
      Buffer.from(sampleAbout('postfix-hard-bounce', 'm_01kjsesxm000000wt9xgmdshyp').toString('latin1'), 'latin1'),
    ];
    const envelopes = [[verp], [verp], ['bounce+m_01kjsf180000000cyy8wnzqywv.aaaabbbbccccdddd@bounces.example.com'], [`postmaster@${BOUNCE_DOMAIN}`]];
    for (const [i, raw] of samples.entries()) expect(await deliver(listener.port, raw, envelopes[i]!)).toMatchObject({ ok: true });

    const stored = reports();
    expect(stored.map((r) => [r.kind, r.contactId, r.note])).toEqual([
      ['unmatched', null, 'a delivery-status report without its message/delivery-status part'],
      ['unmatched', null, 'an automatic reply (Auto-Submitted: auto-replied), not a report'],
      ['bounce', null, 'Sent to a bounce address whose signature does not match (made up or mangled): nothing done.'],
      ['bounce', null, 'About message m_01kjsesxm000000wt9xgmdshyp, which Kairos does not have (deleted with its contact?): nothing done.'],
    ]);
    stored.forEach((r, i) => expect(r.raw?.equals(samples[i]!)).toBe(true));
    expect(suppression('ana.lopez@example.net')).toBeUndefined();
    expect(suppression('eve.target@example.com')).toBeUndefined();
    expect(counted('template_bounced', 'welcome')).toBe(0);
    expect(timeline(ana).filter((e) => e.name.startsWith('$email_'))).toEqual([]);
  });

  it('keeps every message it accepts as at least one stored report: one per recipient a DSN names', async () => {
    const team = subscribedContact(world, 'team@example.edu');
    const message = await sendWelcome(team);
    addSendingDomain();
    const messages = [sampleAbout('multi-recipient', message), sampleAbout('exchange-hard-bounce', message), Buffer.from('not even a mail message'), Buffer.alloc(0)];
    const before = new Map<number, number>();
    for (const [i, raw] of messages.entries()) {
      before.set(i, reports().length);
      expect(await deliver(listener.port, raw.length ? raw : '\r\n', [verpAddress(message, BOUNCE_DOMAIN, TEST_SECRET)])).toMatchObject({ ok: true });
      expect(reports().length, `message ${i} is stored`).toBeGreaterThan(before.get(i)!);
    }
    // The list's expansion: f.garcia failed, g.ito is delayed (h.novak was relayed: no entry); neither is our contact.
    const multi = reports().slice(0, 2);
    expect(multi.map((r) => [r.recipient, r.severity, r.contactId])).toEqual([
      ['f.garcia@example.edu', 'hard', null],
      ['g.ito@example.edu', null, null],
    ]);
    expect(multi[0]!.note).toBe('Reported for f.garcia@example.edu, not the address the message went to (team@example.edu): nothing done.');
    expect(suppression('team@example.edu')).toBeUndefined();
    expect(suppression('f.garcia@example.edu')).toBeUndefined();
  });

  it('cuts the raw bytes it keeps at the documented limit, and says so', async () => {
    addSendingDomain();
    // Lines of 76 characters: SMTP carries the bytes as they are (a line longer than 998 would be refolded).
    const body = `${'a'.repeat(76)}\r\n`.repeat(Math.ceil((RAW_KEPT_BYTES + 10_000) / 78));
    const big = Buffer.from(`Subject: hello\r\nContent-Type: text/plain\r\n\r\n${body}`);
    expect(await deliver(listener.port, big, [`postmaster@${BOUNCE_DOMAIN}`])).toMatchObject({ ok: true });
    const [stored] = reports();
    expect(stored!.raw!.length).toBe(RAW_KEPT_BYTES);
    expect(stored!.size).toBe(big.length);
    expect(stored!.note).toBe(`not a report: the message is text/plain (the first ${RAW_KEPT_BYTES / 1024} KB of ${big.length} bytes kept)`);
  });

  it('refuses recipients outside the bounce domains with 550, and stores nothing', async () => {
    addSendingDomain();
    const raw = fixture('postfix-hard-bounce');
    expect(await deliver(listener.port, raw, ['ana@example.com'])).toMatchObject({ ok: false, code: 550 });
    expect(await deliver(listener.port, raw, [`bounce+x@${FROM_DOMAIN}`])).toMatchObject({ ok: false, code: 550 });
    expect(reports()).toEqual([]);
  });

  it('refuses everything while no sending domain is configured', async () => {
    expect(await deliver(listener.port, fixture('postfix-hard-bounce'), [`postmaster@${BOUNCE_DOMAIN}`])).toMatchObject({ ok: false, code: 550 });
    addSendingDomain();
    expect(await deliver(listener.port, fixture('postfix-hard-bounce'), [`postmaster@${BOUNCE_DOMAIN}`])).toMatchObject({ ok: true });
  });

  it('goes on accepting after garbage, broken SMTP and connections dropped mid-message', async () => {
    addSendingDomain();
    const garbage = [
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
      Buffer.from(`Content-Type: multipart/report; report-type=delivery-status; boundary="x"\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822;\r\n`),
      Buffer.from(`X-Long: ${'a'.repeat(300_000)}\r\n\r\nbody`),
      Buffer.from('Content-Type: multipart/report; boundary=\r\n\r\n--\r\n--\r\n'),
    ];
    for (const raw of garbage) expect(await deliver(listener.port, raw, [`postmaster@${BOUNCE_DOMAIN}`])).toMatchObject({ ok: true });

    // Raw SMTP: nonsense commands, DATA before RCPT, then a connection closed halfway through a message.
    await new Promise<void>((resolve) => {
      const socket = net.connect(listener.port, '127.0.0.1');
      socket.on('error', () => resolve());
      socket.once('data', () => {
        socket.write('HELO x\r\nFOO bar\r\nDATA\r\nMAIL FROM:<>\r\nRCPT TO:<postmaster@bounces.example.com>\r\nDATA\r\nSubject: half\r\n\r\nhalf a mess');
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 200);
      });
    });

    const ana = subscribedContact(world, 'ana.lopez@example.net');
    const message = await sendWelcome(ana);
    expect(await deliver(listener.port, sampleAbout('postfix-hard-bounce', message), [verpAddress(message, BOUNCE_DOMAIN, TEST_SECRET)])).toMatchObject({ ok: true });
    expect(suppression('ana.lopez@example.net')).toMatchObject({ reason: 'hard_bounce' });
    // Every garbage message is stored as unmatched; the dropped one never completed, so it is not there.
    expect(reports().map((r) => r.kind)).toEqual(['unmatched', 'unmatched', 'unmatched', 'unmatched', 'bounce']);
  });

  it('refuses a message larger than its limit with 552 without holding it in memory, and goes on accepting', async () => {
    addSendingDomain();
    await listener.close();
    const limit = 64 * 1024;
    listener = await startInboundListener({ db: world.db, clock: world.clock, secret: TEST_SECRET, port: 0, host: '127.0.0.1', maxMessageBytes: limit });
    // Raw SMTP, so the message really goes through DATA (a client that declares SIZE= would be refused at MAIL FROM).
    const socket = net.connect(listener.port, '127.0.0.1');
    let replies = '';
    socket.on('data', (chunk: Buffer) => (replies += chunk.toString('latin1')));
    const reply = (code: string) => until(() => (new RegExp(`^${code} `, 'm').test(replies) ? true : undefined), `the ${code} reply`);
    await reply('220');
    socket.write('EHLO mta.example.org\r\nMAIL FROM:<>\r\nRCPT TO:<postmaster@bounces.example.com>\r\nDATA\r\n');
    await reply('354');
    socket.write('Subject: huge\r\nContent-Type: text/plain\r\n\r\n');
    const line = `${'a'.repeat(76)}\r\n`;
    let mostHeld = 0;
    for (let sent = 0; sent < 16 * limit; sent += 64 * line.length) {
      await new Promise<void>((resolve) => socket.write(line.repeat(64), () => resolve()));
      // A moment for the listener (same process) to read what was written.
      await new Promise((resolve) => setTimeout(resolve, 2));
      mostHeld = Math.max(mostHeld, listener.bytesHeld());
    }
    socket.write('.\r\n');
    await reply('552');
    socket.destroy();
    // 1 MB went through DATA; no more than the limit was ever kept, and nothing is kept once it is refused.
    expect(mostHeld).toBeGreaterThan(0);
    expect(mostHeld).toBeLessThanOrEqual(limit);
    expect(listener.bytesHeld()).toBe(0);
    expect(replies).toMatch(/^552 5\.3\.4 /m);
    expect(reports()).toEqual([]);

    const ana = subscribedContact(world, 'ana.lopez@example.net');
    const message = await sendWelcome(ana);
    expect(await deliver(listener.port, sampleAbout('postfix-hard-bounce', message), [verpAddress(message, BOUNCE_DOMAIN, TEST_SECRET)])).toMatchObject({ ok: true });
    expect(reports().map((r) => r.kind)).toEqual(['bounce']);
  });

  it('takes at most 50 connections at once, and the next again once one closes', async () => {
    addSendingDomain();
    const greeting = (socket: net.Socket) =>
      new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString('latin1');
          if (text.includes('\r\n')) resolve(text);
        });
        socket.on('error', () => resolve(text));
      });
    const open = Array.from({ length: 50 }, () => net.connect(listener.port, '127.0.0.1'));
    const greetings = await Promise.all(open.map(greeting));
    expect(greetings.every((g) => g.startsWith('220 '))).toBe(true);
    const extra = net.connect(listener.port, '127.0.0.1');
    expect(await greeting(extra)).toMatch(/^421 /);
    extra.destroy();
    for (const socket of open) socket.destroy();
    await until(() => (open.every((s) => s.destroyed) ? true : undefined), 'the connections closed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await deliver(listener.port, fixture('postfix-hard-bounce'), [`postmaster@${BOUNCE_DOMAIN}`])).toMatchObject({ ok: true });
  });

  it("still takes a removed domain's bounces for 30 days, for the mail sent before, then refuses them", async () => {
    addSendingDomain();
    const ana = subscribedContact(world, 'ana.lopez@example.net');
    const ben = subscribedContact(world, 'ben.okafor@example.org');
    const toAna = await sendWelcome(ana);
    const toBen = await sendWelcome(ben);
    const removedAt = world.clock.now().getTime();
    world.mail.domains.remove('d1');
    expect(world.mail.domains.list()).toEqual([]);

    // Two days later the hard bounce of Ana's email arrives at its VERP address, and is applied.
    world.clock.set(new Date(removedAt + 2 * DAY));
    expect(await deliver(listener.port, sampleAbout('postfix-hard-bounce', toAna), [verpAddress(toAna, BOUNCE_DOMAIN, TEST_SECRET)])).toMatchObject({ ok: true });
    expect(suppression('ana.lopez@example.net')).toMatchObject({ reason: 'hard_bounce' });
    // The development server sorts it the same way.
    const dev = await startMail({ db: world.db, clock: world.clock, secret: TEST_SECRET, publicUrl: 'https://kairos.example.com' });
    try {
      const port = Number(/:(\d+)\)$/.exec(dev.destination)![1]);
      expect(await deliver(port, fixture('out-of-office'), [`postmaster@${BOUNCE_DOMAIN}`])).toMatchObject({ ok: true });
      expect(reports().at(-1)).toMatchObject({ kind: 'unmatched' });
    } finally {
      await dev.stop();
    }

    // Past 30 days the bounce domain is no longer ours to answer for.
    world.clock.set(new Date(removedAt + 30 * DAY + 60_000));
    const late = await deliver(listener.port, sampleAbout('postfix-hard-bounce', toBen).toString('latin1').replaceAll('ana.lopez@example.net', 'ben.okafor@example.org'), [verpAddress(toBen, BOUNCE_DOMAIN, TEST_SECRET)]);
    expect(late).toMatchObject({ ok: false, code: 550 });
    expect(suppression('ben.okafor@example.org')).toBeUndefined();
  });

  it('answers 4xx when the database fails, so the sender keeps the report and it arrives on the retry', async () => {
    const ana = subscribedContact(world, 'ana.lopez@example.net');
    const message = await sendWelcome(ana);
    addSendingDomain();
    const report = sampleAbout('postfix-hard-bounce', message);
    const verp = verpAddress(message, BOUNCE_DOMAIN, TEST_SECRET);
    world.db.$client.exec(`CREATE TEMP TRIGGER inbound_fails BEFORE INSERT ON inbound_reports BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);

    const refused = await deliver(listener.port, report, [verp]);
    expect(refused).toMatchObject({ ok: false, code: 451 });
    // Nothing half-applied: the transaction rolled back.
    expect(suppression('ana.lopez@example.net')).toBeUndefined();
    expect(counted('template_bounced', 'welcome')).toBe(0);

    world.db.$client.exec(`DROP TRIGGER inbound_fails`);
    expect(await deliver(listener.port, report, [verp])).toMatchObject({ ok: true });
    expect(suppression('ana.lopez@example.net')).toMatchObject({ reason: 'hard_bounce' });
    expect(reports()).toHaveLength(1);
  });
});

describe('the built-in development SMTP server', () => {
  it('turns mail to a bounce domain, and any multipart/report, into inbound reports, and keeps catching the rest for the Inbox', async () => {
    const ana = subscribedContact(world, 'ana.lopez@example.net');
    const message = await sendWelcome(ana);
    addSendingDomain();
    const dev = await startMail({ db: world.db, clock: world.clock, secret: TEST_SECRET, publicUrl: 'https://kairos.example.com' });
    try {
      const port = Number(/:(\d+)\)$/.exec(dev.destination)![1]);
      const captured = () => (world.db.$client.prepare(`SELECT recipient FROM captured_emails ORDER BY id`).all() as { recipient: string }[]).map((r) => r.recipient);

      expect(await deliver(port, sampleAbout('postfix-hard-bounce', message), [verpAddress(message, BOUNCE_DOMAIN, TEST_SECRET)])).toMatchObject({ ok: true });
      expect(suppression('ana.lopez@example.net')).toMatchObject({ reason: 'hard_bounce' });
      // A report to an address off the bounce domains is still a report.
      expect(await deliver(port, fixture('out-of-office').replace('Content-Type: text/plain; charset="utf-8"', 'Content-Type: multipart/report; report-type=disposition-notification; boundary="b"'), ['someone@example.org'])).toMatchObject({ ok: true });
      expect(await deliver(port, 'Subject: Hello\r\nFrom: a@example.org\r\nTo: bob@example.org\r\n\r\nHi Bob', ['bob@example.org'], 'a@example.org')).toMatchObject({ ok: true });

      await until(() => (captured().length === 1 ? true : undefined), 'the ordinary email in the Inbox');
      expect(captured()).toEqual(['bob@example.org']);
      expect(reports().map((r) => r.kind)).toEqual(['bounce', 'unmatched']);
    } finally {
      await dev.stop();
    }
  });
});

describe('deliverability figures from sending', () => {
  it('counts a bounce and a complaint that arrive the next day on the day their email was sent', async () => {
    addSendingDomain();
    const ana = subscribedContact(world, 'ana.lopez@example.net');
    const dana = subscribedContact(world, 'dana.k@yahoo.example');
    const bounced = await sendWelcome(ana);
    const complained = await sendWelcome(dana);
    // The next day: one more email goes out, and the reports about yesterday's arrive.
    world.clock.advance(DAY);
    await sendWelcome(subscribedContact(world, 'ben.okafor@example.org'));
    expect(await deliver(listener.port, sampleAbout('postfix-hard-bounce', bounced), [verpAddress(bounced, BOUNCE_DOMAIN, TEST_SECRET)])).toMatchObject({ ok: true });
    expect(await deliver(listener.port, sampleAbout('arf-abuse-complaint', complained), [`fbl@${BOUNCE_DOMAIN}`])).toMatchObject({ ok: true });

    const sendDay = dayOf(Date.parse('2026-03-02T09:00:00Z'));
    const byDay = (metric: string) => world.db.$client.prepare(`SELECT day, key, n FROM daily_counts WHERE metric = ? ORDER BY day, key`).all(metric);
    expect(byDay('domain_bounced')).toEqual([{ day: sendDay, key: FROM_DOMAIN, n: 1 }]);
    expect(byDay('domain_complained')).toEqual([{ day: sendDay, key: FROM_DOMAIN, n: 1 }]);
    expect(byDay('template_bounced')).toEqual([{ day: sendDay, key: 'welcome', n: 1 }]);
    expect(byDay('template_complained')).toEqual([{ day: sendDay, key: 'welcome', n: 1 }]);
    // As the Deliverability page draws it: half of Monday's two emails bounced, none of Tuesday's one.
    const shop = deliverabilityReport(world.db, world.clock.now().getTime()).domains.find((d) => d.domain === FROM_DOMAIN)!;
    expect(shop.daily.slice(-2)).toEqual([
      { date: '2026-03-02', sent: 2, bounced: 1, complained: 1, bounceRate: 0.5, complaintRate: 0.5 },
      { date: '2026-03-03', sent: 1, bounced: 0, complained: 0, bounceRate: 0, complaintRate: 0 },
    ]);
  });


  it('counts sent mail for its From domain by UTC day', async () => {
    const ana = subscribedContact(world, 'ana.lopez@example.net');
    await sendWelcome(ana);
    world.clock.advance(DAY);
    await sendWelcome(ana);
    const rows = world.db.$client.prepare(`SELECT day, key, n FROM daily_counts WHERE metric = 'domain_sent' ORDER BY day`).all();
    const day = dayOf(Date.parse('2026-03-02T09:00:00Z'));
    expect(rows).toEqual([
      { day, key: FROM_DOMAIN, n: 1 },
      { day: day + 1, key: FROM_DOMAIN, n: 1 },
    ]);
  });
});
