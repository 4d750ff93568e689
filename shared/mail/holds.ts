// Why a queued email is held and until when: written by the delivery loop on the message, read back by the Inbox,
// the contact page and the node figures so that no hold is silent. Pure.
import { DateTime } from 'luxon';

export type HoldReason = 'quiet_hours' | 'frequency_cap' | 'best_hour' | 'priority';

const WORDS: Record<HoldReason, string> = { quiet_hours: 'quiet hours', frequency_cap: 'frequency cap', best_hour: 'best hour', priority: 'priority' };
const REASONS = new Map(Object.entries(WORDS).map(([reason, words]) => [words, reason as HoldReason]));
// The detail after " — " is free text (a journey's name, why an hour was chosen), so it comes last.
const NOTE = /^waiting: (quiet hours|frequency cap|best hour|priority) until (\d{4}-\d\d-\d\dT[\d:.]+Z)(?: — ([\s\S]+))?$/;

/**
 * The note kept on a waiting message (its `error` column while it waits): written by the delivery loop for quiet
 * hours, the cap and priority (detail: the journey whose email took the slot), by the executor for a best-hour
 * email (detail: why that hour).
 */
export function holdNote(reason: HoldReason, untilMs: number, detail?: string): string {
  return `waiting: ${WORDS[reason]} until ${new Date(untilMs).toISOString()}${detail ? ` — ${detail}` : ''}`;
}

export interface Hold {
  reason: HoldReason;
  until: number;
  /** priority: the journey that took the slot; best_hour: why that hour. */
  detail?: string;
}

/** The hold a message's note describes, or null when the note is about something else (a retry, an error). */
export function parseHold(note: string | null): Hold | null {
  const m = note ? NOTE.exec(note) : null;
  if (!m) return null;
  const hold: Hold = { reason: REASONS.get(m[1]!)!, until: Date.parse(m[2]!) };
  if (m[3]) hold.detail = m[3];
  return hold;
}

/** "08:00", "tomorrow 08:00" or "Fri 4 Dec 08:00": the release in the contact's zone, as near as it is. */
function releaseWords(untilMs: number, timezone: string, nowMs: number): string {
  const until = DateTime.fromMillis(untilMs, { zone: timezone });
  const today = DateTime.fromMillis(nowMs, { zone: timezone });
  const day = until.hasSame(today, 'day') ? '' : until.hasSame(today.plus({ days: 1 }), 'day') ? 'tomorrow ' : `${until.toFormat('ccc d LLL', { locale: 'en' })} `;
  return `${day}${until.toFormat('HH:mm')}`;
}

/**
 * A hold in words, with the release time in the contact's own zone, as the Inbox and the contact page say it:
 * "held by quiet hours until 08:00 in the contact's zone (Europe/Berlin)"; a release on another day names the day.
 * A best-hour email is "scheduled for Tue 1 Dec 09:00 (Asia/Tokyo): this contact's best hour (…)"; an email that lost
 * the cap's last slot says to which journey.
 */
export function describeHold(hold: Hold, timezone: string, nowMs: number): string {
  const when = releaseWords(hold.until, timezone, nowMs);
  switch (hold.reason) {
    case 'best_hour':
      return `scheduled for ${when} (${timezone})${hold.detail ? `: ${hold.detail}` : ": the contact's best hour"}`;
    case 'priority':
      return `waiting: the last email slot of the week went to ${hold.detail ? `“${hold.detail}”` : 'another journey'}, which has higher priority; until ${when} in the contact's zone (${timezone})`;
    case 'quiet_hours':
    case 'frequency_cap':
      return `held by ${WORDS[hold.reason]} until ${when} in the contact's zone (${timezone})`;
    default:
      return hold.reason satisfies never;
  }
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
