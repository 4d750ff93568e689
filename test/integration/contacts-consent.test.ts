// Consent paths: the only way a subscription changes, each recording time, source and IP and an internal event.
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { confirmSubscription, markPending, unsubscribe } from '../../server/contacts/consent.ts';
import { findOrCreateContact } from '../../server/contacts/contacts.ts';
import { contacts, events, phaseHistory } from '../../server/db/schema.ts';
import { freshWorkspace, type FreshWorkspace } from './helpers.ts';

let fresh: FreshWorkspace;
const clock = fixedClock('2025-03-01T10:00:00Z');

beforeEach(() => {
  fresh = freshWorkspace();
});
afterEach(() => fresh.cleanup());

function stored(id: string) {
  return fresh.ws.db.select().from(contacts).where(eq(contacts.id, id)).get()!;
}
function eventsOf(id: string) {
  return fresh.ws.db.select().from(events).where(eq(events.contactId, id)).orderBy(asc(events.id)).all();
}

test('double opt-in: pending, then confirmed with time, source and IP; a prospect becomes a subscriber', () => {
  const { db } = fresh.ws;
  const { contact, created } = findOrCreateContact(db, clock, { email: 'ana@example.com', traits: { firstName: 'Ana' } });
  expect(created).toBe(true);
  expect(stored(contact.id)).toMatchObject({ subscription: 'none', phase: 'prospect', name: 'Ana' });

  expect(markPending(db, clock, contact.id, { source: 'subscribe_form', ip: '203.0.113.7' })).toEqual({ changed: true, subscription: 'pending' });
  clock.advance(60_000);
  expect(confirmSubscription(db, clock, contact.id, { source: 'confirm_link', ip: '203.0.113.8' })).toEqual({ changed: true, subscription: 'subscribed' });

  expect(stored(contact.id)).toMatchObject({
    subscription: 'subscribed',
    consentAt: new Date('2025-03-01T10:01:00Z'),
    consentSource: 'confirm_link',
    consentIp: '203.0.113.8',
    phase: 'subscriber',
  });
  expect(eventsOf(contact.id).map((e) => [e.name, e.properties])).toEqual([
    ['$subscription_pending', { from: 'none', source: 'subscribe_form', ip: '203.0.113.7' }],
    ['$subscription_confirmed', { from: 'pending', source: 'confirm_link', ip: '203.0.113.8' }],
    ['$phase_entered', { phase: 'subscriber', from: 'prospect' }],
  ]);
  expect(db.select().from(phaseHistory).all()).toMatchObject([
    { contactId: contact.id, fromPhase: 'prospect', toPhase: 'subscriber', cause: 'rule: subscription confirmed' },
  ]);
});

test('a pending request never downgrades a confirmed subscription; unsubscribing is recorded once', () => {
  const { db } = fresh.ws;
  const { contact } = findOrCreateContact(db, clock, { email: 'ben@example.com' });
  confirmSubscription(db, clock, contact.id, { source: 'api' });
  expect(markPending(db, clock, contact.id, { source: 'subscribe_form' })).toEqual({ changed: false, subscription: 'subscribed' });

  expect(unsubscribe(db, clock, contact.id, { source: 'unsubscribe_link', ip: '198.51.100.1' })).toEqual({ changed: true, subscription: 'unsubscribed' });
  expect(unsubscribe(db, clock, contact.id, { source: 'unsubscribe_link' })).toEqual({ changed: false, subscription: 'unsubscribed' });
  expect(eventsOf(contact.id).filter((e) => e.name === '$unsubscribed')).toHaveLength(1);
  expect(stored(contact.id)).toMatchObject({ subscription: 'unsubscribed', consentSource: 'unsubscribe_link', consentIp: '198.51.100.1' });

  // Asking again after unsubscribing is a new request for consent.
  expect(markPending(db, clock, contact.id, { source: 'subscribe_form' }).subscription).toBe('pending');
});

test('an unknown contact is refused by name', () => {
  expect(() => confirmSubscription(fresh.ws.db, clock, 'c_missing', { source: 'api' })).toThrow(/No contact with id c_missing/);
});
