// Mail from a configured sending domain, sent through the delivery loop to the built-in SMTP server: DKIM-signed with
// the domain's RSA and Ed25519 keys (verified by mailauth against the records Kairos says to publish, through a stub
// resolver), broken by one changed body byte, with the message's VERP address as envelope sender once Check DNS found
// the bounce domain's MX (the From address before); other mail as before.
import { dkimVerify } from 'mailauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DnsResolver } from '../../server/mail/domains/dnsCheck.ts';
import type { DomainView } from '../../server/mail/domains/service.ts';
import { parseVerp, verpAddress } from '../../server/mail/inbound/verp.ts';
import { storeCapturedEmail } from '../../server/mail/capture.ts';
import { saveSender } from '../../server/mail/settings.ts';
import { callerFor, makeUser, TEST_SECRET } from './helpers.ts';
import { mailWorld, queueMessage, subscribedContact, until, type MailWorld, type Received } from './mail-helpers.ts';

/** mailauth's resolver answering the TXT records a domain's card lists, as the strings DNS stores; nothing else exists. */
function publishing(view: DomainView) {
  const txt = new Map<string, string[][]>();
  for (const record of view.records) if (record.type === 'TXT') txt.set(record.name, [...(txt.get(record.name) ?? []), record.chunks]);
  return async (name: string, type: string): Promise<string[][]> => {
    const found = type === 'TXT' ? txt.get(name) : undefined;
    if (found) return found;
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
}

/** DNS for Check DNS: the records of the domains passed to `publish` (TXT and MX), nothing else. */
function stubDns() {
  const txt = new Map<string, string[][]>();
  const mx = new Map<string, string[]>();
  const missing = (name: string) => Object.assign(new Error(`query ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  const resolver: DnsResolver = {
    resolveTxt: async (name) => txt.get(name) ?? Promise.reject(missing(name)),
    resolveMx: async (name) => mx.get(name)?.map((exchange) => ({ exchange, priority: 10 })) ?? Promise.reject(missing(name)),
  };
  const publish = (view: DomainView) => {
    for (const record of view.records) {
      if (record.type === 'TXT') txt.set(record.name, [...(txt.get(record.name) ?? []), record.chunks]);
      if (record.type === 'MX') mx.set(record.name, [record.value]);
    }
  };
  return { resolver, publish };
}

/** Each signature's selector, algorithm and result, sorted. */
async function verification(raw: Buffer, view: DomainView): Promise<string[][]> {
  const { results } = await dkimVerify(raw, { resolver: publishing(view) });
  return results.map((r) => [String(r.signingDomain), String(r.selector), String(r.status.header?.a), String(r.status.result)]).sort((a, b) => a[1]!.localeCompare(b[1]!));
}

/** The message with the first byte of its text part changed. */
function withBodyByteChanged(raw: Buffer): Buffer {
  const marker = Buffer.from('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n');
  const at = raw.indexOf(marker) + marker.length;
  expect(at).toBeGreaterThan(marker.length);
  const changed = Buffer.from(raw);
  changed[at] = changed[at] === 0x58 ? 0x59 : 0x58;
  return changed;
}

const dkimHeaders = (r: Received) => r.parsed.headerLines.filter((h) => h.key === 'dkim-signature');

describe.each([
  ['on the delivery thread', false],
  ['on the preparation worker thread', true],
] as const)('mail from a configured sending domain, prepared %s', (_where, prepareInWorker) => {
  let world: MailWorld;
  let dns: ReturnType<typeof stubDns>;
  beforeEach(async () => {
    dns = stubDns();
    world = await mailWorld({ prepareInWorker, dnsResolver: dns.resolver });
  });
  afterEach(() => world.cleanup());

  it('is signed with both keys, verifies against the published records, fails after one body byte changes, and has its VERP envelope sender', async () => {
    // The default sender is hello@shop.example.com: a subdomain of the configured domain signs as the domain.
    const domain = await world.mail.domains.add({ domain: 'example.com' });
    dns.publish(domain);
    expect((await world.mail.domains.check(domain.id)).lastCheck!.ok).toBe(true);
    const contactId = subscribedContact(world, 'ana@example.org', { first_name: 'Ana' });
    const messageId = queueMessage(world, contactId);

    expect((await world.mail.delivery.runOnce()).outcomes.sent).toBe(1);
    const [received] = world.smtp.to('ana@example.org');
    expect(dkimHeaders(received!)).toHaveLength(2);
    expect(await verification(received!.raw, domain)).toEqual([
      ['example.com', 'kairos-ed1', 'ed25519-sha256', 'pass'],
      ['example.com', 'kairos1', 'rsa-sha256', 'pass'],
    ]);
    // RFC 8058 4: both List-Unsubscribe fields are signed, so no one on the way can swap the one-click target.
    for (const signature of dkimHeaders(received!)) {
      const signed = /\bh=([^;]+)/.exec(signature.line.replace(/\r?\n\s+/g, ''))![1]!.split(':').map((name) => name.trim().toLowerCase());
      expect(signed).toEqual(expect.arrayContaining(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']));
    }
    const broken = await verification(withBodyByteChanged(received!.raw), domain);
    expect(broken.map(([, selector, , result]) => [selector, result === 'pass' ? 'pass' : 'not pass'])).toEqual([
      ['kairos-ed1', 'not pass'],
      ['kairos1', 'not pass'],
    ]);

    // The envelope sender (what the receiver writes into Return-Path) names this message, and no header claims it.
    expect(received!.from).toBe(verpAddress(messageId, 'bounces.example.com', TEST_SECRET));
    expect(parseVerp(received!.from, 'bounces.example.com', TEST_SECRET)).toEqual({ messageId });
    expect(received!.parsed.headerLines.some((h) => h.key === 'return-path')).toBe(false);

    // In the Inbox, the signatures are among the headers.
    await storeCapturedEmail(world.db, world.clock, received!);
    const owner = await makeUser(world.fresh.ws, 'admin');
    const api = callerFor(world.fresh.ws, owner, world.clock);
    const [listed] = await api.inbox.list({ recipient: 'ana@example.org' });
    const stored = await api.inbox.get({ id: listed!.id });
    expect(stored.headers.filter(([name]) => name === 'DKIM-Signature').map(([, value]) => /\bs=([^;]+)/.exec(value)?.[1]).sort()).toEqual(['kairos-ed1', 'kairos1']);
  });

  it("is signed but keeps the From address as envelope sender until Check DNS finds the bounce domain's MX", async () => {
    const domain = await world.mail.domains.add({ domain: 'example.com' });
    const send = async (email: string) => {
      queueMessage(world, subscribedContact(world, email));
      expect((await world.mail.delivery.runOnce()).outcomes.sent).toBe(1);
      return world.smtp.to(email)[0]!;
    };
    // Not checked yet: a receiver that verifies the sender's domain would refuse bounces.example.com at MAIL FROM.
    const unchecked = await send('ana@example.org');
    expect(unchecked.from).toBe('hello@shop.example.com');
    expect((await verification(unchecked.raw, domain)).map((r) => r[3])).toEqual(['pass', 'pass']);

    // Checked with everything published but the MX: still the From address.
    dns.publish({ ...domain, records: domain.records.filter((r) => r.type !== 'MX') });
    const withoutMx = await world.mail.domains.check(domain.id);
    expect(withoutMx.lastCheck!.records.find((r) => r.purpose === 'return-path' && r.type === 'MX')).toMatchObject({ name: 'bounces.example.com', status: 'missing' });
    expect((await send('ben@example.org')).from).toBe('hello@shop.example.com');

    dns.publish({ ...domain, records: domain.records.filter((r) => r.type === 'MX') });
    await world.mail.domains.check(domain.id);
    const ready = await send('cleo@example.org');
    expect(parseVerp(ready.from, 'bounces.example.com', TEST_SECRET)).not.toBeNull();
  });

  it('leaves mail from other domains unsigned, with the From address as envelope sender', async () => {
    await world.mail.domains.add({ domain: 'example.com' });
    saveSender(world.db, null, { label: 'Elsewhere', fromName: 'Elsewhere', fromEmail: 'news@elsewhere.test', replyTo: null, isDefault: true });
    // A name that merely ends like the domain is not on it.
    saveSender(world.db, null, { label: 'Look-alike', fromName: 'Look-alike', fromEmail: 'news@notexample.com', replyTo: null, isDefault: false });
    const senders = (await callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'admin'), world.clock).sending.senders()).filter((s) => s.label === 'Look-alike');
    const ana = subscribedContact(world, 'ana@example.org');
    const ben = subscribedContact(world, 'ben@example.org');
    queueMessage(world, ana);
    queueMessage(world, ben, { data: { senderId: senders[0]!.id } });

    expect((await world.mail.delivery.runOnce()).outcomes.sent).toBe(2);
    const [toAna] = world.smtp.to('ana@example.org');
    const [toBen] = world.smtp.to('ben@example.org');
    expect([toAna!.from, dkimHeaders(toAna!).length]).toEqual(['news@elsewhere.test', 0]);
    expect([toBen!.from, dkimHeaders(toBen!).length]).toEqual(['news@notexample.com', 0]);
  });

  it('signs again once a removed domain is added back, with its new keys', async () => {
    const first = await world.mail.domains.add({ domain: 'shop.example.com' });
    world.mail.domains.remove(first.id);
    queueMessage(world, subscribedContact(world, 'ana@example.org'));
    await world.mail.delivery.runOnce();
    expect(dkimHeaders(world.smtp.to('ana@example.org')[0]!)).toHaveLength(0);

    const again = await world.mail.domains.add({ domain: 'shop.example.com' });
    queueMessage(world, subscribedContact(world, 'ben@example.org'));
    await world.mail.delivery.runOnce();
    const [received] = world.smtp.to('ben@example.org');
    expect((await verification(received!.raw, again)).map((r) => r[3])).toEqual(['pass', 'pass']);
    // Verified against the first keys, the signatures fail: they are not reused.
    expect((await verification(received!.raw, first)).map((r) => r[3])).not.toContain('pass');
  });
});

describe('a test send from a sender on a configured domain', () => {
  let world: MailWorld;
  let dns: ReturnType<typeof stubDns>;
  beforeEach(async () => {
    dns = stubDns();
    world = await mailWorld({ dnsResolver: dns.resolver });
  });
  afterEach(() => world.cleanup());

  it("arrives signed, with a VERP envelope sender once the bounce domain's MX is found (the From address before)", async () => {
    const domain = await world.mail.domains.add({ domain: 'shop.example.com' });
    const api = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'marketer'), world.clock);
    const content = { subject: 'Hi {{ contact.first_name }}', preheader: '', body: '<mj-section><mj-column><mj-text>Hello there</mj-text></mj-column></mj-section>', text: '' };
    await api.templates.testSend({ content, layout: 'marketing', to: 'early@agency.example' });
    const early = await until(() => world.smtp.to('early@agency.example')[0], 'the test email before Check DNS');
    expect(early.from).toBe('hello@shop.example.com');
    expect((await verification(early.raw, domain)).map((r) => r[3])).toEqual(['pass', 'pass']);

    dns.publish(domain);
    await world.mail.domains.check(domain.id);
    await api.templates.testSend({ content, layout: 'marketing', to: 'qa@agency.example' });

    const received = await until(() => world.smtp.to('qa@agency.example')[0], 'the test email');
    expect(received.parsed.subject).toBe('[Test] Hi Alex');
    expect((await verification(received.raw, domain)).map((r) => [r[1], r[3]])).toEqual([
      ['kairos-ed1', 'pass'],
      ['kairos1', 'pass'],
    ]);
    expect(received.from).toMatch(/^bounce\+test-[0-9a-f]{32}\.[0-9a-z]{16}@bounces\.shop\.example\.com$/);
  });
});
