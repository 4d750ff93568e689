// Per-arm summaries of an experiment: conversion rate with its Wilson score 95% interval; revenue mean with its 95%
// interval. Pure; counts come in, figures go out.
import { Z95 } from './distributions.ts';

/** Contacts in an arm and how many of them converted. */
export interface ProportionCounts {
  n: number;
  conversions: number;
}

/** Sufficient statistics of a revenue metric per arm: contacts, contacts with revenue, Σx and Σx² of revenue per contact
 * (0 for those who bought nothing), so a report adds rows up without loading them. */
export interface RevenueCounts {
  n: number;
  conversions: number;
  sum: number;
  sumSquares: number;
}

export type Interval = [number, number];

export interface ArmSummary {
  n: number;
  conversions: number;
  /** Conversion rate (a fraction) or mean revenue per contact; null when the arm has no contacts. */
  rate: number | null;
  /** 95% interval of `rate`; null when it cannot be estimated (n = 0, or n < 2 for revenue). */
  ci: Interval | null;
}

/**
 * Wilson score interval (E. B. Wilson, "Probable inference...", JASA 22, 1927; method 3 of R. G. Newcombe,
 * "Two-sided confidence intervals for the single proportion", Stat. Med. 17, 1998):
 *   (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).
 * Unlike the Wald interval it stays inside [0, 1] and is not degenerate at 0/n or n/n (0/n gives [0, z²/(n+z²)]).
 * n = 0 → null (nothing observed, no interval).
 */
export function wilsonInterval(conversions: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  const p = conversions / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denom = 1 + z2 / n;
  // At 0/n and n/n the outer bound is exactly 0 or 1 in theory; set it so, as floating point leaves 1 − 1e-16.
  const lo = conversions <= 0 ? 0 : Math.max(0, (centre - half) / denom);
  const hi = conversions >= n ? 1 : Math.min(1, (centre + half) / denom);
  return [lo, hi];
}

export function summarizeProportion({ n, conversions }: ProportionCounts): ArmSummary {
  return { n, conversions, rate: n > 0 ? conversions / n : null, ci: wilsonInterval(conversions, n) };
}

/** Mean and unbiased sample variance of revenue per contact; variance is null below two contacts. */
export function revenueMoments({ n, sum, sumSquares }: RevenueCounts): { mean: number | null; variance: number | null } {
  if (n <= 0) return { mean: null, variance: null };
  const mean = sum / n;
  if (n < 2) return { mean, variance: null };
  // Σx² − n·x̄², clamped at 0 against cancellation when every contact spent the same.
  return { mean, variance: Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) };
}

/** Revenue per contact: mean ± z·s/√n (normal approximation by the central limit theorem; fine at the sample sizes of
 * an email experiment, too narrow for a handful of contacts with a heavy-tailed spend). */
export function summarizeRevenue(counts: RevenueCounts, z = Z95): ArmSummary {
  const { mean, variance } = revenueMoments(counts);
  const ci: Interval | null =
    mean === null || variance === null ? null : [mean - z * Math.sqrt(variance / counts.n), mean + z * Math.sqrt(variance / counts.n)];
  return { n: counts.n, conversions: counts.conversions, rate: mean, ci };
}
