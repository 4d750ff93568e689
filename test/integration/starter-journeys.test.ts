// One contact of each starter persona lives through every starter journey over simulated weeks:
// the right emails, at the right local times, driven by the same events the app and the API record.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { confirmSubscription } from '../../server/contacts/consent.ts';
import { recordEvent, setPhase } from '../../server/contacts/contacts.ts';
import { createExecutor } from '../../server/executor/executor.ts';
import { createJourney, publishJourney } from '../../server/journeys/service.ts';
import { assignVariant } from '../../shared/journey/interpret.ts';
import { starterJourney } from '../../shared/journey/starters.ts';
import { MOMENT_KEYS } from '../../shared/lifecycle/moments.ts';
import { addContact, messagesOf } from './executorBuilders.ts';
import { freshWorkspace, type FreshWorkspace } from './helpers.ts';

const T0 = Date.parse('2026-11-02T08:00:00Z'); // a Monday
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (days: number) => new Date(T0 + days * DAY).toISOString();

let fresh: FreshWorkspace;
beforeEach(() => {
  fresh = freshWorkspace();
});
afterEach(() => fresh.cleanup());

const PEOPLE = [
  // The nurture email waits for 10:00 on a weekday in the contact's own time zone, 3 days after opting in.
  { persona: 'bargain_hunter', timezone: 'Europe/Berlin', nurtureAt: '2026-11-05T09:00:00.000Z' }, // Thu 10:00 CET
  { persona: 'researcher', timezone: 'America/New_York', nurtureAt: '2026-11-05T15:00:00.000Z' }, // Thu 10:00 EST
  { persona: 'loyalist', timezone: 'Asia/Tokyo', nurtureAt: '2026-11-06T01:00:00.000Z' }, // Thu 17:00 JST is past 10:00: Fri
] as const;

it('sends each persona exactly the expected emails at the expected times', { timeout: 120_000 }, () => {
  const { db } = fresh.ws;
  const clock = fixedClock(new Date(T0));
  // The five starter journeys for all personas, but first communication, which speaks to each persona.
  for (const moment of MOMENT_KEYS) {
    const scopes = moment === 'first_communication' ? PEOPLE.map((p) => p.persona) : [null];
    for (const personaKey of scopes) {
      const { id } = createJourney(db, clock, { moment, personaKey, name: `${moment} ${personaKey ?? 'all'}` });
      publishJourney(db, clock, { id, publishedBy: 'test' });
    }
  }
  const contacts = PEOPLE.map((p) => ({ ...p, id: addContact(db, { personaKey: p.persona, timezone: p.timezone, subscription: 'pending', email: `${p.persona}@example.com` }) }));
  const researcher = contacts[1]!.id;

  // What each contact does, by day after T0.
  const script: [number, (id: string) => void][] = [
    [0, (id) => confirmSubscription(db, clock, id, { source: 'test' })],
    [1, (id) => id === researcher && recordEvent(db, clock, id, { name: 'viewed_pricing' })],
    [2, (id) => id === researcher && recordEvent(db, clock, id, { name: 'viewed_pricing' })],
    [10, (id) => recordEvent(db, clock, id, { name: 'order_completed', properties: { order_id: 'o1' } })],
    [20, (id) => recordEvent(db, clock, id, { name: 'order_completed', properties: { order_id: 'o2' } })],
    [40, (id) => setPhase(db, clock, id, 'lapsed', 'test: no purchase for months')],
  ];

  const executor = createExecutor({ db, clock });
  for (let t = T0; t <= T0 + 62 * DAY; t += HOUR) {
    clock.set(new Date(t));
    for (const [day, act] of script) if (T0 + day * DAY === t) for (const c of contacts) act(c.id);
    const report = executor.tick();
    expect(report.failed).toBe(0);
  }

  // First communication is a 50/50 split of two welcomes: the variant, and so the email, follows from (contact, node).
  const split = starterJourney('first_communication', null).graph.nodes.find((n) => n.kind === 'split')!;
  const variants = split.config.variants as Parameters<typeof assignVariant>[2];
  const welcomeOf = (contactId: string, persona: string) =>
    assignVariant(contactId, split.id, variants) === 'a' ? `nurture_${persona}` : 'nurture_founder_note';

  for (const c of contacts) {
    const sent = messagesOf(db, c.id)
      .map((m) => [m.templateId, m.createdAt.toISOString()] as const)
      .sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0]));
    const nurtureDone = Date.parse(c.nurtureAt) + 4 * DAY;
    const expected: [string, string][] = [
      ['welcome', at(0)],
      ['welcome_reminder', at(2)], // nothing clicked in two days: the second welcome
      [welcomeOf(c.id, c.persona), c.nurtureAt],
      ...(c.id === researcher ? [['$notify', new Date(nurtureDone).toISOString()] as [string, string]] : []), // hot lead: sales is told
      ['first_purchase_thanks', at(10)],
      ['review_request', at(17)],
      ['loyalty_reward', at(20)], // the second order made them loyal
      ['referral_invite', at(23)],
      ['winback_coupon', at(40)],
      ['repermission', at(54)], // no order within 14 days of the coupon
    ];
    expect(sent, c.persona).toEqual(expected.sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0])));
  }
});
