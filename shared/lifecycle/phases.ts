// Default lifecycle phases (DESIGN.md): keys are fixed, labels are configurable per workspace.
import { z } from 'zod';

export const PHASE_KEYS = ['prospect', 'subscriber', 'engaged', 'customer', 'loyal', 'advocate', 'lapsed'] as const;
export const phaseKeySchema = z.enum(PHASE_KEYS, { error: `Choose a phase: ${PHASE_KEYS.join(', ')}.` });
export type PhaseKey = z.infer<typeof phaseKeySchema>;

export interface PhaseDefinition {
  key: PhaseKey;
  label: string;
  description: string;
}

export const DEFAULT_PHASES: readonly PhaseDefinition[] = [
  { key: 'prospect', label: 'Prospect', description: 'Known, no consent yet.' },
  { key: 'subscriber', label: 'Subscriber', description: 'Confirmed opt-in.' },
  { key: 'engaged', label: 'Engaged', description: 'Interacted with a communication.' },
  { key: 'customer', label: 'Customer', description: 'Made a first purchase.' },
  { key: 'loyal', label: 'Loyal', description: 'Makes repeat purchases.' },
  { key: 'advocate', label: 'Advocate', description: 'Referred someone or wrote a review.' },
  { key: 'lapsed', label: 'Lapsed', description: "Inactive past the workspace's inactivity window." },
];

/**
 * The ladder a relationship climbs; `lapsed` is off the ladder (anyone can lapse, and a lapsed contact comes back to
 * wherever a journey or their history puts them).
 */
const LADDER: Partial<Record<PhaseKey, number>> = { prospect: 0, subscriber: 1, engaged: 2, customer: 3, loyal: 4, advocate: 5 };

/**
 * Whether a move from `current` to `to` goes forward: up the ladder, into `lapsed`, or out of it. A set_phase step
 * marked "only forward" moves a contact only then, so an opt-in journey's "→ subscriber" never demotes a customer.
 */
export function isForwardMove(current: PhaseKey, to: PhaseKey): boolean {
  if (current === to) return false;
  const from = LADDER[current];
  const dest = LADDER[to];
  if (from === undefined || dest === undefined) return true;
  return dest > from;
}
