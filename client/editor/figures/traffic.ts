// How a journey's figures are drawn: edge thickness by traffic, compact counts, conversion rates. Pure.

/** Widths of the traffic band drawn under an edge's line (the line itself keeps its width, and so its arrowhead). */
export const EDGE_WIDTH = { idle: 0, min: 4, max: 14 } as const;

/**
 * The width of the band under an edge that `count` contacts took, when the busiest edge of the journey took `max`.
 * Square root, so a branch with a quarter of the traffic still reads as half as thick, not as a hairline.
 */
export function trafficWidth(count: number, max: number): number {
  if (count <= 0 || max <= 0) return EDGE_WIDTH.idle;
  const share = Math.sqrt(Math.min(count, max) / max);
  return Math.round((EDGE_WIDTH.min + (EDGE_WIDTH.max - EDGE_WIDTH.min) * share) * 100) / 100;
}

/** 950 · 1.2k · 12k · 1.2M: a count that fits on a node card or an edge label. */
export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  const [value, suffix] = n < 1_000_000 ? [n / 1000, 'k'] : [n / 1_000_000, 'M'];
  return `${value < 10 ? Math.floor(value * 10) / 10 : Math.floor(value)}${suffix}`;
}

/** "25%" or "0.4%" of enrolled contacts converted; null without any enrolled. */
export function conversionRate(converted: number, enrolled: number): string | null {
  if (enrolled <= 0) return null;
  const pct = (converted / enrolled) * 100;
  if (pct === 0 || pct >= 10) return `${Math.round(pct)}%`;
  return `${Math.round(pct * 10) / 10}%`;
}

/** The largest count among the edges, for scaling widths. */
export function busiestEdge(edges: Readonly<Record<string, number>>): number {
  let max = 0;
  for (const n of Object.values(edges)) if (n > max) max = n;
  return max;
}
