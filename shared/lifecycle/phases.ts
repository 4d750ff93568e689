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
