// The experiment report and its verdict in plain language: ship on a reliable (always-valid) difference, wait when
// only a fixed-horizon p-value or the probability to be best looks good, stop on a guardrail, withhold on SRM.
import { describe, expect, it } from 'vitest';
import { experimentReport, experimentSeries, type ExperimentReportInput, type ProportionLook } from '../../shared/stats/index.ts';

const ARMS = [
  { key: 'a', name: 'A', weight: 50 },
  { key: 'b', name: 'B', weight: 50 },
];

/** Cumulative daily looks: `perDay[key]` contacts a day per arm, converting at `rates[key]` (rounded counts). */
function dailyLooks(days: number, perDay: Record<string, number>, rates: Record<string, number>): ProportionLook[] {
  return Array.from({ length: days }, (_, d) =>
    Object.fromEntries(
      Object.keys(perDay).map((key) => {
        const n = perDay[key]! * (d + 1);
        return [key, { n, conversions: Math.round(n * rates[key]!) }];
      }),
    ),
  );
}

function report(looks: ProportionLook[], extra: Partial<ExperimentReportInput> = {}) {
  return experimentReport({
    id: 'exp_1',
    journeyId: 'jrn_1',
    metric: 'converted',
    metricKind: 'proportion',
    arms: ARMS,
    minimumEffect: 0.1,
    seed: 'test',
    looks,
    ...extra,
  } as ExperimentReportInput);
}

function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

describe('experiment verdict', () => {
  it('a reliable lift says so, with rates, relative lift and its always-valid interval, and names the variant to ship', () => {
    const r = report(dailyLooks(10, { a: 2000, b: 2000 }, { a: 0.032, b: 0.041 }));
    const b = r.comparisons[0]!;
    expect(b.pSequential).toBeLessThan(0.05);
    const lo = Math.round((b.ci![0] / 0.032) * 100);
    const hi = Math.round((b.ci![1] / 0.032) * 100);
    expect(lo).toBeGreaterThan(0);
    expect(r.verdict).toEqual({
      kind: 'ship',
      text: `Variant B converts 4.1% vs 3.2% (+28%, 95% interval +${lo}% to +${hi}%) — a reliable difference; you can ship B.`,
    });
  });

  it('a fixed-horizon p < 0.05 and a high probability to be best are not enough: no reliable difference yet, and how long to wait', () => {
    const r = report(dailyLooks(5, { a: 1000, b: 1000 }, { a: 0.032, b: 0.04 }));
    const b = r.comparisons[0]!;
    expect(b.pFixed).toBeLessThan(0.05);
    expect(b.probabilityBest).toBeGreaterThan(0.95);
    expect(b.pSequential).toBeGreaterThan(0.05);
    // 3.2% → 3.52% needs 49,777 per arm (power.ts); 5,000 are in, 1,000 a day come.
    expect(r.needed.perArm).toBe(49_777 - 5000);
    expect(r.verdict).toEqual({
      kind: 'inconclusive',
      text: 'No reliable difference yet — about 45,000 more contacts per branch to detect a 10% lift (about 45 days at the current pace).',
    });
    expect(r.verdict.text).not.toMatch(/winner|ship/i);
  });

  it('keeps the confidence sequence of a difference of proportions within ±100 points, however few the contacts', () => {
    const looks = dailyLooks(6, { a: 2, b: 3 }, { a: 0.2, b: 0.5 });
    const input = { id: 'x', journeyId: 'j', metric: 'converted', metricKind: 'proportion' as const, arms: ARMS, minimumEffect: 0.25, seed: 's', looks };
    const ci = experimentReport(input).comparisons[0]!.ci!;
    expect(ci[0]).toBeGreaterThanOrEqual(-1);
    expect(ci[1]).toBeLessThanOrEqual(1);
    for (const point of experimentSeries(input)) {
      const c = point.comparisons[0]!.ci;
      if (c) expect([c[0] >= -1, c[1] <= 1]).toEqual([true, true]);
    }
    // Unclipped, this sample's interval is wider than that: the bound is doing the work.
    expect(ci[0] === -1 || ci[1] === 1).toBe(true);
  });

  it('a wait of more than a year is said as such, with what would shorten it', () => {
    const r = report(dailyLooks(30, { a: 3, b: 3 }, { a: 0.1, b: 0.12 }));
    expect(r.verdict.kind).toBe('inconclusive');
    expect(r.verdict.text).toMatch(/more contacts per branch to detect a 10% lift \(more than a year at the current pace: a larger minimum effect or more traffic would settle it sooner\)\.$/);
  });

  it('a journey holdout is worded as the journey against doing nothing', () => {
    const arms = [
      { key: 'holdout', name: 'Held out', weight: 10 },
      { key: 'journey', name: 'In the journey', weight: 90 },
    ];
    const reliable = report(dailyLooks(10, { holdout: 1000, journey: 9000 }, { holdout: 0.03, journey: 0.045 }), { arms, controlKey: 'holdout', framing: 'holdout' });
    expect(reliable.verdict.kind).toBe('ship');
    expect(reliable.verdict.text).toMatch(/^Contacts in the journey convert 4\.5% vs 3\.0% held out \(\+50%, 95% interval \+\d+% to \+\d+%\) — the journey reliably earns its sends\.$/);
    const early = report(dailyLooks(3, { holdout: 20, journey: 180 }, { holdout: 0.03, journey: 0.04 }), { arms, controlKey: 'holdout', framing: 'holdout' });
    expect(early.verdict.text).toMatch(/more contacts per group/);
    expect(early.verdict.text).not.toMatch(/ship/i);
    const none = report([{ holdout: { n: 0, conversions: 0 }, journey: { n: 0, conversions: 0 } }], { arms, controlKey: 'holdout', framing: 'holdout' });
    expect(none.verdict).toEqual({ kind: 'empty', text: 'No contacts have entered the journey yet.' });
  });

  it('a guardrail catches 0.9% vs 0.4% unsubscribes at 5,000 contacts per arm (its harm size is a doubling, not the metric’s 10%)', () => {
    const looks = dailyLooks(10, { a: 500, b: 500 }, { a: 0.032, b: 0.033 });
    const unsubscribes = dailyLooks(10, { a: 500, b: 500 }, { a: 0.004, b: 0.009 });
    const r = report(looks, { guardrails: [{ label: 'unsubscribes', looks: unsubscribes }] });
    expect(r.verdict).toEqual({ kind: 'guardrail', text: 'B hurts a guardrail: unsubscribes 0.9% vs 0.4%.' });
  });

  it('a variant that reliably raises a guardrail is called out before anything else', () => {
    const looks = dailyLooks(10, { a: 4000, b: 4000 }, { a: 0.032, b: 0.041 });
    const unsubscribes = dailyLooks(10, { a: 4000, b: 4000 }, { a: 0.004, b: 0.009 });
    const r = report(looks, { guardrails: [{ label: 'unsubscribes', looks: unsubscribes }] });
    expect(r.verdict).toEqual({ kind: 'guardrail', text: 'B hurts a guardrail: unsubscribes 0.9% vs 0.4%.' });
  });

  it('a sample ratio mismatch withholds the results', () => {
    const r = report(dailyLooks(10, { a: 1000, b: 900 }, { a: 0.032, b: 0.041 }));
    expect(r.srm.flagged).toBe(true);
    expect(r.srm.p).toBeLessThan(0.001);
    expect(r.verdict).toEqual({ kind: 'srm', text: 'Assignment looks broken (sample ratio mismatch) — results withheld.' });
  });
});

describe('experiment report', () => {
  it('has the shape of `experiments report --json`, with rates and differences as fractions', () => {
    const r = report(dailyLooks(10, { a: 2000, b: 2000 }, { a: 0.032, b: 0.041 }));
    expect(Object.keys(r)).toEqual(['id', 'journeyId', 'metric', 'arms', 'comparisons', 'srm', 'needed', 'verdict']);
    expect(r.arms[1]).toMatchObject({ key: 'b', name: 'B', weight: 50, n: 20_000, conversions: 820, rate: 0.041 });
    expect(Object.keys(r.arms[0]!)).toEqual(['key', 'name', 'weight', 'n', 'conversions', 'rate', 'ci']);
    const c = r.comparisons[0]!;
    expect(Object.keys(c)).toEqual(['arm', 'control', 'diff', 'ci', 'relativeLift', 'pFixed', 'pSequential', 'pAdjusted', 'probabilityBest']);
    expect(c).toMatchObject({ arm: 'b', control: 'a' });
    expect(c.diff).toBeCloseTo(0.009, 12);
    expect(c.relativeLift).toBeCloseTo(0.28125, 12);
    expect(c.pAdjusted).toBe(c.pSequential);
  });

  it('Holm adjusts the sequential p-values across the variants of one split', () => {
    const arms = [...ARMS.map((a) => ({ ...a, weight: 34 })), { key: 'c', name: 'C', weight: 33 }];
    const r = report(dailyLooks(10, { a: 2000, b: 2000, c: 2000 }, { a: 0.032, b: 0.041, c: 0.036 }), { arms });
    const [b, c] = r.comparisons;
    // Two p-values: the smaller doubled, the larger max(itself, the doubled smaller).
    const sorted = [b!.pSequential!, c!.pSequential!].sort((x, y) => x - y);
    expect(Math.min(b!.pAdjusted!, c!.pAdjusted!)).toBeCloseTo(Math.min(1, 2 * sorted[0]!), 12);
    expect(Math.max(b!.pAdjusted!, c!.pAdjusted!)).toBeCloseTo(Math.max(Math.min(1, 2 * sorted[0]!), sorted[1]!), 12);
    expect(b!.probabilityBest! + c!.probabilityBest!).toBeLessThanOrEqual(1);
  });

  it('before anyone enters, and with 0/n in every arm, it reports nulls and sensible values, never NaN', () => {
    const empty = report([]);
    expect(empty.verdict.kind).toBe('empty');
    expect(empty.arms[0]).toMatchObject({ n: 0, conversions: 0, rate: null, ci: null });
    expect(empty.comparisons[0]).toMatchObject({ diff: null, pFixed: null, pSequential: null, pAdjusted: null });
    expect(empty.srm).toEqual({ p: null, flagged: false });
    const none = report(dailyLooks(3, { a: 100, b: 100 }, { a: 0, b: 0 }));
    expect(none.arms[0]!.rate).toBe(0);
    expect(none.comparisons[0]).toMatchObject({ diff: 0, relativeLift: null, pFixed: 1, pSequential: null });
    expect(none.verdict.kind).toBe('inconclusive');
    const all = report(dailyLooks(3, { a: 100, b: 100 }, { a: 1, b: 1 }));
    for (const r of [empty, none, all]) expect(numbersIn(r).some(Number.isNaN)).toBe(false);
  });

  it('the series for the charts: one point per look, a confidence sequence that only narrows, and the last point equals the report', () => {
    const input = {
      id: 'exp_1', journeyId: 'jrn_1', metric: 'converted', metricKind: 'proportion' as const, arms: ARMS, minimumEffect: 0.1, seed: 'test',
      looks: dailyLooks(10, { a: 2000, b: 2000 }, { a: 0.032, b: 0.041 }),
    };
    const series = experimentSeries(input);
    expect(series).toHaveLength(10);
    expect(series[3]!.arms.map((a) => a.n)).toEqual([8000, 8000]);
    for (let i = 1; i < series.length; i++) {
      const [prev, cur] = [series[i - 1]!.comparisons[0]!.ci!, series[i]!.comparisons[0]!.ci!];
      expect(cur[0]).toBeGreaterThanOrEqual(prev[0]);
      expect(cur[1]).toBeLessThanOrEqual(prev[1]);
    }
    const r = experimentReport(input);
    expect(series[9]!.comparisons[0]!.ci).toEqual(r.comparisons[0]!.ci);
    expect(series[9]!.comparisons[0]!.pSequential).toBe(r.comparisons[0]!.pSequential);
    expect(series[9]!.arms[1]!.ci).toEqual(r.arms[1]!.ci);
  });

  it('refuses impossible counts, naming the arm and the look', () => {
    expect(() => report([{ a: { n: 10, conversions: 2 }, b: { n: 10, conversions: 11 } }])).toThrow(/arm "b" at look 0 has n = 10, conversions = 11/);
  });

  it('revenue: means in rate and diff, Welch p-value, and a verdict in money per contact', () => {
    const revenueLooks = Array.from({ length: 10 }, (_, d) => {
      const n = 2000 * (d + 1);
      // Variant: mean 12, sd 20; control: mean 10, sd 20 (Σx² = (n−1)s² + n·x̄²).
      return {
        a: { n, conversions: n / 10, sum: 10 * n, sumSquares: (n - 1) * 400 + n * 100 },
        b: { n, conversions: n / 10, sum: 12 * n, sumSquares: (n - 1) * 400 + n * 144 },
      };
    });
    const r = experimentReport({ id: 'exp_2', journeyId: 'jrn_1', metric: 'revenue', metricKind: 'revenue', arms: ARMS, minimumEffect: 0.1, seed: 1, looks: revenueLooks });
    expect(r.arms[1]!.rate).toBeCloseTo(12, 10);
    expect(r.comparisons[0]!.diff).toBeCloseTo(2, 10);
    expect(r.comparisons[0]!.pFixed).toBeLessThan(1e-6);
    expect(r.verdict.kind).toBe('ship');
    expect(r.verdict.text).toMatch(/^Variant B brings 12\.00 per contact vs 10\.00 \(\+20%, 95% interval \+\d+% to \+\d+%\) — a reliable difference; you can ship B\.$/);
  });
});
