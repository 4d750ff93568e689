// The Contacts list filtered to those who made one phase change in a period — where a flow of the lifecycle
// dashboard's Sankey leads: exact period bounds, first phases, the customer → lapsed → customer cycle, other filters
// and keyset pages on top, clear refusals of a bad filter, and a plan that reads the flow index instead of every contact.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { setPhase } from '../../server/contacts/contacts.ts';
import { ingestCalls } from '../../server/contacts/ingest.ts';
import { markLapsed } from '../../server/contacts/lapse.ts';
import { contactListQuery } from '../../server/contacts/query.ts';
import { parseMovedParams } from '../../shared/contacts/query.ts';
import { parseSingleCall, type CallType } from '../../shared/contacts/segment.ts';
import { callerFor, freshWorkspace, makeUser, type FreshWorkspace } from './helpers.ts';

const DAY = 86_400_000;
const MARCH = { since: '2025-03-01T00:00:00Z', until: '2025-04-01T00:00:00Z' };
let fresh: FreshWorkspace;
let api: ReturnType<typeof callerFor>;
const clock = fixedClock('2025-02-01T09:00:00Z');

function send(type: CallType, body: Record<string, unknown>) {
  const parsed = parseSingleCall(type, body);
  if (!parsed.ok) throw new Error(parsed.error);
  ingestCalls(fresh.ws.db, clock, parsed.calls, { ip: null });
}
const subscribe = (userId: string, plan = 'b2c') => send('identify', { userId, traits: { email: `${userId}@example.com`, plan, consent: 'subscribed' } });
const buy = (userId: string) => send('track', { userId, event: 'order_completed', properties: { total: 20 } });
const contactId = (userId: string) => fresh.ws.db.get<{ id: string }>(sql`SELECT id FROM contacts WHERE external_id = ${userId}`)!.id;
const emails = (rows: { email: string }[]) => rows.map((r) => r.email).sort();

beforeAll(async () => {
  fresh = freshWorkspace();
  api = callerFor(fresh.ws, await makeUser(fresh.ws, 'marketer'), clock);
  // February: eight subscribers; `early` buys before the period.
  for (const id of ['early', 'a', 'b', 'c', 'd', 'e', 'f', 'g']) subscribe(id, id === 'b' || id === 'c' ? 'b2b' : 'b2c');
  buy('early');
  // March (the period): five first purchases; the last one a millisecond before the period ends.
  clock.set('2025-03-01T00:00:00Z');
  buy('a');
  clock.set('2025-03-10T12:00:00Z');
  buy('b');
  buy('c');
  buy('e');
  clock.set('2025-03-31T23:59:59.999Z');
  buy('f');
  // April, outside the period: d buys.
  clock.set('2025-04-01T00:00:00Z');
  buy('d');
  // Every subscriber and customer lapses in July (90 days without activity)…
  clock.set('2025-07-15T03:15:00Z');
  markLapsed(fresh.ws.db, clock);
  // …in August a and b come back with their second purchase (lapsed → loyal), and a reactivation journey's
  // set_phase step makes c a customer again: customer → lapsed → customer.
  clock.set('2025-08-02T10:00:00Z');
  buy('a');
  buy('b');
  setPhase(fresh.ws.db, clock, contactId('c'), 'customer', 'journey:reactivation');
});
afterAll(() => fresh.cleanup());

test('lists exactly the contacts who made that change in the period, bounds included and excluded as the report counts them', async () => {
  const moved = { from: 'subscriber' as const, to: 'customer' as const, ...MARCH };
  const page = await api.contacts.list({ moved, limit: 50 });
  expect(emails(page.rows)).toEqual(['a@example.com', 'b@example.com', 'c@example.com', 'e@example.com', 'f@example.com']);
  expect(await api.contacts.count({ moved })).toEqual({ count: 5, capped: false });
  // The same change in another period finds others; a change nobody made finds nobody.
  expect(emails((await api.contacts.list({ moved: { ...moved, since: '2025-04-01T00:00:00Z', until: '2025-05-01T00:00:00Z' }, limit: 50 })).rows)).toEqual(['d@example.com']);
  expect((await api.contacts.list({ moved: { ...moved, from: 'engaged' }, limit: 50 })).rows).toEqual([]);
});

test('both legs of the customer → lapsed → customer cycle, and the other ways back', async () => {
  const summer = { since: '2025-07-01T00:00:00Z', until: '2025-09-01T00:00:00Z' };
  const lapsed = await api.contacts.list({ moved: { from: 'customer', to: 'lapsed', ...summer }, limit: 50 });
  expect(emails(lapsed.rows)).toEqual(['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com', 'e@example.com', 'early@example.com', 'f@example.com']);
  expect(emails((await api.contacts.list({ moved: { from: 'lapsed', to: 'customer', ...summer }, limit: 50 })).rows)).toEqual(['c@example.com']);
  expect(emails((await api.contacts.list({ moved: { from: 'lapsed', to: 'loyal', ...summer }, limit: 50 })).rows)).toEqual(['a@example.com', 'b@example.com']);
  expect(emails((await api.contacts.list({ moved: { from: 'subscriber', to: 'lapsed', ...summer }, limit: 50 })).rows)).toEqual(['g@example.com']);
});

test('a first phase: contacts made in the period, as the report counts "→ prospect" when a contact is created', async () => {
  const feb1 = { since: '2025-02-01T00:00:00Z', until: '2025-02-02T00:00:00Z' };
  expect((await api.contacts.count({ moved: { from: null, to: 'prospect', ...feb1 } })).count).toBe(8);
  expect((await api.contacts.count({ moved: { from: null, to: 'prospect', ...MARCH } })).count).toBe(0);
  expect((await api.contacts.count({ moved: { from: 'prospect', to: 'subscriber', ...feb1 } })).count).toBe(8);

  // A history row without a "from" (the report's contract allows one) is a first phase too.
  fresh.ws.db.$client
    .prepare("INSERT INTO phase_history (contact_id, from_phase, to_phase, at, cause) VALUES (?, NULL, 'subscriber', ?, 'import')")
    .run(contactId('g'), Date.parse('2025-03-05T00:00:00Z'));
  expect(emails((await api.contacts.list({ moved: { from: null, to: 'subscriber', ...MARCH }, limit: 50 })).rows)).toEqual(['g@example.com']);
  fresh.ws.db.$client.exec("DELETE FROM phase_history WHERE cause = 'import'");
});

test('for every flow the report counts, the filter finds as many contacts (each made each change once here)', async () => {
  const flows = fresh.ws.db.all<{ key: string; n: number }>(sql`SELECT key, sum(n) AS n FROM daily_counts WHERE metric = 'phase_flow' GROUP BY key`);
  expect(flows.length).toBeGreaterThanOrEqual(6);
  for (const flow of flows) {
    const at = flow.key.indexOf('>');
    const from = flow.key.slice(0, at) || null;
    const moved = { from, to: flow.key.slice(at + 1), since: '2025-01-01T00:00:00Z', until: '2026-01-01T00:00:00Z' } as Parameters<typeof api.contacts.count>[0]['moved'];
    expect({ flow: flow.key, n: (await api.contacts.count({ moved })).count }).toEqual({ flow: flow.key, n: flow.n });
  }
});

test('combines with the other filters and pages by keyset without gaps or repeats', async () => {
  const moved = { from: 'subscriber' as const, to: 'customer' as const, ...MARCH };
  expect(emails((await api.contacts.list({ moved, phase: 'loyal', limit: 50 })).rows)).toEqual(['a@example.com', 'b@example.com']);
  expect(emails((await api.contacts.list({ moved, persona: 'none', phase: 'customer', limit: 50 })).rows)).toEqual(['c@example.com']);
  expect(emails((await api.contacts.list({ moved, q: 'c@', limit: 50 })).rows)).toEqual(['c@example.com']);

  const seen: string[] = [];
  let page = await api.contacts.list({ moved, limit: 2 });
  seen.push(...page.rows.map((r) => r.email));
  while (page.hasOlder) {
    page = await api.contacts.list({ moved, limit: 2, after: page.rows.at(-1)!.id });
    seen.push(...page.rows.map((r) => r.email));
  }
  expect(seen).toHaveLength(5);
  expect([...seen].sort()).toEqual(['a@example.com', 'b@example.com', 'c@example.com', 'e@example.com', 'f@example.com']);
  const back = await api.contacts.list({ moved, limit: 2, before: page.rows[0]!.id });
  expect(back.rows.map((r) => r.email)).toEqual(seen.slice(2, 4));
});

test('a bad filter is refused with a message naming what is wrong, from the API and from the page’s link', async () => {
  await expect(api.contacts.list({ moved: { from: 'subscriber', to: 'customer', since: MARCH.until, until: MARCH.since }, limit: 50 })).rejects.toMatchObject({
    code: 'BAD_REQUEST',
    message: expect.stringContaining('moved: the period must end after it starts.'),
  });
  await expect(api.contacts.list({ moved: { from: 'subscriber', to: 'customer', since: 'last week', until: MARCH.until }, limit: 50 })).rejects.toMatchObject({
    code: 'BAD_REQUEST',
    message: expect.stringContaining('moved.since'),
  });
  await expect(api.contacts.list({ moved: { from: 'subscriber', to: 'vip' as 'customer', ...MARCH }, limit: 50 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });

  expect(parseMovedParams('customer>lapsed', MARCH.since, MARCH.until)).toEqual({ ok: true, filter: { from: 'customer', to: 'lapsed', ...MARCH } });
  expect(parseMovedParams('>subscriber', MARCH.since, MARCH.until)).toEqual({ ok: true, filter: { from: null, to: 'subscriber', ...MARCH } });
  expect(parseMovedParams(null, null, null)).toBeNull();
  expect(parseMovedParams('customer', MARCH.since, MARCH.until)).toMatchObject({ ok: false, error: expect.stringContaining('customer>lapsed') });
  expect(parseMovedParams('customer>lapsed', null, MARCH.until)).toMatchObject({ ok: false, error: expect.stringContaining('moved.since') });
  expect(parseMovedParams('customer>vip', MARCH.since, MARCH.until)).toMatchObject({ ok: false, error: expect.stringContaining('Choose a phase') });
});

test('anonymous callers get nothing', async () => {
  const anonymous = callerFor(fresh.ws, null, clock);
  await expect(anonymous.contacts.list({ moved: { from: 'subscriber', to: 'customer', ...MARCH }, limit: 50 })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
});

test('the filter reads a range of the flow index once, not the history of every contact', () => {
  const moved = { from: 'subscriber' as const, to: 'customer' as const, ...MARCH };
  const plans = [
    contactListQuery({ moved, limit: 50 }),
    contactListQuery({ moved, after: 'c_z', limit: 50 }),
    contactListQuery({ moved, persona: 'b2b', phase: 'lapsed', limit: 50 }),
  ].map((q) => fresh.ws.db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${q}`).map((r) => r.detail).join(' | '));
  // Contacts made in the period ("→ prospect") are a range of the id index.
  const created = contactListQuery({ moved: { from: null, to: 'prospect', ...MARCH }, limit: 50 });
  expect(fresh.ws.db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${created}`).map((r) => r.detail).join(' | ')).toMatch(/^SEARCH c USING INDEX sqlite_autoindex_contacts_1 \(id>\? AND id<\?\)$/);
  for (const plan of plans) {
    expect(plan).toMatch(/SEARCH h USING INDEX phase_history_flow_idx \(to_phase=\? AND at>\? AND at<\?\)/);
    expect(plan).not.toMatch(/\bSCAN\b/);
  }
});
