// Before publishing, the marketer is told what will happen: who enters, the first email, and any other journey already
// live for the same moment and persona (contacts would get both).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { createJourney, publishJourney } from '../../server/journeys/service.ts';
import { callerFor, freshWorkspace, makeUser, type FreshWorkspace } from './helpers.ts';

let fresh: FreshWorkspace;
beforeEach(() => {
  fresh = freshWorkspace();
});
afterEach(() => fresh.cleanup());

it('warns about a second live journey in the same cell and says who enters and when the first email goes', async () => {
  const { db } = fresh.ws;
  const clock = fixedClock('2026-12-03T10:00:00Z');
  const first = createJourney(db, clock, { moment: 'opt_in', personaKey: null, name: 'Welcome series' });
  publishJourney(db, clock, { id: first.id, publishedBy: 'test' });
  const second = createJourney(db, clock, { moment: 'opt_in', personaKey: null, name: 'Welcome, take two' });
  const elsewhere = createJourney(db, clock, { moment: 'opt_in', personaKey: 'researcher', name: 'Researcher welcome' });
  const marketer = callerFor(fresh.ws, await makeUser(fresh.ws, 'marketer'), clock);

  const preview = await marketer.journeys.publishPreview({ id: second.id });
  expect(preview).toMatchObject({
    firstPublish: true,
    nextVersion: 1,
    inFlight: 0,
    otherLiveJourneys: [{ id: first.id, name: 'Welcome series', status: 'live' }],
    entry: expect.stringContaining('when they confirm their subscription from now on'),
    firstEmail: expect.stringMatching(/^The first email, “.+”, goes out as soon as a contact enters/),
  });
  // Another persona's cell is another cell.
  expect((await marketer.journeys.publishPreview({ id: elsewhere.id })).otherLiveJourneys).toEqual([]);
  await expect(callerFor(fresh.ws, null).journeys.publishPreview({ id: second.id })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
});
