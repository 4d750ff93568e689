// Starter journeys per moment: a sensible first graph for a new journey, scoped to its persona.
import type { MomentKey } from '../lifecycle/moments.ts';
import type { GraphEdge, GraphLayout, GraphNode, JourneyGraph, JourneySettings } from './graph.ts';

/**
 * Template ids of the starter templates in templates/, loaded on first start. A workspace that deleted
 * one sees the validator flag the reference, the honest state of a journey whose email is missing.
 */
export const STARTER_TEMPLATE_IDS = {
  welcome: 'welcome',
  welcomeReminder: 'welcome_reminder',
  nurture: (persona: string | null) => (persona ? `nurture_${persona}` : 'nurture'),
  /** Variant B of the first-communication welcome split: one note for every persona. */
  nurtureFounderNote: 'nurture_founder_note',
  firstPurchaseThanks: 'first_purchase_thanks',
  reviewRequest: 'review_request',
  winbackCoupon: 'winback_coupon',
  repermission: 'repermission',
  referralInvite: 'referral_invite',
  loyaltyReward: 'loyalty_reward',
} as const;

export interface StarterJourney {
  graph: JourneyGraph;
  layout: GraphLayout;
}

type Step = GraphNode & { at: [column: number, row: number] };

const COLUMN = 300;
const ROW = 150;

function build(steps: Step[], edges: [from: string, output: string, to: string][], settings: Partial<JourneySettings>): StarterJourney {
  const layout: GraphLayout = {};
  const nodes = steps.map(({ at, ...node }) => {
    layout[node.id] = { x: at[0] * COLUMN, y: at[1] * ROW };
    return node;
  });
  return {
    graph: {
      nodes,
      edges: edges.map(([from, output, to]): GraphEdge => ({ from, output, to })),
      settings: { reentry: 'once', goal: null, exitEvents: [], ...settings },
    },
    layout,
  };
}

const days = (amount: number) => ({ amount, unit: 'days' as const });

function optIn(): StarterJourney {
  const t = STARTER_TEMPLATE_IDS;
  return build(
    [
      { id: 'trigger', kind: 'trigger', name: 'Subscription confirmed', config: { on: 'subscription_confirmed' }, at: [1, 0] },
      { id: 'set_subscriber', kind: 'set_phase', config: { phase: 'subscriber', onlyForward: true }, at: [1, 1] },
      { id: 'welcome', kind: 'email', name: 'Welcome', config: { templateId: t.welcome, category: 'marketing', whenCapped: 'delay' }, at: [1, 2] },
      { id: 'wait_2d', kind: 'wait', config: { mode: 'duration', duration: days(2) }, at: [1, 3] },
      {
        id: 'clicked_welcome',
        kind: 'condition',
        name: 'Clicked the welcome email?',
        config: { match: 'all', rules: [{ type: 'engagement', action: 'clicked', emailNodeId: 'welcome' }] },
        at: [1, 4],
      },
      { id: 'set_engaged', kind: 'set_phase', config: { phase: 'engaged', onlyForward: true }, at: [0, 5] },
      { id: 'second_welcome', kind: 'email', name: 'Second welcome', config: { templateId: t.welcomeReminder, category: 'marketing', whenCapped: 'delay' }, at: [2, 5] },
      { id: 'exit', kind: 'exit', config: {}, at: [1, 6] },
    ],
    [
      ['trigger', 'next', 'set_subscriber'],
      ['set_subscriber', 'next', 'welcome'],
      ['welcome', 'next', 'wait_2d'],
      ['wait_2d', 'next', 'clicked_welcome'],
      ['clicked_welcome', 'yes', 'set_engaged'],
      ['clicked_welcome', 'no', 'second_welcome'],
      ['set_engaged', 'next', 'exit'],
      ['second_welcome', 'next', 'exit'],
    ],
    { reentry: 'once' },
  );
}

function firstCommunication(persona: string | null): StarterJourney {
  return build(
    [
      { id: 'trigger', kind: 'trigger', name: 'Became a subscriber', config: { on: 'phase_entered', phase: 'subscriber' }, at: [1, 0] },
      { id: 'wait_3d', kind: 'wait', config: { mode: 'duration', duration: days(3) }, at: [1, 1] },
      // Sent in the contact's own morning on a weekday, when a considered email gets read.
      { id: 'weekday_morning', kind: 'wait', name: 'Weekday morning', config: { mode: 'time_of_day', time: '10:00', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] }, at: [1, 2] },
      // An experiment from the start: the persona's own email (A) against a personal note from the founder (B).
      {
        id: 'welcome_split',
        kind: 'split',
        name: 'Welcome test',
        config: {
          variants: [
            { key: 'a', label: 'A: our best side', weight: 50, holdout: false },
            { key: 'b', label: 'B: founder note', weight: 50, holdout: false },
          ],
          // A welcome email is worth changing for a clear lift only: a 25% minimum effect sizes the test for that.
          experiment: { hypothesis: 'A personal note from the founder converts better than the persona’s best-side email.', minimumEffect: 25, guardrails: ['unsubscribes', 'bounces'] },
        },
        at: [1, 3],
      },
      { id: 'best_side', kind: 'email', name: 'Our best side', config: { templateId: STARTER_TEMPLATE_IDS.nurture(persona), category: 'marketing', whenCapped: 'delay' }, at: [0, 4] },
      { id: 'founder_note', kind: 'email', name: 'A note from the founder', config: { templateId: STARTER_TEMPLATE_IDS.nurtureFounderNote, category: 'marketing', whenCapped: 'delay' }, at: [2, 4] },
      { id: 'wait_4d', kind: 'wait', config: { mode: 'duration', duration: days(4) }, at: [1, 5] },
      {
        id: 'hot_lead',
        kind: 'condition',
        name: 'Hot lead?',
        config: { match: 'all', rules: [{ type: 'event_count', event: 'viewed_pricing', filters: [], comparison: 'at_least', count: 2, withinDays: 30 }] },
        at: [1, 6],
      },
      { id: 'tell_sales', kind: 'notify', name: 'Hand to sales', config: { to: 'sales@example.com', subject: 'Hot lead: {{ contact.email }}', message: 'Viewed pricing at least twice in 30 days.' }, at: [0, 7] },
      { id: 'exit', kind: 'exit', config: {}, at: [1, 8] },
    ],
    [
      ['trigger', 'next', 'wait_3d'],
      ['wait_3d', 'next', 'weekday_morning'],
      ['weekday_morning', 'next', 'welcome_split'],
      ['welcome_split', 'a', 'best_side'],
      ['welcome_split', 'b', 'founder_note'],
      ['best_side', 'next', 'wait_4d'],
      ['founder_note', 'next', 'wait_4d'],
      ['wait_4d', 'next', 'hot_lead'],
      ['hot_lead', 'yes', 'tell_sales'],
      ['hot_lead', 'no', 'exit'],
      ['tell_sales', 'next', 'exit'],
    ],
    { goal: { event: 'order_completed', filters: [], windowDays: 30, exitOnGoal: true } },
  );
}

function firstPurchase(): StarterJourney {
  const t = STARTER_TEMPLATE_IDS;
  return build(
    [
      { id: 'trigger', kind: 'trigger', name: 'First purchase', config: { on: 'phase_entered', phase: 'customer' }, at: [1, 0] },
      { id: 'thank_you', kind: 'email', name: 'Thank you + bonus', config: { templateId: t.firstPurchaseThanks, category: 'marketing', whenCapped: 'delay' }, at: [1, 1] },
      { id: 'wait_7d', kind: 'wait', config: { mode: 'duration', duration: days(7) }, at: [1, 2] },
      { id: 'ask_review', kind: 'email', name: 'Review request', config: { templateId: t.reviewRequest, category: 'marketing', whenCapped: 'delay' }, at: [1, 3] },
      { id: 'await_review', kind: 'wait_for_event', config: { event: 'review_submitted', filters: [], timeout: days(7) }, at: [1, 4] },
      { id: 'set_advocate', kind: 'set_phase', config: { phase: 'advocate', onlyForward: true }, at: [0, 5] },
      { id: 'exit', kind: 'exit', config: {}, at: [1, 6] },
    ],
    [
      ['trigger', 'next', 'thank_you'],
      ['thank_you', 'next', 'wait_7d'],
      ['wait_7d', 'next', 'ask_review'],
      ['ask_review', 'next', 'await_review'],
      ['await_review', 'matched', 'set_advocate'],
      ['await_review', 'timeout', 'exit'],
      ['set_advocate', 'next', 'exit'],
    ],
    { goal: { event: 'order_completed', filters: [], windowDays: 30, exitOnGoal: false } },
  );
}

function reactivation(): StarterJourney {
  const t = STARTER_TEMPLATE_IDS;
  return build(
    [
      { id: 'trigger', kind: 'trigger', name: 'Became lapsed', config: { on: 'phase_entered', phase: 'lapsed' }, at: [1, 0] },
      { id: 'winback', kind: 'email', name: 'Win-back coupon', config: { templateId: t.winbackCoupon, category: 'marketing', whenCapped: 'delay' }, at: [1, 1] },
      { id: 'await_order', kind: 'wait_for_event', config: { event: 'order_completed', filters: [], timeout: days(14) }, at: [1, 2] },
      { id: 'repermission', kind: 'email', name: 'Still interested?', config: { templateId: t.repermission, category: 'marketing', whenCapped: 'delay' }, at: [2, 3] },
      { id: 'wait_7d', kind: 'wait', config: { mode: 'duration', duration: days(7) }, at: [2, 4] },
      { id: 'clicked', kind: 'condition', name: 'Clicked anything?', config: { match: 'all', rules: [{ type: 'engagement', action: 'clicked' }] }, at: [2, 5] },
      { id: 'sunset', kind: 'update_contact', name: 'Sunset', config: { assignments: [{ trait: 'sunset', value: true }] }, at: [3, 6] },
      { id: 'exit', kind: 'exit', config: {}, at: [1, 7] },
    ],
    [
      ['trigger', 'next', 'winback'],
      ['winback', 'next', 'await_order'],
      ['await_order', 'matched', 'exit'],
      ['await_order', 'timeout', 'repermission'],
      ['repermission', 'next', 'wait_7d'],
      ['wait_7d', 'next', 'clicked'],
      ['clicked', 'yes', 'exit'],
      ['clicked', 'no', 'sunset'],
      ['sunset', 'next', 'exit'],
    ],
    { reentry: 'after_exit', goal: { event: 'order_completed', filters: [], windowDays: 30, exitOnGoal: true } },
  );
}

function advocacy(): StarterJourney {
  const t = STARTER_TEMPLATE_IDS;
  return build(
    [
      { id: 'trigger', kind: 'trigger', name: 'Became loyal', config: { on: 'phase_entered', phase: 'loyal' }, at: [1, 0] },
      { id: 'reward', kind: 'email', name: 'Loyalty reward', config: { templateId: t.loyaltyReward, category: 'marketing', whenCapped: 'delay' }, at: [1, 1] },
      { id: 'wait_3d', kind: 'wait', config: { mode: 'duration', duration: days(3) }, at: [1, 2] },
      { id: 'invite', kind: 'email', name: 'Referral invitation', config: { templateId: t.referralInvite, category: 'marketing', whenCapped: 'delay' }, at: [1, 3] },
      { id: 'await_referral', kind: 'wait_for_event', config: { event: 'referral_sent', filters: [], timeout: days(14) }, at: [1, 4] },
      { id: 'set_advocate', kind: 'set_phase', config: { phase: 'advocate', onlyForward: true }, at: [0, 5] },
      { id: 'exit', kind: 'exit', config: {}, at: [1, 6] },
    ],
    [
      ['trigger', 'next', 'reward'],
      ['reward', 'next', 'wait_3d'],
      ['wait_3d', 'next', 'invite'],
      ['invite', 'next', 'await_referral'],
      ['await_referral', 'matched', 'set_advocate'],
      ['await_referral', 'timeout', 'exit'],
      ['set_advocate', 'next', 'exit'],
    ],
    { goal: { event: 'referral_sent', filters: [], windowDays: 30, exitOnGoal: false } },
  );
}

/** The starter journey of a moment; first communication speaks to the persona of its column. */
export function starterJourney(moment: MomentKey, personaKey: string | null): StarterJourney {
  switch (moment) {
    case 'opt_in':
      return optIn();
    case 'first_communication':
      return firstCommunication(personaKey);
    case 'first_purchase':
      return firstPurchase();
    case 'reactivation':
      return reactivation();
    case 'advocacy':
      return advocacy();
    default:
      return moment satisfies never;
  }
}
