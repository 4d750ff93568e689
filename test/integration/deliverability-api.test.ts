// The Deliverability page's query: per sending domain what was sent and reported, with the last DNS check, "other
// domains" for mail from an unconfigured one, the reports that changed nothing; for admins and managers only.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../server/ids.ts';
import { receiveInbound } from '../../server/mail/inbound/process.ts';
import { verpAddress } from '../../server/mail/inbound/verp.ts';
import { saveSender } from '../../server/mail/settings.ts';
import { callerFor, makeUser, TEST_SECRET } from './helpers.ts';
import { mailWorld, subscribedContact, type MailWorld } from './mail-helpers.ts';

const BOUNCE_DOMAIN = 'bounces.example.com';
const settings = { bounceDomains: [BOUNCE_DOMAIN], secret: TEST_SECRET };

let world: MailWorld;
beforeEach(async () => {
  world = await mailWorld({ now: '2026-03-10T09:00:00Z' });
});
afterEach(() => world.cleanup());

async function send(contactId: string): Promise<string> {
  const now = world.clock.now().getTime();
  const id = timeOrderedId('m_', now);
  world.db.$client
    .prepare(`INSERT INTO messages (id, contact_id, enrollment_id, journey_id, node_id, visit, template_id, data, category, when_capped, status, next_attempt_at, created_at)
      VALUES (?, ?, ?, 'j1', 'welcome', 1, 'welcome', '{}', 'marketing', 'delay', 'queued', ?, ?)`)
    .run(id, contactId, `e_${id}`, now, now);
  expect((await world.mail.delivery.runOnce()).outcomes.sent).toBe(1);
  return id;
}

const hardBounceOf = (messageId: string) =>
  Buffer.from(
    readFileSync(new URL('./fixtures/inbound/postfix-hard-bounce.eml', import.meta.url), 'latin1')
      .replace(/bounce\+m_[0-9a-z]{26}\.[0-9a-z]{16}@bounces\.example\.com/g, verpAddress(messageId, BOUNCE_DOMAIN, TEST_SECRET))
      .replace(/<m_[0-9a-z]{26}@/g, `<${messageId}@`),
    'latin1',
  );

describe('deliverability.report', () => {
  it('gives each sending domain its figures, its DNS check and its warnings; other domains and unapplied reports after', async () => {
    // Two emails from the shop's address (a subdomain of its sending domain) and one from the fallback address.
    saveSender(world.db, null, { label: 'Shop', fromName: 'Shop', fromEmail: 'hello@news.shop.example', replyTo: null, isDefault: true });
    const ana = subscribedContact(world, 'ana.lopez@example.net');
    const first = await send(ana);
    await send(subscribedContact(world, 'ben@example.org'));
    world.db.$client.prepare(`DELETE FROM senders`).run();
    await send(subscribedContact(world, 'cy@example.org'));
    const check = { at: world.clock.now().getTime(), ok: false, records: [{ purpose: 'dkim', name: 'k1._domainkey.shop.example', status: 'missing', found: null, message: 'No DKIM record is published yet.' }] };
    world.db.$client
      .prepare(`INSERT INTO sending_domains (id, domain, bounce_domain, keys, last_check, created_at) VALUES ('d1', 'shop.example', ?, '[]', ?, 0)`)
      .run(BOUNCE_DOMAIN, JSON.stringify(check));
    expect((await receiveInbound(world.db, world.clock, hardBounceOf(first), { to: [verpAddress(first, BOUNCE_DOMAIN, TEST_SECRET)], from: '' }, settings)).ok).toBe(true);
    await receiveInbound(world.db, world.clock, Buffer.from('Subject: hi\r\n\r\nis this the shop?'), { to: [`info@${BOUNCE_DOMAIN}`], from: 'x@example.org' }, settings);

    const report = await callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'manager'), world.clock).deliverability.report();
    expect(report.thresholds).toEqual({ bounceRate: 0.02, complaintRate: 0.003 });
    expect(report.domains.map((d) => d.domain)).toEqual(['shop.example', '(other domains)']);
    const [shop, other] = report.domains;
    expect(shop).toMatchObject({ configured: true, bounceDomain: BOUNCE_DOMAIN, fromDomains: ['news.shop.example', 'shop.example'] });
    expect(shop!.auth).toEqual({ status: 'problems', checkedAt: check.at, problems: [{ purpose: 'dkim', name: 'k1._domainkey.shop.example', message: 'No DKIM record is published yet.' }] });
    expect(shop!.windows[0]).toEqual({ days: 7, sent: 2, bounced: 1, complained: 0, bounceRate: 0.5, complaintRate: 0 });
    expect(shop!.daily.at(-1)).toMatchObject({ date: '2026-03-10', sent: 2, bounced: 1 });
    expect(shop!.warnings).toEqual([expect.stringMatching(/^Bounces were 50% of sent mail over the last 7 days/)]);
    // The fallback sender is no-reply@ the brand's website host: shop.example.com is not under shop.example.
    expect(other).toMatchObject({ configured: false, auth: null, fromDomains: ['shop.example.com'] });
    expect(other!.windows[1]).toMatchObject({ sent: 1, bounced: 0 });
    expect(report.unapplied.count).toBe(1);
    expect(report.unapplied.latest).toEqual([expect.objectContaining({ kind: 'unmatched', note: 'not a report: the message is text/plain', envelopeTo: `info@${BOUNCE_DOMAIN}` })]);
  });

  it('is for admins and managers', async () => {
    const ws = world.fresh.ws;
    await expect(callerFor(ws, await makeUser(ws, 'admin'), world.clock).deliverability.report()).resolves.toMatchObject({ domains: [] });
    await expect(callerFor(ws, await makeUser(ws, 'marketer'), world.clock).deliverability.report()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerFor(ws, null, world.clock).deliverability.report()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
