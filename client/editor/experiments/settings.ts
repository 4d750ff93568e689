// A split's experiment settings as the side panel edits them: the metric choice, the default's wording, and the
// settings object a manager saves. Pure.
import { describeMetric, experimentMetricOf } from '../../../shared/experiments/design.ts';
import type { JourneySettings } from '../../../shared/journey/graph.ts';
import {
  DEFAULT_EXPERIMENT,
  experimentSettingsSchema,
  GUARDRAILS,
  type ExperimentMetric,
  type ExperimentSettings,
  type Guardrail,
} from '../../../shared/journey/nodes/split.ts';

/** What the metric select offers: the schema's kinds, and "Default" for no metric chosen. */
export type MetricChoice = 'default' | ExperimentMetric['kind'];

export const METRIC_CHOICE_LABELS: Record<MetricChoice, string> = {
  default: 'Default',
  goal: 'The journey goal',
  event: 'An event within N days',
  clicked: 'A click in a branch email within N days',
  revenue: 'Revenue from an event within N days',
};

export const GUARDRAIL_CHOICE_LABELS: Record<Guardrail, string> = {
  unsubscribes: 'Unsubscribe rate',
  bounces: 'Bounce rate',
};

/** The days a new metric counts outcomes for, before the marketer says otherwise. */
export const DEFAULT_WITHIN_DAYS = 7;

export function metricChoiceOf(metric: unknown): MetricChoice {
  const kind = (metric as { kind?: unknown } | null | undefined)?.kind;
  return kind === 'goal' || kind === 'event' || kind === 'clicked' || kind === 'revenue' ? kind : 'default';
}

/**
 * The metric a choice sets, keeping what the previous one had in common with it (its event, its days), so switching
 * between "an event" and "revenue from an event" does not lose what was typed. Undefined for "Default".
 */
export function metricForChoice(choice: MetricChoice, previous: unknown): ExperimentMetric | undefined {
  const before = (previous ?? {}) as { event?: unknown; withinDays?: unknown };
  const event = typeof before.event === 'string' ? before.event : '';
  const withinDays = typeof before.withinDays === 'number' ? before.withinDays : DEFAULT_WITHIN_DAYS;
  switch (choice) {
    case 'default':
      return undefined;
    case 'goal':
      return { kind: 'goal' };
    case 'clicked':
      return { kind: 'clicked', withinDays };
    case 'event':
    case 'revenue':
      return { kind: choice, event, withinDays };
    default:
      return choice satisfies never;
  }
}

/** Whether a metric kind needs an event, and a number of days. */
export function metricNeeds(choice: MetricChoice): { event: boolean; days: boolean } {
  return { event: choice === 'event' || choice === 'revenue', days: choice === 'event' || choice === 'clicked' || choice === 'revenue' };
}

/** The metric an experiment with these settings measures in this journey: the chosen one, else the default. */
export function resolvedMetric(experiment: Pick<ExperimentSettings, 'metric'>, settings: JourneySettings): ExperimentMetric {
  // The same rule the server designs the experiment with (experimentMetricOf), over a split with these settings.
  return experimentMetricOf({ id: '', kind: 'split', config: { variants: [], experiment: { ...DEFAULT_EXPERIMENT, metric: experiment.metric } } }, { settings });
}

/** The metric in words, as the experiment pages say it: "Reached the journey goal (order_completed) within 30 days". */
export function metricWording(metric: ExperimentMetric, settings: JourneySettings): string {
  const goal = settings.goal ?? null;
  const windowDays = metric.kind === 'goal' ? (goal?.windowDays ?? 0) : metric.withinDays;
  return describeMetric({ metric, goalEvent: goal?.event ?? null, windowDays });
}

/** "Default: Clicked an email of the branch within 7 days" — what an unset metric measures in this journey. */
export function defaultMetricWording(settings: JourneySettings): string {
  return `Default: ${metricWording(resolvedMetric({}, settings), settings)}`;
}

/**
 * A split's config as its form shows it: a split saved before experiments existed (or a starter) has no
 * `experiment`, which the schema reads as the defaults, so the form shows those rather than empty fields.
 */
export function withExperimentDefaults(config: Record<string, unknown>): Record<string, unknown> {
  const experiment = (config.experiment ?? {}) as Partial<ExperimentSettings>;
  return { ...config, experiment: { ...DEFAULT_EXPERIMENT, ...experiment } };
}

/** Guardrails in their canonical order, whatever order the boxes were ticked in. */
export function orderedGuardrails(values: readonly string[]): Guardrail[] {
  return GUARDRAILS.filter((g) => values.includes(g));
}

export type SettingsResult = { ok: true; settings: ExperimentSettings } | { ok: false; message: string };

/** The settings `experiments.configure` takes, read from the form's `experiment` values, or the first problem. */
export function experimentSettingsOf(values: unknown): SettingsResult {
  const parsed = experimentSettingsSchema.safeParse(values ?? {});
  if (parsed.success) return { ok: true, settings: parsed.data };
  return { ok: false, message: parsed.error.issues[0]?.message ?? 'The experiment settings are incomplete.' };
}
