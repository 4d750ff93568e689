// The /v1 event API over HTTP: write keys, limits, validation, idempotency, time, identities and consent.
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { createApiKey, revokeApiKey } from '../../server/contacts/apiKeys.ts';
import { contacts, events } from '../../server/db/schema.ts';
import { post, startIngestServer, storedCounts, type IngestServer } from './ingest-helpers.ts';

const clock = fixedClock('2025-06-01T12:00:00Z');
let srv: IngestServer;
beforeAll(async () => {
  srv = await startIngestServer(clock);
});
afterAll(() => srv.close());
beforeEach(() => clock.set('2025-06-01T12:00:00Z'));

let n = 0;
const uid = (prefix = 'u') => `${prefix}-${++n}`;
const contactByEmail = (email: string) => srv.ws.db.select().from(contacts).where(eq(contacts.email, email)).get();
const eventsOf = (contactId: string) => srv.ws.db.select().from(events).where(eq(events.contactId, contactId)).orderBy(asc(events.id)).all();

describe('write keys', () => {
  test('no key, an unknown key and a revoked key are refused with 401 and nothing is stored', async () => {
    const before = storedCounts(srv);
    const call = { userId: 'x', traits: { email: 'nobody@example.com' } };
    const none = await post(srv, '/v1/identify', call, { key: null });
    expect(none.status).toBe(401);
    expect(none.body.message).toMatch(/write key/);
    expect((await post(srv, '/v1/identify', call, { key: 'kw_not-a-real-key' })).status).toBe(401);

    const { id, key } = createApiKey(srv.ws.db, clock, { name: 'old shop' });
    expect((await post(srv, '/v1/identify', { ...call, traits: { email: 'valid@example.com' } }, { key })).status).toBe(200);
    revokeApiKey(srv.ws.db, clock, id);
    const revoked = await post(srv, '/v1/identify', call, { key });
    expect(revoked.status).toBe(401);
    expect(revoked.body.message).toMatch(/revoked/);
    expect(contactByEmail('nobody@example.com')).toBeUndefined();
    expect(storedCounts(srv).contacts).toBe(before.contacts + 1);
  });
});

describe('limits and validation', () => {
  test('a call over 32 KB and a batch over 500 KB get 413, also when gzipped small', async () => {
    const before = storedCounts(srv);
    const big = { userId: 'big', event: 'x', properties: { blob: 'a'.repeat(33 * 1024) } };
    const single = await post(srv, '/v1/track', big);
    expect(single.status).toBe(413);
    expect(single.body.message).toMatch(/32 KB/);
    // Compresses to a few hundred bytes: the limit counts what the body inflates to.
    expect((await post(srv, '/v1/track', big, { gzip: true })).status).toBe(413);

    const batch = { batch: Array.from({ length: 20 }, (_, i) => ({ type: 'track', userId: 'b', event: 'e', properties: { i, blob: 'b'.repeat(30 * 1024) } })) };
    const tooBig = await post(srv, '/v1/batch', batch);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.message).toMatch(/500 KB/);
    const oneCallTooBig = await post(srv, '/v1/batch', { batch: [{ type: 'track', userId: 'b', event: 'e', properties: { blob: 'c'.repeat(40 * 1024) } }] });
    expect(oneCallTooBig).toMatchObject({ status: 400, body: { message: 'batch[0]: a call may be at most 32 KB' } });
    expect(storedCounts(srv)).toEqual(before);
  });

  test('invalid payloads get 400 naming the field; one bad call refuses the whole batch', async () => {
    const before = storedCounts(srv);
    expect(await post(srv, '/v1/track', { userId: 'a' })).toMatchObject({ status: 400, body: { message: 'event: is required and must be a string' } });
    expect(await post(srv, '/v1/track', { event: 'x' })).toMatchObject({ status: 400, body: { message: 'userId: userId or anonymousId is required' } });
    expect(await post(srv, '/v1/identify', { userId: 'a', traits: { email: 'not-an-email' } })).toMatchObject({
      status: 400,
      body: { message: 'traits.email: must be an email address such as ana@example.com' },
    });
    expect(await post(srv, '/v1/track', { userId: 'a', event: '$phase_entered' })).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^event: must not start with \$/) } });
    expect(await post(srv, '/v1/track', { userId: 'a', event: 'x', timestamp: 'yesterday' })).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^timestamp: must be an ISO-8601/) } });
    expect(await post(srv, '/v1/identify', {}, { raw: '{"userId": ' })).toMatchObject({ status: 400, body: { message: 'body: is not valid JSON' } });
    expect(await post(srv, '/v1/batch', { batch: [
      { type: 'identify', userId: 'ok', traits: { email: 'ok@example.com' } },
      { type: 'track', userId: 'ok' },
    ] })).toMatchObject({ status: 400, body: { message: 'batch[1].event: is required and must be a string' } });
    expect(await post(srv, '/v1/batch', { batch: [{ type: 'launch', userId: 'ok' }] })).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^batch\[0\]\.type: must be one of identify, track/) } });
    expect(await post(srv, '/v1/batch', { events: [] })).toMatchObject({ status: 400, body: { message: 'batch: is required and must be a list of calls' } });
    expect(storedCounts(srv)).toEqual(before);
  });

  test('every call type has its endpoint: none is a 404', async () => {
    const userId = uid();
    await post(srv, '/v1/identify', { userId, traits: { email: `${userId}@example.com` } });
    for (const [path, body] of [
      ['/v1/page', { userId, name: 'Home' }],
      ['/v1/screen', { userId, name: 'Cart' }],
      ['/v1/group', { userId, groupId: 'g1' }],
      ['/v1/alias', { userId: `${userId}-b`, previousId: userId }],
      ['/v1/import', { batch: [{ type: 'track', userId: `${userId}-b`, event: 'imported' }] }],
    ] as const) {
      expect((await post(srv, path, body)).status, path).toBe(200);
    }
    const c = contactByEmail(`${userId}@example.com`)!;
    expect(eventsOf(c.id).map((e) => e.name)).toEqual(['$identify', '$page', '$screen', '$group', '$alias', 'imported']);
  });
});

describe('idempotency and time', () => {
  test('the same messageId twice stores one event, also across endpoints and inside one batch', async () => {
    const userId = uid();
    await post(srv, '/v1/identify', { userId, messageId: `id-${userId}`, traits: { email: `${userId}@example.com` } });
    const track = { type: 'track', userId, event: 'order_completed', messageId: `m-${userId}` };
    expect((await post(srv, '/v1/track', track)).status).toBe(200);
    expect((await post(srv, '/v1/track', track)).status).toBe(200);
    expect((await post(srv, '/v1/batch', { batch: [track, track] })).status).toBe(200);
    expect((await post(srv, '/v1/identify', { userId, messageId: `id-${userId}`, traits: { email: `${userId}@example.com`, plan: 'x' } })).status).toBe(200);

    const c = contactByEmail(`${userId}@example.com`)!;
    expect(eventsOf(c.id).map((e) => e.name)).toEqual(['$identify', 'order_completed', '$phase_entered']);
    // The repeated identify changed nothing either.
    expect(c.traits).toEqual({});
  });

  test('timestamp is kept; with sentAt the sender’s clock skew is corrected as Segment does', async () => {
    const userId = uid();
    await post(srv, '/v1/identify', { userId, traits: { email: `${userId}@example.com` } });
    await post(srv, '/v1/track', { userId, event: 'past', timestamp: '2025-05-01T08:00:00Z' });
    // The sender's clock is 10 minutes fast: it sent at 12:10 "its time" something that happened 5 minutes earlier.
    await post(srv, '/v1/track', { userId, event: 'skewed', timestamp: '2025-06-01T12:05:00Z', sentAt: '2025-06-01T12:10:00Z' });
    await post(srv, '/v1/track', { userId, event: 'now' });
    const byName = Object.fromEntries(eventsOf(contactByEmail(`${userId}@example.com`)!.id).map((e) => [e.name, e]));
    expect(byName.past!.timestamp.toISOString()).toBe('2025-05-01T08:00:00.000Z');
    expect(byName.skewed!.timestamp.toISOString()).toBe('2025-06-01T11:55:00.000Z');
    expect(byName.now!.timestamp.toISOString()).toBe('2025-06-01T12:00:00.000Z');
    expect(byName.now!.receivedAt.toISOString()).toBe('2025-06-01T12:00:00.000Z');
  });
});

describe('identities', () => {
  test('calls about someone not known by email wait, and join the contact when an identify names them', async () => {
    const anon = uid('anon');
    const before = storedCounts(srv);
    await post(srv, '/v1/track', { anonymousId: anon, event: 'viewed_pricing', messageId: `${anon}-1`, timestamp: '2025-06-01T10:00:00Z' });
    await post(srv, '/v1/page', { anonymousId: anon, name: 'Pricing', timestamp: '2025-06-01T10:01:00Z' });
    expect(storedCounts(srv)).toMatchObject({ contacts: before.contacts, events: before.events, unresolved_calls: before.unresolved_calls + 2 });
    // A retry of a waiting call is still a duplicate.
    await post(srv, '/v1/track', { anonymousId: anon, event: 'viewed_pricing', messageId: `${anon}-1` });
    expect(storedCounts(srv).unresolved_calls).toBe(before.unresolved_calls + 2);

    await post(srv, '/v1/identify', { anonymousId: anon, userId: `${anon}-user`, traits: { email: `${anon}@example.com` } });
    const c = contactByEmail(`${anon}@example.com`)!;
    expect(c.externalId).toBe(`${anon}-user`);
    expect(eventsOf(c.id).map((e) => [e.name, e.timestamp.toISOString()])).toEqual([
      ['viewed_pricing', '2025-06-01T10:00:00.000Z'],
      ['$page', '2025-06-01T10:01:00.000Z'],
      ['$identify', '2025-06-01T12:00:00.000Z'],
    ]);
    expect(storedCounts(srv).unresolved_calls).toBe(before.unresolved_calls);
    // Later calls with only the anonymousId reach the same contact.
    await post(srv, '/v1/track', { anonymousId: anon, event: 'added_to_cart' });
    expect(eventsOf(c.id).at(-1)!.name).toBe('added_to_cart');
  });

  test('an email change keeps the contact and its history', async () => {
    const userId = uid();
    await post(srv, '/v1/identify', { userId, traits: { email: `${userId}@old.example.com`, name: 'Cleo' } });
    await post(srv, '/v1/track', { userId, event: 'order_completed' });
    await post(srv, '/v1/identify', { userId, traits: { email: `${userId}@new.example.com` } });
    expect(contactByEmail(`${userId}@old.example.com`)).toBeUndefined();
    const c = contactByEmail(`${userId}@new.example.com`)!;
    expect(c).toMatchObject({ externalId: userId, name: 'Cleo', phase: 'customer' });
    const changed = eventsOf(c.id).find((e) => e.name === '$email_changed')!;
    expect(changed.properties).toEqual({ from: `${userId}@old.example.com`, to: `${userId}@new.example.com` });
    expect(eventsOf(c.id).map((e) => e.name)).toContain('order_completed');
  });

  test('an anonymous contact and a signed-in one merge into one when an identify links them', async () => {
    const userId = uid();
    const anon = `${userId}-device`;
    await post(srv, '/v1/identify', { userId, traits: { email: `${userId}@example.com`, plan: 'pro' } });
    // Known on this device only by a newsletter signup with another address.
    await post(srv, '/v1/identify', { anonymousId: anon, traits: { email: `${userId}.alt@example.com`, city: 'Porto' } });
    await post(srv, '/v1/track', { anonymousId: anon, event: 'viewed_pricing' });
    await post(srv, '/v1/identify', { userId, anonymousId: anon, traits: {} });

    expect(contactByEmail(`${userId}.alt@example.com`)).toBeUndefined();
    const c = contactByEmail(`${userId}@example.com`)!;
    expect(c.traits).toEqual({ plan: 'pro', city: 'Porto' });
    const names = eventsOf(c.id).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['viewed_pricing', '$merged']));
  });
});

describe('consent', () => {
  test('only an explicit consent trait changes the subscription, recording time, source and IP', async () => {
    const userId = uid();
    const email = `${userId}@example.com`;
    await post(srv, '/v1/identify', { userId, traits: { email, subscribed: 'yes please' } });
    expect(contactByEmail(email)).toMatchObject({ subscription: 'none', consentAt: null });

    clock.set('2025-06-01T12:30:00Z');
    await post(srv, '/v1/identify', { userId, traits: { consent: true }, context: { ip: '203.0.113.9' } });
    expect(contactByEmail(email)).toMatchObject({ subscription: 'pending', consentSource: 'api', consentIp: '203.0.113.9', consentAt: new Date('2025-06-01T12:30:00Z') });
    expect(contactByEmail(email)!.traits).not.toHaveProperty('consent');

    await post(srv, '/v1/identify', { userId, traits: { consent: 'subscribed' } });
    expect(contactByEmail(email)).toMatchObject({ subscription: 'subscribed', phase: 'subscriber' });
    await post(srv, '/v1/identify', { userId, traits: { consent: false } });
    expect(contactByEmail(email)!.subscription).toBe('unsubscribed');

    const refused = await post(srv, '/v1/identify', { userId, traits: { consent: 'maybe' } });
    expect(refused).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^traits\.consent: /) } });
    expect(eventsOf(contactByEmail(email)!.id).filter((e) => e.name.startsWith('$subscription') || e.name === '$unsubscribed').map((e) => e.name)).toEqual([
      '$subscription_pending',
      '$subscription_confirmed',
      '$unsubscribed',
    ]);
  });
});
