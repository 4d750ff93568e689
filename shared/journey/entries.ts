// Which contacts a set of events would make enter which live journeys, by the executor's entry rules (trigger, persona
// scope, re-entry policy): what a CSV import shows before it starts journeys, and what it then reports.
import type { JourneySettings } from './graph.ts';
import { entryKey, triggerMatches, type IncomingEvent } from './interpret.ts';
import type { TriggerConfig } from './nodes/trigger.ts';

export interface EntryJourney {
  id: string;
  /** null: the journey is for all personas. */
  personaKey: string | null;
  trigger: TriggerConfig;
  settings: JourneySettings;
}

export interface StoredEvent extends IncomingEvent {
  id: number;
  contactId: string;
}

/** What the entry rules look up, as of the moment the executor would read the events. */
export interface EntryFacts {
  /** The contact's persona; undefined when there is no such contact. */
  personaOf(contactId: string): string | null | undefined;
  /** Whether the contact has had a run of the journey with this entry key (the key is unique per journey and contact). */
  hasRun(journeyId: string, contactId: string, entryKey: string): boolean;
  /** Whether a run of the journey is active or waiting for the contact. */
  hasOpenRun(journeyId: string, contactId: string): boolean;
}

/**
 * Per journey, the contacts that `events` (in id order) would enrol, with the checks of the executor's enrol step in
 * its order. Contacts are counted, not runs: a contact two events would enrol counts once, so whether the first run
 * has ended by the second event (which only the run itself can tell) does not change the figure.
 */
export function contactsEntering(journeys: readonly EntryJourney[], events: readonly StoredEvent[], facts: EntryFacts): Map<string, Set<string>> {
  const entered = new Map<string, Set<string>>(journeys.map((j) => [j.id, new Set<string>()]));
  for (const event of events) {
    for (const journey of journeys) {
      const contacts = entered.get(journey.id)!;
      if (contacts.has(event.contactId) || !triggerMatches(journey.trigger, event)) continue;
      const persona = facts.personaOf(event.contactId);
      if (persona === undefined) continue;
      if (journey.personaKey !== null && persona !== journey.personaKey) continue;
      if (journey.settings.reentry === 'after_exit' && facts.hasOpenRun(journey.id, event.contactId)) continue;
      if (facts.hasRun(journey.id, event.contactId, entryKey(journey.settings, journey.trigger, event, String(event.id)))) continue;
      contacts.add(event.contactId);
    }
  }
  return entered;
}

export interface JourneyEntryCount {
  journeyId: string;
  name: string;
  personaKey: string | null;
  /** The persona's name; null for a journey for all personas. */
  personaName: string | null;
  contacts: number;
}

export interface JourneyEntries {
  /** Distinct contacts entering at least one journey. */
  contacts: number;
  /** Journeys that at least one contact enters, most contacts first. */
  journeys: JourneyEntryCount[];
}

/** Sums up contactsEntering for people: distinct contacts overall, and per journey with its name and persona. */
export function summariseEntries(entered: Map<string, Set<string>>, about: ReadonlyMap<string, { name: string; personaKey: string | null; personaName: string | null }>): JourneyEntries {
  const all = new Set<string>();
  const journeys: JourneyEntryCount[] = [];
  for (const [journeyId, contacts] of entered) {
    if (contacts.size === 0) continue;
    for (const c of contacts) all.add(c);
    const j = about.get(journeyId);
    journeys.push({ journeyId, name: j?.name ?? journeyId, personaKey: j?.personaKey ?? null, personaName: j?.personaName ?? null, contacts: contacts.size });
  }
  journeys.sort((a, b) => b.contacts - a.contacts || a.name.localeCompare(b.name));
  return { contacts: all.size, journeys };
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * The sentence an import shows: "412 contacts would enter live journeys: Opt-in (all) 412, Welcome (Researcher) 120."
 * `when` is "would" before the import and "will" after it (the executor enrols them at its next tick).
 */
export function describeEntries(entries: JourneyEntries, when: 'would' | 'will'): string {
  if (entries.contacts === 0) return `No contact ${when} enter a live journey.`;
  const list = entries.journeys.map((j) => `${j.name} (${j.personaName ?? 'all'}) ${j.contacts.toLocaleString('en-US')}`).join(', ');
  return `${plural(entries.contacts, 'contact', 'contacts')} ${when} enter live journeys: ${list}.`;
}
