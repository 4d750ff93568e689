// The best send hour: when, within the next N hours, an email should go so that it arrives at the hour of the week the contact (or their persona, or the whole audience) opens and clicks most. Pure.
import { DateTime, IANAZone } from 'luxon';
import { quietHoursRelease } from './rules.ts';
import type { SendingSettings } from './settings.ts';

const HOUR_MS = 60 * 60 * 1000;

/** Slots in an hour-of-week histogram: local weekday × 24 + local hour, Monday 00:00 = slot 0, Sunday 23:00 = 167. */
export const HOURS_PER_WEEK = 168;
/** Fewest opens and clicks of the contact's own before their history decides (below it, the persona's does). */
export const MIN_CONTACT_ENGAGEMENTS = 5;
/** Fewest engagements in the persona's histogram before it decides (below it, the audience's does). */
export const MIN_PERSONA_ENGAGEMENTS = 20;
/** Fewest engagements in the audience's histogram before it decides (below it, the email goes now). */
export const MIN_AUDIENCE_ENGAGEMENTS = 20;
/** The "within N hours" an email node may ask for; the node's schema should use these bounds. */
export const BEST_HOUR_WITHIN = { min: 1, max: HOURS_PER_WEEK } as const;

/** 168 counts of engagements per local hour of the week (see HOURS_PER_WEEK); a missing slot reads as 0. */
export type HourOfWeekHistogram = readonly number[];
export type BestHourSource = 'contact' | 'persona' | 'audience' | 'none';

export interface BestHourInput {
  now: number;
  /** The email may wait at most this many hours (clamped to BEST_HOUR_WITHIN). */
  withinHours: number;
  /** The contact's IANA zone; null or invalid falls back to `defaultTimezone`, then to UTC. */
  timezone: string | null;
  /** The workspace's default zone (SendingSettings.defaultTimezone). */
  defaultTimezone: string;
  /** When the contact opened or clicked (ms): their own history, bucketed here in their zone. */
  engagements: readonly number[];
  /** The contact's persona's histogram, already in each member's local time; null when the contact has no persona. */
  personaHistogram: HourOfWeekHistogram | null;
  /** The whole audience's histogram, already in each contact's local time. */
  audienceHistogram: HourOfWeekHistogram | null;
  quietHours: SendingSettings['quietHours'];
}

export interface BestHour {
  /** When to send (ms): within [now, now + N h], except when quiet hours cover the whole window (then when they end). */
  at: number;
  /** The hour of the week of `at` in the contact's zone. */
  slot: number;
  /** Whose history ranked the hours; 'none' when nobody's had enough engagements. */
  source: BestHourSource;
  /** One sentence for the simulator, naming the local time, the zone and why. */
  reason: string;
  /** The reason without the local time in front: what the contact's page says after "scheduled for Tue 09:00 (zone)". */
  why: string;
}

/** The hour of the week of `ms` in `zone` (an invalid zone reads as UTC). DST-correct: 9:00 in Paris is slot Tue 9 in January and in July. */
export function hourOfWeek(ms: number, zone: string): number {
  const local = new Date(ms + offsetMinutes(validZone(zone) ? zone : 'UTC', ms) * 60_000);
  return ((local.getUTCDay() + 6) % 7) * 24 + local.getUTCHours();
}

/*
 * Zone arithmetic without a luxon DateTime per hour: timing one email walks up to 169 hours, and the executor times a
 * batch of thousands, where luxon's per-call offset look-ups cost milliseconds per email. Every zone's offset is a whole
 * number of quarter hours and changes on a quarter-hour instant, so an offset found for a quarter holds for all of it
 * and is kept (the executor's emails of one tick share their quarters).
 */
const QUARTER_MS = 15 * 60 * 1000;
const offsets = new Map<string, Map<number, number>>();
const validity = new Map<string, boolean>();

function validZone(zone: string): boolean {
  let valid = validity.get(zone);
  if (valid === undefined) {
    if (validity.size > 1_000) validity.clear();
    validity.set(zone, (valid = IANAZone.isValidZone(zone)));
  }
  return valid;
}

/** The zone's offset from UTC at `ms`, in minutes (a valid zone only). */
function offsetMinutes(zone: string, ms: number): number {
  let byQuarter = offsets.get(zone);
  if (!byQuarter) {
    if (offsets.size > 1_000) offsets.clear();
    offsets.set(zone, (byQuarter = new Map()));
  }
  const quarter = Math.floor(ms / QUARTER_MS);
  let offset = byQuarter.get(quarter);
  if (offset === undefined) {
    if (byQuarter.size > 20_000) byQuarter.clear();
    byQuarter.set(quarter, (offset = IANAZone.create(zone).offset(quarter * QUARTER_MS)));
  }
  return offset;
}

/** The local minute of the day at `ms` in `zone`. */
function localMinuteOfDay(ms: number, zone: string): number {
  const local = new Date(ms + offsetMinutes(zone, ms) * 60_000);
  return local.getUTCHours() * 60 + local.getUTCMinutes();
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * quietHoursRelease (which decides at delivery) for a moment at most an hour before `before`, computed only where it
 * can matter: outside quiet hours it is the moment itself; deep inside them (their end over three local hours away,
 * more than any DST change can shorten) it is later than `before` anyway.
 */
function releaseBefore(at: number, before: number, zone: string, quiet: SendingSettings['quietHours']): number {
  if (!quiet.enabled) return at;
  const minute = localMinuteOfDay(at, zone);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inside = start > end ? minute >= start || minute < end : minute >= start && minute < end;
  if (!inside) return at;
  const untilEnd = (end - minute + 1440) % 1440;
  if (untilEnd >= 180) return before;
  // The end of the window on the local clock; exact when no offset change lies between (else luxon says).
  const offset = offsetMinutes(zone, at) * 60_000;
  const release = Math.floor((at + offset) / 60_000) * 60_000 + untilEnd * 60_000 - offset;
  return offsetMinutes(zone, release) * 60_000 === offset ? release : quietHoursRelease(at, zone, quiet);
}

/** The start of the local hour that `ms` falls in, as luxon's startOf('hour') has it. */
function localHourStart(ms: number, zone: string): number {
  const offset = offsetMinutes(zone, ms) * 60_000;
  const start = Math.floor((ms + offset) / HOUR_MS) * HOUR_MS - offset;
  // A change of offset inside this very hour: let luxon say where the hour began.
  return offsetMinutes(zone, start) * 60_000 === offset ? start : DateTime.fromMillis(ms, { zone }).startOf('hour').toMillis();
}

/** A contact's opens and clicks counted by local hour of the week in their zone; non-finite timestamps are skipped. */
export function engagementHistogram(timestamps: readonly number[], zone: string): number[] {
  const histogram = new Array<number>(HOURS_PER_WEEK).fill(0);
  for (const t of timestamps) {
    if (Number.isFinite(t)) histogram[hourOfWeek(t, zone)]! += 1;
  }
  return histogram;
}

function resolveZone(timezone: string | null, defaultTimezone: string): string {
  // The same fallback as the interpreter's waits: the contact's zone, the workspace's, then UTC.
  if (timezone && validZone(timezone)) return timezone;
  return validZone(defaultTimezone) ? defaultTimezone : 'UTC';
}

function countAt(histogram: HourOfWeekHistogram, slot: number): number {
  const count = histogram[slot];
  return typeof count === 'number' && Number.isFinite(count) && count > 0 ? count : 0;
}

function totalOf(histogram: HourOfWeekHistogram | null): number {
  if (!histogram) return 0;
  let total = 0;
  for (let slot = 0; slot < HOURS_PER_WEEK; slot++) total += countAt(histogram, slot);
  return total;
}

interface Basis {
  source: Exclude<BestHourSource, 'none'>;
  histogram: HourOfWeekHistogram;
  total: number;
}

export interface Candidate {
  at: number;
  slot: number;
}

/**
 * The first moment outside quiet hours in each local hour that starts within the window, walked hour by hour in
 * the contact's zone: luxon's hour arithmetic is in real time, so a spring-forward gap is skipped (01:00 → 03:00)
 * and a fall-back overlap gives the repeated hour twice. The current hour counts from `now`; a quiet window
 * that ends mid-hour (08:30) makes that hour's candidate 08:30.
 */
export function allowedCandidates(now: number, hours: number, zone: string, quiet: SendingSettings['quietHours']): Candidate[] {
  const end = now + hours * HOUR_MS;
  const candidates: Candidate[] = [];
  for (let start = localHourStart(now, zone); start <= end; start += HOUR_MS) {
    const nextStart = start + HOUR_MS;
    const at = releaseBefore(Math.max(start, now), nextStart, zone, quiet);
    if (at < nextStart && at <= end) candidates.push({ at, slot: hourOfWeek(at, zone) });
  }
  return candidates;
}

const plural = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
const localTime = (at: number, zone: string) => `${DateTime.fromMillis(at, { zone }).toFormat('cccc H:mm', { locale: 'en' })} in ${zone}`;

const WHOSE: Record<Basis['source'], string> = { contact: "this contact's", persona: "their persona's", audience: "the whole audience's" };

/** Why this hour, after the local time: whose history, how many engagements, and why not a better-placed source. */
function whyBasis(basis: Basis, count: number, window: string, contactTotal: number, personaTotal: number | null): string {
  const tally = `(${count.toLocaleString('en')} of ${plural(basis.total, 'engagement')})`;
  const contactShort = `this contact has ${contactTotal} of the ${MIN_CONTACT_ENGAGEMENTS} opens and clicks needed`;
  switch (basis.source) {
    case 'contact':
      return window === '' ? `this contact opened or clicked most often then ${tally}.` : `this contact's best hour${window} ${tally}.`;
    case 'persona':
      return `their persona's best hour${window} ${tally}; ${contactShort}.`;
    case 'audience': {
      const persona = personaTotal === null ? 'no persona' : `a persona with ${personaTotal} of the ${MIN_PERSONA_ENGAGEMENTS} needed`;
      return `the whole audience's best hour${window} ${tally}; ${contactShort}, and ${persona}.`;
    }
    default: {
      const never: never = basis.source;
      return never;
    }
  }
}

/**
 * When to send an email "at the contact's best hour within N hours".
 *
 * Whose history ranks the hours: the contact's own opens and clicks (bucketed by local hour of the week in their
 * zone) once there are MIN_CONTACT_ENGAGEMENTS of them, else their persona's histogram (MIN_PERSONA_ENGAGEMENTS),
 * else the audience's (MIN_AUDIENCE_ENGAGEMENTS), else none and the email goes at the first allowed moment.
 * Among the local hours starting within the next N hours, the one with the most engagements wins, ties to the
 * earliest; the email goes at the start of that hour, or now when we are inside it already. Counts are raw, not
 * smoothed with neighbouring hours, so the reason's "7 of 12" is exactly what was compared.
 *
 * Quiet hours win: an hour inside them is never a candidate. When they cover the whole window, the email goes when
 * they end, after now + N h (the one case outside the window). The frequency cap is not weighed here: the delivery
 * loop still holds the email when the cap says so.
 */
export function bestSendHour(input: BestHourInput): BestHour {
  const { now, quietHours: quiet } = input;
  const hours = Math.min(BEST_HOUR_WITHIN.max, Math.max(BEST_HOUR_WITHIN.min, Math.floor(Number.isFinite(input.withinHours) ? input.withinHours : BEST_HOUR_WITHIN.max)));
  const zone = resolveZone(input.timezone, input.defaultTimezone);

  const own = engagementHistogram(input.engagements, zone);
  const contactTotal = totalOf(own);
  const personaTotal = input.personaHistogram ? totalOf(input.personaHistogram) : null;
  const audienceTotal = totalOf(input.audienceHistogram);
  const basis: Basis | null =
    contactTotal >= MIN_CONTACT_ENGAGEMENTS
      ? { source: 'contact', histogram: own, total: contactTotal }
      : personaTotal !== null && personaTotal >= MIN_PERSONA_ENGAGEMENTS
        ? { source: 'persona', histogram: input.personaHistogram!, total: personaTotal }
        : audienceTotal >= MIN_AUDIENCE_ENGAGEMENTS
          ? { source: 'audience', histogram: input.audienceHistogram!, total: audienceTotal }
          : null;
  const source = basis?.source ?? 'none';

  const candidates = allowedCandidates(now, hours, zone, quiet);
  if (candidates.length === 0) {
    const at = quietHoursRelease(now, zone, quiet);
    const why = `quiet hours (${quiet.start}–${quiet.end}) cover all of the next ${plural(hours, 'hour')}: sent when they end.`;
    return { at, slot: hourOfWeek(at, zone), source, reason: `${localTime(at, zone)} — ${why}`, why };
  }

  const sentWhen = (at: number) => (at === now ? 'sent now' : `sent when quiet hours end, ${localTime(at, zone)}`);
  if (!basis) {
    const first = candidates[0]!;
    const why = `no engagement history yet: ${sentWhen(first.at)}.`;
    return { ...first, source, reason: why, why };
  }

  let best = candidates[0]!;
  let bestCount = countAt(basis.histogram, best.slot);
  for (const candidate of candidates) {
    const count = countAt(basis.histogram, candidate.slot);
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  if (bestCount === 0) {
    const why = `none of ${WHOSE[basis.source]} ${plural(basis.total, 'engagement')} fall in the next ${plural(hours, 'hour')}: ${sentWhen(best.at)}.`;
    return { ...best, source, reason: why, why };
  }

  let peak = 0;
  for (let slot = 0; slot < HOURS_PER_WEEK; slot++) peak = Math.max(peak, countAt(basis.histogram, slot));
  // "Best hour" unqualified is true only of the week's peak; a lesser hour is the best of the window.
  const window = bestCount === peak ? '' : ` in the next ${plural(hours, 'hour')}${quiet.enabled ? ' outside quiet hours' : ''}`;
  const why = whyBasis(basis, bestCount, window, contactTotal, personaTotal);
  return { ...best, source, reason: `${localTime(best.at, zone)} — ${why}`, why };
}

/** Engagements counted in a quarter of an hour: every zone's offset is a whole number of quarters, so a quarter falls in one local hour. */
export const ENGAGEMENT_BUCKET_MS = 15 * 60 * 1000;

/** Opens and clicks of the contacts in one zone and persona that fell in one quarter of an hour (its start is bucket × ENGAGEMENT_BUCKET_MS). */
export interface EngagementBucket {
  /** The contacts' zone; null or invalid reads as the workspace's default, then UTC (as for one contact). */
  timezone: string | null;
  personaKey: string | null;
  bucket: number;
  count: number;
}

export interface EngagementHistograms {
  audience: number[];
  byPersona: Map<string, number[]>;
}

/**
 * The whole audience's and each persona's hour-of-week histograms from engagement counts grouped by zone, persona and
 * quarter hour (what one grouped query returns), each quarter counted in its contacts' own local hour of the week.
 */
export function histogramsFromBuckets(buckets: readonly EngagementBucket[], defaultTimezone: string): EngagementHistograms {
  const audience = new Array<number>(HOURS_PER_WEEK).fill(0);
  const byPersona = new Map<string, number[]>();
  for (const b of buckets) {
    if (!(b.count > 0) || !Number.isFinite(b.bucket)) continue;
    const slot = hourOfWeek(b.bucket * ENGAGEMENT_BUCKET_MS, resolveZone(b.timezone, defaultTimezone));
    audience[slot]! += b.count;
    if (b.personaKey === null) continue;
    let persona = byPersona.get(b.personaKey);
    if (!persona) byPersona.set(b.personaKey, (persona = new Array<number>(HOURS_PER_WEEK).fill(0)));
    persona[slot]! += b.count;
  }
  return { audience, byPersona };
}
