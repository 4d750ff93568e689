// The five moments that matter of the customer lifecycle (DESIGN.md), in the order a customer meets them.
import { z } from 'zod';

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
