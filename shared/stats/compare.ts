// One variant against the control, fixed-horizon: difference with Newcombe's hybrid score interval, relative lift,
// and the two-sided p-value of a pooled two-proportion z-test (Welch's t-test for revenue). Pure.
// These p-values are only valid for one look at a sample size fixed in advance: the verdict never uses them.
import { normalTwoSided, tTwoSided, Z95 } from './distributions.ts';
import { revenueMoments, wilsonInterval, type Interval, type ProportionCounts, type RevenueCounts } from './proportions.ts';

export interface FixedComparison {
  /** Variant minus control: difference of rates (a fraction) or of mean revenue per contact; null if an arm is empty. */
  diff: number | null;
  ci: Interval | null;
  /** diff / control; null when the control's rate is 0 or unknown (a lift over nothing is undefined). */
  relativeLift: number | null;
  /** Two-sided fixed-horizon p-value; null when an arm is empty; 1 when the data cannot tell the arms apart at all
   * (both 0/n or both n/n: the pooled variance is 0 and the observed difference is 0). */
  pFixed: number | null;
}

/**
 * Newcombe's hybrid score interval for p₁ − p₂ (method 10 of R. G. Newcombe, "Interval estimation for the difference
 * between independent proportions: comparison of eleven methods", Stat. Med. 17:873–890, 1998), from the Wilson
 * intervals (l₁,u₁) and (l₂,u₂) of each arm:
 *   lower = (p₁−p₂) − √((p₁−l₁)² + (u₂−p₂)²),  upper = (p₁−p₂) + √((u₁−p₁)² + (p₂−l₂)²).
 */
export function newcombeInterval(variant: ProportionCounts, control: ProportionCounts, z = Z95): Interval | null {
  const w1 = wilsonInterval(variant.conversions, variant.n, z);
  const w2 = wilsonInterval(control.conversions, control.n, z);
  if (!w1 || !w2) return null;
  const p1 = variant.conversions / variant.n;
  const p2 = control.conversions / control.n;
  const d = p1 - p2;
  return [d - Math.hypot(p1 - w1[0], w2[1] - p2), d + Math.hypot(w1[1] - p1, p2 - w2[0])];
}

/**
 * Pooled two-proportion z-test (the score test; equals R's prop.test(correct = FALSE), whose X² is z²):
 *   p̄ = (x₁+x₂)/(n₁+n₂),  z = (p₁−p₂) / √(p̄(1−p̄)(1/n₁+1/n₂)),  p = 2(1 − Φ(|z|)).
 */
export function twoProportionZTest(variant: ProportionCounts, control: ProportionCounts): number | null {
  if (variant.n <= 0 || control.n <= 0) return null;
  const pooled = (variant.conversions + control.conversions) / (variant.n + control.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / variant.n + 1 / control.n));
  if (se === 0) return 1;
  return normalTwoSided((variant.conversions / variant.n - control.conversions / control.n) / se);
}

export function compareProportions(variant: ProportionCounts, control: ProportionCounts): FixedComparison {
  if (variant.n <= 0 || control.n <= 0) return { diff: null, ci: null, relativeLift: null, pFixed: null };
  const p1 = variant.conversions / variant.n;
  const p2 = control.conversions / control.n;
  return {
    diff: p1 - p2,
    ci: newcombeInterval(variant, control),
    relativeLift: p2 > 0 ? (p1 - p2) / p2 : null,
    pFixed: twoProportionZTest(variant, control),
  };
}

/**
 * Welch's t-test for a difference of means with unequal variances (B. L. Welch, Biometrika 34, 1947):
 *   t = (x̄₁−x̄₂)/√(s₁²/n₁ + s₂²/n₂),  df = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1)),
 * p from the exact Student t distribution (regularized incomplete beta, see distributions.ts). The interval is the
 * normal-approximation one, diff ± 1.96·SE (email samples are large; the t quantile would differ in the third digit).
 */
export function compareRevenue(variant: RevenueCounts, control: RevenueCounts, z = Z95): FixedComparison {
  const a = revenueMoments(variant);
  const b = revenueMoments(control);
  if (a.mean === null || b.mean === null) return { diff: null, ci: null, relativeLift: null, pFixed: null };
  const diff = a.mean - b.mean;
  const relativeLift = b.mean > 0 ? diff / b.mean : null;
  if (a.variance === null || b.variance === null) return { diff, ci: null, relativeLift, pFixed: null };
  const va = a.variance / variant.n;
  const vb = b.variance / control.n;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { diff, ci: [diff, diff], relativeLift, pFixed: diff === 0 ? 1 : 0 };
  const df = (va + vb) ** 2 / (va ** 2 / (variant.n - 1) + vb ** 2 / (control.n - 1));
  return { diff, ci: [diff - z * se, diff + z * se], relativeLift, pFixed: tTwoSided(diff / se, df) };
}

/**
 * Variant − control for the sequential test: the estimate; for the confidence sequence the unpooled variance with each
 * arm's rate smoothed as (x+1)/(n+2) (as in Agresti & Caffo 2000, "Simple and effective confidence intervals for
 * proportions and differences of proportions", Am. Stat. 54(4)), so an arm with 0 or n conversions still has
 * variance; for the p-value the pooled variance p̂(1−p̂)(1/n₁+1/n₂) under "no difference". Null if not estimable.
 */
export function proportionDifference(variant: ProportionCounts, control: ProportionCounts): { estimate: number; variance: number; nullVariance: number } | null {
  if (variant.n <= 0 || control.n <= 0) return null;
  const p1 = variant.conversions / variant.n;
  const p2 = control.conversions / control.n;
  const s1 = (variant.conversions + 1) / (variant.n + 2);
  const s2 = (control.conversions + 1) / (control.n + 2);
  const pooled = (variant.conversions + control.conversions) / (variant.n + control.n);
  return {
    estimate: p1 - p2,
    variance: (s1 * (1 - s1)) / variant.n + (s2 * (1 - s2)) / control.n,
    nullVariance: pooled * (1 - pooled) * (1 / variant.n + 1 / control.n),
  };
}

export function revenueDifference(variant: RevenueCounts, control: RevenueCounts): { estimate: number; variance: number; nullVariance: number } | null {
  const a = revenueMoments(variant);
  const b = revenueMoments(control);
  if (a.mean === null || b.mean === null || a.variance === null || b.variance === null) return null;
  // Both arms as one sample: the variance if there were no difference, and the floor of an arm that has none yet
  // (every contact at 0 so far), which would otherwise make its mean look exact.
  const pooled = revenueMoments({ n: variant.n + control.n, conversions: variant.conversions + control.conversions, sum: variant.sum + control.sum, sumSquares: variant.sumSquares + control.sumSquares });
  const floor = pooled.variance ?? 0;
  const va = a.variance > 0 ? a.variance : floor;
  const vb = b.variance > 0 ? b.variance : floor;
  return { estimate: a.mean - b.mean, variance: va / variant.n + vb / control.n, nullVariance: floor * (1 / variant.n + 1 / control.n) };
}
