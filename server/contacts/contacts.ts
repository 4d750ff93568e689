// A contact's life on the write side: creating, changing traits, recording events, setting phases. Ingestion,
// import, consent and the executor all go through these, so rules apply the same way everywhere.
import { decidePersona } from '../../shared/contacts/personaRules.ts';
import { displayName, isTimeZone, mergeTraits, searchTerms } from '../../shared/contacts/traits.ts';
import { isForwardMove, type PhaseKey } from '../../shared/lifecycle/phases.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { ContactNotFoundError } from './consent.ts';
import { getContact, getContactByEmail, insertContact, replaceSearchTerms, saveContact, writeEvent, type ContactState } from './db.ts';
import { timeOrderedId } from '../ids.ts';
import { transitionPhase } from './phases.ts';
import { applyLifecycle, databaseFacts, loadRules, reassignPersona, type WorkspaceRules } from './rules.ts';

export function newContactId(nowMs: number): string {
  return timeOrderedId('c_', nowMs);
}

/** A new contact in memory: a prospect without consent. */
export function newContactState(email: string, nowMs: number, externalId: string | null = null): ContactState {
  return {
    id: newContactId(nowMs),
    email,
    externalId,
    traits: {},
    name: null,
    personaKey: null,
    personaSource: null,
    phase: 'prospect',
    subscription: 'none',
    consentAt: null,
    consentSource: null,
    consentIp: null,
    timezone: null,
    lastActiveAt: nowMs,
    createdAt: nowMs,
    updatedAt: nowMs,
  };
}

/** Merges traits into the contact in memory; the name and time zone follow the traits. Returns whether anything changed. */
export function applyTraits(contact: ContactState, incoming: Record<string, unknown>, nowMs: number): boolean {
  const merged = mergeTraits(contact.traits, incoming);
  const name = displayName(merged);
  const timezone = typeof merged.timezone === 'string' && isTimeZone(merged.timezone) ? merged.timezone : contact.timezone;
  const changed = JSON.stringify(merged) !== JSON.stringify(contact.traits) || name !== contact.name || timezone !== contact.timezone;
  if (!changed) return false;
  contact.traits = merged;
  contact.name = name;
  contact.timezone = timezone;
  contact.updatedAt = nowMs;
  return true;
}

/** Writes a contact held in memory: inserted when new, else updated; search terms follow email and name. */
export function persistContact(db: Db, contact: ContactState, before: { email: string; name: string | null } | null): void {
  if (before === null) insertContact(db, contact);
  else saveContact(db, contact);
  if (before === null || before.email !== contact.email || before.name !== contact.name) {
    replaceSearchTerms(db, contact.id, searchTerms(contact.email, contact.name));
  }
}

/**
 * The contact with this email, created (a prospect without consent) when there is none; traits are merged.
 * For the subscribe form and other paths that know a person only by address.
 */
export function findOrCreateContact(
  db: Db,
  clock: Clock,
  input: { email: string; traits?: Record<string, unknown> },
): { contact: ContactState; created: boolean } {
  return db.transaction(() => {
    const now = clock.now().getTime();
    const rules = loadRules(db);
    const existing = getContactByEmail(db, input.email);
    const contact = existing ?? newContactState(input.email, now);
    const before = existing ? { email: existing.email, name: existing.name } : null;
    const traitsChanged = applyTraits(contact, input.traits ?? {}, now);
    if (!existing) {
      // The persona is decided before the row is written (its first phase is counted for that persona), and its
      // $persona_entered event written after (the event refers to the row).
      const decision = decidePersona(rules.personas, contact.traits, databaseFacts(db, contact, now, false));
      contact.personaKey = decision.key;
      contact.personaSource = decision.source;
      persistContact(db, contact, null);
      if (decision.key !== null) {
        writeEvent(db, { contactId: contact.id, name: '$persona_entered', properties: { persona: decision.key, from: null }, timestamp: now, receivedAt: now });
      }
    } else if (traitsChanged) {
      reassignPersona(db, rules, contact, now);
      persistContact(db, contact, before);
    }
    return { contact, created: !existing };
  });
}

function requireContact(db: Db, contactId: string): ContactState {
  const contact = getContact(db, contactId);
  if (!contact) throw new ContactNotFoundError(contactId);
  return contact;
}

/**
 * Moves a contact to a phase (a journey's set_phase node, a person in the app); cause is recorded. With onlyForward,
 * a contact already further along (as it is now, not as the journey last saw it) keeps its phase.
 */
export function setPhase(db: Db, clock: Clock, contactId: string, phase: PhaseKey, cause: string, options: { onlyForward?: boolean } = {}): boolean {
  return db.transaction(() => {
    const contact = requireContact(db, contactId);
    if (options.onlyForward && !isForwardMove(contact.phase, phase)) return false;
    const changed = transitionPhase(db, contact, phase, cause, clock.now().getTime());
    if (changed) saveContact(db, contact);
    return changed;
  });
}

/** Sets traits (a journey's update_contact node, a person in the app); the persona is reassigned. */
export function updateTraits(db: Db, clock: Clock, contactId: string, traits: Record<string, unknown>): boolean {
  return db.transaction(() => {
    const now = clock.now().getTime();
    const contact = requireContact(db, contactId);
    const before = { email: contact.email, name: contact.name };
    if (!applyTraits(contact, traits, now)) return false;
    reassignPersona(db, loadRules(db), contact, now);
    persistContact(db, contact, before);
    return true;
  });
}

/**
 * Records an event for a known contact (opens and clicks from the mail engine, events from the app) and applies
 * the lifecycle and persona rules to it. Returns the event id, or null when the messageId was seen before.
 */
export function recordEvent(
  db: Db,
  clock: Clock,
  contactId: string,
  event: { name: string; properties?: Record<string, unknown>; timestamp?: Date; messageId?: string },
  rules?: WorkspaceRules,
): number | null {
  return db.transaction(() => {
    const now = clock.now().getTime();
    const contact = requireContact(db, contactId);
    const timestamp = event.timestamp?.getTime() ?? now;
    const id = writeEvent(db, { contactId, name: event.name, properties: event.properties ?? {}, timestamp, receivedAt: now, messageId: event.messageId });
    if (id === null) return null;
    const r = rules ?? loadRules(db);
    let changed = applyLifecycle(db, r, contact, { name: event.name, timestamp }, now);
    if (r.personasUseEvents) changed = reassignPersona(db, r, contact, now) || changed;
    if (changed) saveContact(db, contact);
    return id;
  });
}
