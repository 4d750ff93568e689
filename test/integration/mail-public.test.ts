// The public endpoints over HTTP: subscribe and double opt-in, RFC 8058 one-click unsubscribe, preferences, tracking that cannot be turned into an open redirect.
import { beforeEach, describe, expect, it } from 'vitest';
import { getContact } from '../../server/contacts/db.ts';
import { SUBSCRIBE_LIMIT } from '../../server/http/public.ts';
import { header, messageRow, PUBLIC_URL, queueMessage, servedWorldPerTest, subscribedContact, until, type MailWorld, type Received } from './mail-helpers.ts';

const served = servedWorldPerTest();
let world: MailWorld;
let base: string;
beforeEach(() => ({ world, base } = served));

/** Links in emails point at PUBLIC_URL; the test server listens elsewhere. */
const local = (url: string) => url.replace(PUBLIC_URL, base);


function eventsOf(contactId: string): string[] {
  return (world.db.$client.prepare('SELECT name FROM events WHERE contact_id = ? ORDER BY id').all(contactId) as { name: string }[]).map((e) => e.name);
}

const contactByEmail = (email: string) => world.db.$client.prepare('SELECT * FROM contacts WHERE email = ?').get(email) as Record<string, unknown> | undefined;

function hrefs(mail: Received): string[] {
  return [...String(mail.parsed.html).matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}

async function sentMarketingEmail(email: string): Promise<{ mail: Received; messageId: string }> {
  const id = queueMessage(world, subscribedContact(world, email, { first_name: 'Ana' }));
  await world.mail.delivery.runOnce();
  return { mail: world.smtp.to(email).at(-1)!, messageId: id };
}

describe('subscribe and confirm (double opt-in)', () => {
  it('makes a pending contact, sends the confirmation at once, and confirms from the link with time and IP', async () => {
    const response = await fetch(`${base}/v1/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: '  Nia@Example.COM ', traits: { first_name: 'Nia' } }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'pending', message: 'Check your inbox and confirm your subscription.' });
    const contact = contactByEmail('nia@example.com')!;
    expect(contact).toMatchObject({ subscription: 'pending', consent_source: 'subscribe_api' });

    // No tick, no journey: the consent system sends it right away.
    const confirmation = await until(() => world.smtp.to('nia@example.com')[0], 'the confirmation email');
    expect(confirmation.parsed.subject).toBe('Please confirm your subscription to Kairos Shop');
    expect(confirmation.parsed.text).toContain('Hi Nia');
    const confirmUrl = hrefs(confirmation).find((h) => h.startsWith(`${PUBLIC_URL}/confirm/`))!;
    expect(confirmUrl).toBeDefined();
    expect(confirmation.parsed.text).toContain(confirmUrl);

    world.clock.advance(60_000);
    const page = await fetch(local(confirmUrl));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You are subscribed');
    const confirmed = contactByEmail('nia@example.com')!;
    expect(confirmed).toMatchObject({ subscription: 'subscribed', consent_source: 'confirm_link', consent_ip: expect.stringMatching(/127\.0\.0\.1/), consent_at: world.clock.now().getTime() });
    expect(eventsOf(String(confirmed.id))).toContain('$subscription_confirmed');

    // The link again: nothing changes.
    expect(await (await fetch(local(confirmUrl))).text()).toContain('already subscribed');
  });

  it('takes the hosted form, answers in HTML, and names a bad field without creating anything', async () => {
    const form = await fetch(`${base}/subscribe`);
    expect(await form.text()).toContain('<label for="email">Email address</label>');

    const bad = await fetch(`${base}/v1/subscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=not-an-email&first_name=Oli' });
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain('Email must be an email address');
    expect(badPage).toContain('value="Oli"');
    expect(world.db.$client.prepare('SELECT count(*) AS n FROM contacts').get()).toEqual({ n: 0 });

    const badJson = await fetch(`${base}/v1/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email": ' });
    expect(badJson.status).toBe(400);
    const noEmail = await fetch(`${base}/v1/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ traits: { a: 1 } }) });
    expect(noEmail.status).toBe(400);
    expect(await noEmail.json()).toMatchObject({ field: 'email' });

    const ok = await fetch(`${base}/v1/subscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=oli%40example.com&first_name=Oli' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Check your inbox');
    expect(contactByEmail('oli@example.com')).toMatchObject({ subscription: 'pending', consent_source: 'subscribe_form' });
    expect(JSON.parse(String(contactByEmail('oli@example.com')!.traits))).toEqual({ first_name: 'Oli' });
  });

  it('limits requests per address, and sends one confirmation per address in ten minutes', async () => {
    const post = (email: string) => fetch(`${base}/v1/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
    for (let i = 0; i < SUBSCRIBE_LIMIT.perIp; i++) expect((await post('same@example.com')).status).toBe(202);
    const limited = await post('other@example.com');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(contactByEmail('other@example.com')).toBeUndefined();
    await until(() => world.smtp.to('same@example.com')[0], 'the confirmation');
    await new Promise((r) => setTimeout(r, 100));
    expect(world.smtp.to('same@example.com')).toHaveLength(1);
  });

  it('sends nothing to an address that is subscribed already, and answers the same', async () => {
    subscribedContact(world, 'known@example.com');
    const response = await fetch(`${base}/v1/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'known@example.com' }) });
    expect(response.status).toBe(202);
    await new Promise((r) => setTimeout(r, 200));
    expect(world.smtp.received).toHaveLength(0);
    expect(contactByEmail('known@example.com')!.subscription).toBe('subscribed');
  });

  it('refuses a tampered or expired confirmation link and changes nothing', async () => {
    await fetch(`${base}/v1/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'pat@example.com' }) });
    const mail = await until(() => world.smtp.to('pat@example.com')[0], 'the confirmation');
    const confirmUrl = hrefs(mail).find((h) => h.startsWith(`${PUBLIC_URL}/confirm/`))!;
    const tampered = confirmUrl.slice(0, -3) + (confirmUrl.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await fetch(local(tampered))).status).toBe(400);
    expect(contactByEmail('pat@example.com')!.subscription).toBe('pending');

    world.clock.advance(8 * 24 * 60 * 60 * 1000);
    expect((await fetch(local(confirmUrl))).status).toBe(410);
    expect(contactByEmail('pat@example.com')!.subscription).toBe('pending');
  });
});

describe('unsubscribe (RFC 8058)', () => {
  it('unsubscribes with a one-click POST to the List-Unsubscribe URL: no cookie, no page', async () => {
    const { mail } = await sentMarketingEmail('ana@example.com');
    const url = header(mail, 'List-Unsubscribe')!.slice(1, -1);
    const response = await fetch(local(url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const contact = contactByEmail('ana@example.com')!;
    expect(contact).toMatchObject({ subscription: 'unsubscribed', consent_source: 'list_unsubscribe' });
    expect(eventsOf(String(contact.id))).toContain('$unsubscribed');
  });

  it('shows a confirmation and preferences page on GET and changes nothing until the button is pressed', async () => {
    const { mail } = await sentMarketingEmail('ana@example.com');
    const url = header(mail, 'List-Unsubscribe')!.slice(1, -1);
    const page = await fetch(local(url));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Email preferences');
    expect(html).toContain('ana@example.com');
    expect(html).toContain('Unsubscribe from all marketing emails');
    expect(contactByEmail('ana@example.com')!.subscription).toBe('subscribed');

    const pressed = await fetch(local(url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=unsubscribe' });
    expect(await pressed.text()).toContain('You are unsubscribed');
    expect(contactByEmail('ana@example.com')!.subscription).toBe('unsubscribed');

    // The preferences page lets them come back.
    const prefs = hrefs(mail).find((h) => h.startsWith(`${PUBLIC_URL}/preferences/`))!;
    const again = await fetch(local(prefs), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=resubscribe' });
    expect(await again.text()).toContain('subscribed again');
    expect(contactByEmail('ana@example.com')).toMatchObject({ subscription: 'subscribed', consent_source: 'preferences_page' });
  });

  it('refuses tampered tokens and changes nothing', async () => {
    const { mail } = await sentMarketingEmail('ana@example.com');
    const other = subscribedContact(world, 'bo@example.com');
    const url = header(mail, 'List-Unsubscribe')!.slice(1, -1);
    const token = url.slice(`${PUBLIC_URL}/u/`.length);
    const [body, mac] = token.split('.') as [string, string];
    // Point the signed token at another contact, keeping the signature.
    const forged = `${Buffer.from(JSON.stringify({ c: other })).toString('base64url')}.${mac}`;
    const flipped = `${body}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const bad of [forged, flipped, body, 'nonsense']) {
      const oneClick = await fetch(`${base}/u/${bad}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      expect(oneClick.status).toBe(400);
      expect((await fetch(`${base}/preferences/${bad}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=unsubscribe' })).status).toBe(400);
    }
    expect(contactByEmail('ana@example.com')!.subscription).toBe('subscribed');
    expect(getContact(world.db, other)!.subscription).toBe('subscribed');
  });
});

describe('tracking', () => {
  it('counts opens and clicks separately, first time and count, and records engagement once', async () => {
    const { mail, messageId } = await sentMarketingEmail('ana@example.com');
    const pixel = String(mail.parsed.html).match(/<img src="([^"]+\/o\/[^"]+)"/)![1]!;
    const click = hrefs(mail).find((h) => h.startsWith(`${PUBLIC_URL}/c/`))!;

    const gif = await fetch(local(pixel));
    expect(gif.headers.get('content-type')).toBe('image/gif');
    const firstOpen = world.clock.now().getTime();
    world.clock.advance(1000);
    await fetch(local(pixel));
    expect(messageRow(world.db, messageId)).toMatchObject({ openCount: 2, firstOpenedAt: firstOpen, clickCount: 0, firstClickedAt: null });

    const redirect = await fetch(local(click), { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe(world.mail.tokens.verify('click', click.split('/c/')[1]!)!.u);
    expect(messageRow(world.db, messageId)).toMatchObject({ openCount: 2, clickCount: 1, firstClickedAt: world.clock.now().getTime() });

    const contact = contactByEmail('ana@example.com')!;
    expect(eventsOf(String(contact.id)).filter((e) => e.startsWith('$email_'))).toEqual(['$email_opened', '$email_clicked']);
  });

  it('never redirects a tampered or unknown link anywhere, and ignores what the request adds', async () => {
    const { mail, messageId } = await sentMarketingEmail('ana@example.com');
    const click = hrefs(mail).find((h) => h.startsWith(`${PUBLIC_URL}/c/`))!;
    const token = click.split('/c/')[1]!;
    const original = world.mail.tokens.verify('click', token)!.u;
    const mac = token.split('.')[1]!;
    const evil = `${Buffer.from(JSON.stringify({ m: messageId, u: 'https://evil.example.net/' })).toString('base64url')}.${mac}`;

    for (const bad of [evil, `${token.split('.')[0]}.`, 'x.y', encodeURIComponent('https://evil.example.net/')]) {
      const response = await fetch(`${base}/c/${bad}`, { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
    // Extra parameters cannot steer a valid link.
    const steered = await fetch(`${local(click)}?u=${encodeURIComponent('https://evil.example.net/')}&url=https://evil.example.net/`, { redirect: 'manual' });
    expect(steered.headers.get('location')).toBe(original);
    expect(messageRow(world.db, messageId).clickCount).toBe(1);

    // A forged open pixel counts nothing but still answers an image.
    const fakePixel = await fetch(`${base}/o/${Buffer.from(JSON.stringify({ m: messageId })).toString('base64url')}.AAAA.gif`);
    expect(fakePixel.headers.get('content-type')).toBe('image/gif');
    expect(messageRow(world.db, messageId).openCount).toBe(0);
  });
});
