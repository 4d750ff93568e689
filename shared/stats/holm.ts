// Holm's step-down correction of p-values across the variants of one split (S. Holm, "A simple sequentially
// rejective multiple test procedure", Scand. J. Statist. 6:65–70, 1979). Pure.
//
// With the m available p-values sorted ascending p₍₁₎ ≤ … ≤ p₍ₘ₎: adj₍ᵢ₎ = max_{j≤i} min(1, (m−j+1)·p₍ⱼ₎) — the same
// as R's p.adjust(p, "holm"). Controls the family-wise error rate for any dependence between the tests, and, applied to
// always-valid p-values, stays valid under continuous monitoring. Nulls (comparisons not yet estimable) stay null and
// do not count in m.

export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const present = pValues.flatMap((p, i) => (p === null ? [] : [{ p, i }])).sort((a, b) => a.p - b.p);
  const m = present.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 0;
  present.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
