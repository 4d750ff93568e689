// Sending rules as pure functions over plain data: quiet hours, the frequency cap, retry backoff. The delivery loop calls them.
import { DateTime } from 'luxon';

const DAY_MS = 24 * 60 * 60 * 1000;
export const CAP_WINDOW_MS = 7 * DAY_MS;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * When marketing mail may go out to a contact in `timezone`: `now` itself outside quiet hours, else the
 * end of the quiet window in local time (DST-safe through luxon). A window may cross midnight.
 */
export function quietHoursRelease(nowMs: number, timezone: string, quiet: { enabled: boolean; start: string; end: string }): number {
  if (!quiet.enabled) return nowMs;
  const local = DateTime.fromMillis(nowMs, { zone: timezone });
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const crossesMidnight = start > end;
  const inside = crossesMidnight ? minute >= start || minute < end : minute >= start && minute < end;
  if (!inside) return nowMs;
  const endToday = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  // Before midnight in a window that crosses it, the window ends tomorrow.
  const release = crossesMidnight && minute >= start ? endToday.plus({ days: 1 }) : endToday;
  return release.toMillis();
}

/**
 * When the frequency cap lets one more marketing email go out: `now` while fewer than `max` went out in
 * the last 7 days, else the moment the oldest of the last `max` leaves the window.
 */
export function frequencyCapRelease(nowMs: number, sentAtMs: readonly number[], max: number): number {
  const recent = sentAtMs.filter((t) => t > nowMs - CAP_WINDOW_MS).sort((a, b) => b - a);
  if (recent.length < max) return nowMs;
  // The max-th most recent send must leave the window before another fits.
  return (recent[max - 1] as number) + CAP_WINDOW_MS + 1;
}

export const RETRY = {
  baseMs: 30_000,
  maxMs: 60 * 60 * 1000,
  /** After this many attempts a temporary failure becomes permanent. */
  maxAttempts: 8,
} as const;

/** A stable 32-bit hash, so jitter is deterministic per message and attempt (tests can predict it). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Exponential backoff with ±20 % jitter: 30 s, 1 min, 2 min… capped at an hour. `attempt` counts from 1. */
export function retryDelayMs(attempt: number, seed: string): number {
  const exponential = Math.min(RETRY.maxMs, RETRY.baseMs * 2 ** Math.max(0, attempt - 1));
  const jitter = (hash32(`${seed}:${attempt}`) / 0xffffffff) * 0.4 - 0.2;
  return Math.round(exponential * (1 + jitter));
}

export interface SendCheck {
  /** transactional mail goes to any known contact and bypasses quiet hours and the cap; the confirmation goes only to pending contacts. */
  category: 'marketing' | 'transactional';
  purpose: 'journey' | 'confirmation' | 'notify';
  whenCapped: 'delay' | 'skip';
  subscription: string;
  suppressed: { reason: string } | null;
  timezone: string;
  quietHours: { enabled: boolean; start: string; end: string };
  frequencyCap: { enabled: boolean; maxPerWeek: number };
  /** When this contact's marketing emails of the last 7 days went out (ms). */
  recentMarketingSends: readonly number[];
  /** An admin released this held email ("send now"): quiet hours and the cap no longer hold it; consent still does. */
  released?: boolean;
  /** Journey priority under the cap; absent, the cap ignores priority. */
  contest?: CapContest;
}

/** A marketing email to the same contact, by the priority of its journey (1 low … 5 urgent). */
export interface CapRival {
  priority: number;
  /** The journey's name, for the note on the email that waits. */
  journey: string | null;
}

/**
 * What the cap weighs when two marketing emails compete for a contact's last slot: the higher-priority journey's goes,
 * the other waits (never dropped, even where its node says skip: it lost to a rival, the contact did not have enough).
 */
export interface CapContest {
  /** This email's journey priority. */
  priority: number;
  /** Since when this email has been due: a slot taken after then by a higher-priority email was taken from it. */
  dueSince: number;
  /** The sends of recentMarketingSends, one for one, with their journeys. */
  sends: readonly (CapRival & { at: number })[];
  /** The contact's other marketing emails that are due and not sent yet. */
  due: readonly CapRival[];
}

export type SendDecision =
  | { action: 'send' }
  | { action: 'defer'; until: number; reason: 'quiet_hours' | 'frequency_cap' }
  /** The cap's last slot went (or goes) to `journey`, of higher priority; this one waits until the cap frees. */
  | { action: 'defer'; until: number; reason: 'priority'; journey: string | null }
  | { action: 'suppress'; reason: string };

/** The rival of highest priority (the latest of equals): the journey named on the waiting email. */
function strongest(rivals: readonly CapRival[]): CapRival {
  return rivals.reduce((best, r) => (r.priority >= best.priority ? r : best));
}

/**
 * Whether this email lost the cap's last slot to a higher-priority one: a slot taken from it while it was due, or
 * the slots that higher-priority emails due now will take. Null when priority changes nothing here.
 */
export function capContestLoss(nowMs: number, max: number, contest: CapContest): { until: number; journey: string | null } | null {
  const times = contest.sends.map((s) => s.at);
  const full = frequencyCapRelease(nowMs, times, max);
  if (full > nowMs) {
    // Full: had the higher-priority sends since this email became due not gone, would it fit?
    const lostTo = contest.sends.filter((s) => s.priority > contest.priority && s.at >= contest.dueSince);
    if (lostTo.length === 0) return null;
    const without = contest.sends.filter((s) => !lostTo.includes(s)).map((s) => s.at);
    return frequencyCapRelease(nowMs, without, max) <= nowMs ? { until: full, journey: strongest(lostTo).journey } : null;
  }
  // Room left: the higher-priority emails due now go first, as if sent now.
  const ahead = contest.due.filter((r) => r.priority > contest.priority);
  if (ahead.length === 0) return null;
  const until = frequencyCapRelease(nowMs, [...times, ...ahead.map(() => nowMs)], max);
  return until > nowMs ? { until, journey: strongest(ahead).journey } : null;
}

/**
 * Why consent keeps a journey email of this kind from a contact with this subscription, or null when it may go.
 *
 * Marketing needs `subscribed`. Transactional mail (a receipt, a notice about the contact's own order or account)
 * goes to every known contact: `none`, `unsubscribed`, `pending` and `subscribed` alike, because it answers
 * something the contact did, not a consent to be marketed to (owners' decision, issue 12). That includes
 * `pending`: double opt-in holds back marketing until the contact confirms, and a pending contact who buys still
 * gets the receipt; an unsubscribed one would, so a pending one must too. Suppression (a hard bounce, a complaint)
 * is checked before this and stops both kinds.
 */
export function journeyConsentBlock(category: 'marketing' | 'transactional', subscription: string): string | null {
  if (category === 'transactional' || subscription === 'subscribed') return null;
  const who = subscription === 'none' ? 'never subscribed' : subscription === 'pending' ? 'pending (not yet confirmed)' : subscription;
  return `marketing email not sent: the contact is ${who}`;
}

/**
 * Whether a message may go out now, checked at send time (consent can change after the message was
 * queued). Suppression stops everything; the confirmation goes only to a pending contact; journey mail
 * follows journeyConsentBlock; marketing waits out quiet hours and the frequency cap (delayed, or skipped
 * where the email node says so), and an email that lost the cap's last slot to a higher-priority journey waits.
 */
export function sendDecision(nowMs: number, c: SendCheck): SendDecision {
  if (c.suppressed) return { action: 'suppress', reason: `address suppressed (${c.suppressed.reason})` };
  if (c.purpose === 'confirmation') {
    return c.subscription === 'pending' ? { action: 'send' } : { action: 'suppress', reason: `confirmation not sent: the contact is ${c.subscription}, not pending` };
  }
  if (c.purpose === 'journey') {
    const blocked = journeyConsentBlock(c.category, c.subscription);
    if (blocked) return { action: 'suppress', reason: blocked };
  }
  if (c.category === 'transactional' || c.purpose === 'notify' || c.released) return { action: 'send' };
  const quietUntil = quietHoursRelease(nowMs, c.timezone, c.quietHours);
  if (quietUntil > nowMs) return { action: 'defer', until: quietUntil, reason: 'quiet_hours' };
  if (c.frequencyCap.enabled) {
    const lost = c.contest ? capContestLoss(nowMs, c.frequencyCap.maxPerWeek, c.contest) : null;
    if (lost) return { action: 'defer', until: lost.until, reason: 'priority', journey: lost.journey };
    const capUntil = frequencyCapRelease(nowMs, c.recentMarketingSends, c.frequencyCap.maxPerWeek);
    if (capUntil > nowMs) {
      return c.whenCapped === 'skip'
        ? { action: 'suppress', reason: `skipped: frequency cap of ${c.frequencyCap.maxPerWeek} marketing emails in 7 days` }
        : { action: 'defer', until: capUntil, reason: 'frequency_cap' };
    }
  }
  return { action: 'send' };
}
