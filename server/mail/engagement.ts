// Engagement history for best send hours: a contact's own opens and clicks, and the persona and audience histograms from one grouped scan, cached for a few minutes.
import { histogramsFromBuckets, ENGAGEMENT_BUCKET_MS, type EngagementBucket, type EngagementHistograms } from '../../shared/mail/bestHour.ts';
import type { SimulatedHistory } from '../../shared/journey/simulate.ts';
import type { Db } from '../db/client.ts';
import { readSendingSettings } from './settings.ts';

/** How far back opens and clicks count: older habits say little about when a contact reads now. */
export const ENGAGEMENT_HISTORY_MS = 90 * 24 * 60 * 60 * 1000;

/** How long the persona and audience histograms are reused: they move slowly, and building them reads every recent open. */
export const HISTOGRAM_TTL_MS = 10 * 60 * 1000;

/** Reads one contact's opens and clicks of the last 90 days (ms), a message's first open and first click each. */
export function contactEngagementReader(db: Db): (contactId: string, nowMs: number) => number[] {
  // messages_contact_idx leads with the contact: this reads only their messages.
  const stmt = db.$client.prepare(`SELECT first_opened_at AS opened, first_clicked_at AS clicked FROM messages
    WHERE contact_id = @contactId AND ((first_opened_at > @since AND first_opened_at <= @now) OR (first_clicked_at > @since AND first_clicked_at <= @now))`);
  return (contactId, nowMs) => {
    const since = nowMs - ENGAGEMENT_HISTORY_MS;
    const out: number[] = [];
    for (const r of stmt.all({ contactId, since, now: nowMs }) as { opened: number | null; clicked: number | null }[]) {
      if (r.opened !== null && r.opened > since && r.opened <= nowMs) out.push(r.opened);
      if (r.clicked !== null && r.clicked > since && r.clicked <= nowMs) out.push(r.clicked);
    }
    return out;
  };
}

/**
 * The whole audience's and each persona's hour-of-week histograms over the last 90 days. SQLite knows no time zones, so
 * the scan groups by zone, persona and quarter hour, and histogramsFromBuckets puts each quarter in its local hour.
 */
export function engagementHistograms(db: Db, nowMs: number, defaultTimezone: string): EngagementHistograms {
  const rows = db.$client
    .prepare(
      `SELECT c.timezone AS timezone, c.persona_key AS personaKey, e.t / ${ENGAGEMENT_BUCKET_MS} AS bucket, count(*) AS count
       FROM (SELECT contact_id, first_opened_at AS t FROM messages WHERE first_opened_at > @since AND first_opened_at <= @now
             UNION ALL
             SELECT contact_id, first_clicked_at AS t FROM messages WHERE first_clicked_at > @since AND first_clicked_at <= @now) e
       JOIN contacts c ON c.id = e.contact_id
       GROUP BY 1, 2, 3`,
    )
    .all({ since: nowMs - ENGAGEMENT_HISTORY_MS, now: nowMs }) as EngagementBucket[];
  return histogramsFromBuckets(rows, defaultTimezone);
}

/** engagementHistograms, built again only once `ttlMs` of the clock has passed (or the default zone changed). */
export function histogramCache(db: Db, ttlMs = HISTOGRAM_TTL_MS): (nowMs: number, defaultTimezone: string) => EngagementHistograms {
  let cached: { at: number; zone: string; value: EngagementHistograms } | null = null;
  return (nowMs, defaultTimezone) => {
    // An injected clock may also go back: any distance of a TTL counts as stale.
    if (!cached || cached.zone !== defaultTimezone || Math.abs(nowMs - cached.at) >= ttlMs) {
      cached = { at: nowMs, zone: defaultTimezone, value: engagementHistograms(db, nowMs, defaultTimezone) };
    }
    return cached.value;
  };
}

// Simulations come in bursts (a marketer trying contacts): they share one cache per database.
const simulatorCaches = new WeakMap<Db, ReturnType<typeof histogramCache>>();

/**
 * What the simulator times best-hour emails with, as the executor would at the start: the picked contact's own opens
 * and clicks (a described contact has none), their persona's and the audience's histograms, the workspace's zone and
 * quiet hours.
 */
export function simulationHistory(db: Db, input: { contactId: string | null; personaKey: string | null; startMs: number }): { bestHour: SimulatedHistory } {
  const settings = readSendingSettings(db);
  let histograms = simulatorCaches.get(db);
  if (!histograms) simulatorCaches.set(db, (histograms = histogramCache(db)));
  const { audience, byPersona } = histograms(input.startMs, settings.defaultTimezone);
  return {
    bestHour: {
      engagements: input.contactId ? contactEngagementReader(db)(input.contactId, input.startMs) : [],
      personaHistogram: input.personaKey === null ? null : (byPersona.get(input.personaKey) ?? null),
      audienceHistogram: audience,
      quietHours: settings.quietHours,
      defaultTimezone: settings.defaultTimezone,
    },
  };
}
