// The living demo's behaviour model: how a synthetic contact of each starter persona reacts to the emails it gets
// and what it does on its own (opens, clicks, purchases, referrals, going quiet, coming back); pure and seeded.
// Emails change what people do, so journeys have a measurable effect: a click on an offer raises the chance of an
// order, a win-back coupon brings quiet customers back, and variant B of the welcome split converts better than A.
import { STARTER_TEMPLATE_IDS } from '../journey/starters.ts';
import { chance, delayMs, type Rng } from './random.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export type DemoPersona = 'bargain_hunter' | 'researcher' | 'loyalist';
export const DEMO_PERSONAS: readonly DemoPersona[] = ['bargain_hunter', 'researcher', 'loyalist'];

/** Variant B of the first-communication split: a starter template of its own (templates/nurture_founder_note.mjml). */
export const WELCOME_B_TEMPLATE: string = STARTER_TEMPLATE_IDS.nurtureFounderNote;

export interface PersonaProfile {
  /** Share of the population. */
  share: number;
  /** Clicks the confirmation link of the double opt-in. */
  confirm: number;
  /** Opens a marketing email (before the template's appeal). */
  open: number;
  /** Clicks, once opened. */
  click: number;
  /** Chance per day of an order without any email's help: first order, and repeat orders. */
  firstOrderPerDay: number;
  repeatOrderPerDay: number;
  /** Chance per day of looking at the pricing page (two in 30 days make a hot lead). */
  pricingPerDay: number;
  /** Chance per day of an active contact going quiet: no opens, no orders, until something brings it back. */
  quietPerDay: number;
  /** A quiet contact opens this much less. */
  quietOpenFactor: number;
  /** Writes a review when asked, once opened. */
  review: number;
  /** Shares the referral link when invited, once opened; each share brings a friend who subscribes with this chance. */
  shareReferral: number;
  friendJoins: number;
}

export const PERSONA_PROFILES: Record<DemoPersona, PersonaProfile> = {
  bargain_hunter: {
    share: 0.4, confirm: 0.8, open: 0.5, click: 0.35, firstOrderPerDay: 0.004, repeatOrderPerDay: 0.006, pricingPerDay: 0.05,
    quietPerDay: 0.02, quietOpenFactor: 0.12, review: 0.15, shareReferral: 0.3, friendJoins: 0.6,
  },
  researcher: {
    share: 0.35, confirm: 0.9, open: 0.6, click: 0.3, firstOrderPerDay: 0.003, repeatOrderPerDay: 0.004, pricingPerDay: 0.08,
    quietPerDay: 0.012, quietOpenFactor: 0.1, review: 0.35, shareReferral: 0.2, friendJoins: 0.5,
  },
  loyalist: {
    share: 0.25, confirm: 0.92, open: 0.7, click: 0.4, firstOrderPerDay: 0.005, repeatOrderPerDay: 0.012, pricingPerDay: 0.02,
    quietPerDay: 0.008, quietOpenFactor: 0.15, review: 0.3, shareReferral: 0.45, friendJoins: 0.6,
  },
};

/** What an email does to its reader: how appealing it is, and the order it may lead to once clicked. */
export interface TemplateEffect {
  openFactor: number;
  clickFactor: number;
  /** Chance of an order within a few days of a click (on top of the daily chance). */
  orderOnClick: number;
  /** Days after a click during which the daily order chance is multiplied by `boost`. */
  boostDays: number;
  boost: number;
  /** Brings a quiet contact back when opened. */
  wakes: boolean;
}

const NEUTRAL: TemplateEffect = { openFactor: 1, clickFactor: 1, orderOnClick: 0.03, boostDays: 3, boost: 1.5, wakes: false };

/** Per starter template; persona-specific emails (nurture_*) share the variant A row. */
const TEMPLATE_EFFECTS: Record<string, Partial<TemplateEffect>> = {
  welcome: { openFactor: 1.3, clickFactor: 1.2, orderOnClick: 0.04 },
  welcome_reminder: { openFactor: 0.8, orderOnClick: 0.05 },
  nurture_a: { orderOnClick: 0.12, boostDays: 7, boost: 2 },
  [WELCOME_B_TEMPLATE]: { openFactor: 1.15, clickFactor: 1.25, orderOnClick: 0.3, boostDays: 10, boost: 3 },
  first_purchase_thanks: { openFactor: 1.3, clickFactor: 1.1, orderOnClick: 0.25, boostDays: 14, boost: 2.5 },
  review_request: { openFactor: 1.1, orderOnClick: 0.02 },
  loyalty_reward: { openFactor: 1.3, clickFactor: 1.2, orderOnClick: 0.2, boostDays: 10, boost: 2 },
  referral_invite: { openFactor: 1.1, orderOnClick: 0.02 },
  winback_coupon: { openFactor: 1, clickFactor: 1.3, orderOnClick: 0.3, boostDays: 14, boost: 3, wakes: true },
  repermission: { openFactor: 1, clickFactor: 1.5, orderOnClick: 0.05, wakes: true },
};

/** Bargain hunters answer coupons, researchers detail, loyalists recognition. */
const PERSONA_TASTE: Record<DemoPersona, Record<string, number>> = {
  bargain_hunter: { winback_coupon: 1.6, first_purchase_thanks: 1.3, nurture_a: 1.1 },
  researcher: { nurture_a: 1.2, review_request: 1.3, winback_coupon: 0.7 },
  loyalist: { loyalty_reward: 1.4, referral_invite: 1.3, [WELCOME_B_TEMPLATE]: 1.1 },
};

function effectKey(templateId: string): string {
  return templateId === 'nurture' || (templateId.startsWith('nurture_') && templateId !== WELCOME_B_TEMPLATE) ? 'nurture_a' : templateId;
}

export function templateEffect(persona: DemoPersona, templateId: string): TemplateEffect {
  const key = effectKey(templateId);
  const base = { ...NEUTRAL, ...TEMPLATE_EFFECTS[key] };
  const taste = PERSONA_TASTE[persona][key] ?? 1;
  return { ...base, orderOnClick: Math.min(0.95, base.orderOnClick * taste), openFactor: base.openFactor * Math.sqrt(taste) };
}

/**
 * The chance that one email leads to an order soon after, for an active contact: opened × clicked × order on
 * click. The figure the welcome split is about: larger for variant B than for A, for every persona.
 */
export function conversionChance(persona: DemoPersona, templateId: string): number {
  const p = PERSONA_PROFILES[persona];
  const e = templateEffect(persona, templateId);
  return Math.min(1, p.open * e.openFactor) * Math.min(1, p.click * e.clickFactor) * e.orderOnClick;
}

/** Chance that an opened marketing email ends in an unsubscribe, for an active and for a quiet reader. */
export const UNSUBSCRIBE_ACTIVE = 0.006;
export const UNSUBSCRIBE_QUIET = 0.04;

/** What the model remembers of one contact between its draws. */
export interface SimState {
  persona: DemoPersona;
  /** Confirmed the double opt-in. */
  subscribed: boolean;
  /** Gone quiet: opens little, orders nothing, until an email wakes it or a little luck. */
  quiet: boolean;
  orders: number;
  /** Until then the daily order chance is multiplied by `boost`. */
  boostUntil: number;
  boost: number;
  /** Shared the referral link already (one friend per contact at most). */
  referred: boolean;
  reviewed: boolean;
}

export function initialState(persona: DemoPersona): SimState {
  return { persona, subscribed: false, quiet: false, orders: 0, boostUntil: 0, boost: 1, referred: false, reviewed: false };
}

/** Something a contact does at a time; the shell carries it out through the real code paths. */
export type DemoAction =
  | { kind: 'confirm'; at: number }
  | { kind: 'open'; at: number }
  | { kind: 'click'; at: number }
  | { kind: 'order'; at: number }
  | { kind: 'view_pricing'; at: number }
  | { kind: 'review'; at: number }
  | { kind: 'share_referral'; at: number }
  | { kind: 'friend_subscribes'; at: number }
  | { kind: 'unsubscribe'; at: number };

export interface EmailSeen {
  templateId: string;
  /** When it was delivered. */
  at: number;
  category: 'marketing' | 'transactional';
}

/**
 * How a contact reacts to one email it received: it may open, click, order, review or share its referral link,
 * each at a time after the email. Returns the actions in time order; changes `state` (an order boost, waking up).
 */
export function reactToEmail(state: SimState, email: EmailSeen, rng: Rng): DemoAction[] {
  const profile = PERSONA_PROFILES[state.persona];
  if (email.templateId === 'confirmation') {
    if (state.subscribed || !chance(rng, profile.confirm)) return [];
    return [{ kind: 'confirm', at: email.at + delayMs(rng, 3 * HOUR_MS, 2 * 60_000) }];
  }
  if (email.category !== 'marketing') return [];
  const effect = templateEffect(state.persona, email.templateId);
  const openChance = Math.min(0.97, profile.open * effect.openFactor * (state.quiet ? profile.quietOpenFactor * (effect.wakes ? 3 : 1) : 1));
  if (!chance(rng, openChance)) return [];
  const actions: DemoAction[] = [];
  const openAt = email.at + delayMs(rng, 8 * HOUR_MS, 5 * 60_000);
  actions.push({ kind: 'open', at: openAt });
  // A few leave with the unsubscribe link, quiet readers more often: the cost of sending.
  if (chance(rng, state.quiet ? UNSUBSCRIBE_QUIET : UNSUBSCRIBE_ACTIVE)) {
    state.subscribed = false;
    actions.push({ kind: 'unsubscribe', at: openAt + delayMs(rng, 2 * 60_000, 20_000) });
    return actions;
  }
  if (state.quiet && effect.wakes) state.quiet = false;
  if (state.quiet) return actions;
  if (email.templateId === 'review_request' && !state.reviewed && chance(rng, profile.review)) {
    state.reviewed = true;
    actions.push({ kind: 'review', at: openAt + delayMs(rng, DAY_MS, HOUR_MS) });
  }
  if (email.templateId === 'referral_invite' && !state.referred && chance(rng, profile.shareReferral)) {
    state.referred = true;
    const sharedAt = openAt + delayMs(rng, 12 * HOUR_MS, 10 * 60_000);
    actions.push({ kind: 'share_referral', at: sharedAt });
    if (chance(rng, profile.friendJoins)) actions.push({ kind: 'friend_subscribes', at: sharedAt + delayMs(rng, 2 * DAY_MS, HOUR_MS) });
  }
  if (chance(rng, Math.min(1, profile.click * effect.clickFactor))) {
    const clickAt = openAt + delayMs(rng, 10 * 60_000, 5_000);
    actions.push({ kind: 'click', at: clickAt });
    state.boost = effect.boost;
    state.boostUntil = clickAt + effect.boostDays * DAY_MS;
    if (chance(rng, effect.orderOnClick)) actions.push({ kind: 'order', at: clickAt + delayMs(rng, DAY_MS, 15 * 60_000) });
  }
  return actions.sort((a, b) => a.at - b.at);
}

/**
 * What a subscribed contact does on its own during one day starting at `dayStart`: look at prices, order (more
 * likely while an email's boost lasts), go quiet, or now and then come back by itself.
 */
export function dailyActions(state: SimState, dayStart: number, rng: Rng): DemoAction[] {
  if (!state.subscribed) return [];
  const profile = PERSONA_PROFILES[state.persona];
  const at = () => dayStart + Math.floor(rng.next() * DAY_MS);
  if (state.quiet) {
    // A rare return without any email: the contact remembers the shop.
    if (chance(rng, 0.004)) {
      state.quiet = false;
      return [{ kind: 'order', at: at() }];
    }
    return [];
  }
  if (chance(rng, profile.quietPerDay)) {
    state.quiet = true;
    return [];
  }
  const actions: DemoAction[] = [];
  if (chance(rng, profile.pricingPerDay)) actions.push({ kind: 'view_pricing', at: at() });
  const base = state.orders === 0 ? profile.firstOrderPerDay : profile.repeatOrderPerDay;
  const boosted = dayStart < state.boostUntil ? base * state.boost : base;
  if (chance(rng, boosted)) actions.push({ kind: 'order', at: at() });
  return actions.sort((a, b) => a.at - b.at);
}

/** The order has happened: the model counts it (repeat orders grow likelier). */
export function recordOrder(state: SimState): void {
  state.orders += 1;
}
