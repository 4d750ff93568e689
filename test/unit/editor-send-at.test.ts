// The email form's best-hour option: what its switch writes into the step's config, and how it explains itself.
import { describe, expect, it } from 'vitest';
import { emailConfigSchema } from '../../shared/journey/nodes/email.ts';
import { bestHourExplanation, isBestHour, toggledSendAt } from '../../client/editor/forms/sendAt.ts';

describe('the best-hour switch', () => {
  it('turns on with 24 hours, keeps the hours typed before, and turns off to now', () => {
    expect(toggledSendAt(true, undefined)).toEqual({ mode: 'best_hour', withinHours: 24 });
    expect(toggledSendAt(true, { mode: 'best_hour', withinHours: 6 })).toEqual({ mode: 'best_hour', withinHours: 6 });
    expect(toggledSendAt(false, { mode: 'best_hour', withinHours: 6 })).toEqual({ mode: 'now' });
    // What it writes is a valid config.
    for (const sendAt of [toggledSendAt(true, undefined), toggledSendAt(false, undefined)]) {
      expect(emailConfigSchema.safeParse({ templateId: 'welcome', sendAt }).success).toBe(true);
    }
  });

  it('reads a step saved before the option as sending now', () => {
    expect(isBestHour(undefined)).toBe(false);
    expect(bestHourExplanation(undefined)).toMatch(/^Sent as soon as the contact reaches this step/);
  });

  it('says the window, the fallbacks and that quiet hours and the cap still apply', () => {
    const text = bestHourExplanation({ mode: 'best_hour', withinHours: 12 });
    expect(text).toContain('within the next 12 hours');
    expect(text).toContain("their persona's best hour counts, then the whole audience's");
    expect(text).toContain('Quiet hours and the frequency cap still apply.');
    expect(bestHourExplanation({ mode: 'best_hour', withinHours: 1 })).toContain('within the next hour,');
  });
});
