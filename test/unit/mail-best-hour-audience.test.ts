// The persona's and the audience's hour-of-week histograms, built from engagement counts grouped by zone, persona and quarter hour (one grouped query); the reason without its time, for the contact's page; the fast zone arithmetic against luxon's.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { allowedCandidates, bestSendHour, ENGAGEMENT_BUCKET_MS, histogramsFromBuckets, hourOfWeek, type EngagementBucket } from '../../shared/mail/bestHour.ts';
import { quietHoursRelease } from '../../shared/mail/rules.ts';

const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();
const bucketOf = (ms: number) => Math.floor(ms / ENGAGEMENT_BUCKET_MS);
const tuesday9 = 24 + 9;

describe('histogramsFromBuckets', () => {
  it('counts each quarter hour in its contacts’ own local hour: 09:00 in Tokyo and in New York are the same slot', () => {
    const buckets: EngagementBucket[] = [
      { timezone: 'Asia/Tokyo', personaKey: 'loyalist', bucket: bucketOf(at('2026-05-12T09:15', 'Asia/Tokyo')), count: 4 },
      { timezone: 'America/New_York', personaKey: null, bucket: bucketOf(at('2026-05-12T09:45', 'America/New_York')), count: 3 },
    ];
    const { audience, byPersona } = histogramsFromBuckets(buckets, 'UTC');
    expect(audience[tuesday9]).toBe(7);
    expect(audience.reduce((a, b) => a + b, 0)).toBe(7);
    expect([...byPersona.keys()]).toEqual(['loyalist']);
    expect(byPersona.get('loyalist')![tuesday9]).toBe(4);
  });

  it('puts a quarter hour of India (UTC+05:30) in the right local hour, and reads a missing or unknown zone as the workspace’s', () => {
    const kolkata = at('2026-05-12T09:30', 'Asia/Kolkata');
    const berlin = at('2026-05-12T09:00', 'Europe/Berlin');
    const { audience } = histogramsFromBuckets(
      [
        { timezone: 'Asia/Kolkata', personaKey: null, bucket: bucketOf(kolkata), count: 1 },
        { timezone: null, personaKey: null, bucket: bucketOf(berlin), count: 1 },
        { timezone: 'Mars/Olympus', personaKey: null, bucket: bucketOf(berlin), count: 1 },
      ],
      'Europe/Berlin',
    );
    expect(hourOfWeek(kolkata, 'Asia/Kolkata')).toBe(tuesday9);
    expect(audience[tuesday9]).toBe(3);
  });

  it('across the March change: the same local hour before and after it', () => {
    const winter = at('2026-03-24T09:00', 'Europe/Paris');
    const summer = at('2026-03-31T09:00', 'Europe/Paris');
    const { audience } = histogramsFromBuckets([winter, summer].map((t) => ({ timezone: 'Europe/Paris', personaKey: null, bucket: bucketOf(t), count: 1 })), 'UTC');
    expect(audience[tuesday9]).toBe(2);
  });

  it('ignores empty and broken rows', () => {
    const { audience } = histogramsFromBuckets([{ timezone: 'UTC', personaKey: null, bucket: Number.NaN, count: 2 }, { timezone: 'UTC', personaKey: null, bucket: 1, count: 0 }], 'UTC');
    expect(audience.every((n) => n === 0)).toBe(true);
  });
});

describe('the reason without its time', () => {
  it('is what follows the local time in the simulator’s sentence', () => {
    const now = at('2026-05-11T12:00', 'Asia/Tokyo');
    const engagements = Array.from({ length: 6 }, (_, i) => at('2026-04-07T09:10', 'Asia/Tokyo') - i * 7 * 86_400_000);
    const best = bestSendHour({ now, withinHours: 48, timezone: 'Asia/Tokyo', defaultTimezone: 'UTC', engagements, personaHistogram: null, audienceHistogram: null, quietHours: { enabled: true, start: '21:00', end: '08:00' } });
    expect(best.reason).toBe(`Tuesday 9:00 in Asia/Tokyo — ${best.why}`);
    expect(best.why).toBe('this contact opened or clicked most often then (6 of 6 engagements).');
    const none = bestSendHour({ now, withinHours: 48, timezone: 'Asia/Tokyo', defaultTimezone: 'UTC', engagements: [], personaHistogram: null, audienceHistogram: null, quietHours: { enabled: false, start: '21:00', end: '08:00' } });
    expect(none.why).toBe('no engagement history yet: sent now.');
  });
});

describe('the zone arithmetic behind the best hour', () => {
  const ZONES = ['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'UTC'];
  // Anywhere in 2026: the changes of both hemispheres, Lord Howe's half hour and Chatham's 45 minutes included.
  const instants = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') });

  it('puts every moment in the hour of the week luxon gives it, in every kind of zone', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...ZONES), (ms, zone) => {
        const local = DateTime.fromMillis(ms, { zone });
        expect(hourOfWeek(ms, zone)).toBe((local.weekday - 1) * 24 + local.hour);
      }),
      { numRuns: 2_000 },
    );
  });

  it('walks the same candidate hours as luxon, quiet hours and DST changes included', () => {
    /** The walk as luxon does it, one DateTime per hour: what allowedCandidates must equal. */
    function reference(now: number, hours: number, zone: string, quiet: { enabled: boolean; start: string; end: string }) {
      const end = now + hours * 3_600_000;
      const out: { at: number; slot: number }[] = [];
      for (let start = DateTime.fromMillis(now, { zone }).startOf('hour'); start.toMillis() <= end; start = start.plus({ hours: 1 })) {
        const at = quietHoursRelease(Math.max(start.toMillis(), now), zone, quiet);
        if (at < start.toMillis() + 3_600_000 && at <= end) {
          const local = DateTime.fromMillis(at, { zone });
          out.push({ at, slot: (local.weekday - 1) * 24 + local.hour });
        }
      }
      return out;
    }
    const time = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const quiet = fc.record({ enabled: fc.boolean(), start: time, end: time }).filter((q) => q.start !== q.end);
    fc.assert(
      fc.property(instants, fc.integer({ min: 1, max: 168 }), fc.constantFrom(...ZONES), quiet, (now, hours, zone, q) => {
        expect(allowedCandidates(now, hours, zone, q)).toEqual(reference(now, hours, zone, q));
      }),
      { numRuns: 300 },
    );
  });
});
