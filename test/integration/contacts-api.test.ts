// The contacts list as the page asks for it: keyset pages forward and back, filters, search by email or name, a
// capped count, and query plans that stay on indexes (so a million contacts page as fast as a hundred).
import { sql } from 'drizzle-orm';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { findOrCreateContact, newContactId } from '../../server/contacts/contacts.ts';
import { ingestCalls } from '../../server/contacts/ingest.ts';
import { COUNT_CAP } from '../../server/contacts/query.ts';
import { createApp } from '../../server/http/app.ts';
import { parseBatch } from '../../shared/contacts/segment.ts';
import { callerFor, freshWorkspace, makeUser, projectRoot, type FreshWorkspace } from './helpers.ts';

let fresh: FreshWorkspace;
let api: ReturnType<typeof callerFor>;
const clock = fixedClock('2025-01-01T00:00:00Z');

beforeAll(async () => {
  fresh = freshWorkspace();
  api = callerFor(fresh.ws, await makeUser(fresh.ws, 'manager'), clock);
  // 120 contacts, one a minute, every third a b2b buyer; the first ten subscribed.
  for (let i = 0; i < 120; i++) {
    clock.advance(60_000);
    const parsed = parseBatch({
      batch: [{ type: 'identify', userId: `u${i}`, traits: { email: `person${i}@example.com`, firstName: i === 7 ? 'Zoë' : 'Person', lastName: `Nr${i}`, ...(i < 10 ? { consent: 'subscribed' } : {}) } }],
    });
    if (!parsed.ok) throw new Error(parsed.error);
    ingestCalls(fresh.ws.db, clock, parsed.calls, { ip: null });
  }
});
afterAll(() => fresh.cleanup());

test('keyset pages, newest first, forward and back, without gaps or repeats', async () => {
  const seen: string[] = [];
  let page = await api.contacts.list({ limit: 50 });
  expect(page.hasNewer).toBe(false);
  seen.push(...page.rows.map((r) => r.email));
  while (page.hasOlder) {
    page = await api.contacts.list({ limit: 50, after: page.rows.at(-1)!.id });
    seen.push(...page.rows.map((r) => r.email));
  }
  expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => `person${119 - i}@example.com`));
  const back = await api.contacts.list({ limit: 50, before: page.rows[0]!.id });
  expect(back.rows.map((r) => r.email)).toEqual(seen.slice(50, 100));
  expect(back).toMatchObject({ hasNewer: true, hasOlder: true });
});

test('filters and search by email prefix, name words (accents ignored) and several words', async () => {
  expect((await api.contacts.count({ subscription: 'subscribed' })).count).toBe(10);
  expect((await api.contacts.count({ phase: 'subscriber', subscription: 'subscribed' })).count).toBe(10);
  expect((await api.contacts.count({ persona: 'none' })).count).toBe(120);
  expect((await api.contacts.list({ q: 'person11', limit: 50 })).rows.map((r) => r.email).sort()).toEqual([
    'person11@example.com',
    'person110@example.com',
    'person111@example.com',
    'person112@example.com',
    'person113@example.com',
    'person114@example.com',
    'person115@example.com',
    'person116@example.com',
    'person117@example.com',
    'person118@example.com',
    'person119@example.com',
  ].sort());
  expect((await api.contacts.list({ q: 'zoe', limit: 50 })).rows.map((r) => r.name)).toEqual(['Zoë Nr7']);
  expect((await api.contacts.list({ q: 'NR42', limit: 50 })).rows.map((r) => r.email)).toEqual(['person42@example.com']);
  expect((await api.contacts.list({ q: 'person nr4', limit: 50 })).rows).toHaveLength(11);
  expect((await api.contacts.list({ q: 'nobody', limit: 50 })).rows).toEqual([]);
});

test('the count stops at its cap instead of counting everything', async () => {
  const db = fresh.ws.db;
  db.transaction(() => {
    const insert = db.$client.prepare('INSERT INTO contacts (id, email) VALUES (?, ?)');
    for (let i = 0; i < COUNT_CAP + 50; i++) insert.run(newContactId(Date.parse('2024-01-01') + i), `bulk${i}@example.com`);
  });
  expect(await api.contacts.count({})).toEqual({ count: COUNT_CAP, capped: true });
  db.$client.exec("DELETE FROM contacts WHERE email LIKE 'bulk%'");
});

test('every list query stays on an index: no full scan of contacts, whatever the filters', () => {
  const plans = [
    sql`SELECT c.id FROM contacts c WHERE c.id < 'c_z' ORDER BY c.id DESC LIMIT 51`,
    sql`SELECT c.id FROM contacts c WHERE c.phase = 'customer' AND c.id < 'c_z' ORDER BY c.id DESC LIMIT 51`,
    sql`SELECT c.id FROM contacts c WHERE c.persona_key = 'b2b' ORDER BY c.id DESC LIMIT 51`,
    sql`SELECT c.id FROM contacts c WHERE c.subscription = 'subscribed' ORDER BY c.id DESC LIMIT 51`,
    sql`SELECT c.id FROM contacts c WHERE c.id IN (SELECT contact_id FROM contact_search_terms WHERE term >= 'ana' AND term < 'ana\uffff') ORDER BY c.id DESC LIMIT 51`,
    sql`SELECT id FROM contacts WHERE phase = 'customer' AND last_active_at < 0 LIMIT 500`,
  ].map((q) => fresh.ws.db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${q}`).map((r) => r.detail).join(' | '));
  for (const plan of plans) {
    expect(plan).toMatch(/^SEARCH (c|contacts) USING (COVERING )?INDEX/);
    expect(plan).not.toMatch(/\bSCAN\b/);
  }
});

test('uploads need a session and a role that may import', async () => {
  const marketer = await makeUser(fresh.ws, 'marketer');
  expect(marketer.role).toBe('marketer');
  const server = createApp({ db: fresh.ws.db, auth: fresh.ws.auth, clock, clientDir: `${projectRoot}/dist/client` }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/contacts/imports`, { method: 'POST', body: 'email\na@example.com\n' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Please sign in to continue.' });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a contact found by email is reused, its detail has the history', async () => {
  const { contact, created } = findOrCreateContact(fresh.ws.db, clock, { email: 'person3@example.com' });
  expect(created).toBe(false);
  const detail = await api.contacts.get({ id: contact.id });
  expect(detail.contact).toMatchObject({ email: 'person3@example.com', subscription: 'subscribed', phase: 'subscriber' });
  expect(detail.phaseHistory.map((h) => h.toPhase)).toEqual(['subscriber']);
  const timeline = await api.contacts.timeline({ id: contact.id });
  expect(timeline.events.map((e) => e.name)).toEqual(['$phase_entered', '$subscription_confirmed', '$identify']);
  await expect(api.contacts.get({ id: 'c_missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
});
