// Sample ratio mismatch: are the observed assignments per arm plausible under the split's weights? Pure.
// Pearson's chi-square goodness-of-fit test: X² = Σ (oᵢ − eᵢ)²/eᵢ with eᵢ = N·wᵢ/Σw, df = k − 1 over the arms with a
// positive weight, p = Q((k−1)/2, X²/2) (regularized upper incomplete gamma) — as R's chisq.test(o, p = w/sum(w)).
// The threshold p < 0.001 follows common practice (R. Kohavi et al., "Trustworthy Online Controlled Experiments",
// 2020, ch. 21; Fabijan et al., KDD 2019): at thousands of contacts a real mismatch yields tiny p, while a 5% threshold
// would cry wolf in one experiment out of twenty.
import { chiSquareSurvival } from './distributions.ts';

export const SRM_THRESHOLD = 0.001;

export interface SrmResult {
  /** null when nobody is assigned yet (nothing to test). */
  p: number | null;
  flagged: boolean;
}

export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[]): SrmResult {
  if (observed.length !== weights.length) throw new RangeError(`sampleRatioMismatch: ${observed.length} counts for ${weights.length} weights`);
  const total = observed.reduce((s, o) => s + o, 0);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  if (total <= 0 || weightSum <= 0) return { p: null, flagged: false };
  // A contact in an arm of weight 0 cannot happen with a working assignment: certain mismatch.
  if (observed.some((o, i) => o > 0 && weights[i]! <= 0)) return { p: 0, flagged: true };
  let x2 = 0;
  let k = 0;
  observed.forEach((o, i) => {
    const w = weights[i]!;
    if (w <= 0) return;
    const e = (total * w) / weightSum;
    x2 += ((o - e) * (o - e)) / e;
    k++;
  });
  if (k < 2) return { p: 1, flagged: false };
  const p = chiSquareSurvival(x2, k - 1);
  return { p, flagged: p < SRM_THRESHOLD };
}
