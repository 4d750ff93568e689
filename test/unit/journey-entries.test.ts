// Who a set of events would make enter which journey (the import's preview): trigger, persona scope and re-entry
// policy as the executor applies them, contacts counted once, and the sentence the dialog and the CLI show.
import { describe, expect, it } from 'vitest';
import { contactsEntering, describeEntries, summariseEntries, type EntryFacts, type EntryJourney, type StoredEvent } from '../../shared/journey/entries.ts';

const journey = (id: string, over: Partial<EntryJourney> = {}): EntryJourney => ({
  id,
  personaKey: null,
  trigger: { on: 'subscription_confirmed' },
  settings: { reentry: 'once', goal: null, exitEvents: [] },
  ...over,
});
let nextId = 1;
const ev = (contactId: string, name: string, properties: Record<string, unknown> = {}): StoredEvent => ({ id: nextId++, contactId, name, properties, timestamp: 0 });
const facts = (over: Partial<EntryFacts> = {}): EntryFacts => ({
  personaOf: () => null,
  hasRun: () => false,
  hasOpenRun: () => false,
  ...over,
});
const sizes = (m: Map<string, Set<string>>) => Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()]));

describe('contactsEntering', () => {
  it('counts the contacts whose event matches a journey’s trigger, each once', () => {
    const journeys = [journey('optin'), journey('sub', { trigger: { on: 'phase_entered', phase: 'subscriber' } })];
    const events = [ev('ana', '$subscription_confirmed'), ev('ana', '$phase_entered', { phase: 'subscriber' }), ev('ben', '$phase_entered', { phase: 'customer' }), ev('ana', '$subscription_confirmed')];
    expect(sizes(contactsEntering(journeys, events, facts()))).toEqual({ optin: ['ana'], sub: ['ana'] });
  });

  it('keeps to the persona scope, with the persona the contact has after the import', () => {
    const personas: Record<string, string | null> = { ana: 'researcher', ben: 'loyalist', cy: null };
    const events = ['ana', 'ben', 'cy', 'gone'].map((c) => ev(c, '$subscription_confirmed'));
    const entered = contactsEntering([journey('r', { personaKey: 'researcher' }), journey('all')], events, facts({ personaOf: (c) => (c in personas ? personas[c] : undefined) }));
    expect(sizes(entered)).toEqual({ r: ['ana'], all: ['ana', 'ben', 'cy'] });
  });

  it('follows the re-entry policy: once never again, after_exit not while a run is open, every_time per entry key', () => {
    const once = journey('once');
    const afterExit = journey('after', { settings: { reentry: 'after_exit', goal: null, exitEvents: [] } });
    const everyTime = journey('every', {
      trigger: { on: 'event', event: 'order_completed', filters: [], entryKeyProperty: 'order_id' },
      settings: { reentry: 'every_time', goal: null, exitEvents: [] },
    });
    const events = [ev('ana', '$subscription_confirmed'), ev('ben', '$subscription_confirmed'), ev('ana', 'order_completed', { order_id: 'o1' }), ev('ben', 'order_completed', { order_id: 'o2' })];
    const entered = contactsEntering([once, afterExit, everyTime], events, {
      personaOf: () => null,
      hasRun: (j, c, key) => (j === 'once' && c === 'ana' && key === '') || (j === 'every' && c === 'ana' && key === 'k:o1'),
      hasOpenRun: (j, c) => j === 'after' && c === 'ben',
    });
    expect(sizes(entered)).toEqual({ once: ['ben'], after: ['ana'], every: ['ben'] });
  });
});

describe('describeEntries', () => {
  const about = new Map([
    ['optin', { name: 'Opt-in', personaKey: null, personaName: null }],
    ['welcome', { name: 'Welcome', personaKey: 'researcher', personaName: 'Researcher' }],
  ]);

  it('names each journey with its persona and count, most contacts first, and the distinct total', () => {
    const entries = summariseEntries(
      new Map([
        ['welcome', new Set(['a'])],
        ['optin', new Set(['a', 'b', 'c'])],
        ['empty', new Set<string>()],
      ]),
      about,
    );
    expect(entries.contacts).toBe(3);
    expect(describeEntries(entries, 'would')).toBe('3 contacts would enter live journeys: Opt-in (all) 3, Welcome (Researcher) 1.');
    expect(describeEntries({ contacts: 1412, journeys: [{ journeyId: 'optin', name: 'Opt-in', personaKey: null, personaName: null, contacts: 1412 }] }, 'will')).toBe(
      '1,412 contacts will enter live journeys: Opt-in (all) 1,412.',
    );
  });

  it('says plainly when nobody would enter a journey', () => {
    expect(describeEntries({ contacts: 0, journeys: [] }, 'would')).toBe('No contact would enter a live journey.');
  });
});
