// The five moments that matter of the customer lifecycle (DESIGN.md), in the order a customer meets them.
import { z } from 'zod';
import type { PhaseKey } from './phases.ts';

export const MOMENT_KEYS = ['opt_in', 'first_communication', 'first_purchase', 'reactivation', 'advocacy'] as const;
export const momentKeySchema = z.enum(MOMENT_KEYS, { error: `Unknown moment; use one of ${MOMENT_KEYS.join(', ')}.` });
export type MomentKey = z.infer<typeof momentKeySchema>;

export interface MomentDefinition {
  key: MomentKey;
  label: string;
  purpose: string;
}

export const STARTER_MOMENTS: readonly MomentDefinition[] = [
  { key: 'opt_in', label: 'Opt-in', purpose: 'Win consent (double opt-in), confirm, welcome.' },
  {
    key: 'first_communication',
    label: 'First communication',
    purpose: "Build trust: show the brand's best side, per persona; hand hot leads to sales.",
  },
  {
    key: 'first_purchase',
    label: 'First purchase',
    purpose: 'Thank, onboard, support; time-limited bonus for the next purchase; ask for a review.',
  },
  {
    key: 'reactivation',
    label: 'Reactivation',
    purpose: 'Win back lapsed customers (coupon), re-permission, sunset.',
  },
  {
    key: 'advocacy',
    label: 'Advocacy',
    purpose: 'Reward loyal customers, invite referrals, reviews, user content.',
  },
];

/**
 * The phases a moment serves: where its contacts stand. The matrix shows, per cell, the persona's contacts in these
 * phases; the dashboard links a moment to them. Opt-in wins subscribers (a prospect becomes one by confirming), first
 * communication nurtures subscribers into engaged contacts, reactivation works on the lapsed.
 */
export const MOMENT_PHASES: Readonly<Record<MomentKey, readonly PhaseKey[]>> = {
  opt_in: ['subscriber'],
  first_communication: ['subscriber', 'engaged'],
  first_purchase: ['customer'],
  reactivation: ['lapsed'],
  advocacy: ['loyal', 'advocate'],
};
