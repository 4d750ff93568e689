// The rollups of one phase transition: the flow, and the durations to a first purchase and to loyalty. Called by
// transitionPhase (every phase change goes through it) in the transaction that writes the history row.
import { wholeDays } from '../../shared/reports/aggregate.ts';
import { flowKey } from '../../shared/reports/metrics.ts';
import type { Db } from '../db/client.ts';
import { bumpCount } from './rollups.ts';

interface Milestones {
  subscribedAt: number | null;
  customerAt: number | null;
  wasLoyal: number | null;
}

type MilestoneQuery = { get(contactId: string): Milestones | undefined };
const queries = new WeakMap<object, MilestoneQuery>();

// Served by phase_history_contact_idx (contact_id, at): a contact's own few rows, read only on the way into
// customer or loyal.
function milestones(db: Db, contactId: string): Milestones {
  let q = queries.get(db.$client);
  if (!q) {
    q = db.$client.prepare<[string], Milestones>(
      `SELECT min(CASE WHEN to_phase = 'subscriber' THEN at END) AS subscribedAt,
              min(CASE WHEN to_phase = 'customer' THEN at END) AS customerAt,
              max(to_phase = 'loyal') AS wasLoyal
       FROM phase_history WHERE contact_id = ?`,
    );
    queries.set(db.$client, q);
  }
  return q.get(contactId) ?? { subscribedAt: null, customerAt: null, wasLoyal: null };
}

export interface TransitionFacts {
  contactId: string;
  personaKey: string | null;
  /** When the contact's current subscription was given (the fallback start of "subscriber" for old contacts). */
  consentAt: number | null;
  subscription: string;
  from: string | null;
  to: string;
  atMs: number;
}

/** Counts a transition; call before its phase_history row is written (the milestones are read from the earlier rows). */
export function countTransition(db: Db, t: TransitionFacts): void {
  bumpCount(db, 'phase_flow', t.atMs, t.personaKey, flowKey(t.from, t.to));
  if (t.to !== 'customer' && t.to !== 'loyal') return;
  const m = milestones(db, t.contactId);
  if (t.to === 'customer' && m.customerAt === null) {
    const start = m.subscribedAt ?? (t.subscription === 'subscribed' ? t.consentAt : null);
    if (start !== null) bumpCount(db, 'days_to_first_purchase', t.atMs, t.personaKey, String(wholeDays(start, t.atMs)));
  }
  if (t.to === 'loyal' && !m.wasLoyal && m.customerAt !== null) {
    bumpCount(db, 'days_customer_to_loyal', t.atMs, t.personaKey, String(wholeDays(m.customerAt, t.atMs)));
  }
}

/**
 * A contact's persona decided in the write that created it (its row is written first): its creation counts for that
 * persona instead of the one it was written with.
 */
export function moveCreationFlow(db: Db, fromPersona: string | null, toPersona: string | null, atMs: number): void {
  const key = flowKey(null, 'prospect');
  bumpCount(db, 'phase_flow', atMs, fromPersona, key, -1);
  bumpCount(db, 'phase_flow', atMs, toPersona, key, 1);
}
