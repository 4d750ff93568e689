// Phase changes: every transition is written with its time and cause to phase_history, and as a $phase_entered
// event that journeys trigger on, in the caller's transaction.
import type { PhaseKey } from '../../shared/lifecycle/phases.ts';
import type { Db } from '../db/client.ts';
import { countTransition } from '../reports/phaseRollups.ts';
import { statements, writeEvent, type ContactState } from './db.ts';

/**
 * Moves an in-memory contact to a phase and records the transition; the caller saves the contact row
 * (ingestion saves it once per call). Returns false when the contact is already in that phase.
 */
export function transitionPhase(db: Db, contact: ContactState, to: PhaseKey, cause: string, atMs: number): boolean {
  if (contact.phase === to) return false;
  const from = contact.phase;
  // The dashboard's flows and durations, counted with the history row they describe.
  countTransition(db, { contactId: contact.id, personaKey: contact.personaKey, consentAt: contact.consentAt, subscription: contact.subscription, from, to, atMs });
  statements(db).insertPhaseHistory.run(contact.id, from, to, atMs, cause);
  writeEvent(db, { contactId: contact.id, name: '$phase_entered', properties: { phase: to, from }, timestamp: atMs, receivedAt: atMs });
  contact.phase = to;
  contact.updatedAt = atMs;
  return true;
}
