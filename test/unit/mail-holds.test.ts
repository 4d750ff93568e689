// Holds in words: the note the delivery loop writes reads back as the hold, and says the release in the contact's zone.
import { describe, expect, it } from 'vitest';
import { describeHold, holdNote, parseHold } from '../../shared/mail/holds.ts';

const until = Date.parse('2026-12-04T07:00:00Z'); // 08:00 in Berlin

describe('hold notes', () => {
  it('read back as the hold they were written for', () => {
    expect(parseHold(holdNote('quiet_hours', until))).toEqual({ reason: 'quiet_hours', until });
    expect(parseHold(holdNote('frequency_cap', until))).toEqual({ reason: 'frequency_cap', until });
    expect(parseHold(holdNote('priority', until, 'Cart rescue — EU'))).toEqual({ reason: 'priority', until, detail: 'Cart rescue — EU' });
    expect(parseHold(holdNote('best_hour', until, "this contact's best hour (7 of 12 engagements)."))).toEqual({ reason: 'best_hour', until, detail: "this contact's best hour (7 of 12 engagements)." });
  });

  it('are not confused with retries and errors', () => {
    expect(parseHold('421 try again later')).toBeNull();
    expect(parseHold(null)).toBeNull();
  });
});

describe('describeHold', () => {
  it("names the release time in the contact's zone, tomorrow when it is", () => {
    const evening = Date.parse('2026-12-03T21:30:00Z');
    expect(describeHold({ reason: 'quiet_hours', until }, 'Europe/Berlin', evening)).toBe("held by quiet hours until tomorrow 08:00 in the contact's zone (Europe/Berlin)");
    expect(describeHold({ reason: 'quiet_hours', until }, 'America/New_York', evening)).toBe("held by quiet hours until tomorrow 02:00 in the contact's zone (America/New_York)");
  });

  it('names the day of a release further away', () => {
    const monday = Date.parse('2026-11-30T12:00:00Z');
    expect(describeHold({ reason: 'frequency_cap', until }, 'UTC', monday)).toBe("held by frequency cap until Fri 4 Dec 07:00 in the contact's zone (UTC)");
  });
});

describe('describeHold for best hours and priority', () => {
  it('says when a best-hour email is scheduled, in the contact\'s zone, and why', () => {
    const sundayInTokyo = Date.parse('2026-11-29T12:00:00Z');
    const tokyoNine = Date.parse('2026-12-01T00:00:00Z'); // Tue 09:00 in Tokyo
    expect(describeHold({ reason: 'best_hour', until: tokyoNine, detail: "this contact's best hour (7 of 12 engagements)." }, 'Asia/Tokyo', sundayInTokyo)).toBe(
      "scheduled for Tue 1 Dec 09:00 (Asia/Tokyo): this contact's best hour (7 of 12 engagements).",
    );
    expect(describeHold({ reason: 'best_hour', until: tokyoNine }, 'Asia/Tokyo', Date.parse('2026-11-30T20:00:00Z'))).toBe("scheduled for 09:00 (Asia/Tokyo): the contact's best hour");
  });

  it('names the journey that took the last slot of the cap', () => {
    const monday = Date.parse('2026-11-30T12:00:00Z');
    expect(describeHold({ reason: 'priority', until, detail: 'Cart rescue' }, 'UTC', monday)).toBe(
      "waiting: the last email slot of the week went to “Cart rescue”, which has higher priority; until Fri 4 Dec 07:00 in the contact's zone (UTC)",
    );
  });
});
