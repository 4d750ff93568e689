// The experiment report: every statistic of one split (or journey holdout) from its daily cumulative counts, shaped as
// the `experiments report --json` answer of issue 13 (rates and differences as fractions). Pure: the server counts,
// this decides.
import { compareProportions, compareRevenue, proportionDifference, revenueDifference, type FixedComparison } from './compare.ts';
import { probabilityBestProportions, probabilityBestRevenue } from './bayes.ts';
import { holmAdjust } from './holm.ts';
import { contactsStillNeeded, sampleSizePerArmMeans } from './power.ts';
import { revenueMoments, summarizeProportion, summarizeRevenue, type ArmSummary, type ProportionCounts, type RevenueCounts } from './proportions.ts';
import { initialSequentialState, mixingVariance, sequentialStep, sequentialTest, type Look } from './sequential.ts';
import { sampleRatioMismatch } from './srm.ts';
import { experimentVerdict, type Verdict, type VerdictGuardrail } from './verdict.ts';

export * from './distributions.ts';
export * from './proportions.ts';
export * from './compare.ts';
export * from './sequential.ts';
export * from './holm.ts';
export * from './bayes.ts';
export * from './srm.ts';
export * from './power.ts';
export * from './verdict.ts';

export interface ReportArmInput {
  key: string;
  name: string;
  weight: number;
}

/** Cumulative counts per arm key at one look. Looks are daily, oldest first; the last one is "now". */
export type ProportionLook = Readonly<Record<string, ProportionCounts>>;
export type RevenueLook = Readonly<Record<string, RevenueCounts>>;

interface ReportInputBase {
  id: string;
  journeyId: string;
  /** The metric's name as the report shows it, e.g. "converted" or "revenue". */
  metric: string;
  /** Arms in the split's order; the control is `controlKey`, else the first arm. */
  arms: readonly ReportArmInput[];
  controlKey?: string;
  /** Minimum effect of interest, relative (0.1 = a 10% lift): sets the sequential test's τ² and the sample size. */
  minimumEffect: number;
  /** The control's expected rate or mean, for τ². Omitted: the control's figure at the latest look — fixed for all looks
   * of one report, but it follows the data a little, which the always-valid guarantee strictly does not allow. */
  baseline?: number;
  /** Guardrail metrics (higher is worse), each with looks aligned to the metric's. */
  guardrails?: readonly { label: string; looks: readonly ProportionLook[] }[];
  /** 'holdout' when the experiment is a journey holdout: the verdict's words compare the journey with doing nothing. */
  framing?: 'split' | 'holdout';
  /** Seed of the probability-best Monte Carlo (only used for three or more arms, or revenue). */
  seed: string | number;
}

export type ExperimentReportInput =
  | (ReportInputBase & { metricKind: 'proportion'; looks: readonly ProportionLook[] })
  | (ReportInputBase & { metricKind: 'revenue'; looks: readonly RevenueLook[] });

export interface ExperimentReport {
  id: string;
  journeyId: string;
  metric: string;
  arms: { key: string; name: string; weight: number; n: number; conversions: number; rate: number | null; ci: [number, number] | null }[];
  comparisons: {
    arm: string;
    control: string;
    diff: number | null;
    ci: [number, number] | null;
    relativeLift: number | null;
    pFixed: number | null;
    pSequential: number | null;
    pAdjusted: number | null;
    probabilityBest: number | null;
  }[];
  srm: { p: number | null; flagged: boolean };
  needed: { perArm: number | null };
  verdict: Verdict;
}

const EMPTY: RevenueCounts = { n: 0, conversions: 0, sum: 0, sumSquares: 0 };

function countsAt<T extends ProportionCounts>(look: Readonly<Record<string, T>> | undefined, key: string): T {
  return (look?.[key] ?? EMPTY) as T;
}

/**
 * A difference of two proportions lies in [−1, 1]: the confidence sequence is intersected with it (the intersection of
 * a valid confidence set with the parameter space is still valid). Early on, the normal approximation's interval is
 * wider than that; a revenue difference has no such bound.
 */
function bounded(ci: [number, number] | null, proportion: boolean): [number, number] | null {
  if (!ci || !proportion) return ci;
  return [Math.max(-1, ci[0]), Math.min(1, ci[1])];
}

/** Sequential p-value and confidence sequence of variant vs control over all looks; null p when τ² is unknown. */
function sequentialOver(looks: readonly (Look | null)[], tau2: number | null, proportion = true): { pSequential: number | null; ci: [number, number] | null } {
  if (tau2 === null || !(tau2 > 0)) return { pSequential: null, ci: null };
  const s = sequentialTest(looks, tau2);
  return { pSequential: s.ci === null ? null : s.pSequential, ci: bounded(s.ci, proportion) };
}

function guardrailsOf(input: ExperimentReportInput, control: ReportArmInput, variants: readonly ReportArmInput[]): VerdictGuardrail[] {
  return (input.guardrails ?? []).flatMap((g) => {
    const last = g.looks[g.looks.length - 1];
    const c = summarizeProportion(countsAt(last, control.key));
    return variants.map((v) => {
      // The harm worth catching is a doubling of the control's rate (a guardrail has no minimum effect of its own; the
      // metric's 10% of a 0.4% unsubscribe rate would need ~50,000 contacts per arm to flag 0.9% vs 0.4%). When the
      // control has none yet, both arms' rate stands in, with a floor of 0.1 points.
      const both = summarizeProportion({
        n: countsAt(last, v.key).n + countsAt(last, control.key).n,
        conversions: countsAt(last, v.key).conversions + countsAt(last, control.key).conversions,
      });
      const harm = Math.max(c.rate ?? 0, both.rate ?? 0, 0.001);
      const tau2 = mixingVariance(harm, 1);
      const seq = sequentialOver(
        g.looks.map((look) => proportionDifference(countsAt(look, v.key), countsAt(look, control.key))),
        tau2,
      );
      return { armName: v.name, label: g.label, rate: summarizeProportion(countsAt(last, v.key)).rate, controlRate: c.rate, pSequential: seq.pSequential };
    });
  });
}

/** Counts that cannot come from a real experiment (a bug in the shell's query) are refused with the arm and look named. */
function checkCounts(input: ExperimentReportInput): void {
  input.looks.forEach((look: Readonly<Record<string, ProportionCounts>>, day) => {
    for (const [key, c] of Object.entries(look)) {
      if (!(Number.isInteger(c.n) && c.n >= 0 && Number.isInteger(c.conversions) && c.conversions >= 0 && c.conversions <= c.n)) {
        throw new RangeError(`experimentReport ${input.id}: arm "${key}" at look ${day} has n = ${c.n}, conversions = ${c.conversions}`);
      }
    }
  });
}

export function experimentReport(input: ExperimentReportInput): ExperimentReport {
  checkCounts(input);
  const control = input.arms.find((a) => a.key === input.controlKey) ?? input.arms[0];
  if (!control) throw new RangeError(`experimentReport ${input.id}: the experiment has no arms`);
  const variants = input.arms.filter((a) => a !== control);
  const lastIndex = input.looks.length - 1;
  const last = input.looks[lastIndex];

  let summaries: ArmSummary[];
  let fixed: FixedComparison[];
  let diffs: (Look | null)[][];
  let probabilityBest: (number | null)[];
  let baseline: number | null;
  let neededPerArm: number | null;
  const smallestN = Math.min(...input.arms.map((a) => countsAt(last, a.key).n));

  if (input.metricKind === 'proportion') {
    const counts = input.arms.map((a) => countsAt(input.looks[lastIndex], a.key));
    const controlCounts = countsAt(input.looks[lastIndex], control.key);
    summaries = counts.map(summarizeProportion);
    fixed = variants.map((v) => compareProportions(countsAt(input.looks[lastIndex], v.key), controlCounts));
    diffs = variants.map((v) => input.looks.map((look) => proportionDifference(countsAt(look, v.key), countsAt(look, control.key))));
    probabilityBest = probabilityBestProportions(counts, input.seed);
    const rate = summarizeProportion(controlCounts).rate;
    baseline = input.baseline ?? (rate !== null && rate > 0 ? rate : null);
    neededPerArm = contactsStillNeeded(baseline, input.minimumEffect, smallestN);
  } else {
    const counts = input.arms.map((a) => countsAt(input.looks[lastIndex], a.key));
    const controlCounts = countsAt(input.looks[lastIndex], control.key);
    summaries = counts.map((c) => summarizeRevenue(c));
    fixed = variants.map((v) => compareRevenue(countsAt(input.looks[lastIndex], v.key), controlCounts));
    diffs = variants.map((v) => input.looks.map((look) => revenueDifference(countsAt(look, v.key), countsAt(look, control.key))));
    probabilityBest = probabilityBestRevenue(counts, input.seed);
    const m = revenueMoments(controlCounts);
    baseline = input.baseline ?? (m.mean !== null && m.mean > 0 ? m.mean : null);
    const needed = baseline === null ? null : sampleSizePerArmMeans(m.variance, baseline * input.minimumEffect);
    neededPerArm = needed === null ? null : Math.max(0, needed - smallestN);
  }

  const tau2 = baseline === null ? null : mixingVariance(baseline, input.minimumEffect);
  const sequential = diffs.map((looks) => sequentialOver(looks, tau2, input.metricKind === 'proportion'));
  const adjusted = holmAdjust(sequential.map((s) => s.pSequential));
  const controlIndex = input.arms.indexOf(control);
  const controlSummary = summaries[controlIndex]!;

  const comparisons = variants.map((v, i) => ({
    arm: v.key,
    control: control.key,
    diff: fixed[i]!.diff,
    // The always-valid confidence sequence when there is one (it matches pSequential and is what the verdict reads);
    // Newcombe's fixed-horizon interval (Welch's for revenue) before the sequential test can start.
    ci: sequential[i]!.ci ?? fixed[i]!.ci,
    relativeLift: fixed[i]!.relativeLift,
    pFixed: fixed[i]!.pFixed,
    pSequential: sequential[i]!.pSequential,
    pAdjusted: adjusted[i] ?? null,
    probabilityBest: probabilityBest[input.arms.indexOf(v)] ?? null,
  }));

  const srm = sampleRatioMismatch(
    input.arms.map((a) => countsAt(last, a.key).n),
    input.arms.map((a) => a.weight),
  );
  const totalContacts = input.arms.reduce((s, a) => s + countsAt(last, a.key).n, 0);
  // Looks are daily, so the pace is contacts per arm per look.
  const pace = input.looks.length > 0 && Number.isFinite(smallestN) ? smallestN / input.looks.length : null;

  const verdict = experimentVerdict({
    metricKind: input.metricKind,
    controlName: control.name,
    totalContacts,
    srmFlagged: srm.flagged,
    comparisons: variants.map((v, i) => ({
      armName: v.name,
      rate: summaries[input.arms.indexOf(v)]!.rate,
      controlRate: controlSummary.rate,
      pAdjusted: adjusted[i] ?? null,
      ci: sequential[i]!.ci,
    })),
    guardrails: guardrailsOf(input, control, variants),
    neededPerArm,
    pacePerArmPerDay: pace,
    minimumEffect: input.minimumEffect,
    framing: input.framing,
  });

  return {
    id: input.id,
    journeyId: input.journeyId,
    metric: input.metric,
    arms: input.arms.map((a, i) => ({ key: a.key, name: a.name, weight: a.weight, ...summaries[i]! })),
    comparisons,
    srm,
    needed: { perArm: neededPerArm },
    verdict,
  };
}

export interface ExperimentSeriesPoint {
  /** Look number, 0 = the first day. */
  look: number;
  /** Cumulative rate (or mean) per arm with its 95% interval at this look: the chart's line and band. */
  arms: { key: string; n: number; rate: number | null; ci: [number, number] | null }[];
  /** Per variant: the difference and the always-valid confidence sequence so far (it only narrows). */
  comparisons: { arm: string; diff: number | null; ci: [number, number] | null; pSequential: number | null }[];
}

/** The report's figures look by look, for the charts: cumulative rate per arm with its band, the difference with its
 * narrowing confidence sequence, and (from successive n) the daily assignments per arm. τ² as in experimentReport,
 * from the latest look, so the last point agrees with the report. */
export function experimentSeries(input: ExperimentReportInput): ExperimentSeriesPoint[] {
  checkCounts(input);
  const control = input.arms.find((a) => a.key === input.controlKey) ?? input.arms[0];
  if (!control) throw new RangeError(`experimentSeries ${input.id}: the experiment has no arms`);
  const variants = input.arms.filter((a) => a !== control);
  const last = input.looks[input.looks.length - 1];
  const revenue = input.metricKind === 'revenue';
  const summarize = (look: ProportionLook | RevenueLook | undefined, key: string): ArmSummary =>
    revenue ? summarizeRevenue(countsAt(look as RevenueLook, key)) : summarizeProportion(countsAt(look, key));
  const difference = (look: ProportionLook | RevenueLook | undefined, key: string): Look | null =>
    revenue
      ? revenueDifference(countsAt(look as RevenueLook, key), countsAt(look as RevenueLook, control.key))
      : proportionDifference(countsAt(look, key), countsAt(look, control.key));
  const controlNow = summarize(last, control.key).rate;
  const baseline = input.baseline ?? (controlNow !== null && controlNow > 0 ? controlNow : null);
  const tau2 = baseline === null ? null : mixingVariance(baseline, input.minimumEffect);
  const states = variants.map(() => initialSequentialState);
  return input.looks.map((look, i) => ({
    look: i,
    arms: input.arms.map((a) => {
      const s = summarize(look, a.key);
      return { key: a.key, n: s.n, rate: s.rate, ci: s.ci };
    }),
    comparisons: variants.map((v, j) => {
      const d = difference(look, v.key);
      if (tau2 !== null) states[j] = sequentialStep(states[j]!, d, tau2);
      const s = states[j]!;
      return { arm: v.key, diff: d?.estimate ?? null, ci: bounded(s.ci, !revenue), pSequential: s.ci === null ? null : s.pSequential };
    }),
  }));
}
