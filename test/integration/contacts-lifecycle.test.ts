// Lifecycle phases: built-in rules from events, configurable event names and inactivity window, the daily lapse
// check with an injected clock, and every transition recorded with time and cause.
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { confirmSubscription } from '../../server/contacts/consent.ts';
import { recordEvent, setPhase } from '../../server/contacts/contacts.ts';
import { ingestCalls } from '../../server/contacts/ingest.ts';
import { markLapsed, scheduleLapseCheck } from '../../server/contacts/lapse.ts';
import { contacts, events, phaseHistory } from '../../server/db/schema.ts';
import { log } from '../../server/log.ts';
import { DEFAULT_LIFECYCLE_SETTINGS } from '../../shared/contacts/lifecycle.ts';
import { parseSingleCall, type CallType } from '../../shared/contacts/segment.ts';
import { callerFor, freshWorkspace, makeUser, type FreshWorkspace } from './helpers.ts';

const DAY = 86_400_000;
let fresh: FreshWorkspace;
const clock = fixedClock('2025-01-10T08:00:00Z');

beforeEach(() => {
  fresh = freshWorkspace();
  clock.set('2025-01-10T08:00:00Z');
});
afterEach(() => fresh.cleanup());

function send(type: CallType, body: Record<string, unknown>) {
  const parsed = parseSingleCall(type, body);
  if (!parsed.ok) throw new Error(parsed.error);
  ingestCalls(fresh.ws.db, clock, parsed.calls, { ip: null });
}
const contact = (userId: string) => fresh.ws.db.select().from(contacts).where(eq(contacts.externalId, userId)).get()!;
const history = (userId: string) =>
  fresh.ws.db
    .select()
    .from(phaseHistory)
    .where(eq(phaseHistory.contactId, contact(userId).id))
    .orderBy(asc(phaseHistory.id))
    .all()
    .map((h) => [h.fromPhase, h.toPhase, h.cause, h.at.toISOString()]);
const phaseEvents = (userId: string) =>
  fresh.ws.db
    .select()
    .from(events)
    .where(eq(events.contactId, contact(userId).id))
    .orderBy(asc(events.id))
    .all()
    .filter((e) => e.name === '$phase_entered')
    .map((e) => e.properties);

function person(userId: string) {
  send('identify', { userId, traits: { email: `${userId}@example.com` } });
}

test('first purchase makes a customer, the second a loyal customer, a referral an advocate; each transition recorded', () => {
  person('a');
  send('track', { userId: 'a', event: 'order_completed' });
  clock.advance(DAY);
  send('track', { userId: 'a', event: 'order_completed' });
  send('track', { userId: 'a', event: 'order_completed' });
  clock.advance(DAY);
  send('track', { userId: 'a', event: 'referral_sent' });
  expect(contact('a').phase).toBe('advocate');
  expect(history('a')).toEqual([
    ['prospect', 'customer', 'rule: first purchase (order_completed)', '2025-01-10T08:00:00.000Z'],
    ['customer', 'loyal', 'rule: repeat purchase (order_completed)', '2025-01-11T08:00:00.000Z'],
    ['loyal', 'advocate', 'rule: referral (referral_sent)', '2025-01-12T08:00:00.000Z'],
  ]);
  expect(phaseEvents('a')).toEqual([
    { phase: 'customer', from: 'prospect' },
    { phase: 'loyal', from: 'customer' },
    { phase: 'advocate', from: 'loyal' },
  ]);
});

test('a confirmed opt-in makes a subscriber, an opened email an engaged contact', () => {
  person('b');
  const id = contact('b').id;
  confirmSubscription(fresh.ws.db, clock, id, { source: 'confirm_link' });
  expect(contact('b').phase).toBe('subscriber');
  recordEvent(fresh.ws.db, clock, id, { name: '$email_opened', properties: { messageId: 'msg-1' } });
  expect(contact('b').phase).toBe('engaged');
  expect(history('b').map((h) => h[2])).toEqual(['rule: subscription confirmed', 'rule: engagement ($email_opened)']);
});

test('the daily check lapses contacts inactive past the window, and activity brings them back', async () => {
  person('active');
  person('idle');
  person('prospect-only');
  send('track', { userId: 'active', event: 'order_completed' });
  send('track', { userId: 'idle', event: 'order_completed' });
  clock.advance(60 * DAY);
  send('track', { userId: 'active', event: 'order_completed' });

  clock.advance(31 * DAY);
  expect(markLapsed(fresh.ws.db, clock)).toBe(1);
  expect(contact('idle').phase).toBe('lapsed');
  expect(contact('active').phase).toBe('loyal');
  expect(contact('prospect-only').phase).toBe('prospect');
  expect(history('idle').at(-1)).toEqual(['customer', 'lapsed', 'rule: no purchase or engagement for 90 days', '2025-04-11T08:00:00.000Z']);
  expect(phaseEvents('idle').at(-1)).toEqual({ phase: 'lapsed', from: 'customer' });
  // Running again changes nothing.
  expect(markLapsed(fresh.ws.db, clock)).toBe(0);

  // A lapsed customer who buys again is back, as what their purchases earn.
  send('track', { userId: 'idle', event: 'order_completed' });
  expect(contact('idle').phase).toBe('loyal');

  // The cron job is created stopped; a run does the same check and logs it.
  const task = scheduleLapseCheck(fresh.ws.db, clock, log);
  expect(task.getStatus()).toBe('stopped');
  clock.advance(91 * DAY);
  await task.execute();
  expect(contact('idle').phase).toBe('lapsed');
  await task.destroy();
});

test('settings choose the events and the window; invalid settings are refused by field', async () => {
  const api = callerFor(fresh.ws, await makeUser(fresh.ws, 'marketer'), clock);
  await api.lifecycleSettings.save({
    rules: { ...DEFAULT_LIFECYCLE_SETTINGS, purchaseEvents: ['purchase'], reviewEvents: ['wrote_review'], inactivityDays: 30 },
    labels: [{ key: 'loyal', label: 'Regular' }],
  });
  const saved = await api.lifecycleSettings.get();
  expect(saved.rules).toMatchObject({ purchaseEvents: ['purchase'], inactivityDays: 30 });
  expect(saved.phases.find((p) => p.key === 'loyal')?.label).toBe('Regular');

  person('c');
  send('track', { userId: 'c', event: 'order_completed' });
  expect(contact('c').phase).toBe('prospect');
  send('track', { userId: 'c', event: 'purchase' });
  expect(contact('c').phase).toBe('customer');
  send('track', { userId: 'c', event: 'wrote_review' });
  expect(contact('c').phase).toBe('advocate');
  clock.advance(31 * DAY);
  expect(markLapsed(fresh.ws.db, clock)).toBe(1);

  await expect(api.lifecycleSettings.save({ rules: { ...DEFAULT_LIFECYCLE_SETTINGS, inactivityDays: 0 }, labels: [] })).rejects.toMatchObject({
    code: 'BAD_REQUEST',
    message: expect.stringMatching(/inactivityDays[\s\S]*at least 1 day/),
  });
  await expect(api.lifecycleSettings.save({ rules: { ...DEFAULT_LIFECYCLE_SETTINGS, purchaseEvents: [] }, labels: [] })).rejects.toThrow(/at least one purchase event/);
});

test('a journey (or a person) sets a phase with its own cause', () => {
  person('d');
  expect(setPhase(fresh.ws.db, clock, contact('d').id, 'engaged', 'journey: Welcome series')).toBe(true);
  expect(setPhase(fresh.ws.db, clock, contact('d').id, 'engaged', 'journey: Welcome series')).toBe(false);
  expect(history('d')).toEqual([['prospect', 'engaged', 'journey: Welcome series', '2025-01-10T08:00:00.000Z']]);
});
