// Sample size: contacts per arm still needed to detect the minimum effect, and the effect detectable now. Pure.
// Two-sided α = 0.05, power 80%, equal arms, normal approximation without continuity correction (J. L. Fleiss,
// "Statistical Methods for Rates and Proportions", 3rd ed., 2003, §4.2, eq. 4.14 without its correction):
//   n = ( z_{α/2}·√(2 p̄(1−p̄)) + z_β·√(p₁(1−p₁) + p₂(1−p₂)) )² / (p₂ − p₁)²,   p̄ = (p₁+p₂)/2,
// with p₁ the control's rate and p₂ = p₁(1 + minimum relative effect).
// This is the fixed-horizon sample; the always-valid test that drives the verdict needs somewhat more for the same
// power, so "still needed" is a floor to plan with, stated as "about".
import { normalQuantile, Z95 } from './distributions.ts';

const Z_POWER = normalQuantile(0.8);

/** Contacts per arm for a fixed-horizon test to detect p₁ → p₁(1+effect); null when it cannot be sized (rate 0 or 1, no effect). */
export function sampleSizePerArm(baselineRate: number, minimumRelativeEffect: number): number | null {
  const p1 = baselineRate;
  const p2 = Math.min(1, p1 * (1 + minimumRelativeEffect));
  const d = p2 - p1;
  if (!(p1 > 0 && p1 < 1) || d === 0) return null;
  const pBar = (p1 + p2) / 2;
  const n = (Z95 * Math.sqrt(2 * pBar * (1 - pBar)) + Z_POWER * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (d * d);
  return Math.ceil(n);
}

/** Contacts per arm still to come: the sample size less the smallest arm's current n, never below 0; null if unsized. */
export function contactsStillNeeded(baselineRate: number | null, minimumRelativeEffect: number, smallestArmN: number): number | null {
  if (baselineRate === null) return null;
  const n = sampleSizePerArm(baselineRate, minimumRelativeEffect);
  return n === null ? null : Math.max(0, n - smallestArmN);
}

/** Minimum detectable relative effect with `nPerArm` contacts per arm at the control's rate (80% power, α = 0.05),
 * from the equal-variance approximation (z_{α/2}+z_β)·√(2p(1−p)/n) / p; null when it cannot be estimated. */
export function minimumDetectableEffect(baselineRate: number | null, nPerArm: number): number | null {
  if (baselineRate === null || !(baselineRate > 0 && baselineRate < 1) || nPerArm <= 0) return null;
  return ((Z95 + Z_POWER) * Math.sqrt((2 * baselineRate * (1 - baselineRate)) / nPerArm)) / baselineRate;
}

/** Sample size per arm for a difference of means (revenue): 2(z_{α/2}+z_β)²σ²/δ², σ² the pooled variance. */
export function sampleSizePerArmMeans(variance: number | null, minimumDifference: number): number | null {
  if (variance === null || !(variance > 0) || minimumDifference === 0) return null;
  return Math.ceil((2 * (Z95 + Z_POWER) ** 2 * variance) / (minimumDifference * minimumDifference));
}
