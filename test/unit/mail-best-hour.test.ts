// The best send hour: local hour of the week from the contact's own opens and clicks (two zones, across DST), the persona → audience → none fallbacks, quiet hours winning, the window, ties.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  bestSendHour,
  engagementHistogram,
  HOURS_PER_WEEK,
  hourOfWeek,
  MIN_AUDIENCE_ENGAGEMENTS,
  MIN_CONTACT_ENGAGEMENTS,
  MIN_PERSONA_ENGAGEMENTS,
  type BestHourInput,
} from '../../shared/mail/bestHour.ts';
import { quietHoursRelease } from '../../shared/mail/rules.ts';

const HOUR_MS = 60 * 60 * 1000;
const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();
const local = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toISO();
const slotOf = (weekday: 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', hour: number) => ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].indexOf(weekday) * 24 + hour;

const noQuiet = { enabled: false, start: '21:00', end: '08:00' };
const nightQuiet = { enabled: true, start: '21:00', end: '08:00' };

/** `count` engagements at the same local time on consecutive weeks from `firstIso`. */
function weekly(firstIso: string, zone: string, count: number): number[] {
  const first = DateTime.fromISO(firstIso, { zone });
  return Array.from({ length: count }, (_, week) => first.plus({ weeks: week }).plus({ minutes: week % 40 }).toMillis());
}

/** A 168-slot histogram with the given counts. */
function histogram(counts: Record<number, number>): number[] {
  const h = new Array<number>(HOURS_PER_WEEK).fill(0);
  for (const [slot, count] of Object.entries(counts)) h[Number(slot)] = count;
  return h;
}

function input(overrides: Partial<BestHourInput>): BestHourInput {
  return {
    now: at('2025-06-23T12:00', 'UTC'),
    withinHours: 48,
    timezone: 'Europe/Paris',
    defaultTimezone: 'UTC',
    engagements: [],
    personaHistogram: null,
    audienceHistogram: null,
    quietHours: noQuiet,
    ...overrides,
  };
}

describe('hour of the week', () => {
  it('counts from Monday 00:00 local to Sunday 23:00 local', () => {
    expect(hourOfWeek(at('2025-06-23T00:00', 'Asia/Tokyo'), 'Asia/Tokyo')).toBe(0);
    expect(hourOfWeek(at('2025-06-29T23:59', 'America/New_York'), 'America/New_York')).toBe(167);
    // Monday 00:00 in Tokyo is still Sunday 15:00 in UTC.
    expect(hourOfWeek(at('2025-06-23T00:00', 'Asia/Tokyo'), 'UTC')).toBe(slotOf('sun', 15));
  });

  it('puts a 9:00 open in Paris in slot Tuesday 9 in January and in July alike', () => {
    expect(hourOfWeek(at('2025-01-07T09:10', 'Europe/Paris'), 'Europe/Paris')).toBe(slotOf('tue', 9));
    expect(hourOfWeek(at('2025-07-08T09:10', 'Europe/Paris'), 'Europe/Paris')).toBe(slotOf('tue', 9));
  });

  it('buckets a contact’s engagements in their zone, skipping timestamps that are not times', () => {
    const h = engagementHistogram([...weekly('2025-01-07T09:00', 'Europe/Paris', 3), ...weekly('2025-07-08T09:30', 'Europe/Paris', 2), Number.NaN], 'Europe/Paris');
    expect(h).toHaveLength(HOURS_PER_WEEK);
    expect(h[slotOf('tue', 9)]).toBe(5);
    expect(h.reduce((a, b) => a + b, 0)).toBe(5);
  });
});

describe('best hour from the contact’s own history', () => {
  // Six Tuesdays at 13:00 UTC: 9:00 in New York (EDT), 22:00 in Tokyo.
  const history = weekly('2025-05-06T13:00', 'UTC', 6);

  it('chooses a different local hour for the same UTC history in New York and in Tokyo', () => {
    const ny = bestSendHour(input({ timezone: 'America/New_York', engagements: history }));
    const tokyo = bestSendHour(input({ timezone: 'Asia/Tokyo', engagements: history }));
    expect(ny.source).toBe('contact');
    expect(ny.slot).toBe(slotOf('tue', 9));
    expect(local(ny.at, 'America/New_York')).toBe('2025-06-24T09:00:00.000-04:00');
    expect(ny.reason).toBe('Tuesday 9:00 in America/New_York — this contact opened or clicked most often then (6 of 6 engagements).');
    expect(tokyo.slot).toBe(slotOf('tue', 22));
    expect(local(tokyo.at, 'Asia/Tokyo')).toBe('2025-06-24T22:00:00.000+09:00');
    expect(tokyo.reason).toBe('Tuesday 22:00 in Asia/Tokyo — this contact opened or clicked most often then (6 of 6 engagements).');
  });

  it('keeps the local hour when the history was recorded in winter and the send is in summer (Paris, after the March change)', () => {
    // Tuesdays 9:00 in January are 08:00 UTC; in July 9:00 is 07:00 UTC.
    const winter = weekly('2025-01-07T09:00', 'Europe/Paris', 6);
    const choice = bestSendHour(input({ now: at('2025-07-07T12:00', 'Europe/Paris'), engagements: winter }));
    expect(local(choice.at, 'Europe/Paris')).toBe('2025-07-08T09:00:00.000+02:00');
    expect(choice.slot).toBe(slotOf('tue', 9));
  });

  it('keeps the local hour across the October change, through the repeated hour', () => {
    // Sundays 10:00 in June (08:00 UTC); the window runs through the night of 26 October, when 02:00 comes twice.
    const summer = weekly('2025-06-01T10:00', 'Europe/Paris', 6);
    const choice = bestSendHour(input({ now: at('2025-10-25T12:00', 'Europe/Paris'), withinHours: 36, engagements: summer }));
    expect(local(choice.at, 'Europe/Paris')).toBe('2025-10-26T10:00:00.000+01:00');
  });

  it('never chooses the hour the spring-forward gap skips', () => {
    // On 30 March 2025 Paris goes from 02:00 to 03:00: the contact's favourite, Sunday 2:00, does not exist that night.
    const engagements = [...weekly('2025-01-05T02:15', 'Europe/Paris', 6), ...weekly('2025-01-05T03:15', 'Europe/Paris', 3), ...weekly('2025-01-05T05:15', 'Europe/Paris', 1)];
    const choice = bestSendHour(input({ now: at('2025-03-30T00:30', 'Europe/Paris'), withinHours: 4, engagements }));
    expect(choice.slot).toBe(slotOf('sun', 3));
    expect(local(choice.at, 'Europe/Paris')).toBe('2025-03-30T03:00:00.000+02:00');
    expect(choice.reason).toBe("Sunday 3:00 in Europe/Paris — this contact's best hour in the next 4 hours (3 of 10 engagements).");
  });

  it('sends now when we are inside the best hour already', () => {
    const now = at('2025-06-24T09:20', 'America/New_York');
    const choice = bestSendHour(input({ now, timezone: 'America/New_York', engagements: history }));
    expect(choice.at).toBe(now);
    expect(choice.reason).toMatch(/^Tuesday 9:20 in America\/New_York — /);
  });

  it('sends now, and says so, when none of the contact’s hours fall in the window', () => {
    const now = at('2025-06-25T12:00', 'America/New_York');
    const choice = bestSendHour(input({ now, withinHours: 24, timezone: 'America/New_York', engagements: history }));
    expect(choice).toMatchObject({ at: now, source: 'contact' });
    expect(choice.reason).toBe("none of this contact's 6 engagements fall in the next 24 hours: sent now.");
  });

  it('reads an unknown zone as the workspace’s, and an unknown workspace zone as UTC', () => {
    const paris = bestSendHour(input({ timezone: 'Mars/Olympus_Mons', defaultTimezone: 'Asia/Tokyo', engagements: history }));
    expect(paris.slot).toBe(slotOf('tue', 22));
    expect(paris.reason).toContain('in Asia/Tokyo');
    const utc = bestSendHour(input({ timezone: null, defaultTimezone: 'Nowhere/Else', engagements: history }));
    expect(utc.slot).toBe(slotOf('tue', 13));
    expect(utc.reason).toContain('Tuesday 13:00 in UTC');
  });
});

describe('falling back when the contact has too little history', () => {
  const zone = 'Europe/Paris';
  const few = weekly('2025-05-06T09:00', zone, MIN_CONTACT_ENGAGEMENTS - 1);
  const persona = histogram({ [slotOf('wed', 18)]: MIN_PERSONA_ENGAGEMENTS - 5, [slotOf('tue', 14)]: 5 });
  const audience = histogram({ [slotOf('tue', 20)]: MIN_AUDIENCE_ENGAGEMENTS });

  it('uses the contact’s own history from the minimum on', () => {
    const choice = bestSendHour(input({ engagements: weekly('2025-05-06T09:00', zone, MIN_CONTACT_ENGAGEMENTS), personaHistogram: persona }));
    expect(choice).toMatchObject({ source: 'contact', slot: slotOf('tue', 9) });
  });

  it('uses the persona’s histogram below it, and names it', () => {
    const choice = bestSendHour(input({ withinHours: 72, engagements: few, personaHistogram: persona, audienceHistogram: audience }));
    expect(choice).toMatchObject({ source: 'persona', slot: slotOf('wed', 18) });
    expect(local(choice.at, zone)).toBe('2025-06-25T18:00:00.000+02:00');
    expect(choice.reason).toBe("Wednesday 18:00 in Europe/Paris — their persona's best hour (15 of 20 engagements); this contact has 4 of the 5 opens and clicks needed.");
  });

  it('uses the audience’s histogram when the persona has too little too, or there is no persona', () => {
    const thin = histogram({ [slotOf('wed', 18)]: MIN_PERSONA_ENGAGEMENTS - 1 });
    const choice = bestSendHour(input({ engagements: few, personaHistogram: thin, audienceHistogram: audience }));
    expect(choice).toMatchObject({ source: 'audience', slot: slotOf('tue', 20) });
    expect(choice.reason).toBe("Tuesday 20:00 in Europe/Paris — the whole audience's best hour (20 of 20 engagements); this contact has 4 of the 5 opens and clicks needed, and a persona with 19 of the 20 needed.");
    const noPersona = bestSendHour(input({ engagements: few, personaHistogram: null, audienceHistogram: audience }));
    expect(noPersona.source).toBe('audience');
    expect(noPersona.reason).toContain('and no persona.');
  });

  it('sends now when nobody has enough history', () => {
    const now = at('2025-06-23T15:30', zone);
    const choice = bestSendHour(input({ now, engagements: few, audienceHistogram: histogram({ [slotOf('tue', 20)]: MIN_AUDIENCE_ENGAGEMENTS - 1 }) }));
    expect(choice).toEqual({ at: now, slot: slotOf('mon', 15), source: 'none', reason: 'no engagement history yet: sent now.', why: 'no engagement history yet: sent now.' });
  });

  it('without history, still waits out quiet hours', () => {
    const choice = bestSendHour(input({ now: at('2025-06-23T23:30', zone), quietHours: nightQuiet }));
    expect(choice.source).toBe('none');
    expect(local(choice.at, zone)).toBe('2025-06-24T08:00:00.000+02:00');
    expect(choice.reason).toBe('no engagement history yet: sent when quiet hours end, Tuesday 8:00 in Europe/Paris.');
  });
});

describe('quiet hours win', () => {
  const zone = 'Europe/Paris';
  // The contact reads mostly at 22:00 on Mondays, inside the quiet window, and sometimes at 10:00 on Tuesdays.
  const engagements = [...weekly('2025-05-05T22:00', zone, 7), ...weekly('2025-05-06T10:00', zone, 3)];

  it('skips a best hour inside quiet hours for the best one outside them', () => {
    const choice = bestSendHour(input({ now: at('2025-06-23T12:00', zone), engagements, quietHours: nightQuiet }));
    expect(local(choice.at, zone)).toBe('2025-06-24T10:00:00.000+02:00');
    expect(choice.reason).toBe("Tuesday 10:00 in Europe/Paris — this contact's best hour in the next 48 hours outside quiet hours (3 of 10 engagements).");
    expect(quietHoursRelease(choice.at, zone, nightQuiet)).toBe(choice.at);
  });

  it('goes when a quiet window ends mid-hour, inside the best hour', () => {
    const quiet = { enabled: true, start: '21:00', end: '10:30' };
    const choice = bestSendHour(input({ now: at('2025-06-23T12:00', zone), engagements, quietHours: quiet }));
    expect(local(choice.at, zone)).toBe('2025-06-24T10:30:00.000+02:00');
    expect(choice.slot).toBe(slotOf('tue', 10));
  });

  it('does not slip past the window when quiet hours end mid-hour after it closes', () => {
    // A lunch-time quiet window until 13:30; the window closes at 13:10, so the contact's favourite, 13:00, is out.
    const lunch = { enabled: true, start: '12:00', end: '13:30' };
    const history = [...weekly('2025-05-05T13:00', zone, 6), ...weekly('2025-05-05T11:00', zone, 2)];
    const choice = bestSendHour(input({ now: at('2025-06-23T10:10', zone), withinHours: 3, engagements: history, quietHours: lunch }));
    expect(local(choice.at, zone)).toBe('2025-06-23T11:00:00.000+02:00');
  });

  it('when quiet hours cover the whole window, goes when they end and says so', () => {
    const now = at('2025-06-23T22:10', zone);
    const choice = bestSendHour(input({ now, withinHours: 3, engagements, quietHours: nightQuiet }));
    expect(local(choice.at, zone)).toBe('2025-06-24T08:00:00.000+02:00');
    expect(choice.at).toBeGreaterThan(now + 3 * HOUR_MS);
    expect(choice.reason).toBe('Tuesday 8:00 in Europe/Paris — quiet hours (21:00–08:00) cover all of the next 3 hours: sent when they end.');
  });
});

describe('the window and ties', () => {
  it('breaks a tie for the earliest hour', () => {
    const zone = 'Asia/Tokyo';
    const engagements = [...weekly('2025-05-06T16:00', zone, 4), ...weekly('2025-05-06T11:00', zone, 4), ...weekly('2025-05-07T09:00', zone, 4)];
    const choice = bestSendHour(input({ now: at('2025-06-24T08:00', zone), timezone: zone, engagements }));
    expect(local(choice.at, zone)).toBe('2025-06-24T11:00:00.000+09:00');
  });

  it('breaks a tie in the repeated hour of the October change for its first pass', () => {
    const zone = 'Europe/Paris';
    const choice = bestSendHour(input({ now: at('2025-10-26T01:30', zone), withinHours: 3, timezone: zone, engagements: weekly('2025-06-01T02:10', zone, 5) }));
    expect(local(choice.at, zone)).toBe('2025-10-26T02:00:00.000+02:00');
  });

  it('only chooses an hour that starts within N hours', () => {
    const zone = 'America/New_York';
    // The favourite, Tuesday 9:00, is 25 hours away; within 24 hours the next best is Tuesday 8:00.
    const engagements = [...weekly('2025-05-06T09:00', zone, 6), ...weekly('2025-05-06T08:00', zone, 2)];
    const now = at('2025-06-23T08:00', zone);
    expect(local(bestSendHour(input({ now, withinHours: 24, timezone: zone, engagements })).at, zone)).toBe('2025-06-24T08:00:00.000-04:00');
    expect(local(bestSendHour(input({ now, withinHours: 25, timezone: zone, engagements })).at, zone)).toBe('2025-06-24T09:00:00.000-04:00');
  });

  it('never leaves [now, now + N h] and never lands in quiet hours, for any history, zone and time', () => {
    const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'Asia/Kolkata'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2026, 0, 1) }),
        fc.integer({ min: 1, max: 168 }),
        fc.constantFrom(...zones),
        fc.array(fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2024, 0, 1) }), { maxLength: 30 }),
        fc.constantFrom(noQuiet, nightQuiet, { enabled: true, start: '20:15', end: '09:45' }, { enabled: true, start: '12:00', end: '13:30' }),
        (now, withinHours, zone, engagements, quietHours) => {
          const choice = bestSendHour(input({ now, withinHours, timezone: zone, engagements, quietHours, audienceHistogram: histogram({ 40: 25 }) }));
          expect(choice.at).toBeGreaterThanOrEqual(now);
          expect(quietHoursRelease(choice.at, zone, quietHours)).toBe(choice.at);
          expect(choice.slot).toBe(hourOfWeek(choice.at, zone));
          if (choice.at > now + withinHours * HOUR_MS) {
            // The one way out: quiet hours cover the whole window, and the email goes the moment they end.
            expect(choice.at).toBe(quietHoursRelease(now, zone, quietHours));
            expect(choice.reason).toContain('quiet hours');
          }
        },
      ),
    );
  });
});
