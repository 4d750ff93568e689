// What an experiment is: the design read off a published journey (its splits and its holdout), and the daily counts
// the server keeps turned into the looks the statistics read. Pure: the server stores, this decides.
import type { ValidGraph, ValidNode } from '../journey/graph.ts';
import { HOLDOUT_ARMS, HOLDOUT_NODE } from '../journey/interpret.ts';
import type { ExperimentMetric, Guardrail } from '../journey/nodes/split.ts';
import type { ExperimentReportInput, ProportionLook, RevenueLook } from '../stats/index.ts';

export const EXPERIMENT_KINDS = ['split', 'holdout'] as const;
export type ExperimentKind = (typeof EXPERIMENT_KINDS)[number];

export const EXPERIMENT_STATUSES = ['running', 'stopped', 'shipped'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export interface ExperimentArm {
  key: string;
  name: string;
  weight: number;
  holdout: boolean;
}

export interface ExperimentDesign {
  kind: ExperimentKind;
  /** The split node's id, or HOLDOUT_NODE for the journey holdout. */
  nodeId: string;
  name: string;
  arms: ExperimentArm[];
  /** The arm the others are compared with: the split's holdout variant if it has one, else its first variant. */
  controlKey: string;
  metric: ExperimentMetric;
  /** The goal's event when the metric is the journey goal (a change of goal is a change of what is measured). */
  goalEvent: string | null;
  /** The goal's property filters, likewise (absent in designs stored before they were kept). */
  goalFilters?: unknown[];
  /** How long after assignment an outcome counts: the goal's window, or the metric's N days. */
  windowDays: number;
  /** Relative minimum effect of interest (0.1 = a 10% lift). */
  minimumEffect: number;
  guardrails: Guardrail[];
  /** Email nodes after the split: a click in one of them is a click "in an email of the branch". */
  branchEmailNodes: string[];
  hypothesis: string;
}

/**
 * The holdout's minimum effect of interest (relative): a journey earns its sends when it lifts its goal by a quarter or
 * more. It sets the always-valid test's mixing variance; a 10% one on a small held-out group would take years to settle.
 */
export const HOLDOUT_MINIMUM_EFFECT = 0.25;

/** The metric a split measures when the manager chose none: the journey goal if there is one, else a click within 7 days. */
export function experimentMetricOf(node: ValidNode & { kind: 'split' }, graph: Pick<ValidGraph, 'settings'>): ExperimentMetric {
  return node.config.experiment.metric ?? (graph.settings.goal ? { kind: 'goal' } : { kind: 'clicked', withinDays: 7 });
}

/** Email nodes reachable from the split's outputs (the split itself excluded). */
export function branchEmailNodes(graph: ValidGraph, splitId: string): string[] {
  const successors = new Map<string, string[]>();
  for (const e of graph.edges) successors.set(e.from, [...(successors.get(e.from) ?? []), e.to]);
  const kinds = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  const seen = new Set<string>();
  const queue = [...(successors.get(splitId) ?? [])];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id) || id === splitId) continue;
    seen.add(id);
    queue.push(...(successors.get(id) ?? []));
  }
  return [...seen].filter((id) => kinds.get(id) === 'email').sort();
}

function windowOf(metric: ExperimentMetric, graph: Pick<ValidGraph, 'settings'>): number {
  return metric.kind === 'goal' ? (graph.settings.goal?.windowDays ?? 0) : metric.withinDays;
}

/**
 * The experiments a published version runs: every split with at least two arms that get contacts (a split shipped to
 * one variant is no longer an experiment), and the journey holdout when the journey has one and a goal.
 */
export function designsOf(graph: ValidGraph): ExperimentDesign[] {
  const designs: ExperimentDesign[] = [];
  for (const node of graph.nodes) {
    if (node.kind !== 'split') continue;
    const variants = node.config.variants;
    if (variants.filter((v) => v.weight > 0).length < 2) continue;
    const metric = experimentMetricOf(node, graph);
    const control = variants.find((v) => v.holdout) ?? variants[0]!;
    designs.push({
      kind: 'split',
      nodeId: node.id,
      name: node.name ?? `Split ${node.id}`,
      arms: variants.map((v) => ({ key: v.key, name: v.label, weight: v.weight, holdout: v.holdout })),
      controlKey: control.key,
      metric,
      goalEvent: metric.kind === 'goal' ? (graph.settings.goal?.event ?? null) : null,
      goalFilters: metric.kind === 'goal' ? (graph.settings.goal?.filters ?? []) : [],
      windowDays: windowOf(metric, graph),
      minimumEffect: node.config.experiment.minimumEffect / 100,
      guardrails: [...node.config.experiment.guardrails].sort(),
      branchEmailNodes: branchEmailNodes(graph, node.id),
      hypothesis: node.config.experiment.hypothesis,
    });
  }
  const holdout = graph.settings.holdout;
  const goal = graph.settings.goal;
  if (holdout && goal) {
    designs.push({
      kind: 'holdout',
      nodeId: HOLDOUT_NODE,
      name: 'Journey holdout',
      arms: [
        { key: HOLDOUT_ARMS.held, name: 'Held out', weight: holdout.percent, holdout: true },
        { key: HOLDOUT_ARMS.treated, name: 'In the journey', weight: 100 - holdout.percent, holdout: false },
      ],
      controlKey: HOLDOUT_ARMS.held,
      metric: { kind: 'goal' },
      goalEvent: goal.event,
      goalFilters: goal.filters,
      windowDays: goal.windowDays,
      minimumEffect: HOLDOUT_MINIMUM_EFFECT,
      // Held-out contacts get no email to unsubscribe from or bounce: a guardrail would always "fail".
      guardrails: [],
      branchEmailNodes: [],
      hypothesis: '',
    });
  }
  return designs;
}

/**
 * Whether two designs measure the same thing the same way. Names and the hypothesis may change under a running
 * experiment; arms, weights, the metric, its window, the minimum effect and the guardrails may not: changing them
 * mid-way would void the always-valid guarantee, so a changed design starts a new experiment.
 */
export function sameDesign(a: ExperimentDesign, b: ExperimentDesign): boolean {
  const core = (d: ExperimentDesign) =>
    JSON.stringify([
      d.kind,
      d.arms.map((arm) => [arm.key, arm.weight, arm.holdout]),
      d.controlKey,
      d.metric,
      d.goalEvent,
      d.goalFilters ?? [],
      d.windowDays,
      d.minimumEffect,
      d.guardrails,
      d.metric.kind === 'clicked' || d.guardrails.includes('bounces') ? d.branchEmailNodes : [],
    ]);
  return core(a) === core(b);
}

/** The metric in words, for the pages: "Journey goal (order_completed) within 14 days". */
export function describeMetric(design: Pick<ExperimentDesign, 'metric' | 'goalEvent' | 'windowDays'>): string {
  const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;
  const m = design.metric;
  switch (m.kind) {
    case 'goal':
      return `Reached the journey goal (${design.goalEvent ?? 'no goal set'}) within ${days(design.windowDays)}`;
    case 'event':
      return `Did ${m.event} within ${days(m.withinDays)} of the split`;
    case 'clicked':
      return `Clicked an email of the branch within ${days(m.withinDays)}`;
    case 'revenue':
      return `Revenue per contact from ${m.event} within ${days(m.withinDays)}`;
    default:
      return m satisfies never;
  }
}

/** The report's `metric` field. */
export function metricName(metric: ExperimentMetric): string {
  return metric.kind === 'goal' ? 'converted' : metric.kind;
}

export const GUARDRAIL_LABELS: Record<Guardrail, string> = { unsubscribes: 'unsubscribes', bounces: 'bounces' };

/** One row of the server's per-day counts (experiment_daily): what happened on `day` to contacts of `arm`. */
export interface DailyArmCounts {
  arm: string;
  /** Whole UTC days since 1970-01-01. */
  day: number;
  assigned: number;
  converted: number;
  revenueSum: number;
  revenueSumSquares: number;
  unsubscribed: number;
  bounced: number;
}

export const DAY_MS = 86_400_000;

/** Control conversions after which the baseline that sets the sequential test's τ is fixed. */
export const BASELINE_CONVERSIONS = 30;
export const dayNumber = (ms: number): number => Math.floor(ms / DAY_MS);

/**
 * The statistics' input: one look per day from the first to the last, each the cumulative counts per arm. Outcomes
 * are counted on the day they happened and only after assignment, so conversions never exceed contacts.
 */
export function reportInput(
  experiment: { id: string; journeyId: string; design: ExperimentDesign },
  rows: readonly DailyArmCounts[],
  firstDay: number,
  lastDay: number,
): ExperimentReportInput {
  const { design } = experiment;
  const days = Math.max(1, lastDay - firstDay + 1);
  const keys = design.arms.map((a) => a.key);
  type Sums = { n: number; conversions: number; sum: number; sumSquares: number; unsubscribed: number; bounced: number };
  const perDay: Map<string, Sums>[] = Array.from({ length: days }, () => new Map());
  for (const r of rows) {
    const i = Math.min(days - 1, Math.max(0, r.day - firstDay));
    const m = perDay[i]!;
    const s = m.get(r.arm) ?? { n: 0, conversions: 0, sum: 0, sumSquares: 0, unsubscribed: 0, bounced: 0 };
    s.n += r.assigned;
    s.conversions += r.converted;
    s.sum += r.revenueSum;
    s.sumSquares += r.revenueSumSquares;
    s.unsubscribed += r.unsubscribed;
    s.bounced += r.bounced;
    m.set(r.arm, s);
  }
  const running = new Map(keys.map((k) => [k, { n: 0, conversions: 0, sum: 0, sumSquares: 0, unsubscribed: 0, bounced: 0 }]));
  const cumulative: Map<string, Sums>[] = perDay.map((m) => {
    for (const [arm, s] of m) {
      const r = running.get(arm);
      if (!r) continue; // an arm removed from the design: not part of this experiment
      r.n += s.n;
      r.conversions += s.conversions;
      r.sum += s.sum;
      r.sumSquares += s.sumSquares;
      r.unsubscribed += s.unsubscribed;
      r.bounced += s.bounced;
    }
    return new Map([...running].map(([k, v]) => [k, { ...v }]));
  });
  // Outcomes of a day can be recorded for contacts assigned that same day only; clamp against rounding of late rows.
  const clamp = (c: number, n: number) => Math.min(c, n);
  const guardrails = design.guardrails.map((g) => ({
    label: GUARDRAIL_LABELS[g],
    looks: cumulative.map(
      (m) => Object.fromEntries(keys.map((k) => { const s = m.get(k)!; return [k, { n: s.n, conversions: clamp(g === 'unsubscribes' ? s.unsubscribed : s.bounced, s.n) }]; })) as ProportionLook,
    ),
  }));
  // τ must not follow the data: the baseline is fixed at the first look where the control has 30 conversions (enough
  // for a stable rate) and stays that from then on; before that, the statistics use the control's latest figure.
  const settled = cumulative.find((m) => (m.get(design.controlKey)?.conversions ?? 0) >= BASELINE_CONVERSIONS);
  const settledControl = settled?.get(design.controlKey);
  const baseline = settledControl && settledControl.n > 0 ? (design.metric.kind === 'revenue' ? settledControl.sum : settledControl.conversions) / settledControl.n : undefined;
  const base = {
    id: experiment.id,
    journeyId: experiment.journeyId,
    metric: metricName(design.metric),
    arms: design.arms.map((a) => ({ key: a.key, name: a.name, weight: a.weight })),
    controlKey: design.controlKey,
    minimumEffect: design.minimumEffect,
    guardrails,
    ...(baseline !== undefined && baseline > 0 ? { baseline } : {}),
    framing: design.kind,
    seed: experiment.id,
  };
  if (design.metric.kind === 'revenue') {
    const looks = cumulative.map(
      (m) => Object.fromEntries(keys.map((k) => { const s = m.get(k)!; return [k, { n: s.n, conversions: clamp(s.conversions, s.n), sum: s.sum, sumSquares: s.sumSquares }]; })) as RevenueLook,
    );
    return { ...base, metricKind: 'revenue', looks };
  }
  const looks = cumulative.map(
    (m) => Object.fromEntries(keys.map((k) => { const s = m.get(k)!; return [k, { n: s.n, conversions: clamp(s.conversions, s.n) }]; })) as ProportionLook,
  );
  return { ...base, metricKind: 'proportion', looks };
}
