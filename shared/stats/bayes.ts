// Probability that each arm is best. Pure and deterministic: Monte Carlo draws come from a seeded PRNG.
// Conversion: Beta(1,1) prior ⇒ Beta(1+x, 1+n−x) posterior per arm. Two arms: exact, by E. Miller's closed form
// ("Formulas for Bayesian A/B testing", 2015; from the Beta integral, valid for whole αB):
//   P(p_B > p_A) = Σ_{i=0}^{α_B−1} B(α_A+i, β_A+β_B) / ((β_B+i) · B(1+i, β_B) · B(α_A, β_A)).
// More arms: seeded Monte Carlo, the share of draws in which each arm's sampled rate is the highest; Beta draws are
// ratios of Gamma draws (Marsaglia & Tsang, ACM TOMS 26(3), 2000) with Box–Muller normals.
// Revenue: a normal approximation of each mean's posterior, N(x̄, s²/n) (flat prior), sampled the same way.
// This is a description, not a decision rule: the verdict never uses it on its own.
import { createRng, type Rng } from '../demo/random.ts';
import { logBeta } from './distributions.ts';
import { revenueMoments, type ProportionCounts, type RevenueCounts } from './proportions.ts';

export const DEFAULT_DRAWS = 20_000;

/** P(rate of B > rate of A) under Beta(1,1) priors, exactly. */
export function probabilityBBeatsA(a: ProportionCounts, b: ProportionCounts): number {
  const aA = 1 + a.conversions;
  const bA = 1 + a.n - a.conversions;
  const aB = 1 + b.conversions;
  const bB = 1 + b.n - b.conversions;
  const lbA = logBeta(aA, bA);
  let total = 0;
  for (let i = 0; i < aB; i++) total += Math.exp(logBeta(aA + i, bA + bB) - Math.log(bB + i) - logBeta(1 + i, bB) - lbA);
  return Math.min(1, Math.max(0, total));
}

function normal(rng: Rng): number {
  // Box–Muller; 1 − u keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a);
  return x / (x + gamma(rng, b));
}

function shareBest(samplers: (() => number)[], draws: number): number[] {
  const wins = samplers.map(() => 0);
  for (let d = 0; d < draws; d++) {
    let best = 0;
    let bestValue = -Infinity;
    samplers.forEach((sample, i) => {
      const v = sample();
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    });
    wins[best]!++;
  }
  return wins.map((w) => w / draws);
}

/** Probability that each arm has the highest conversion rate, in the arms' order (sums to 1). */
export function probabilityBestProportions(arms: readonly ProportionCounts[], seed: string | number, draws = DEFAULT_DRAWS): number[] {
  if (arms.length === 0) return [];
  if (arms.length === 1) return [1];
  if (arms.length === 2) {
    const pB = probabilityBBeatsA(arms[0]!, arms[1]!);
    return [1 - pB, pB];
  }
  const rng = createRng('stats.probabilityBest', seed);
  return shareBest(arms.map((a) => () => beta(rng, 1 + a.conversions, 1 + a.n - a.conversions)), draws);
}

/** Probability that each arm has the highest mean revenue per contact; null per arm when its mean or variance is unknown
 * (fewer than two contacts), and then no arm gets a figure. */
export function probabilityBestRevenue(arms: readonly RevenueCounts[], seed: string | number, draws = DEFAULT_DRAWS): (number | null)[] {
  const moments = arms.map(revenueMoments);
  if (moments.some((m) => m.mean === null || m.variance === null)) return arms.map(() => null);
  const rng = createRng('stats.probabilityBest', seed);
  return shareBest(
    moments.map((m, i) => {
      const sd = Math.sqrt(m.variance! / arms[i]!.n);
      return () => m.mean! + sd * normal(rng);
    }),
    draws,
  );
}
