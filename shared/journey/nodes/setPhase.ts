// set_phase: moves the contact to a lifecycle phase (recorded with this journey as the cause).
import { z } from 'zod';
import { phaseKeySchema } from '../../lifecycle/phases.ts';
import { defineKind, NEXT } from './types.ts';

export const setPhaseConfigSchema = z.object({
  phase: phaseKeySchema,
  /** Move only up the ladder (see isForwardMove): a contact already further along keeps their phase. */
  onlyForward: z.boolean().default(false),
});

export const setPhase = defineKind({
  label: 'Set phase',
  description: "Move the contact to a lifecycle phase.",
  configSchema: setPhaseConfigSchema,
  defaultConfig: () => ({ phase: 'engaged' as const, onlyForward: true }),
  outputs: () => NEXT,
  summary: (c) => `phase → ${c.phase}${c.onlyForward ? ' (only forward)' : ''}`,
  references: (c) => ({ phases: [c.phase] }),
});
