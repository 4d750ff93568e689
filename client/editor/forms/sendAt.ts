// The email form's "best hour" option as pure logic: what the switch writes, and the sentence that explains it.
import { DEFAULT_BEST_HOUR_WITHIN, type SendAt } from '../../../shared/journey/nodes/email.ts';

/** Whether the step waits for the best hour; a config saved before the option (no sendAt) sends now. */
export function isBestHour(sendAt: SendAt | undefined): sendAt is Extract<SendAt, { mode: 'best_hour' }> {
  return sendAt?.mode === 'best_hour';
}

/** What switching the option writes: the best hour within the default window (or the one typed before), or now. */
export function toggledSendAt(on: boolean, current: SendAt | undefined): SendAt {
  if (!on) return { mode: 'now' };
  return { mode: 'best_hour', withinHours: isBestHour(current) ? current.withinHours : DEFAULT_BEST_HOUR_WITHIN };
}

/** The explanation under the switch, in the words of shared/mail/bestHour.ts (which decides). */
export function bestHourExplanation(sendAt: SendAt | undefined): string {
  if (!isBestHour(sendAt)) return 'Sent as soon as the contact reaches this step (quiet hours and the frequency cap still apply).';
  const hours = Number.isFinite(sendAt.withinHours) && sendAt.withinHours > 0 ? sendAt.withinHours : DEFAULT_BEST_HOUR_WITHIN;
  const window = hours === 1 ? 'the next hour' : `the next ${hours} hours`;
  return (
    `Waits for the hour of the week, within ${window}, at which this contact opens and clicks most, in their time zone. ` +
    `With fewer than 5 opens and clicks of their own, their persona's best hour counts, then the whole audience's; with no history at all, it goes at once. ` +
    'Quiet hours and the frequency cap still apply. The contact moves on to the next step at once.'
  );
}
