// Referrals end to end: a signed code per contact, the hosted subscribe form carrying it, the confirmation that records
// referred_by and gives the referrer referral_converted (→ advocate) and a rollup count, once, never for themselves.
import { beforeEach, describe, expect, it } from 'vitest';
import { confirmSubscription, unsubscribe } from '../../server/contacts/consent.ts';
import { getContact } from '../../server/contacts/db.ts';
import { ingestCalls } from '../../server/contacts/ingest.ts';
import { referralCode, referralUrl, verifyReferralCode } from '../../server/contacts/referrals.ts';
import { requestSubscription } from '../../server/mail/consent.ts';
import { previewTemplate } from '../../server/mail/preview.ts';
import { createExecutor } from '../../server/executor/executor.ts';
import { REFERRAL_CONVERTED_EVENT } from '../../shared/contacts/referrals.ts';
import { parseBatch } from '../../shared/contacts/segment.ts';
import { enrollmentsOf, exit, graph, liveJourney, onEvent } from './executorBuilders.ts';
import { callerFor, makeUser, TEST_SECRET } from './helpers.ts';
import { mailWorld, PUBLIC_URL, queueMessage, servedWorldPerTest, subscribedContact, until, type MailWorld, type Received } from './mail-helpers.ts';

const served = servedWorldPerTest();
let world: MailWorld;
let base: string;
beforeEach(() => ({ world, base } = served));

const local = (url: string) => url.replace(PUBLIC_URL, base);


const row = (email: string) =>
  world.db.$client.prepare('SELECT id, subscription, phase, referred_by AS referredBy, referred_at AS referredAt FROM contacts WHERE email = ?').get(email) as
    | { id: string; subscription: string; phase: string; referredBy: string | null; referredAt: number | null }
    | undefined;

const eventsNamed = (contactId: string, name: string) =>
  (world.db.$client.prepare('SELECT properties FROM events WHERE contact_id = ? AND name = ? ORDER BY id').all(contactId, name) as { properties: string }[]).map(
    (e) => JSON.parse(e.properties) as Record<string, unknown>,
  );

const referralRollup = () =>
  (world.db.$client.prepare(`SELECT coalesce(sum(n), 0) AS n FROM daily_counts WHERE metric = 'referral'`).get() as { n: number }).n;

/** Submits the hosted form as a browser would: the page of the link, then its form with the hidden field it carries. */
async function subscribeThroughLink(link: string, email: string): Promise<string> {
  const page = await (await fetch(local(link))).text();
  const hidden = /<input type="hidden" name="ref" value="([^"]*)">/.exec(page);
  const form = new URLSearchParams({ email, first_name: 'Friend', ...(hidden ? { ref: hidden[1]!.replace(/&amp;/g, '&') } : {}) });
  const response = await fetch(`${base}/v1/subscribe`, { method: 'POST', body: form });
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(text).toContain('Check your inbox');
  return text;
}

/** Clicks the confirmation link of the latest confirmation email to the address. */
async function confirmLatest(email: string, count: number): Promise<void> {
  const mail = await until(() => (world.smtp.to(email).length >= count ? world.smtp.to(email).at(-1) : undefined), `confirmation ${count} to ${email}`);
  const link = [...String(mail.parsed.html).matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&')).find((h) => h.startsWith(`${PUBLIC_URL}/confirm/`))!;
  world.clock.advance(60_000);
  const page = await fetch(local(link));
  expect(page.status).toBe(200);
}

describe('referral codes', () => {
  it('round-trips a contact id and refuses a changed, cut or foreign code', () => {
    const code = referralCode(TEST_SECRET, 'c_0123456789abcdefghjk');
    expect(code).toMatch(/^c_0123456789abcdefghjk\.[A-Za-z0-9_-]{12}$/);
    expect(referralCode(TEST_SECRET, 'c_0123456789abcdefghjk')).toBe(code);
    expect(verifyReferralCode(TEST_SECRET, code)).toBe('c_0123456789abcdefghjk');

    const [id, signature] = code.split('.') as [string, string];
    const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    expect(verifyReferralCode(TEST_SECRET, `${id}.${flipped}`)).toBeNull();
    expect(verifyReferralCode(TEST_SECRET, `c_0123456789abcdefghjm.${signature}`)).toBeNull();
    expect(verifyReferralCode(TEST_SECRET, `${id}.${signature.slice(0, -1)}`)).toBeNull();
    expect(verifyReferralCode(TEST_SECRET, `${code}A`)).toBeNull();
    expect(verifyReferralCode('another-workspace-secret-0123456789abcdef', code)).toBeNull();
    for (const junk of ['', '.', id, `.${signature}`, 42, null, 'preview', `${id}.${signature}<script>`]) expect(verifyReferralCode(TEST_SECRET, junk)).toBeNull();

    expect(referralUrl(`${PUBLIC_URL}/`, TEST_SECRET, id)).toBe(`${PUBLIC_URL}/subscribe?ref=${code}`);
  });
});

describe('a referred person who confirms', () => {
  it('is recorded with referred_by, and the referrer gets referral_converted, becomes an advocate and is counted once', async () => {
    const ana = subscribedContact(world, 'ana@example.com', { first_name: 'Ana' });
    const link = referralUrl(PUBLIC_URL, TEST_SECRET, ana);

    const page = await (await fetch(local(link))).text();
    expect(page).toContain(`<input type="hidden" name="ref" value="${referralCode(TEST_SECRET, ana)}">`);
    await subscribeThroughLink(link, 'ben@example.com');
    const ben = row('ben@example.com')!;
    expect(ben).toMatchObject({ subscription: 'pending', referredBy: null });
    // The code is not a trait of the subscriber.
    expect(getContact(world.db, ben.id)!.traits).toEqual({ first_name: 'Friend' });
    expect(eventsNamed(ana, 'referral_converted')).toEqual([]);

    await confirmLatest('ben@example.com', 1);
    expect(row('ben@example.com')).toMatchObject({ subscription: 'subscribed', referredBy: ana, referredAt: world.clock.now().getTime() });
    expect(eventsNamed(ana, 'referral_converted')).toEqual([{ referred_id: ben.id, referred_email: 'ben@example.com' }]);
    expect(row('ana@example.com')!.phase).toBe('advocate');
    const history = world.db.$client.prepare(`SELECT to_phase AS toPhase, cause FROM phase_history WHERE contact_id = ? ORDER BY id DESC LIMIT 1`).get(ana);
    expect(history).toEqual({ toPhase: 'advocate', cause: 'rule: referral (referral_converted)' });
    expect(referralRollup()).toBe(1);

    // Ben leaves, comes back through Ana's link and through Cleo's: still one referral, still Ana's.
    const cleo = subscribedContact(world, 'cleo@example.com');
    unsubscribe(world.db, world.clock, ben.id, { source: 'test' });
    world.clock.advance(11 * 60_000);
    await subscribeThroughLink(link, 'ben@example.com');
    await confirmLatest('ben@example.com', 2);
    unsubscribe(world.db, world.clock, ben.id, { source: 'test' });
    world.clock.advance(11 * 60_000);
    await subscribeThroughLink(referralUrl(PUBLIC_URL, TEST_SECRET, cleo), 'ben@example.com');
    await confirmLatest('ben@example.com', 3);
    expect(row('ben@example.com')).toMatchObject({ subscription: 'subscribed', referredBy: ana });
    expect(eventsNamed(ana, 'referral_converted')).toHaveLength(1);
    expect(eventsNamed(cleo, 'referral_converted')).toEqual([]);
    expect(row('cleo@example.com')!.phase).not.toBe('advocate');
    expect(referralRollup()).toBe(1);
  });

  it('counts no referral for the referrer\'s own address, nor for an old subscriber coming back', async () => {
    const ana = subscribedContact(world, 'ana@example.com');
    unsubscribe(world.db, world.clock, ana, { source: 'test' });
    await subscribeThroughLink(referralUrl(PUBLIC_URL, TEST_SECRET, ana), 'ana@example.com');
    await confirmLatest('ana@example.com', 1);
    expect(row('ana@example.com')).toMatchObject({ subscription: 'subscribed', referredBy: null });
    const old = subscribedContact(world, 'old@example.com');
    unsubscribe(world.db, world.clock, old, { source: 'test' });
    await subscribeThroughLink(referralUrl(PUBLIC_URL, TEST_SECRET, ana), 'old@example.com');
    await confirmLatest('old@example.com', 1);
    expect(row('old@example.com')).toMatchObject({ subscription: 'subscribed', referredBy: null });
    expect(eventsNamed(ana, 'referral_converted')).toEqual([]);
    expect(referralRollup()).toBe(0);
  });

  it('ignores a tampered code without a word to the person: the subscription still works', async () => {
    const ana = subscribedContact(world, 'ana@example.com');
    const tampered = `${referralUrl(PUBLIC_URL, TEST_SECRET, ana).slice(0, -2)}xx`;
    const answer = await subscribeThroughLink(tampered, 'dan@example.com');
    expect(answer).not.toMatch(/referr|code|invalid/i);
    await confirmLatest('dan@example.com', 1);
    expect(row('dan@example.com')).toMatchObject({ subscription: 'subscribed', referredBy: null });
    expect(eventsNamed(ana, 'referral_converted')).toEqual([]);
    expect(referralRollup()).toBe(0);
  });

  it('takes the code as ref or referral_code in the JSON API, and from a direct call of the subscribe service', async () => {
    const ana = subscribedContact(world, 'ana@example.com');
    const code = referralCode(TEST_SECRET, ana);
    for (const [email, body] of [
      ['eve@example.com', { email: 'eve@example.com', ref: code }],
      ['fay@example.com', { email: 'fay@example.com', referral_code: code }],
    ] as const) {
      const response = await fetch(`${base}/v1/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status).toBe(202);
      await confirmLatest(email, 1);
    }
    const gus = requestSubscription(world.db, world.clock, { email: 'gus@example.com', ref: code }, { source: 'demo', ip: null, referrals: world.mail.referrals });
    expect(gus.confirmationId).not.toBeNull();
    await world.mail.delivery.runOnce();
    await confirmLatest('gus@example.com', 1);
    // A non-string code is no error either.
    const response = await fetch(`${base}/v1/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'hal@example.com', ref: { evil: true } }) });
    expect(response.status).toBe(202);
    expect(['eve', 'fay', 'gus'].map((n) => row(`${n}@example.com`)!.referredBy)).toEqual([ana, ana, ana]);
    expect(eventsNamed(ana, 'referral_converted')).toHaveLength(3);
    expect(referralRollup()).toBe(3);
  });
});

describe('journeys on referrals', () => {
  it('a journey that starts on referral_converted takes the referrer at the next tick', async () => {
    const journey = liveJourney(world.db, world.clock, graph([onEvent(REFERRAL_CONVERTED_EVENT), exit()], ['t:next>x']));
    const ana = subscribedContact(world, 'ana@example.com');
    const ben = requestSubscription(world.db, world.clock, { email: 'ben@example.com', ref: referralCode(TEST_SECRET, ana) }, { source: 'demo', ip: null, referrals: world.mail.referrals });
    createExecutor({ db: world.db, clock: world.clock }).tick();
    expect(enrollmentsOf(world.db, journey)).toEqual([]);
    confirmSubscription(world.db, world.clock, ben.contactId, { source: 'confirm_link' });
    createExecutor({ db: world.db, clock: world.clock }).tick();
    expect(enrollmentsOf(world.db, journey).map((e) => e.contactId)).toEqual([ana]);
  });
});

describe('referrals through the event API', () => {
  const identify = (userId: string, traits: Record<string, unknown>) => {
    const parsed = parseBatch({ batch: [{ type: 'identify', userId, traits }] });
    if (!parsed.ok) throw new Error(parsed.error);
    ingestCalls(world.db, world.clock, parsed.calls, { ip: null });
  };

  it('counts a referred subscriber whom the shop confirms by identify, and keeps referrals when two contacts merge', async () => {
    const ana = subscribedContact(world, 'ana@example.com', { first_name: 'Ana' });
    requestSubscription(world.db, world.clock, { email: 'ben@example.com', ref: referralCode(TEST_SECRET, ana) }, { source: 'demo', ip: null, referrals: world.mail.referrals });
    world.clock.advance(60_000);
    identify('u-ben', { email: 'ben@example.com', consent: 'subscribed' });
    const ben = row('ben@example.com')!;
    expect(ben).toMatchObject({ subscription: 'subscribed', referredBy: ana });
    expect(row('ana@example.com')!.phase).toBe('advocate');
    expect(referralRollup()).toBe(1);

    // Ana's shop account, known under another address, turns out to be her: the merged contact keeps her referral.
    identify('u-ana', { email: 'ana.work@example.com' });
    identify('u-ana', { email: 'ana@example.com' });
    const merged = row('ana@example.com')!;
    expect(merged.id).not.toBe(ana);
    expect(row('ben@example.com')!.referredBy).toBe(merged.id);
    const api = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'marketer'), world.clock);
    expect((await api.contacts.referrals({ id: merged.id })).referred.map((r) => r.email)).toEqual(['ben@example.com']);
    expect((await api.contacts.referrals({ id: ben.id })).referredBy?.id).toBe(merged.id);
    expect(referralRollup()).toBe(1);
  });
});

describe('contact.referral_url in templates', () => {
  const referralLinkIn = (mail: Received) => {
    const match = /https:\/\/kairos\.example\.com\/subscribe\?ref=([A-Za-z0-9_.-]+)/.exec(String(mail.parsed.text));
    return match ? match[1]! : null;
  };

  for (const prepareInWorker of [false, true]) {
    it(`renders the contact's own link in the starter invitation (prepared ${prepareInWorker ? 'on the worker thread' : 'in process'})`, async () => {
      const own = prepareInWorker ? await mailWorld({ prepareInWorker: true }) : world;
      try {
        const ana = subscribedContact(own, 'ana@example.com', { first_name: 'Ana' });
        queueMessage(own, ana, { templateId: 'referral_invite' });
        await own.mail.delivery.runOnce();
        const mail = own.smtp.to('ana@example.com').at(-1)!;
        expect(mail.parsed.subject).toBe('Give 20%, get 20%');
        const code = referralLinkIn(mail);
        expect(code).toBe(referralCode(TEST_SECRET, ana));
        expect(verifyReferralCode(TEST_SECRET, code)).toBe(ana);
      } finally {
        if (own !== world) await own.cleanup();
      }
    });
  }

  it('renders a link that names no one in previews and test sends', async () => {
    const content = { subject: 'Hi', preheader: '', body: '<mj-section><mj-column><mj-button href="{{ contact.referral_url }}">Share</mj-button><mj-text>{{ contact.referral_url }}</mj-text></mj-column></mj-section>', text: '' };
    const preview = await previewTemplate(world.db, { content, layout: 'marketing' });
    expect(preview.ok).toBe(true);
    if (!preview.ok) return;
    expect(preview.text).toContain('/subscribe?ref=preview');
    const owner = await makeUser(world.fresh.ws, 'marketer');
    await callerFor(world.fresh.ws, owner, world.clock).templates.testSend({ content, layout: 'marketing', to: 'tester@example.com' });
    const test = await until(() => world.smtp.to('tester@example.com')[0], 'the test email');
    expect(String(test.parsed.text)).toContain(`${PUBLIC_URL}/subscribe?ref=preview`);
    // The preview link leads to the real form, whose code is quietly ignored.
    await subscribeThroughLink(`${PUBLIC_URL}/subscribe?ref=preview`, 'ivy@example.com');
    expect(row('ivy@example.com')!.subscription).toBe('pending');
  });
});

describe('the contact API', () => {
  it('shows the referral link, who referred a contact and whom they referred with their subscription', async () => {
    const ana = subscribedContact(world, 'ana@example.com', { first_name: 'Ana' });
    const link = referralUrl(PUBLIC_URL, TEST_SECRET, ana);
    await subscribeThroughLink(link, 'ben@example.com');
    await confirmLatest('ben@example.com', 1);
    world.clock.advance(3_600_000);
    await subscribeThroughLink(link, 'cy@example.com');
    await confirmLatest('cy@example.com', 1);
    await subscribeThroughLink(link, 'dee@example.com'); // not confirmed: not referred (yet)
    const ben = row('ben@example.com')!;
    const cy = row('cy@example.com')!;
    unsubscribe(world.db, world.clock, cy.id, { source: 'test' });

    const api = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'manager'), world.clock);
    const of = await api.contacts.referrals({ id: ana });
    expect(of).toMatchObject({ code: referralCode(TEST_SECRET, ana), url: link, referredBy: null, referredCount: 2 });
    expect(of.referred).toEqual([
      { id: cy.id, email: 'cy@example.com', name: 'Friend', subscription: 'unsubscribed', at: cy.referredAt },
      { id: ben.id, email: 'ben@example.com', name: 'Friend', subscription: 'subscribed', at: ben.referredAt },
    ]);
    const byBen = await api.contacts.referrals({ id: ben.id });
    expect(byBen.referredBy).toEqual({ id: ana, email: 'ana@example.com', name: 'Ana', subscription: 'subscribed', at: ben.referredAt });
    expect(byBen.referred).toEqual([]);

    await expect(callerFor(world.fresh.ws, null).contacts.referrals({ id: ana })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(api.contacts.referrals({ id: 'c_nobody' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
