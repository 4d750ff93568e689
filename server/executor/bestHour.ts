// Times the executor's best-hour emails: bestSendHour over the contact's own opens and clicks, their persona's and the
// audience's histograms (cached), the workspace's zone and quiet hours; what it chose is kept on the message.
import { bestSendHour, type BestHourSource } from '../../shared/mail/bestHour.ts';
import { holdNote } from '../../shared/mail/holds.ts';
import type { SendingSettings } from '../../shared/mail/settings.ts';
import type { Db } from '../db/client.ts';
import { contactEngagementReader, histogramCache } from '../mail/engagement.ts';
import { readSendingSettings } from '../mail/settings.ts';

/** What a best-hour message keeps in its data: the simulator's sentence, and who decided. */
export interface BestHourRecord {
  at: number;
  source: BestHourSource;
  zone: string;
  reason: string;
}

export interface BestHourTiming {
  /** The message's next attempt. */
  at: number;
  record: BestHourRecord;
  /** The waiting note the contact's page reads ("scheduled for …"); null when it goes now. */
  note: string | null;
}

export function createBestHourTimer(db: Db, options: { histogramTtlMs?: number } = {}) {
  const engagementsOf = contactEngagementReader(db);
  const histograms = histogramCache(db, options.histogramTtlMs);
  let settings: SendingSettings | null = null;
  return {
    /** Settings are read once per tick, and only by a tick that times an email. */
    newTick(): void {
      settings = null;
    },
    time(contact: { id: string; timezone: string | null; personaKey: string | null }, withinHours: number, nowMs: number): BestHourTiming {
      const s = (settings ??= readSendingSettings(db));
      const { audience, byPersona } = histograms(nowMs, s.defaultTimezone);
      const zone = contact.timezone ?? s.defaultTimezone;
      const best = bestSendHour({
        now: nowMs,
        withinHours,
        timezone: contact.timezone,
        defaultTimezone: s.defaultTimezone,
        engagements: engagementsOf(contact.id, nowMs),
        personaHistogram: contact.personaKey === null ? null : (byPersona.get(contact.personaKey) ?? null),
        audienceHistogram: audience,
        quietHours: s.quietHours,
      });
      return {
        at: best.at,
        record: { at: best.at, source: best.source, zone, reason: best.reason },
        note: best.at > nowMs ? holdNote('best_hour', best.at, best.why) : null,
      };
    },
  };
}
