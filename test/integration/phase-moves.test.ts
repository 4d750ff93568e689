// Phase moves never demote silently: the opt-in starter's "→ subscriber" leaves a customer a customer, and the
// contact's phase history names the journey that moved them, not its id.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { confirmSubscription } from '../../server/contacts/consent.ts';
import { setPhase } from '../../server/contacts/contacts.ts';
import { contactDetail } from '../../server/contacts/query.ts';
import { createExecutor } from '../../server/executor/executor.ts';
import { createJourney, publishJourney } from '../../server/journeys/service.ts';
import { addContact } from './executorBuilders.ts';
import { freshWorkspace, type FreshWorkspace } from './helpers.ts';

let fresh: FreshWorkspace;
beforeEach(() => {
  fresh = freshWorkspace();
});
afterEach(() => fresh.cleanup());

function liveOptIn() {
  const { db } = fresh.ws;
  const clock = fixedClock('2026-11-02T09:00:00Z');
  const { id } = createJourney(db, clock, { moment: 'opt_in', personaKey: null, name: 'Welcome series' });
  publishJourney(db, clock, { id, publishedBy: 'test' });
  return { db, clock, journeyId: id };
}

it('leaves a customer who confirms a subscription a customer', () => {
  const { db, clock } = liveOptIn();
  const buyer = addContact(db, { phase: 'customer', subscription: 'pending', email: 'buyer@example.com' });

  confirmSubscription(db, clock, buyer, { source: 'test' });
  createExecutor({ db, clock }).tick();

  const detail = contactDetail(db, buyer)!;
  expect(detail.contact.phase).toBe('customer');
  expect(detail.phaseHistory.map((h) => h.toPhase)).not.toContain('subscriber');
});

it('moves a prospect to subscriber and names the journey in the phase history', () => {
  const { db, clock, journeyId } = liveOptIn();
  const prospect = addContact(db, { phase: 'prospect', subscription: 'pending', email: 'new@example.com' });
  // The consent rule makes a confirmed prospect a subscriber first; a lapsed contact shows the journey's own move.
  setPhase(db, clock, prospect, 'lapsed', 'test: inactive');

  confirmSubscription(db, clock, prospect, { source: 'test' });
  createExecutor({ db, clock }).tick();

  const detail = contactDetail(db, prospect)!;
  expect(detail.contact.phase).toBe('subscriber');
  const byJourney = detail.phaseHistory.find((h) => h.journeyId === journeyId);
  expect(byJourney).toMatchObject({ toPhase: 'subscriber', cause: 'Journey "Welcome series"' });
});
