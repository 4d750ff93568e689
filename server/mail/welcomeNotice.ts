// The confirmation page's honest line about the welcome email: is a journey live that starts on a confirmed
// subscription for this contact, and do quiet hours hold marketing mail in the contact's zone right now?
import type { Db } from '../db/client.ts';
import { welcomePromise } from '../../shared/mail/holds.ts';
import { quietHoursRelease } from '../../shared/mail/rules.ts';
import { readSendingSettings } from './settings.ts';

export function welcomeNotice(db: Db, email: string, nowMs: number): string {
  const contact = db.$client.prepare(`SELECT persona_key AS personaKey, timezone FROM contacts WHERE email = ?`).get(email) as
    | { personaKey: string | null; timezone: string | null }
    | undefined;
  const settings = readSendingSettings(db);
  const timezone = contact?.timezone ?? settings.defaultTimezone;
  // A live journey's current version whose trigger is a confirmed subscription, in this contact's persona scope.
  const live = db.$client
    .prepare(
      `SELECT 1 FROM journeys j JOIN journey_versions v ON v.journey_id = j.id AND v.version = j.current_version, json_each(v.graph, '$.nodes') n
       WHERE j.status = 'live' AND (j.persona_key IS NULL OR j.persona_key = ?)
         AND json_extract(n.value, '$.kind') = 'trigger' AND json_extract(n.value, '$.config.on') = 'subscription_confirmed' LIMIT 1`,
    )
    .get(contact?.personaKey ?? null);
  return welcomePromise({ welcomeJourneyLive: live !== undefined, nowMs, quietUntil: quietHoursRelease(nowMs, timezone, settings.quietHours), timezone });
}
