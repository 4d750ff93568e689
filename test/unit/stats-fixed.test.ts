// Fixed-horizon experiment statistics against published and independently computed values, and the edge cases
// (0/n, n/n, n = 0) that must give nulls or sensible values, never NaN.
import { describe, expect, it } from 'vitest';
import {
  chiSquareSurvival,
  compareProportions,
  compareRevenue,
  contactsStillNeeded,
  holmAdjust,
  minimumDetectableEffect,
  newcombeInterval,
  normalQuantile,
  probabilityBBeatsA,
  probabilityBestProportions,
  probabilityBestRevenue,
  sampleRatioMismatch,
  sampleSizePerArm,
  summarizeProportion,
  summarizeRevenue,
  tTwoSided,
  twoProportionZTest,
  wilsonInterval,
} from '../../shared/stats/index.ts';

/** Every number in a value, recursively: none may be NaN. */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

describe('Wilson score interval', () => {
  it('81/263 gives 0.2553 to 0.3662 (Newcombe 1998, single proportion, Table I, method 3)', () => {
    const [lo, hi] = wilsonInterval(81, 263)!;
    expect(lo).toBeCloseTo(0.2553, 4);
    expect(hi).toBeCloseTo(0.3662, 4);
  });

  it('0/n starts at 0 and n/n ends at 1, without collapsing to a point; n = 0 has no rate and no interval', () => {
    // 0/10: upper = z²/(n + z²) = 3.8415/13.8415 = 0.2775 (Newcombe 1998, method 3, 0/10: 0 to 0.2775).
    expect(wilsonInterval(0, 10)![0]).toBe(0);
    expect(wilsonInterval(0, 10)![1]).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10)![1]).toBe(1);
    expect(wilsonInterval(10, 10)![0]).toBeCloseTo(0.7225, 4);
    expect(summarizeProportion({ n: 0, conversions: 0 })).toEqual({ n: 0, conversions: 0, rate: null, ci: null });
  });
});

describe('variant against control', () => {
  it("Newcombe's hybrid score interval for 56/70 − 48/80 is 0.0524 to 0.3339 (Newcombe 1998, method 10)", () => {
    const [lo, hi] = newcombeInterval({ n: 70, conversions: 56 }, { n: 80, conversions: 48 })!;
    expect(lo).toBeCloseTo(0.0524, 4);
    expect(hi).toBeCloseTo(0.3339, 4);
  });

  it('pooled z-test: 60/1000 vs 45/1000 gives p = 0.13262', () => {
    // By hand: p̄ = 105/2000 = 0.0525, SE = √(0.0525·0.9475·2/1000) = 0.0099744, z = 0.015/0.0099744 = 1.50386,
    // p = 2(1 − Φ(1.50386)) = 0.132618 (checked with scipy.stats.norm.sf(1.50386)·2 = 0.1326178; R's prop.test(c(60,45), c(1000,1000),
    // correct = FALSE) is the same test, X² = z² = 2.2616 — not run, no R on this machine).
    expect(twoProportionZTest({ n: 1000, conversions: 60 }, { n: 1000, conversions: 45 })).toBeCloseTo(0.132618, 5);
    const c = compareProportions({ n: 1000, conversions: 60 }, { n: 1000, conversions: 45 });
    expect(c.diff).toBeCloseTo(0.015, 12);
    expect(c.relativeLift).toBeCloseTo(1 / 3, 12);
  });

  it("Welch's t-test on revenue: means 12 (sd 5, n 50) vs 10 (sd 6, n 60) gives t = 1.9069, p = 0.05919", () => {
    // Independent value: scipy.stats.ttest_ind_from_stats(12, 5, 50, 10, 6, 60, equal_var=False) → t 1.906925,
    // p 0.0591873. Sums from the moments: Σx = n·x̄, Σx² = (n−1)s² + n·x̄².
    const variant = { n: 50, conversions: 50, sum: 600, sumSquares: 49 * 25 + 50 * 144 };
    const control = { n: 60, conversions: 60, sum: 600, sumSquares: 59 * 36 + 60 * 100 };
    const c = compareRevenue(variant, control);
    expect(c.diff).toBeCloseTo(2, 12);
    expect(c.pFixed).toBeCloseTo(0.0591873, 6);
    expect(c.relativeLift).toBeCloseTo(0.2, 12);
  });

  it('the distributions behind the tests match their tables', () => {
    expect(tTwoSided(2, 10)).toBeCloseTo(0.0733880, 6); // scipy.stats.t.sf(2, 10)·2
    expect(chiSquareSurvival(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(5.991465, 2)).toBeCloseTo(0.05, 6);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212, 6);
  });

  it('0/n against 0/n, n/n against n/n and an empty arm give no NaN', () => {
    const zero = compareProportions({ n: 100, conversions: 0 }, { n: 100, conversions: 0 });
    expect(zero).toMatchObject({ diff: 0, relativeLift: null, pFixed: 1 });
    const all = compareProportions({ n: 100, conversions: 100 }, { n: 50, conversions: 50 });
    expect(all).toMatchObject({ diff: 0, relativeLift: 0, pFixed: 1 });
    expect(compareProportions({ n: 0, conversions: 0 }, { n: 100, conversions: 5 })).toEqual({ diff: null, ci: null, relativeLift: null, pFixed: null });
    expect(compareRevenue({ n: 1, conversions: 1, sum: 5, sumSquares: 25 }, { n: 0, conversions: 0, sum: 0, sumSquares: 0 }).diff).toBeNull();
    const flat = compareRevenue({ n: 10, conversions: 0, sum: 0, sumSquares: 0 }, { n: 10, conversions: 0, sum: 0, sumSquares: 0 });
    expect(flat).toMatchObject({ diff: 0, pFixed: 1, relativeLift: null });
    for (const v of [zero, all, flat, summarizeRevenue({ n: 1, conversions: 1, sum: 3, sumSquares: 9 })]) {
      expect(numbersIn(v).some(Number.isNaN)).toBe(false);
    }
  });
});

describe("Holm's correction", () => {
  it('adjusts 0.01, 0.04, 0.03 to 0.03, 0.06, 0.06 (step-down by hand, as p.adjust(., "holm")) and leaves missing p-values out', () => {
    // By hand: sorted 0.01, 0.03, 0.04 → 3·0.01 = 0.03, 2·0.03 = 0.06, max(0.06, 1·0.04) = 0.06; m = 3 (null not counted).
    const adjusted = holmAdjust([0.01, 0.04, 0.03, null]);
    expect(adjusted[0]).toBeCloseTo(0.03, 12);
    expect(adjusted[1]).toBeCloseTo(0.06, 12);
    expect(adjusted[2]).toBeCloseTo(0.06, 12);
    expect(adjusted[3]).toBeNull();
    expect(holmAdjust([0.6, 0.9])).toEqual([1, 1]);
  });
});

describe('sample ratio mismatch', () => {
  it('matches the chi-square goodness-of-fit test against the weights (scipy.stats.chisquare) and flags only below p = 0.001', () => {
    // 5120/4880 at 50/50: X² = (120² + 120²)/5000 = 5.76, df 1, p = 0.016395 (scipy.stats.chisquare) — not flagged.
    const mild = sampleRatioMismatch([5120, 4880], [50, 50]);
    expect(mild.p).toBeCloseTo(0.0163951, 6);
    expect(mild.flagged).toBe(false);
    // 5300/4700: X² = 36, p = 1.97e-9 — flagged.
    const broken = sampleRatioMismatch([5300, 4700], [50, 50]);
    expect(broken.p).toBeCloseTo(1.9731753e-9, 14);
    expect(broken.flagged).toBe(true);
    // Three arms 25/25/50 with 520/480/1000: X² = 0.8 + 0.8 + 0 = 1.6, df 2, p = e^(−0.8) = 0.449329.
    expect(sampleRatioMismatch([520, 480, 1000], [25, 25, 50]).p).toBeCloseTo(Math.exp(-0.8), 8);
  });

  it('nobody assigned yet is no mismatch; anyone in a weight-0 arm is', () => {
    expect(sampleRatioMismatch([0, 0], [50, 50])).toEqual({ p: null, flagged: false });
    expect(sampleRatioMismatch([10, 1], [100, 0])).toEqual({ p: 0, flagged: true });
  });
});

describe('probability to be best', () => {
  it('two arms exactly: equal data gives 1/2; B = 41/1000 vs A = 32/1000 agrees with the seeded Monte Carlo', () => {
    expect(probabilityBBeatsA({ n: 200, conversions: 10 }, { n: 200, conversions: 10 })).toBeCloseTo(0.5, 10);
    const exact = probabilityBestProportions([{ n: 1000, conversions: 32 }, { n: 1000, conversions: 41 }], 1);
    expect(exact[0]! + exact[1]!).toBeCloseTo(1, 12);
    // Three arms, the third far worse: the first two share what it loses, like the two-arm answer (±MC error).
    const three = probabilityBestProportions([{ n: 1000, conversions: 32 }, { n: 1000, conversions: 41 }, { n: 1000, conversions: 5 }], 7);
    expect(three[1]).toBeCloseTo(exact[1]!, 1);
    expect(Math.abs(three[1]! - exact[1]!)).toBeLessThan(0.015);
    expect(three[2]).toBe(0);
    expect(probabilityBestProportions([{ n: 1000, conversions: 32 }, { n: 1000, conversions: 41 }, { n: 1000, conversions: 5 }], 7)).toEqual(three);
  });

  it('empty arms and revenue without variance give sensible figures, no NaN', () => {
    expect(probabilityBestProportions([{ n: 0, conversions: 0 }, { n: 0, conversions: 0 }], 1)[0]).toBeCloseTo(0.5, 10);
    expect(probabilityBestRevenue([{ n: 1, conversions: 1, sum: 5, sumSquares: 25 }, { n: 10, conversions: 2, sum: 20, sumSquares: 200 }], 1)).toEqual([null, null]);
  });
});

describe('power', () => {
  it('5% → 6% needs 8,158 per arm at 80% power, two-sided 5% (Fleiss without continuity correction)', () => {
    // By hand: p̄ = 0.055; (1.959964·√(2·0.055·0.945) + 0.841621·√(0.0475 + 0.0564))² / 0.01²
    //   = (1.959964·0.322413 + 0.841621·0.322335)²·10⁴ = (0.631917 + 0.271284)²·10⁴ = 8157.7 → 8158
    // (R's power.prop.test solves the same equation plus a negligible far-tail term; not run here, no R on this machine).
    const n = sampleSizePerArm(0.05, 0.2)!;
    expect(n).toBe(8158);
    expect(contactsStillNeeded(0.05, 0.2, 3000)).toBe(n - 3000);
    expect(contactsStillNeeded(0.05, 0.2, 20_000)).toBe(0);
    expect(contactsStillNeeded(null, 0.2, 10)).toBeNull();
    expect(sampleSizePerArm(0, 0.2)).toBeNull();
  });

  it('the minimum detectable effect shrinks with √n', () => {
    const mde = minimumDetectableEffect(0.05, 10_000)!;
    // (1.95996 + 0.84162)·√(2·0.05·0.95/10000) / 0.05 = 2.80158·0.0030822/0.05 = 0.17270
    expect(mde).toBeCloseTo(0.1727, 4);
    expect(minimumDetectableEffect(0.05, 40_000)).toBeCloseTo(mde / 2, 10);
    expect(minimumDetectableEffect(0.05, 0)).toBeNull();
  });
});
