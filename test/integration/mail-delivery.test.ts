// The delivery loop over real SMTP on loopback and a real SQLite file: format, retries, bounces, consent, quiet hours, the frequency cap, leases.
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CAP_WINDOW_MS, RETRY } from '../../shared/mail/rules.ts';
import { DEFAULT_SENDING_SETTINGS } from '../../shared/mail/settings.ts';
import { unsubscribe } from '../../server/contacts/consent.ts';
import { saveSender } from '../../server/mail/settings.ts';
import { header, mailWorld, messageRow, pendingContact, PUBLIC_URL, queueMessage, subscribedContact, type MailWorld } from './mail-helpers.ts';

let world: MailWorld;
afterEach(async () => world?.cleanup());

describe('a sent email', () => {
  beforeEach(async () => {
    world = await mailWorld();
  });

  it('has From and Reply-To from Settings, a stable Message-ID, Date, text and HTML parts, RFC 8058 headers and signed links', async () => {
    const sender = saveSender(world.db, null, { label: 'News', fromName: 'Ana from Kairos Shop', fromEmail: 'news@shop.example.com', replyTo: 'help@shop.example.com', isDefault: false });
    const ana = subscribedContact(world, 'ana@example.com', { first_name: 'Ana' });
    const id = queueMessage(world, ana, { templateId: 'welcome', data: { senderId: sender.id } });

    const report = await world.mail.delivery.runOnce();
    expect(report.outcomes.sent).toBe(1);
    const [mail] = world.smtp.to('ana@example.com');
    expect(mail).toBeDefined();
    const p = mail!.parsed;

    expect(p.from?.value).toEqual([{ name: 'Ana from Kairos Shop', address: 'news@shop.example.com' }]);
    expect(p.replyTo?.value).toEqual([{ name: '', address: 'help@shop.example.com' }]);
    expect(p.messageId).toBe(`<${id}@shop.example.com>`);
    expect(p.date?.toISOString()).toBe('2026-05-12T12:00:00.000Z');
    expect(p.subject).toBe('Welcome to Kairos Shop, Ana');
    expect(header(mail!, 'Content-Type')).toMatch(/^multipart\/alternative/);
    expect(p.text).toContain('Hi Ana, good to have you with us');
    expect(p.html).toContain('Hi Ana, good to have you with us');

    // RFC 8058: an https List-Unsubscribe URL and the one-click marker.
    const listUnsubscribe = header(mail!, 'List-Unsubscribe');
    expect(listUnsubscribe).toMatch(new RegExp(`^<${PUBLIC_URL}/u/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+>$`));
    expect(header(mail!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const unsubscribeUrl = listUnsubscribe!.slice(1, -1);
    // A visible unsubscribe link in both parts.
    expect(p.html).toContain(`href="${unsubscribeUrl}"`);
    expect(p.text).toContain(unsubscribeUrl);

    // Every web link of the HTML is a signed click link back to its original target.
    const hrefs = [...(p.html as string).matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    const clicks = hrefs.filter((h) => h.startsWith(`${PUBLIC_URL}/c/`));
    expect(clicks.length).toBeGreaterThan(0);
    for (const link of clicks) {
      const payload = world.mail.tokens.verify('click', link.slice(`${PUBLIC_URL}/c/`.length));
      expect(payload).toMatchObject({ m: id, u: expect.stringMatching(/^https:\/\/shop\.example\.com/) });
    }
    expect(hrefs.filter((h) => !h.startsWith(`${PUBLIC_URL}/`))).toEqual([]);
    expect(p.html).toMatch(new RegExp(`<img src="${PUBLIC_URL}/o/[^"]+\\.gif"`));
    // Balanced parts, and no link shortener: the text part keeps the real addresses.
    expect(p.text).toContain('[https://shop.example.com]');
    expect((p.text as string).length).toBeGreaterThan(300);

    const row = messageRow(world.db, id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, templateVersion: 1, subject: 'Welcome to Kairos Shop, Ana', messageIdHeader: `<${id}@shop.example.com>`, sentAt: world.clock.now().getTime(), error: null });
    expect(row.html).toContain(unsubscribeUrl);
  });

  it('keeps the Message-ID of a message across retries', async () => {
    const bo = subscribedContact(world, 'bo@example.com');
    const id = queueMessage(world, bo);
    world.smtp.refuse('bo@example.com', [451, 'Greylisted, try again later']);
    await world.mail.delivery.runOnce();
    world.clock.advance(60 * 60 * 1000);
    await world.mail.delivery.runOnce();
    expect(world.smtp.to('bo@example.com').map((r) => r.parsed.messageId)).toEqual([`<${id}@shop.example.com>`]);
  });

  it('sends transactional mail without List-Unsubscribe headers', async () => {
    const cy = pendingContact(world, 'cy@example.com');
    queueMessage(world, cy, { templateId: 'confirmation', category: 'transactional', data: { purpose: 'confirmation', issuedAt: world.clock.now().getTime() } });
    await world.mail.delivery.runOnce();
    const [mail] = world.smtp.to('cy@example.com');
    expect(header(mail!, 'List-Unsubscribe')).toBeUndefined();
    expect(mail!.parsed.html).toMatch(new RegExp(`href="${PUBLIC_URL}/confirm/[^"]+"`));
  });
});

describe('team notifications', () => {
  beforeEach(async () => {
    world = await mailWorld({ now: '2026-05-12T23:30:00Z' });
  });

  it('sends a notify node’s email to the team address at any hour, whatever the contact’s consent', async () => {
    const lead = pendingContact(world, 'lead@example.com');
    const id = queueMessage(world, lead, { templateId: '$notify', category: 'transactional', data: { to: 'sales@shop.example.com', subject: 'Hot lead: {{ contact.email }}', message: 'Viewed pricing twice.' } });
    await world.mail.delivery.runOnce();
    expect(messageRow(world.db, id).status).toBe('sent');
    expect(world.smtp.to('lead@example.com')).toHaveLength(0);
    const [mail] = world.smtp.to('sales@shop.example.com');
    expect(mail!.parsed.subject).toBe('Hot lead: lead@example.com');
    expect(mail!.parsed.text).toContain('Viewed pricing twice.');
    expect(header(mail!, 'List-Unsubscribe')).toBeUndefined();
  });
});

describe('where an email is prepared', () => {
  it('makes no difference: a worker thread and the loop’s own thread send the same email', async () => {
    const sent: Array<{ subject?: string; text?: string; html: string; headers: string[] }> = [];
    for (const prepareInWorker of [true, false]) {
      // The last world is left to afterEach.
      world = await mailWorld({ prepareInWorker });
      const ana = subscribedContact(world, 'ana@example.com', { first_name: 'Ana' });
      queueMessage(world, ana, { templateId: 'welcome' });
      expect((await world.mail.delivery.runOnce()).outcomes.sent).toBe(1);
      const p = world.smtp.to('ana@example.com')[0]!.parsed;
      // Ids and the tokens signed with them differ from world to world; everything else is the same.
      const neutral = (s: string) => s.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID').replace(/\/(u|preferences|o|c)\/[\w-]+\.[\w-]+/g, '/$1/TOKEN');
      sent.push({ subject: p.subject, text: neutral(p.text ?? ''), html: neutral(p.html || ''), headers: p.headerLines.map((h) => neutral(h.line.replace(/boundary="[^"]+"/, ''))) });
      if (prepareInWorker) await world.cleanup();
    }
    expect(sent[0]).toEqual(sent[1]);
    expect(sent[0]!.text).toContain('Hi Ana, good to have you with us');
  });
});

describe('failures', () => {
  beforeEach(async () => {
    world = await mailWorld();
  });

  it('retries a 4xx with exponential backoff, then sends once', async () => {
    const ana = subscribedContact(world, 'ana@example.com');
    const id = queueMessage(world, ana);
    // Not 421: a 421 closes the connection, and nodemailer's pool then sends the message again at once over a new one
    // when the connection was reused and no byte of the message had gone out, so that outcome depends on timing.
    world.smtp.refuse('ana@example.com', [451, 'Mailbox busy'], [450, 'Mailbox unavailable']);
    const start = world.clock.now().getTime();

    expect((await world.mail.delivery.runOnce()).outcomes.retry).toBe(1);
    const first = messageRow(world.db, id);
    expect(first).toMatchObject({ status: 'queued', attempts: 1 });
    expect(first.error).toContain('451');
    expect(first.nextAttemptAt - start).toBeGreaterThanOrEqual(RETRY.baseMs * 0.8);
    expect(first.nextAttemptAt - start).toBeLessThanOrEqual(RETRY.baseMs * 1.2);

    // Not due yet: nothing is claimed.
    world.clock.set(new Date(first.nextAttemptAt - 1));
    expect((await world.mail.delivery.runOnce()).claimed).toBe(0);

    world.clock.set(new Date(first.nextAttemptAt));
    await world.mail.delivery.runOnce();
    const second = messageRow(world.db, id);
    expect(second).toMatchObject({ status: 'queued', attempts: 2 });
    // The second wait is about twice the first.
    expect(second.nextAttemptAt - first.nextAttemptAt).toBeGreaterThanOrEqual(RETRY.baseMs * 2 * 0.8);

    world.clock.set(new Date(second.nextAttemptAt));
    await world.mail.delivery.runOnce();
    expect(messageRow(world.db, id)).toMatchObject({ status: 'sent', attempts: 3, error: null });
    expect(world.smtp.to('ana@example.com')).toHaveLength(1);
  });

  it('retries when the SMTP server cannot be reached', async () => {
    const ana = subscribedContact(world, 'ana@example.com');
    const id = queueMessage(world, ana);
    await world.smtp.server.close();
    await world.mail.delivery.runOnce();
    expect(messageRow(world.db, id)).toMatchObject({ status: 'queued', attempts: 1 });
  });

  it('fails a 5xx, suppresses the hard-bounced address, and sends it nothing again', async () => {
    const gone = subscribedContact(world, 'gone@example.com');
    const first = queueMessage(world, gone);
    world.smtp.refuse('gone@example.com', [550, 'No such user here']);
    await world.mail.delivery.runOnce();
    expect(messageRow(world.db, first)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(messageRow(world.db, first).error).toContain('550');
    expect(world.db.$client.prepare('SELECT reason FROM suppressions WHERE email = ?').get('gone@example.com')).toEqual({ reason: 'hard_bounce' });

    // Suppression holds for transactional mail too.
    const second = queueMessage(world, gone, { category: 'transactional' });
    await world.mail.delivery.runOnce();
    expect(messageRow(world.db, second)).toMatchObject({ status: 'suppressed' });
    expect(world.smtp.received).toHaveLength(0);
  });

  it('gives up on a temporary failure after the last attempt', async () => {
    const ana = subscribedContact(world, 'ana@example.com');
    // Transactional, so sixteen hours of retries do not run into quiet hours.
    const id = queueMessage(world, ana, { category: 'transactional' });
    world.smtp.refuse('ana@example.com', ...Array.from({ length: RETRY.maxAttempts }, () => [452, 'Mailbox full'] as [number, string]));
    for (let i = 0; i < RETRY.maxAttempts; i++) {
      await world.mail.delivery.runOnce();
      world.clock.advance(2 * 60 * 60 * 1000);
    }
    expect(messageRow(world.db, id)).toMatchObject({ status: 'failed', attempts: RETRY.maxAttempts });
    expect(messageRow(world.db, id).error).toContain('gave up');
  });

  it('fails a message whose template no longer exists, and goes on with the others', async () => {
    const ana = subscribedContact(world, 'ana@example.com');
    const missing = queueMessage(world, ana, { templateId: 'deleted_template' });
    const fine = queueMessage(world, ana, { templateId: 'welcome' });
    await world.mail.delivery.runOnce();
    expect(messageRow(world.db, missing)).toMatchObject({ status: 'failed' });
    expect(messageRow(world.db, missing).error).toContain('deleted_template');
    expect(messageRow(world.db, fine).status).toBe('sent');
  });
});

describe('recording what was sent', () => {
  it('records the other sent emails of a batch when one of them cannot be written', async () => {
    world = await mailWorld({ prepareInWorker: false, settings: { quietHours: { ...DEFAULT_SENDING_SETTINGS.quietHours, enabled: false } } });
    // Enough emails that they are recorded in batches of one per pooled connection.
    const ids = ['ana', 'bob', ...Array.from({ length: 10 }, (_, i) => `reader${i}`)].map((name) => queueMessage(world, subscribedContact(world, `${name}@example.com`)));
    // Writing Bob's row fails (a constraint, a full disk); the others' must not be lost with it.
    world.db.$client.exec(`CREATE TRIGGER refuse_bob BEFORE UPDATE OF status ON messages WHEN NEW.status = 'sent' AND NEW.id = '${ids[1]}'
      BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    world.mail.delivery.start();
    await expect.poll(() => world.smtp.received.length, { timeout: 5_000 }).toBe(12);
    await world.mail.delivery.stop();
    expect(ids.map((id) => messageRow(world.db, id).status)).toEqual(['sent', 'sending', ...Array(10).fill('sent')]);
  });
});

describe('consent at send time', () => {
  beforeEach(async () => {
    world = await mailWorld();
  });

  it('sends no marketing to unsubscribed or pending contacts; a pending one gets the confirmation and transactional mail', async () => {
    const left = subscribedContact(world, 'left@example.com');
    const queuedBefore = queueMessage(world, left);
    // Consent changed after the message was queued: delivery checks again.
    unsubscribe(world.db, world.clock, left, { source: 'test' });
    const waiting = pendingContact(world, 'waiting@example.com');
    const marketingToPending = queueMessage(world, waiting);
    const transactionalToPending = queueMessage(world, waiting, { category: 'transactional', templateId: 'first_purchase_thanks' });
    const confirmation = queueMessage(world, waiting, { templateId: 'confirmation', category: 'transactional', data: { purpose: 'confirmation', issuedAt: world.clock.now().getTime() } });

    const report = await world.mail.delivery.runOnce();
    expect(report.outcomes).toMatchObject({ sent: 2, suppressed: 2 });
    expect(messageRow(world.db, queuedBefore)).toMatchObject({ status: 'suppressed', error: 'marketing email not sent: the contact is unsubscribed' });
    expect(messageRow(world.db, marketingToPending)).toMatchObject({ status: 'suppressed', error: 'marketing email not sent: the contact is pending (not yet confirmed)' });
    expect(messageRow(world.db, transactionalToPending).status).toBe('sent');
    expect(messageRow(world.db, confirmation).status).toBe('sent');
    expect(world.smtp.to('waiting@example.com').map((r) => r.parsed.subject).sort()).toEqual(['Please confirm your subscription to Kairos Shop', 'Thank you for your order, friend']);
    expect(world.smtp.to('left@example.com')).toHaveLength(0);
  });
});

describe('quiet hours and the frequency cap', () => {
  it('delays marketing mail in quiet hours to the end of the window in the contact’s time zone', async () => {
    // 03:00 in New York; the workspace default zone is UTC, where it is 07:00 (also quiet) — the contact's zone decides.
    world = await mailWorld({ now: '2026-05-12T07:00:00Z' });
    const ny = subscribedContact(world, 'ny@example.com', { timezone: 'America/New_York' });
    const berlin = subscribedContact(world, 'berlin@example.com', { timezone: 'Europe/Berlin' });
    const nyMessage = queueMessage(world, ny);
    const berlinMessage = queueMessage(world, berlin);
    const receipt = queueMessage(world, ny, { category: 'transactional', templateId: 'first_purchase_thanks' });

    const report = await world.mail.delivery.runOnce();
    expect(report.outcomes).toMatchObject({ sent: 2, deferred: 1 });
    expect(messageRow(world.db, berlinMessage).status).toBe('sent'); // 09:00 in Berlin
    expect(messageRow(world.db, receipt).status).toBe('sent'); // transactional ignores quiet hours
    const held = messageRow(world.db, nyMessage);
    const eightInNewYork = DateTime.fromISO('2026-05-12T08:00', { zone: 'America/New_York' }).toMillis();
    expect(held).toMatchObject({ status: 'queued', attempts: 0, nextAttemptAt: eightInNewYork });
    expect(held.error).toContain('quiet hours');
    expect(world.smtp.to('ny@example.com').map((r) => r.parsed.subject)).toEqual(['Thank you for your order, friend']);

    world.clock.set(new Date(eightInNewYork));
    await world.mail.delivery.runOnce();
    expect(messageRow(world.db, nyMessage).status).toBe('sent');
    expect(world.smtp.to('ny@example.com')).toHaveLength(2);
  });

  it('counts a sent email against the cap before its row says sent, while the loop runs', async () => {
    world = await mailWorld({ prepareInWorker: false, settings: { frequencyCap: { enabled: true, maxPerWeek: 1 }, quietHours: { ...DEFAULT_SENDING_SETTINGS.quietHours, enabled: false } } });
    const ana = subscribedContact(world, 'ana@example.com');
    const bob = subscribedContact(world, 'bob@example.com');
    // Bob's provider is slow, so the loop has a send in flight and records Ana's in a batch a moment later.
    const releaseBob = world.smtp.hold('bob@example.com');
    queueMessage(world, bob);
    queueMessage(world, ana);
    let second = '';
    world.smtp.onReceived = (mail) => {
      if (!mail.recipients.includes('ana@example.com') || second) return;
      // Just after Ana's first email was accepted, and before the loop writes it down, a second one is queued.
      setTimeout(() => {
        second = queueMessage(world, ana);
        world.mail.delivery.nudge();
      }, 5);
    };
    world.mail.delivery.start();
    try {
      await expect.poll(() => second && messageRow(world.db, second).error, { timeout: 5_000 }).toContain('frequency cap');
    } finally {
      releaseBob();
    }
    await expect.poll(() => world.smtp.to('bob@example.com').length, { timeout: 5_000 }).toBe(1);
    await world.mail.delivery.stop();
    expect(world.smtp.to('ana@example.com')).toHaveLength(1);
    expect(messageRow(world.db, second).status).toBe('queued');
  });

  it('delays marketing mail over the cap until a slot frees, and skips it where the node says so', async () => {
    world = await mailWorld({ settings: { frequencyCap: { enabled: true, maxPerWeek: 2 }, quietHours: { ...DEFAULT_SENDING_SETTINGS.quietHours, enabled: false } } });
    const ana = subscribedContact(world, 'ana@example.com');
    const sentAt = world.clock.now().getTime();
    const first = queueMessage(world, ana);
    const second = queueMessage(world, ana);
    const third = queueMessage(world, ana);
    const skipped = queueMessage(world, ana, { whenCapped: 'skip' });

    // All four claimed together: the cap counts the ones approved in the same batch.
    const report = await world.mail.delivery.runOnce();
    expect(report.outcomes).toMatchObject({ sent: 2, deferred: 1, suppressed: 1 });
    expect([first, second].map((id) => messageRow(world.db, id).status)).toEqual(['sent', 'sent']);
    expect(messageRow(world.db, third)).toMatchObject({ status: 'queued', nextAttemptAt: sentAt + CAP_WINDOW_MS + 1 });
    expect(messageRow(world.db, skipped)).toMatchObject({ status: 'suppressed' });
    expect(messageRow(world.db, skipped).error).toContain('frequency cap');

    // Transactional mail is not capped.
    const receipt = queueMessage(world, ana, { category: 'transactional' });
    await world.mail.delivery.runOnce();
    expect(messageRow(world.db, receipt).status).toBe('sent');

    world.clock.set(new Date(sentAt + CAP_WINDOW_MS + 1));
    await world.mail.delivery.runOnce();
    expect(messageRow(world.db, third).status).toBe('sent');
    expect(world.smtp.to('ana@example.com')).toHaveLength(4);
  });
});

describe('the lease', () => {
  it('claims a message again once the lease of a crashed send has run out, and not before', async () => {
    world = await mailWorld({ leaseMs: 60_000 });
    const ana = subscribedContact(world, 'ana@example.com');
    const id = queueMessage(world, ana);
    const now = world.clock.now().getTime();
    // A sender claimed it and died.
    world.db.$client.prepare(`UPDATE messages SET status = 'sending', attempts = 1, lease_until = ? WHERE id = ?`).run(now + 60_000, id);

    expect((await world.mail.delivery.runOnce()).claimed).toBe(0);
    world.clock.advance(60_001);
    expect((await world.mail.delivery.runOnce()).outcomes.sent).toBe(1);
    expect(messageRow(world.db, id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('under a rate limit, claims no more than go out in half a lease', async () => {
    world = await mailWorld({ leaseMs: 4_000, prepareInWorker: false, settings: { quietHours: { ...DEFAULT_SENDING_SETTINGS.quietHours, enabled: false }, smtp: { maxConnections: 5, ratePerSecond: 1 } } });
    for (let i = 0; i < 10; i++) queueMessage(world, subscribedContact(world, `reader${i}@example.com`));
    const claimed = () => (world.db.$client.prepare(`SELECT count(*) AS n FROM messages WHERE status = 'sending'`).get() as { n: number }).n;
    world.mail.delivery.start();
    await expect.poll(claimed, { timeout: 2_000 }).toBeGreaterThan(0);
    // One a second for 4 s leases: at most 2 held at once, so none waits past its lease to be sent.
    expect(claimed()).toBeLessThanOrEqual(2);
    await world.mail.delivery.stop();
  });
});

describe('the running loop', () => {
  it('sends what is queued without being asked, and stops cleanly', async () => {
    world = await mailWorld();
    const ids = Array.from({ length: 30 }, (_, i) => queueMessage(world, subscribedContact(world, `c${i}@example.com`), { category: 'transactional', templateId: 'first_purchase_thanks' }));
    world.mail.delivery.start();
    const deadline = Date.now() + 15_000;
    while (world.smtp.received.length < ids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await world.mail.delivery.stop();
    expect(ids.map((id) => messageRow(world.db, id).status)).toEqual(ids.map(() => 'sent'));
    expect(world.smtp.received).toHaveLength(30);
  });
});
