// The open journey's experiments as the editor words them: which one a split shows, its status, contacts and the
// journey holdout's effect. Pure.
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../../server/api/router.ts';
import type { JourneySettings } from '../../../shared/journey/graph.ts';
import { HOLDOUT_ARMS } from '../../../shared/journey/interpret.ts';
import type { ExperimentSettings } from '../../../shared/journey/nodes/split.ts';
import type { ExperimentReport } from '../../../shared/stats/index.ts';
import { conversionRate } from '../figures/traffic.ts';
import { metricWording, orderedGuardrails, resolvedMetric } from './settings.ts';

export type JourneyExperiment = inferRouterOutputs<AppRouter>['experiments']['list'][number];

/** The experiment to show for a split (or the journey holdout): the running one, else the newest that ended. */
export function experimentFor(experiments: readonly JourneyExperiment[], nodeId: string): JourneyExperiment | null {
  const mine = experiments.filter((x) => x.nodeId === nodeId);
  return mine.find((x) => x.status === 'running') ?? [...mine].sort((a, b) => b.startedAt - a.startedAt)[0] ?? null;
}

/** "Running for 12 days", "Stopped after 3 days", "Shipped B: founder note after 20 days". */
export function experimentStatusText(x: Pick<JourneyExperiment, 'status' | 'daysRunning' | 'shippedArm' | 'arms'>): string {
  const days = `${x.daysRunning} ${x.daysRunning === 1 ? 'day' : 'days'}`;
  switch (x.status) {
    case 'running':
      return x.daysRunning === 0 ? 'Running since today' : `Running for ${days}`;
    case 'stopped':
      return `Stopped after ${days}`;
    case 'shipped':
      return `Shipped ${x.arms.find((a) => a.key === x.shippedArm)?.name ?? x.shippedArm ?? 'a variant'} after ${days}`;
    default:
      return x.status satisfies never;
  }
}

/** "A: our best side 120 · B: founder note 118" — contacts per arm so far. */
export function contactsText(contacts: readonly { name: string; n: number }[]): string {
  return contacts.map((c) => `${c.name} ${c.n.toLocaleString('en-US')}`).join(' · ');
}

export interface HoldoutEffect {
  /** The converted share with the journey and held out, as the editor's figures write rates ("4.1%"). */
  treated: string;
  held: string;
  /** "With the journey 4.1% converted vs 3.2% held out" */
  text: string;
}

/** The journey holdout's effect on the goal, or null while either group has nobody in it. */
export function holdoutEffect(report: Pick<ExperimentReport, 'arms'>): HoldoutEffect | null {
  const treatedArm = report.arms.find((a) => a.key === HOLDOUT_ARMS.treated);
  const heldArm = report.arms.find((a) => a.key === HOLDOUT_ARMS.held);
  const treated = treatedArm && conversionRate(treatedArm.conversions, treatedArm.n);
  const held = heldArm && conversionRate(heldArm.conversions, heldArm.n);
  if (!treated || !held) return null;
  return { treated, held, text: `With the journey ${treated} converted vs ${held} held out` };
}

/**
 * Whether saving `next` would end `running` and start a new experiment: only its hypothesis may change, not what it
 * measures (the metric as it resolves in this journey), its minimum effect or its guardrails (sameDesign on the
 * server). The list words the running design's metric rather than giving it, so the metrics are compared in words.
 */
export function startsNewExperiment(
  running: Pick<JourneyExperiment, 'metricLabel' | 'minimumEffect' | 'guardrails'>,
  next: ExperimentSettings,
  settings: JourneySettings,
): boolean {
  return (
    running.metricLabel !== metricWording(resolvedMetric(next, settings), settings) ||
    Math.round(running.minimumEffect * 100) !== next.minimumEffect ||
    orderedGuardrails(running.guardrails).join() !== orderedGuardrails(next.guardrails).join()
  );
}

export const experimentPath = (id: string): string => `/experiments/${encodeURIComponent(id)}`;
