// Every path to "pending" asks for double opt-in the same way: an identify with consent "pending" sends the
// confirmation as /v1/subscribe does, the contact page can resend it, and /v1/subscribe never drops input silently.
import { beforeEach, expect, it } from 'vitest';
import { createApiKey } from '../../server/contacts/apiKeys.ts';
import { callerFor, makeUser } from './helpers.ts';
import { basicAuth } from './ingest-helpers.ts';
import { servedWorldPerTest, subscribedContact, until, type MailWorld } from './mail-helpers.ts';

const served = servedWorldPerTest({ now: '2026-12-03T12:00:00Z' });
let world: MailWorld;
let base: string;
beforeEach(() => ({ world, base } = served));

const contact = (email: string) =>
  world.db.$client.prepare(`SELECT id, subscription, traits FROM contacts WHERE email = ?`).get(email) as { id: string; subscription: string; traits: string } | undefined;
const confirmationsTo = (email: string) => world.smtp.to(email).filter((m) => m.parsed.subject?.startsWith('Please confirm'));

async function postJson(path: string, body: unknown, key?: string) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: basicAuth(key) } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

it('sends the confirmation to a contact an identify makes pending', async () => {
  const { key } = createApiKey(world.db, world.clock, { name: 'shop' });
  const answer = await postJson('/v1/identify', { userId: 'u-7', traits: { email: 'ivy@example.com', first_name: 'Ivy', consent: 'pending' } }, key);
  expect(answer.status).toBe(200);
  expect(contact('ivy@example.com')?.subscription).toBe('pending');

  await world.mail.delivery.runOnce();
  const sent = confirmationsTo('ivy@example.com');
  expect(sent).toHaveLength(1);
  expect(sent[0]!.parsed.text).toContain('Hi Ivy');
});

it('takes first_name and last_name at the top level of /v1/subscribe, and names any field it does not know', async () => {
  expect((await postJson('/v1/subscribe', { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' })).status).toBe(202);
  expect(JSON.parse(contact('ada@example.com')!.traits)).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace' });

  const refused = await postJson('/v1/subscribe', { email: 'bob@example.com', firstname: 'Bob' });
  expect(refused).toMatchObject({ status: 400, body: { field: 'firstname', error: expect.stringContaining('firstname is not a field') } });
  expect(contact('bob@example.com')).toBeUndefined();
});

it('resends the confirmation from the contact page, at most once per ten minutes, and only to pending contacts', async () => {
  expect((await postJson('/v1/subscribe', { email: 'cy@example.com' })).status).toBe(202);
  const pending = contact('cy@example.com')!.id;
  const marketer = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'marketer'), world.clock);

  await expect(marketer.contacts.resendConfirmation({ id: pending })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
  world.clock.advance(11 * 60_000);
  expect(await marketer.contacts.resendConfirmation({ id: pending })).toMatchObject({ outcome: 'sent' });
  await until(() => (confirmationsTo('cy@example.com').length >= 2 ? true : undefined), 'the second confirmation');
  expect(confirmationsTo('cy@example.com')).toHaveLength(2);

  const subscribed = subscribedContact(world, 'dee@example.com');
  await expect(marketer.contacts.resendConfirmation({ id: subscribed })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('dee@example.com is subscribed') });
  const manager = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'manager'), world.clock);
  await expect(manager.contacts.resendConfirmation({ id: pending })).rejects.toMatchObject({ code: 'FORBIDDEN' });
});
