// Persona rules over traits and event history, in priority order, recomputed on identify and track, with an
// explicit persona trait that overrides them, and a live count that agrees with the assignment.
import fc from 'fast-check';
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { ingestCalls } from '../../server/contacts/ingest.ts';
import { countMatching } from '../../server/contacts/personas.ts';
import { contacts, events } from '../../server/db/schema.ts';
import { decidePersona, type PersonaRuleSet } from '../../shared/contacts/personaRules.ts';
import { parseSingleCall, type CallType } from '../../shared/contacts/segment.ts';
import { callerFor, freshWorkspace, makeUser, type FreshWorkspace } from './helpers.ts';

const DAY = 86_400_000;
let fresh: FreshWorkspace;
const clock = fixedClock('2025-04-01T09:00:00Z');

beforeEach(() => {
  fresh = freshWorkspace();
  clock.set('2025-04-01T09:00:00Z');
});
afterEach(() => fresh.cleanup());

function send(type: CallType, body: Record<string, unknown>) {
  const parsed = parseSingleCall(type, body);
  if (!parsed.ok) throw new Error(parsed.error);
  return ingestCalls(fresh.ws.db, clock, parsed.calls, { ip: null });
}
const personaOf = (userId: string) => fresh.ws.db.select().from(contacts).where(eq(contacts.externalId, userId)).get()!;
const personaEvents = (contactId: string) =>
  fresh.ws.db
    .select()
    .from(events)
    .where(eq(events.contactId, contactId))
    .orderBy(asc(events.id))
    .all()
    .filter((e) => e.name === '$persona_entered')
    .map((e) => e.properties);

async function marketer() {
  return callerFor(fresh.ws, await makeUser(fresh.ws, 'marketer'), clock);
}

const b2b: PersonaRuleSet = { match: 'all', conditions: [{ type: 'trait', trait: 'plan', operator: 'equals', value: 'b2b' }] };
const repeatBuyer: PersonaRuleSet = { match: 'all', conditions: [{ type: 'event_count', event: 'order_completed', comparison: 'at_least', count: 3 }] };
const priceWatcher: PersonaRuleSet = {
  match: 'all',
  conditions: [{ type: 'event_count', event: 'viewed_pricing', comparison: 'at_least', count: 2, withinDays: 30 }],
};

async function setUpRules() {
  const api = await marketer();
  await api.personas.update({ key: 'bargain_hunter', name: 'Bargain hunter', description: '', color: 'orange', rules: priceWatcher });
  await api.personas.update({ key: 'loyalist', name: 'Loyalist', description: '', color: 'grape', rules: repeatBuyer });
  const { key } = await api.personas.create({ name: 'B2B buyer', description: 'Buys for a company', color: 'blue', rules: b2b });
  // B2B first, then the loyalist before the bargain hunter.
  await api.personas.reorder({ keys: [key, 'loyalist', 'bargain_hunter', 'researcher'] });
  return { api, b2bKey: key };
}

test('rules over traits and events, tried in priority order, recomputed on identify and track', async () => {
  const { b2bKey } = await setUpRules();
  expect(b2bKey).toBe('b2b_buyer');

  send('identify', { userId: 'p1', traits: { email: 'p1@example.com', plan: 'b2b' } });
  expect(personaOf('p1')).toMatchObject({ personaKey: 'b2b_buyer', personaSource: 'rules' });

  // Three orders make a loyalist, unless a higher-priority persona matches.
  send('identify', { userId: 'p2', traits: { email: 'p2@example.com' } });
  for (let i = 0; i < 3; i++) send('track', { userId: 'p2', event: 'order_completed' });
  send('identify', { userId: 'p2', traits: {} });
  expect(personaOf('p2').personaKey).toBe('loyalist');
  send('identify', { userId: 'p2', traits: { plan: 'b2b' } });
  expect(personaOf('p2').personaKey).toBe('b2b_buyer');
  expect(personaEvents(personaOf('p2').id)).toEqual([
    { persona: 'loyalist', from: null },
    { persona: 'b2b_buyer', from: 'loyalist' },
  ]);
});

test('"at least twice in 30 days" counts only the window, as of the injected clock', async () => {
  await setUpRules();
  send('identify', { userId: 'w1', traits: { email: 'w1@example.com' } });
  send('track', { userId: 'w1', event: 'viewed_pricing' });
  clock.advance(40 * DAY);
  send('track', { userId: 'w1', event: 'viewed_pricing' });
  expect(personaOf('w1').personaKey).toBeNull();
  clock.advance(10 * DAY);
  send('track', { userId: 'w1', event: 'viewed_pricing' });
  expect(personaOf('w1').personaKey).toBe('bargain_hunter');
  // An event reported late, with its own timestamp, counts by when it happened.
  send('identify', { userId: 'w2', traits: { email: 'w2@example.com' } });
  send('track', { userId: 'w2', event: 'viewed_pricing', timestamp: new Date(clock.now().getTime() - 60 * DAY).toISOString() });
  send('track', { userId: 'w2', event: 'viewed_pricing' });
  expect(personaOf('w2').personaKey).toBeNull();
});

test('an explicit persona trait overrides the rules; removing it gives the rules back', async () => {
  await setUpRules();
  send('identify', { userId: 'e1', traits: { email: 'e1@example.com', plan: 'b2b', persona: 'Researcher' } });
  expect(personaOf('e1')).toMatchObject({ personaKey: 'researcher', personaSource: 'explicit' });
  send('identify', { userId: 'e1', traits: { persona: null } });
  expect(personaOf('e1')).toMatchObject({ personaKey: 'b2b_buyer', personaSource: 'rules' });
  // A persona that does not exist is no override.
  send('identify', { userId: 'e1', traits: { persona: 'astronaut' } });
  expect(personaOf('e1')).toMatchObject({ personaKey: 'b2b_buyer', personaSource: 'rules' });
});

test('changing rules reassigns the contacts that are already there', async () => {
  const api = await marketer();
  send('identify', { userId: 'r1', traits: { email: 'r1@example.com', industry: 'retail' } });
  expect(personaOf('r1').personaKey).toBeNull();
  const { reassigned } = await api.personas.update({
    key: 'researcher',
    name: 'Researcher',
    description: '',
    color: 'blue',
    rules: { match: 'any', conditions: [{ type: 'trait', trait: 'industry', operator: 'equals', value: 'retail' }] },
  });
  expect(reassigned).toBe(1);
  expect(personaOf('r1').personaKey).toBe('researcher');
});

test('the live count agrees with the assignment', async () => {
  const api = await marketer();
  send('identify', { userId: 'c1', traits: { email: 'c1@example.com', plan: 'b2b', seats: '12' } });
  send('identify', { userId: 'c2', traits: { email: 'c2@example.com', plan: 'B2C', seats: 3 } });
  send('identify', { userId: 'c3', traits: { email: 'c3@example.com' } });
  for (let i = 0; i < 3; i++) send('track', { userId: 'c3', event: 'order_completed' });
  expect(await api.personas.previewCount({ rules: b2b })).toEqual({ count: 1, capped: false });
  expect(await api.personas.previewCount({ rules: repeatBuyer })).toEqual({ count: 1, capped: false });
  expect(
    await api.personas.previewCount({ rules: { match: 'all', conditions: [{ type: 'trait', trait: 'seats', operator: 'greater_than', value: 5 }] } }),
  ).toEqual({ count: 1, capped: false });
  expect(await api.personas.previewCount({ rules: { match: 'any', conditions: [] } })).toEqual({ count: 0, capped: false });
});

test('property: the SQL count equals the rules applied in memory, for any rules and population', () => {
  const { db } = fresh.ws;
  const plans = ['b2b', 'b2c', 'B2B', '10', 10, true, null] as const;
  const population = fc.array(
    fc.record({ plan: fc.constantFrom(...plans), seats: fc.option(fc.integer({ min: 0, max: 20 })), orders: fc.integer({ min: 0, max: 4 }), ageDays: fc.integer({ min: 0, max: 60 }) }),
    { maxLength: 12 },
  );
  const condition = fc.oneof(
    fc.record({
      type: fc.constant('trait' as const),
      trait: fc.constantFrom('plan', 'seats', 'missing'),
      operator: fc.constantFrom('equals', 'not_equals', 'contains', 'greater_than', 'less_than', 'exists', 'not_exists' as const),
      value: fc.constantFrom('b2b', 'B2', 10, '5', true),
    }),
    fc.record({
      type: fc.constant('event_count' as const),
      event: fc.constant('order_completed'),
      comparison: fc.constantFrom('at_least', 'at_most', 'exactly' as const),
      count: fc.integer({ min: 0, max: 3 }),
      withinDays: fc.option(fc.constantFrom(7, 30), { nil: undefined }),
    }),
  );
  const rules = fc.record({ match: fc.constantFrom('all', 'any' as const), conditions: fc.array(condition, { minLength: 1, maxLength: 3 }) });
  let round = 0;
  fc.assert(
    fc.property(population, rules, (people, ruleSet) => {
      round += 1;
      db.$client.exec('DELETE FROM contacts');
      people.forEach((p, i) => {
        const traits: Record<string, unknown> = { email: `f${round}-${i}@example.com`, plan: p.plan };
        if (p.seats !== null) traits.seats = p.seats;
        send('identify', { userId: `f${round}-${i}`, traits });
        for (let o = 0; o < p.orders; o++) {
          send('track', { userId: `f${round}-${i}`, event: 'order_completed', timestamp: new Date(clock.now().getTime() - p.ageDays * DAY).toISOString() });
        }
      });
      const inMemory = db
        .select()
        .from(contacts)
        .all()
        .filter((c) => {
          const orders = db.select().from(events).where(eq(events.contactId, c.id)).all().filter((e) => e.name === 'order_completed');
          const facts = {
            countEvents: (_: string, withinDays: number | null) =>
              orders.filter((e) => withinDays === null || e.timestamp.getTime() >= clock.now().getTime() - withinDays * DAY).length,
          };
          return decidePersona([{ key: 'x', name: 'X', rules: ruleSet }], c.traits, facts).key === 'x';
        }).length;
      expect(countMatching(db, clock, ruleSet).count).toBe(inMemory);
    }),
    { numRuns: 40 },
  );
});

test('a persona that journeys are drawn for cannot be deleted', async () => {
  const api = await marketer();
  await api.journeys.create({ moment: 'advocacy', personaKey: 'loyalist', name: 'Loyalty rewards' });
  await expect(api.personas.remove({ key: 'loyalist' })).rejects.toThrow(/Loyalty rewards/);
  await api.personas.remove({ key: 'researcher' });
  expect((await api.personas.list()).map((p) => p.key)).toEqual(['bargain_hunter', 'loyalist']);
});
