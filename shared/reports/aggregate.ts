// The lifecycle report's arithmetic over rollup rows: medians from day histograms, week buckets, summed flows, rates.
// Pure: the server reads the rows, these functions add them up.
import { dayOf, dayStart, parseFlowKey } from './metrics.ts';

const DAY_MS = 86_400_000;

/** Whole days from one time to a later one (0 when `to` is not later): what the duration histograms count. */
export function wholeDays(fromMs: number, toMs: number): number {
  return Math.max(0, Math.floor((toMs - fromMs) / DAY_MS));
}

/** A rate, or null when there is nothing to divide by (0/0 is "no data", not 0 %). */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/**
 * The median of a histogram of whole days ({ days → how many }), or null when it is empty. With an even count it is
 * the mean of the two middle values, as the median of the listed values would be.
 */
export function medianOfHistogram(histogram: ReadonlyMap<number, number> | Readonly<Record<string, number>>): number | null {
  const entries = (histogram instanceof Map ? [...histogram.entries()] : Object.entries(histogram).map(([k, v]) => [Number(k), v] as const))
    .filter(([days, n]) => Number.isFinite(days) && n > 0)
    .sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  // The values at 0-based positions lo and hi of the sorted list; equal when the count is odd.
  const lo = Math.floor((total - 1) / 2);
  const hi = Math.floor(total / 2);
  let seen = 0;
  let atLo: number | null = null;
  for (const [days, n] of entries) {
    if (atLo === null && lo < seen + n) atLo = days;
    if (hi < seen + n) return ((atLo ?? days) + days) / 2;
    seen += n;
  }
  return atLo;
}

/** The Monday (UTC) of the week a rollup day falls in, as a day number. 1970-01-01 was a Thursday. */
export function weekStartDay(day: number): number {
  return day - ((day + 3) % 7 + 7) % 7;
}

/** The first and last-plus-one rollup days a period [fromMs, toMs) touches. */
export function periodDays(fromMs: number, toMs: number): { fromDay: number; toDay: number } {
  return { fromDay: dayOf(fromMs), toDay: dayOf(toMs - 1) + 1 };
}

/** Every week start (as an ISO date, Monday) from the week of `fromMs` to the week of the period's last moment. */
export function weeksOfPeriod(fromMs: number, toMs: number): string[] {
  const { fromDay, toDay } = periodDays(fromMs, toMs);
  const weeks: string[] = [];
  for (let w = weekStartDay(fromDay); w < toDay; w += 7) weeks.push(isoDate(w));
  return weeks;
}

export function isoDate(day: number): string {
  return new Date(dayStart(day)).toISOString().slice(0, 10);
}

export interface FlowRow {
  day: number;
  personaKey: string;
  key: string;
  n: number;
}

export interface Flow {
  from: string | null;
  to: string;
  n: number;
}

/** Sums phase_flow rows into one figure per (from, to), largest first (then by name, so the order is stable). */
export function sumFlows(rows: readonly { key: string; n: number }[]): Flow[] {
  const byKey = new Map<string, number>();
  for (const r of rows) byKey.set(r.key, (byKey.get(r.key) ?? 0) + r.n);
  return [...byKey.entries()]
    .filter(([, n]) => n > 0)
    .map(([key, n]) => ({ ...parseFlowKey(key), n }))
    .sort((a, b) => b.n - a.n || `${a.from ?? ''}>${a.to}`.localeCompare(`${b.from ?? ''}>${b.to}`));
}

/** Phase entries per week: for each week of the period, how many entered each phase (zeros included). */
export function entriesPerWeek(rows: readonly { day: number; key: string; n: number }[], fromMs: number, toMs: number, phases: readonly string[]) {
  const weeks = weeksOfPeriod(fromMs, toMs);
  const table = new Map(weeks.map((w) => [w, Object.fromEntries(phases.map((p) => [p, 0])) as Record<string, number>]));
  for (const r of rows) {
    const week = table.get(isoDate(weekStartDay(r.day)));
    if (!week) continue;
    const { to } = parseFlowKey(r.key);
    week[to] = (week[to] ?? 0) + r.n;
  }
  return weeks.map((weekStart) => ({ weekStart, byPhase: table.get(weekStart)! }));
}

/** Flows into one phase (entered) and out of it (left), summed. */
export function flowsInto(flows: readonly Flow[], phase: string): number {
  return flows.reduce((sum, f) => sum + (f.to === phase ? f.n : 0), 0);
}

export function flowsOutOf(flows: readonly Flow[], phase: string): number {
  return flows.reduce((sum, f) => sum + (f.from === phase ? f.n : 0), 0);
}

/** A histogram from rollup rows whose key is a number of days. */
export function histogramOf(rows: readonly { key: string; n: number }[]): Map<number, number> {
  const h = new Map<number, number>();
  for (const r of rows) {
    const days = Number(r.key);
    if (Number.isInteger(days)) h.set(days, (h.get(days) ?? 0) + r.n);
  }
  return h;
}
