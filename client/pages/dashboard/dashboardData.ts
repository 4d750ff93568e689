// The dashboard's arithmetic over the report: the period a control stands for, the two-column Sankey, the link a flow
// leads to, and each chart's one-sentence summary. Pure, so it is tested without a browser.
import type { LifecycleReport } from '../../../shared/reports/lifecycle.ts';
import { movedParams } from '../../../shared/contacts/query.ts';

const DAY_MS = 86_400_000;
export const PERIOD_PRESETS = [30, 90, 365] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export type PeriodChoice = { kind: 'preset'; days: PeriodPreset } | { kind: 'custom'; fromDate: string; toDate: string };

/** A period as the report takes it: whole UTC days, `from` inclusive and `to` exclusive, so daily rollups add up exactly. */
export interface Period {
  from: string;
  to: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The last `days` whole UTC days up to and including today. */
export function presetPeriod(days: number, nowMs: number): Period {
  const to = (Math.floor(nowMs / DAY_MS) + 1) * DAY_MS;
  return { from: new Date(to - days * DAY_MS).toISOString(), to: new Date(to).toISOString() };
}

/** Two calendar dates (YYYY-MM-DD, both included) as a period, or why they are not one. */
export function customPeriod(fromDate: string, toDate: string): { ok: true; period: Period } | { ok: false; error: string } {
  if (!DATE.test(fromDate) || Number.isNaN(Date.parse(`${fromDate}T00:00:00Z`))) return { ok: false, error: 'From: choose a date.' };
  if (!DATE.test(toDate) || Number.isNaN(Date.parse(`${toDate}T00:00:00Z`))) return { ok: false, error: 'To: choose a date.' };
  const from = Date.parse(`${fromDate}T00:00:00Z`);
  const to = Date.parse(`${toDate}T00:00:00Z`) + DAY_MS;
  if (to <= from) return { ok: false, error: 'To: the period must end on or after the day it starts.' };
  return { ok: true, period: { from: new Date(from).toISOString(), to: new Date(to).toISOString() } };
}

/** The dashboard's URL (?days=90 or ?from=YYYY-MM-DD&to=YYYY-MM-DD) as a period choice; 90 days when absent or odd. */
export function periodChoiceFromParams(params: URLSearchParams): PeriodChoice {
  const from = params.get('from');
  const to = params.get('to');
  if (from && to) return { kind: 'custom', fromDate: from, toDate: to };
  const days = Number(params.get('days'));
  return { kind: 'preset', days: (PERIOD_PRESETS as readonly number[]).includes(days) ? (days as PeriodPreset) : 90 };
}

/** A whole-day period's last day included, as YYYY-MM-DD. */
export function lastDay(period: Period): string {
  return new Date(Date.parse(period.to) - DAY_MS).toISOString().slice(0, 10);
}

export interface SankeyNodeDatum {
  name: string;
  phase: string | null;
  side: 'from' | 'to';
}
export interface SankeyLinkDatum {
  source: number;
  target: number;
  value: number;
  /** Not `from` and `to`: Recharts spreads a link's fields that are SVG attributes onto its path. */
  fromPhase: string | null;
  toPhase: string;
}

/**
 * Flows as a two-column Sankey: the phases contacts left on the left, the phases they entered on the right. A Sankey
 * must be acyclic, and customer → lapsed → customer is a cycle between the same two phases; as two columns it is two
 * links, and every flow keeps its own width.
 */
export function sankeyData(
  flows: LifecycleReport['flows'],
  phaseOrder: readonly string[],
  label: (phase: string | null) => string,
): { nodes: SankeyNodeDatum[]; links: SankeyLinkDatum[] } {
  const present = flows.filter((f) => f.n > 0);
  const rank = (p: string | null) => (p === null ? -1 : phaseOrder.indexOf(p) === -1 ? phaseOrder.length : phaseOrder.indexOf(p));
  const byRank = (a: string | null, b: string | null) => rank(a) - rank(b);
  const froms = [...new Set(present.map((f) => f.from))].sort(byRank);
  const tos = [...new Set(present.map((f) => f.to))].sort(byRank);
  const nodes: SankeyNodeDatum[] = [
    ...froms.map((phase) => ({ name: label(phase), phase, side: 'from' as const })),
    ...tos.map((phase) => ({ name: label(phase), phase, side: 'to' as const })),
  ];
  const links = present
    .map((f) => ({ source: froms.indexOf(f.from), target: froms.length + tos.indexOf(f.to), value: f.n, fromPhase: f.from, toPhase: f.to }))
    .sort((a, b) => a.source - b.source || a.target - b.target);
  return { nodes, links };
}

/** Where a flow leads: the Contacts page filtered to those who made that change in the period (and persona). */
export function flowContactsHref(flow: { from: string | null; to: string }, period: Period, persona: string | null): string {
  const params = new URLSearchParams(movedParams({ from: flow.from, to: flow.to, since: period.from, until: period.to }));
  if (persona) params.set('persona', persona);
  return `/contacts?${params.toString()}`;
}

const number = new Intl.NumberFormat('en');
export const formatNumber = (n: number) => number.format(n);
export const formatPercent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(rate > 0 && rate < 0.1 ? 1 : 0)}%`);
export const formatDays = (days: number | null) => (days === null ? '—' : `${days.toFixed(days < 10 ? 1 : 0)} days`);

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** "a, b and c" */
function list(parts: string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

export function phasesSummary(phases: LifecycleReport['phases']): string {
  const total = phases.reduce((s, p) => s + p.n, 0);
  if (total === 0) return 'No contacts yet.';
  const top = [...phases].filter((p) => p.n > 0).sort((a, b) => b.n - a.n).slice(0, 3);
  return `${plural(total, 'contact')} now; the most in ${list(top.map((p) => `${p.label} (${formatNumber(p.n)})`))}.`;
}

export function flowsSummary(flows: LifecycleReport['flows'], label: (phase: string | null) => string): string {
  const total = flows.reduce((s, f) => s + f.n, 0);
  if (total === 0) return 'No phase changes in this period.';
  const top = [...flows].filter((f) => f.n > 0).sort((a, b) => b.n - a.n).slice(0, 3);
  return `${plural(total, 'phase change')} in the period; the largest ${top.length === 1 ? 'is' : 'are'} ${list(top.map((f) => `${label(f.from)} to ${label(f.to)} (${formatNumber(f.n)})`))}.`;
}

function weekTotal(week: LifecycleReport['entriesPerWeek'][number]): number {
  return Object.values(week.byPhase).reduce((s, n) => s + n, 0);
}

export function entriesSummary(weeks: LifecycleReport['entriesPerWeek'], label: (phase: string) => string): string {
  const byPhase = new Map<string, number>();
  for (const w of weeks) for (const [phase, n] of Object.entries(w.byPhase)) byPhase.set(phase, (byPhase.get(phase) ?? 0) + n);
  const total = [...byPhase.values()].reduce((s, n) => s + n, 0);
  if (total === 0) return `No phase entries in ${plural(weeks.length, 'week')}.`;
  const top = [...byPhase].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).slice(0, 2);
  const busiest = [...weeks].sort((a, b) => weekTotal(b) - weekTotal(a))[0]!;
  return `${plural(total, 'phase entry', 'phase entries')} over ${plural(weeks.length, 'week')}, most into ${list(top.map(([p, n]) => `${label(p)} (${formatNumber(n)})`))}; the busiest week began ${busiest.weekStart.slice(0, 10)}.`;
}

export function referralsSummary(personas: LifecycleReport['personas']): string {
  const total = personas.reduce((s, p) => s + p.referrals, 0);
  if (total === 0) return 'No referrals in this period.';
  const top = [...personas].filter((p) => p.referrals > 0).sort((a, b) => b.referrals - a.referrals)[0]!;
  return `${plural(total, 'referral')} in the period; the most from ${top.name} (${formatNumber(top.referrals)}).`;
}

/** Phases that had any entry in the period, in the workspace's order: the areas worth stacking. */
export function enteredPhases(weeks: LifecycleReport['entriesPerWeek'], phaseOrder: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const w of weeks) for (const [phase, n] of Object.entries(w.byPhase)) if (n > 0) seen.add(phase);
  return phaseOrder.filter((p) => seen.has(p)).concat([...seen].filter((p) => !phaseOrder.includes(p)));
}
