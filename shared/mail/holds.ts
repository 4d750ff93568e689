// Why a queued email is held and until when: written by the delivery loop on the message, read back by the Inbox,
// the contact page and the node figures so that no hold is silent. Pure.
import { DateTime } from 'luxon';

export type HoldReason = 'quiet_hours' | 'frequency_cap';

const WORDS: Record<HoldReason, string> = { quiet_hours: 'quiet hours', frequency_cap: 'frequency cap' };
const NOTE = /^waiting: (quiet hours|frequency cap) until (\d{4}-\d\d-\d\dT[\d:.]+Z)$/;

/** The note the delivery loop keeps on a held message (its `error` column while it waits). */
export function holdNote(reason: HoldReason, untilMs: number): string {
  return `waiting: ${WORDS[reason]} until ${new Date(untilMs).toISOString()}`;
}

export interface Hold {
  reason: HoldReason;
  until: number;
}

/** The hold a message's note describes, or null when the note is about something else (a retry, an error). */
export function parseHold(note: string | null): Hold | null {
  const m = note ? NOTE.exec(note) : null;
  if (!m) return null;
  return { reason: m[1] === 'quiet hours' ? 'quiet_hours' : 'frequency_cap', until: Date.parse(m[2]!) };
}

/**
 * A hold in words, with the release time in the contact's own zone, as the Inbox and the contact page say it:
 * "held by quiet hours until 08:00 in the contact's zone (Europe/Berlin)"; a release on another day names the day.
 */
export function describeHold(hold: Hold, timezone: string, nowMs: number): string {
  const until = DateTime.fromMillis(hold.until, { zone: timezone });
  const today = DateTime.fromMillis(nowMs, { zone: timezone });
  const day = until.hasSame(today, 'day') ? '' : until.hasSame(today.plus({ days: 1 }), 'day') ? 'tomorrow ' : `${until.toFormat('ccc d LLL')} `;
  return `held by ${WORDS[hold.reason]} until ${day}${until.toFormat('HH:mm')} in the contact's zone (${timezone})`;
}

/**
 * What the confirmation page may promise about the welcome email: nothing when no live journey starts on a confirmed
 * subscription, its arrival after quiet hours (in the contact's time) when they hold it now, else that it is on its way.
 */
export function welcomePromise(input: { welcomeJourneyLive: boolean; nowMs: number; quietUntil: number; timezone: string }): string {
  if (!input.welcomeJourneyLive) return 'Thank you for confirming.';
  if (input.quietUntil <= input.nowMs) return 'Thank you for confirming. Our welcome email is on its way.';
  const at = DateTime.fromMillis(input.quietUntil, { zone: input.timezone }).toFormat('HH:mm');
  return `Thank you for confirming. We send no emails at night where you are: our welcome email will reach you after ${at} your time.`;
}
