// The lifecycle report's arithmetic over rollup rows: medians from day histograms, week buckets, flows, rates.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  entriesPerWeek,
  flowsInto,
  flowsOutOf,
  histogramOf,
  medianOfHistogram,
  periodDays,
  rate,
  sumFlows,
  weekStartDay,
  weeksOfPeriod,
  wholeDays,
} from '../../shared/reports/aggregate.ts';
import { dayOf } from '../../shared/reports/metrics.ts';

const DAY = 86_400_000;
const day = (iso: string) => dayOf(Date.parse(iso));

describe('medianOfHistogram', () => {
  it('is null for an empty histogram, so the dashboard says "no data" rather than 0 days', () => {
    expect(medianOfHistogram(new Map())).toBeNull();
    expect(medianOfHistogram({ 3: 0 })).toBeNull();
  });

  it('takes the middle value of an odd count and the mean of the two middle ones of an even count', () => {
    expect(medianOfHistogram(new Map([[2, 1], [5, 1], [9, 1]]))).toBe(5);
    expect(medianOfHistogram(new Map([[2, 1], [5, 1], [9, 1], [20, 1]]))).toBe(7);
    expect(medianOfHistogram({ 4: 3, 10: 1 })).toBe(4);
    expect(medianOfHistogram({ 1: 2, 3: 2 })).toBe(2);
  });

  it('equals the median of the listed values for any histogram', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 60 }), (values) => {
        const h = new Map<number, number>();
        for (const v of values) h.set(v, (h.get(v) ?? 0) + 1);
        const sorted = [...values].sort((a, b) => a - b);
        const mid = sorted.length / 2;
        const expected = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
        expect(medianOfHistogram(h)).toBe(expected);
      }),
    );
  });

  it('reads rollup rows whose key is a number of days, summing the same day across personas', () => {
    const h = histogramOf([{ key: '3', n: 2 }, { key: '3', n: 1 }, { key: '12', n: 4 }, { key: 'x', n: 9 }]);
    expect([...h.entries()]).toEqual([[3, 3], [12, 4]]);
    expect(medianOfHistogram(h)).toBe(12);
  });
});

describe('weeks', () => {
  it('starts weeks on Monday, UTC', () => {
    expect(weekStartDay(day('2026-12-03'))).toBe(day('2026-11-30')); // a Thursday → Monday
    expect(weekStartDay(day('2026-11-30'))).toBe(day('2026-11-30'));
    expect(weekStartDay(day('2026-12-06'))).toBe(day('2026-11-30')); // Sunday
    expect(weekStartDay(day('1969-12-29'))).toBe(day('1969-12-29')); // before day 0
  });

  it('lists every week the period touches, its first possibly partial', () => {
    expect(weeksOfPeriod(Date.parse('2026-11-04T00:00:00Z'), Date.parse('2026-11-24T00:00:00Z'))).toEqual(['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23']);
    // An end exactly at midnight does not touch the day it names.
    expect(weeksOfPeriod(Date.parse('2026-11-02T00:00:00Z'), Date.parse('2026-11-09T00:00:00Z'))).toEqual(['2026-11-02']);
  });

  it('counts the days a period touches, the end exclusive', () => {
    expect(periodDays(Date.parse('2026-11-02T10:00:00Z'), Date.parse('2026-11-04T00:00:00Z'))).toEqual({ fromDay: day('2026-11-02'), toDay: day('2026-11-04') });
    expect(periodDays(Date.parse('2026-11-02T10:00:00Z'), Date.parse('2026-11-04T00:00:01Z'))).toEqual({ fromDay: day('2026-11-02'), toDay: day('2026-11-05') });
  });

  it('buckets phase entries per week and phase, with zeros for quiet weeks', () => {
    const rows = [
      { day: day('2026-11-03'), key: 'prospect>subscriber', n: 2 },
      { day: day('2026-11-08'), key: '>prospect', n: 5 },
      { day: day('2026-11-20'), key: 'customer>lapsed', n: 1 },
      { day: day('2026-11-20'), key: 'loyal>lapsed', n: 2 },
    ];
    const weeks = entriesPerWeek(rows, Date.parse('2026-11-02T00:00:00Z'), Date.parse('2026-11-23T00:00:00Z'), ['prospect', 'subscriber', 'lapsed']);
    expect(weeks).toEqual([
      { weekStart: '2026-11-02', byPhase: { prospect: 5, subscriber: 2, lapsed: 0 } },
      { weekStart: '2026-11-09', byPhase: { prospect: 0, subscriber: 0, lapsed: 0 } },
      { weekStart: '2026-11-16', byPhase: { prospect: 0, subscriber: 0, lapsed: 3 } },
    ]);
  });
});

describe('flows', () => {
  const flows = sumFlows([
    { key: 'customer>lapsed', n: 3 },
    { key: 'lapsed>customer', n: 1 },
    { key: 'customer>lapsed', n: 2 },
    { key: '>prospect', n: 7 },
    { key: 'engaged>customer', n: 0 },
  ]);

  it('sums each transition over days and personas, largest first, and drops empty ones', () => {
    expect(flows).toEqual([
      { from: null, to: 'prospect', n: 7 },
      { from: 'customer', to: 'lapsed', n: 5 },
      { from: 'lapsed', to: 'customer', n: 1 },
    ]);
  });

  it('counts entries into a phase (lapsed) and exits from it (reactivated)', () => {
    expect(flowsInto(flows, 'lapsed')).toBe(5);
    expect(flowsOutOf(flows, 'lapsed')).toBe(1);
    expect(flowsOutOf(flows, 'prospect')).toBe(0);
  });
});

describe('rate and durations', () => {
  it('is null for 0/0 and a fraction otherwise', () => {
    expect(rate(0, 0)).toBeNull();
    expect(rate(0, 4)).toBe(0);
    expect(rate(1, 4)).toBe(0.25);
  });

  it('counts whole days, never negative', () => {
    expect(wholeDays(0, DAY - 1)).toBe(0);
    expect(wholeDays(0, 3 * DAY + 5)).toBe(3);
    expect(wholeDays(5 * DAY, DAY)).toBe(0);
  });
});
