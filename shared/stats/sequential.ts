// Always-valid inference for variant − control: a mixture sequential probability ratio test (mSPRT) on the normal
// approximation, its always-valid p-value kept as a running minimum over looks, and the matching 95% confidence
// sequence. Pure. Valid however often, and whenever, the manager looks (up to the normal approximation).
//
// Source: R. Johari, L. Pekelis, D. Walsh, "Always Valid Inference: Bringing Sequential Analysis to A/B Testing"
// (arXiv:1512.04922, 2015; Operations Research 70(3), 2022), §4 — the statistic behind Optimizely's Stats Engine.
// With θ̂ₙ the observed difference, Vₙ its variance (p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂ for rates, s₁²/n₁ + s₂²/n₂ for
// revenue) and a N(0, τ²) mixing distribution over the true difference θ, the mixture likelihood ratio against θ = θ₀ is
//   Λₙ(θ₀) = √(Vₙ/(Vₙ+τ²)) · exp( τ²(θ̂ₙ−θ₀)² / (2Vₙ(Vₙ+τ²)) ).
// Under θ = θ₀ it is a (nonnegative) martingale, so by Ville's inequality P(∃n: Λₙ ≥ 1/α) ≤ α. Hence
//   pₙ = min(1, min_{k≤n} 1/Λ_k(0))                        — the always-valid p-value (running minimum over looks);
//   CSₙ = θ̂ₙ ± √( Vₙ(Vₙ+τ²)/τ² · (ln((Vₙ+τ²)/Vₙ) − 2 ln α) )  — the θ₀ with Λₙ(θ₀) < 1/α,
// and the running intersection of the CSₙ is still a valid 95% confidence sequence.
//
// τ² (mixing variance) is set from the minimum effect of interest: τ = the smallest absolute difference worth
// detecting (relative minimum effect × baseline rate). Johari et al. show the test is most efficient for effects near
// τ and stays valid for any τ; τ must not follow the data, so the report fixes it once per experiment (see index.ts).

export interface Look {
  /** Observed difference variant − control at this look. */
  estimate: number;
  /** Variance of `estimate` at this look: what the confidence sequence uses. */
  variance: number;
  /**
   * Variance of `estimate` if there were no difference (pooled), for the p-value of "no difference". Omitted: `variance`.
   * With a small arm the unpooled variance can be near 0 early on (0 conversions in 50 contacts), which makes any gap
   * look like overwhelming evidence that the running minimum then keeps for good; the pooled one does not collapse.
   */
  nullVariance?: number;
}

export interface SequentialState {
  /** Always-valid p-value for "no difference", running minimum so far. */
  pSequential: number;
  /** Running intersection of the always-valid 95% confidence sequence for the difference; null before any usable look. */
  ci: [number, number] | null;
  looks: number;
}

export const initialSequentialState: SequentialState = { pSequential: 1, ci: null, looks: 0 };

/** τ² from the minimum effect of interest: relative lift (e.g. 0.1 for +10%) on a baseline rate or mean. */
export function mixingVariance(baseline: number, minimumRelativeEffect: number): number {
  const tau = Math.abs(baseline * minimumRelativeEffect);
  return tau * tau;
}

/** 1/Λₙ(0), in logs for stability: the evidence against "no difference" at one look (not yet minimised over looks). */
export function mixtureP(look: Look, tau2: number): number {
  const { estimate } = look;
  const v = look.nullVariance ?? look.variance;
  if (!(v > 0) || !(tau2 > 0)) return 1;
  const logLambda = 0.5 * Math.log(v / (v + tau2)) + (tau2 * estimate * estimate) / (2 * v * (v + tau2));
  return Math.min(1, Math.exp(-logLambda));
}

/** Half-width of the always-valid (1−α) interval at one look; null when the variance is 0 (nothing to go on yet). */
export function confidenceRadius(variance: number, tau2: number, alpha = 0.05): number | null {
  if (!(variance > 0) || !(tau2 > 0)) return null;
  return Math.sqrt(((variance * (variance + tau2)) / tau2) * (Math.log((variance + tau2) / variance) - 2 * Math.log(alpha)));
}

/** The fold step: the state after one more look. A look with no usable variance (e.g. 0 conversions in both arms)
 * adds no evidence and leaves the state as it was, save the count. */
export function sequentialStep(state: SequentialState, look: Look | null, tau2: number, alpha = 0.05): SequentialState {
  if (!look) return { ...state, looks: state.looks + 1 };
  const p = Math.min(state.pSequential, mixtureP(look, tau2));
  const r = confidenceRadius(look.variance, tau2, alpha);
  let ci = state.ci;
  if (r !== null) {
    const lo = look.estimate - r;
    const hi = look.estimate + r;
    // Intersect with what earlier looks already ruled out; if rounding or a broken normal approximation makes the
    // intersection empty, keep the latest interval rather than report an empty one.
    ci = ci && Math.max(ci[0], lo) <= Math.min(ci[1], hi) ? [Math.max(ci[0], lo), Math.min(ci[1], hi)] : [lo, hi];
  }
  return { pSequential: p, ci, looks: state.looks + 1 };
}

/** The state after a whole sequence of looks (oldest first), e.g. one per day of the experiment. */
export function sequentialTest(looks: readonly (Look | null)[], tau2: number, alpha = 0.05): SequentialState {
  return looks.reduce<SequentialState>((s, look) => sequentialStep(s, look, tau2, alpha), initialSequentialState);
}
