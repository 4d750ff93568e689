// Lifecycle rules (DESIGN.md): which phase an event, a confirmed opt-in or inactivity moves a contact to; pure.
import { z } from 'zod';
import { eventNameSchema } from '../journey/common.ts';
import type { PhaseKey } from '../lifecycle/phases.ts';
import { REFERRAL_CONVERTED_EVENT } from './referrals.ts';

const eventList = (what: string) =>
  z
    .array(eventNameSchema)
    .max(20, `List at most 20 ${what} events.`)
    .transform((names) => [...new Set(names)]);

/** The workspace's lifecycle settings: which events count as what, and how long until a contact lapses. */
export const lifecycleSettingsSchema = z.object({
  purchaseEvents: eventList('purchase').pipe(z.array(z.string()).min(1, 'Name at least one purchase event.')),
  referralEvents: eventList('referral'),
  reviewEvents: eventList('review'),
  /** Interactions with a communication (Kairos records opens and clicks as these events). */
  engagementEvents: eventList('engagement'),
  inactivityDays: z
    .number({ error: 'Enter a number of days.' })
    .int('Use a whole number of days.')
    .min(1, 'Must be at least 1 day.')
    .max(3650, 'Must be at most 3650 days.'),
});
export type LifecycleSettings = z.infer<typeof lifecycleSettingsSchema>;

export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleSettings = {
  purchaseEvents: ['order_completed'],
  referralEvents: ['referral_sent'],
  reviewEvents: ['review_submitted'],
  engagementEvents: ['$email_opened', '$email_clicked'],
  inactivityDays: 90,
};

export interface PhaseChange {
  to: PhaseKey;
  /** Why, as phase history shows it: "rule: first purchase (order_completed)". */
  cause: string;
}

/**
 * What kind of lifecycle signal an event is, if any; purchase wins when an event is listed twice. Kairos's own
 * referral_converted (someone this contact referred confirmed) is a referral whatever the workspace lists.
 */
export function eventRole(settings: LifecycleSettings, name: string): 'purchase' | 'advocacy' | 'engagement' | null {
  if (name === REFERRAL_CONVERTED_EVENT) return 'advocacy';
  if (settings.purchaseEvents.includes(name)) return 'purchase';
  if (settings.referralEvents.includes(name) || settings.reviewEvents.includes(name)) return 'advocacy';
  if (settings.engagementEvents.includes(name)) return 'engagement';
  return null;
}

/** Whether an event keeps a contact from lapsing. */
export function countsAsActivity(settings: LifecycleSettings, name: string): boolean {
  const role = eventRole(settings, name);
  return role === 'purchase' || role === 'engagement';
}

/** The phase a buying history earns: one purchase makes a customer, two or more a loyal customer. */
function phaseByPurchases(purchases: number): PhaseKey | null {
  if (purchases >= 2) return 'loyal';
  if (purchases === 1) return 'customer';
  return null;
}

/**
 * The phase change an event causes, or null.
 * `purchases` is the contact's number of purchase events including this one.
 * - purchase: first → customer, second or later → loyal (from any phase below loyal, lapsed included);
 * - referral or review → advocate;
 * - engagement: prospect/subscriber → engaged; a lapsed contact comes back to what their purchases earn
 *   (engaged when they never bought).
 */
export function phaseAfterEvent(
  settings: LifecycleSettings,
  current: PhaseKey,
  event: { name: string },
  purchases: number,
): PhaseChange | null {
  const role = eventRole(settings, event.name);
  if (role === 'purchase') {
    const earned = phaseByPurchases(purchases) ?? 'customer';
    if (current === 'loyal' || current === 'advocate') return null;
    if (earned === current) return null;
    const what = purchases <= 1 ? 'first purchase' : 'repeat purchase';
    return { to: earned, cause: `rule: ${what} (${event.name})` };
  }
  if (role === 'advocacy') {
    if (current === 'advocate') return null;
    const what = event.name === REFERRAL_CONVERTED_EVENT || settings.referralEvents.includes(event.name) ? 'referral' : 'review';
    return { to: 'advocate', cause: `rule: ${what} (${event.name})` };
  }
  if (role === 'engagement') {
    if (current === 'prospect' || current === 'subscriber') return { to: 'engaged', cause: `rule: engagement (${event.name})` };
    if (current === 'lapsed') {
      return { to: phaseByPurchases(purchases) ?? 'engaged', cause: `rule: back from lapsed (${event.name})` };
    }
  }
  return null;
}

/** A confirmed opt-in makes a prospect a subscriber; contacts further along keep their phase. */
export function phaseAfterConfirmation(current: PhaseKey): PhaseChange | null {
  return current === 'prospect' ? { to: 'subscriber', cause: 'rule: subscription confirmed' } : null;
}

/** Phases that lapse after the inactivity window: everyone who had a relationship, not a bare prospect. */
export const LAPSING_PHASES: readonly PhaseKey[] = ['subscriber', 'engaged', 'customer', 'loyal', 'advocate'];

/** The moment before which a contact's last activity makes them lapsed. */
export function lapseCutoff(settings: LifecycleSettings, nowMs: number): number {
  return nowMs - settings.inactivityDays * 86_400_000;
}
