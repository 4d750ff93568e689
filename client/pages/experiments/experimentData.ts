// The experiment pages' arithmetic over the router's answers: how a verdict and a status look, figures in words, the
// charts' rows and each chart's one-sentence summary. Pure, so it can be read (and tested) without a browser.
import type { inferRouterOutputs } from '@trpc/server';
import type { VerdictKind } from '../../../shared/stats/verdict.ts';
import { roughCount } from '../../../shared/stats/verdict.ts';
import type { AppRouter } from '../../../server/api/router.ts';
import { formatNumber, formatPercent } from '../dashboard/dashboardData.ts';

type Outputs = inferRouterOutputs<AppRouter>['experiments'];
export type ExperimentListRow = Outputs['list'][number];
export type ExperimentDetails = Outputs['get'];
export type ExperimentSummary = ExperimentDetails['experiment'];
export type ExperimentReport = ExperimentDetails['report'];
export type SeriesPoint = ExperimentDetails['series'][number];
export type HistoryEntry = ExperimentDetails['history'][number];
export type ExperimentStatus = ExperimentSummary['status'];

export const EXPERIMENT_STATUSES = ['running', 'stopped', 'shipped'] as const satisfies readonly ExperimentStatus[];

export const STATUS_STYLE: Record<ExperimentStatus, { label: string; color: string }> = {
  running: { label: 'Running', color: 'indigo' },
  stopped: { label: 'Stopped', color: 'gray' },
  shipped: { label: 'Shipped', color: 'teal' },
};

/** How each verdict looks: a short badge label (the verdict's text says the rest) and its colour. Never "winner". */
export const VERDICT_STYLE: Record<VerdictKind, { label: string; color: string }> = {
  ship: { label: 'Reliable difference', color: 'green' },
  worse: { label: 'Reliably worse', color: 'red' },
  guardrail: { label: 'Guardrail hurt', color: 'orange' },
  srm: { label: 'Assignment broken', color: 'red' },
  inconclusive: { label: 'Not yet', color: 'gray' },
  empty: { label: 'No contacts yet', color: 'gray' },
};

export const KIND_LABEL: Record<ExperimentSummary['kind'], string> = { split: 'Split', holdout: 'Journey holdout' };

export const GUARDRAIL_LABEL: Record<string, string> = { unsubscribes: 'Unsubscribe rate', bounces: 'Bounce rate' };
export type GuardrailFigures = ExperimentDetails['guardrails'][number];

const MINUS = '\u2212';
const amount = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const isRevenue = (report: Pick<ExperimentReport, 'metric'>) => report.metric === 'revenue';

/** A rate as the dashboard writes it, or a mean revenue per contact with two decimals. */
export function formatRate(value: number | null, revenue: boolean): string {
  if (value === null) return '—';
  return revenue ? amount.format(value) : formatPercent(value);
}

export function formatInterval(ci: readonly [number, number] | null, revenue: boolean): string {
  return ci === null ? '—' : `${formatRate(ci[0], revenue)} to ${formatRate(ci[1], revenue)}`;
}

function signed(text: string, value: number): string {
  if (/^0(\.0+)?$/.test(text)) return text;
  return value > 0 ? `+${text}` : `${MINUS}${text}`;
}

/** A difference of rates in percentage points ("+3.2 pts"), or of mean revenue ("−1.25"). */
export function formatDifference(diff: number | null, revenue: boolean): string {
  if (diff === null) return '—';
  if (revenue) return signed(amount.format(Math.abs(diff)), diff);
  return `${signed((Math.abs(diff) * 100).toFixed(1), diff)} pts`;
}

/**
 * A difference's interval within what is possible: two rates differ by at most 100 points, but the confidence
 * sequence (a normal approximation) can reach past that while an arm has few contacts. Cutting it there keeps its
 * coverage and spares the reader "−140 pts". Revenue has no such bound.
 */
export function possibleDifference(ci: readonly [number, number] | null, revenue: boolean): [number, number] | null {
  if (ci === null) return null;
  return revenue ? [ci[0], ci[1]] : [Math.max(-1, ci[0]), Math.min(1, ci[1])];
}

export function formatDifferenceInterval(ci: readonly [number, number] | null, revenue: boolean): string {
  const bounded = possibleDifference(ci, revenue);
  return bounded === null ? '—' : `${formatDifference(bounded[0], revenue)} to ${formatDifference(bounded[1], revenue)}`;
}

/** A relative lift as a signed whole percent ("+28%"). */
export function formatLift(lift: number | null): string {
  if (lift === null) return '—';
  return signed(`${Math.abs(Math.round(lift * 100))}%`, lift);
}

export function formatP(p: number | null): string {
  if (p === null) return '—';
  if (p < 0.001) return '< 0.001';
  return p < 0.1 ? p.toFixed(3) : p.toFixed(2);
}

export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** "a, b and c" */
function list(parts: string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/**
 * The probability that each arm is best. The report gives it per variant; the control's is what remains, since the
 * arms' probabilities of being best add up to one.
 */
export function probabilityBestByArm(report: ExperimentReport): Map<string, number | null> {
  const byArm = new Map<string, number | null>(report.comparisons.map((c) => [c.arm, c.probabilityBest]));
  const variants = [...byArm.values()];
  const control = report.comparisons[0]?.control;
  if (control !== undefined) {
    byArm.set(control, variants.every((p) => p !== null) ? Math.max(0, 1 - variants.reduce<number>((s, p) => s + p!, 0)) : null);
  }
  return byArm;
}

/** The p-value that stays valid when the manager looks every day: Holm-adjusted across variants, else sequential. */
export const peekingP = (c: ExperimentReport['comparisons'][number]) => c.pAdjusted ?? c.pSequential;

/** Power in words: how many more contacts each arm needs to detect the minimum effect. */
export function powerSentence(report: ExperimentReport, minimumEffect: number, holdout: boolean): string {
  const lift = `${Math.round(minimumEffect * 100)}% lift`;
  const per = holdout ? 'group' : 'arm';
  const needed = report.needed.perArm;
  if (needed === null) return `Too few conversions so far to size the test for a ${lift}.`;
  if (needed === 0) return `Each ${per} has enough contacts to detect a ${lift}: a real difference that is still not reliable is likely smaller than that.`;
  return `About ${roughCount(needed)} more contacts per ${per} to detect a ${lift} at 80% power.`;
}

/** The smallest lift the contacts so far could detect, in words; null when the server cannot say (revenue, no rate). */
export function detectableSentence(minimumDetectableEffect: number | null, holdout: boolean): string | null {
  if (minimumDetectableEffect === null || !Number.isFinite(minimumDetectableEffect)) return null;
  return `With the contacts so far, the smallest lift ${holdout ? 'the holdout' : 'the test'} could reliably detect is about ${Math.round(minimumDetectableEffect * 100)}%.`;
}

export function srmSentence(report: ExperimentReport): string {
  const { p, flagged } = report.srm;
  if (p === null) return 'Not checked yet: no contacts have been assigned.';
  if (flagged) return `Assignment does not match the weights (chi-square p = ${formatP(p)}, below 0.001): the results are withheld until it is fixed.`;
  return `Assignment matches the weights (chi-square p = ${formatP(p)}; a mismatch is flagged below 0.001).`;
}

/**
 * Whether the always-valid test backs shipping `arm`: a variant reliably better than the control, or the control when
 * every variant is reliably worse. Otherwise shipping is a judgement call, and the dialog says so.
 */
export function backedByTheFigures(report: ExperimentReport, arm: string, alpha = 0.05): boolean {
  const reliable = (c: ExperimentReport['comparisons'][number]) => {
    const p = peekingP(c);
    return p !== null && p < alpha && c.diff !== null;
  };
  const mine = report.comparisons.find((c) => c.arm === arm);
  if (mine) return report.verdict.kind !== 'srm' && report.verdict.kind !== 'guardrail' && reliable(mine) && mine.diff! > 0;
  return report.comparisons.length > 0 && report.comparisons.every((c) => reliable(c) && c.diff! < 0);
}

/** What shipping a variant does, in the dialog's words. */
export function shipConsequence(journeyName: string, currentVersion: number | null, armName: string): string {
  const next = currentVersion === null ? 'a new version' : `version ${currentVersion + 1}`;
  return `Publishes ${next} of ${journeyName}: everyone who reaches the split from now on gets ${armName}; contacts already past it keep their branch.`;
}

/** A history entry's action in words. */
export function historyTitle(entry: HistoryEntry, armName: (key: string) => string): string {
  const version = entry.version === null ? '' : ` in version ${entry.version}`;
  switch (entry.action) {
    case 'started':
      return 'Started';
    case 'stopped':
      return 'Stopped';
    case 'shipped':
      return `Shipped ${entry.arm === null ? 'a variant' : armName(entry.arm)}${version}`;
    case 'restarted':
      return `Design changed${version}: a new experiment took over`;
    case 'ended':
      return `Ended${version}`;
    default:
      return entry.action;
  }
}

// Charts.

/** One colour per arm (Mantine colour names), in the split's order; the control takes the first. */
const ARM_PALETTE = ['indigo', 'orange', 'teal', 'grape', 'cyan', 'pink', 'lime', 'red', 'blue', 'yellow'] as const;
export const armColorName = (index: number) => ARM_PALETTE[index % ARM_PALETTE.length]!;

export type RateRow = { date: string } & Record<string, number | [number, number] | string | null>;

/** Per day: each arm's cumulative rate (`<key>`) and its 95% band (`<key>_band`, [lo, hi]), as Recharts reads them. */
export function rateRows(series: readonly SeriesPoint[]): RateRow[] {
  return series.map((p) => {
    const row: RateRow = { date: p.date };
    for (const a of p.arms) {
      row[a.key] = a.rate;
      row[`${a.key}_band`] = a.ci ? [a.ci[0], a.ci[1]] : null;
    }
    return row;
  });
}

/** Per day: each variant's difference from the control (`<key>`) and its confidence sequence (`<key>_band`). */
export function differenceRows(series: readonly SeriesPoint[], revenue: boolean): RateRow[] {
  return series.map((p) => {
    const row: RateRow = { date: p.date };
    for (const c of p.comparisons) {
      row[c.arm] = c.diff;
      row[`${c.arm}_band`] = possibleDifference(c.ci, revenue);
    }
    return row;
  });
}

export type AssignedRow = { date: string } & Record<string, number | string>;

export function assignedRows(series: readonly SeriesPoint[]): AssignedRow[] {
  return series.map((p) => ({ date: p.date, ...p.assigned }));
}

type Arm = { key: string; name: string };

export function rateSummary(series: readonly SeriesPoint[], arms: readonly Arm[], revenue: boolean): string {
  const last = series.at(-1);
  if (!last || last.arms.every((a) => a.n === 0)) return 'No contacts have entered the split yet.';
  const parts = arms.map((arm) => {
    const a = last.arms.find((x) => x.key === arm.key);
    return `${arm.name} ${formatRate(a?.rate ?? null, revenue)} (95% interval ${formatInterval(a?.ci ?? null, revenue)})`;
  });
  const what = revenue ? 'Mean revenue per contact' : 'Conversion rate';
  return `${what} so far: ${list(parts)}; the bands narrow as contacts arrive.`;
}

export function differenceSummary(series: readonly SeriesPoint[], arms: readonly Arm[], controlName: string, revenue: boolean): string {
  const last = series.at(-1);
  const name = (key: string) => arms.find((a) => a.key === key)?.name ?? key;
  if (!last || last.comparisons.every((c) => c.ci === null)) return `Not enough contacts yet to compare with ${controlName}.`;
  const parts = last.comparisons.map((c) => {
    if (c.ci === null) return `${name(c.arm)}: not enough contacts yet`;
    const zero = c.ci[0] <= 0 && c.ci[1] >= 0;
    return `${name(c.arm)} ${formatDifference(c.diff, revenue)} (always-valid 95% interval ${formatDifferenceInterval(c.ci, revenue)}${zero ? ', which still includes zero' : ', clear of zero'})`;
  });
  return `Difference from ${controlName} today: ${list(parts)}.`;
}

export function assignedSummary(series: readonly SeriesPoint[], arms: readonly (Arm & { weight: number })[]): string {
  const totals = arms.map((a) => series.reduce((s, p) => s + (p.assigned[a.key] ?? 0), 0));
  const total = totals.reduce((s, n) => s + n, 0);
  if (total === 0) return 'No contacts have been assigned yet.';
  const parts = arms.map((a, i) => `${a.name} ${formatNumber(totals[i]!)} (weight ${a.weight}%)`);
  return `${plural(total, 'contact')} assigned since ${series[0]!.date}: ${list(parts)}.`;
}

/** Axis ticks: percents for rates, points for differences, amounts for revenue. */
export function axisRate(value: number, revenue: boolean): string {
  return revenue ? amount.format(value) : `${Math.round(value * 100)}%`;
}

export function axisDifference(value: number, revenue: boolean): string {
  if (revenue) return formatDifference(value, true);
  const whole = Math.round(value * 100);
  return whole === 0 ? '0' : `${whole > 0 ? '+' : MINUS}${Math.abs(whole)} pts`;
}
