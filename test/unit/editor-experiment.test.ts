// The split's experiment settings in the side panel and the journey's experiments as the editor words them.
import { describe, expect, test } from 'vitest';
import {
  contactsText,
  experimentFor,
  experimentPath,
  experimentStatusText,
  holdoutEffect,
  startsNewExperiment,
  type JourneyExperiment,
} from '../../client/editor/experiments/experiments.ts';
import {
  defaultMetricWording,
  experimentSettingsOf,
  metricChoiceOf,
  metricForChoice,
  metricNeeds,
  orderedGuardrails,
  withExperimentDefaults,
} from '../../client/editor/experiments/settings.ts';
import { DEFAULT_SETTINGS, type JourneySettings } from '../../shared/journey/graph.ts';
import { splitConfigSchema, type ExperimentSettings } from '../../shared/journey/nodes/split.ts';

const withGoal: JourneySettings = { ...DEFAULT_SETTINGS, goal: { event: 'order_completed', filters: [], windowDays: 30, exitOnGoal: false } };
const noGoal: JourneySettings = DEFAULT_SETTINGS;

const settings = (over: Partial<ExperimentSettings> = {}): ExperimentSettings => ({ hypothesis: '', minimumEffect: 10, guardrails: ['unsubscribes', 'bounces'], ...over });

function experiment(over: Partial<JourneyExperiment>): JourneyExperiment {
  return {
    id: 'x_1',
    journeyId: 'j',
    journeyName: 'Welcome',
    nodeId: 'split',
    kind: 'split',
    status: 'running',
    name: 'Welcome test',
    hypothesis: '',
    metricLabel: 'Clicked an email of the branch within 7 days',
    minimumEffect: 0.1,
    guardrails: [],
    arms: [
      { key: 'a', name: 'A', weight: 50, holdout: false },
      { key: 'b', name: 'B: founder note', weight: 50, holdout: false },
    ],
    controlKey: 'a',
    startVersion: 1,
    startedAt: 1_000,
    endedAt: null,
    shippedArm: null,
    daysRunning: 3,
    contacts: [
      { key: 'a', name: 'A', n: 1200 },
      { key: 'b', name: 'B: founder note', n: 1187 },
    ],
    verdict: { kind: 'inconclusive', text: 'No reliable difference yet.' },
    ...over,
  } as JourneyExperiment;
}

describe('the metric select', () => {
  test('reads the draft metric as a choice, "Default" when none is set', () => {
    expect(metricChoiceOf(undefined)).toBe('default');
    expect(metricChoiceOf({ kind: 'event', event: 'demo_booked', withinDays: 14 })).toBe('event');
    expect(metricChoiceOf({ kind: 'nonsense' })).toBe('default');
  });

  test('a new choice keeps the event and the days the previous one had', () => {
    const event = metricForChoice('event', undefined);
    expect(event).toEqual({ kind: 'event', event: '', withinDays: 7 });
    const typed = { kind: 'event', event: 'order_completed', withinDays: 14 };
    expect(metricForChoice('revenue', typed)).toEqual({ kind: 'revenue', event: 'order_completed', withinDays: 14 });
    expect(metricForChoice('clicked', typed)).toEqual({ kind: 'clicked', withinDays: 14 });
    expect(metricForChoice('goal', typed)).toEqual({ kind: 'goal' });
    expect(metricForChoice('default', typed)).toBeUndefined();
  });

  test('the event field shows for an event and revenue, the days for every kind but the goal', () => {
    expect(metricNeeds('event')).toEqual({ event: true, days: true });
    expect(metricNeeds('revenue')).toEqual({ event: true, days: true });
    expect(metricNeeds('clicked')).toEqual({ event: false, days: true });
    expect(metricNeeds('goal')).toEqual({ event: false, days: false });
    expect(metricNeeds('default')).toEqual({ event: false, days: false });
  });

  test('"Default" says what it measures: the journey goal when there is one, else a click within 7 days', () => {
    expect(defaultMetricWording(withGoal)).toBe('Default: Reached the journey goal (order_completed) within 30 days');
    expect(defaultMetricWording(noGoal)).toBe('Default: Clicked an email of the branch within 7 days');
  });
});

describe('form values and the settings object', () => {
  test('a split saved before experiments existed shows the schema defaults, as the server reads it', () => {
    const old = { variants: [{ key: 'a', label: 'A', weight: 100, holdout: false }] };
    const shown = withExperimentDefaults(old);
    expect(shown.experiment).toEqual(splitConfigSchema.parse({ ...old, variants: [...old.variants, { key: 'b', label: 'B', weight: 0 }] }).experiment);
    expect(withExperimentDefaults({ ...old, experiment: { hypothesis: 'Shorter wins', minimumEffect: 20 } }).experiment).toEqual({
      hypothesis: 'Shorter wins',
      minimumEffect: 20,
      guardrails: ['unsubscribes', 'bounces'],
    });
  });

  test('the form values become the settings experiments.configure takes, and back', () => {
    const values = { hypothesis: '  Shorter wins ', metric: { kind: 'event', event: 'demo_booked', withinDays: 14 }, minimumEffect: 15, guardrails: ['bounces'] };
    const result = experimentSettingsOf(values);
    expect(result).toEqual({ ok: true, settings: { hypothesis: 'Shorter wins', metric: { kind: 'event', event: 'demo_booked', withinDays: 14 }, minimumEffect: 15, guardrails: ['bounces'] } });
    if (!result.ok) return;
    expect(withExperimentDefaults({ variants: [], experiment: result.settings }).experiment).toEqual(result.settings);
  });

  test('incomplete values give the schema’s own message', () => {
    expect(experimentSettingsOf({ ...settings(), minimumEffect: 0 })).toEqual({ ok: false, message: 'At least 1%.' });
    expect(experimentSettingsOf({ ...settings(), minimumEffect: '' })).toEqual({ ok: false, message: 'Enter the smallest lift worth detecting, in percent.' });
    expect(experimentSettingsOf({ ...settings(), metric: { kind: 'clicked', withinDays: 0 } })).toEqual({ ok: false, message: 'At least one day.' });
  });

  test('guardrails keep their order whatever order they were ticked in', () => {
    expect(orderedGuardrails(['bounces', 'unsubscribes'])).toEqual(['unsubscribes', 'bounces']);
    expect(orderedGuardrails(['bounces', 'spam'])).toEqual(['bounces']);
  });
});

describe("the journey's experiments in the editor", () => {
  test('a split shows its running experiment, else the newest that ended', () => {
    const old = experiment({ id: 'x_old', status: 'stopped', startedAt: 1 });
    const newer = experiment({ id: 'x_newer', status: 'shipped', startedAt: 2 });
    const running = experiment({ id: 'x_running', startedAt: 0 });
    expect(experimentFor([old, running, newer], 'split')?.id).toBe('x_running');
    expect(experimentFor([old, newer], 'split')?.id).toBe('x_newer');
    expect(experimentFor([old, newer], 'other_split')).toBeNull();
  });

  test('status and contacts in words', () => {
    expect(experimentStatusText(experiment({ daysRunning: 0 }))).toBe('Running since today');
    expect(experimentStatusText(experiment({ daysRunning: 1 }))).toBe('Running for 1 day');
    expect(experimentStatusText(experiment({ status: 'stopped', daysRunning: 12 }))).toBe('Stopped after 12 days');
    expect(experimentStatusText(experiment({ status: 'shipped', shippedArm: 'b', daysRunning: 20 }))).toBe('Shipped B: founder note after 20 days');
    expect(contactsText(experiment({}).contacts)).toBe('A 1,200 · B: founder note 1,187');
    expect(experimentPath('x_01')).toBe('/experiments/x_01');
  });

  test('only a new hypothesis keeps the running experiment; "Default" and the goal it stands for are the same metric', () => {
    const running = experiment({ metricLabel: 'Reached the journey goal (order_completed) within 30 days', minimumEffect: 0.1, guardrails: ['bounces', 'unsubscribes'] });
    expect(startsNewExperiment(running, settings({ hypothesis: 'New idea' }), withGoal)).toBe(false);
    expect(startsNewExperiment(running, settings({ metric: { kind: 'goal' } }), withGoal)).toBe(false);
    expect(startsNewExperiment(running, settings({ guardrails: ['bounces', 'unsubscribes'] }), withGoal)).toBe(false);
    expect(startsNewExperiment(running, settings({ minimumEffect: 20 }), withGoal)).toBe(true);
    expect(startsNewExperiment(running, settings({ guardrails: ['bounces'] }), withGoal)).toBe(true);
    expect(startsNewExperiment(running, settings({ metric: { kind: 'clicked', withinDays: 7 } }), withGoal)).toBe(true);
    const event = experiment({ metricLabel: 'Did demo_booked within 14 days of the split', minimumEffect: 0.15, guardrails: [] });
    expect(startsNewExperiment(event, settings({ metric: { kind: 'event', event: 'demo_booked', withinDays: 14 }, minimumEffect: 15, guardrails: [] }), noGoal)).toBe(false);
    expect(startsNewExperiment(event, settings({ metric: { kind: 'event', event: 'demo_booked', withinDays: 7 }, minimumEffect: 15, guardrails: [] }), noGoal)).toBe(true);
  });

  test("the holdout's effect: converted with the journey vs held out, nothing while a group is empty", () => {
    const arm = (key: string, n: number, conversions: number) => ({ key, name: key, weight: 50, n, conversions, rate: n ? conversions / n : null, ci: null });
    expect(holdoutEffect({ arms: [arm('holdout', 250, 8), arm('journey', 4750, 195)] })).toEqual({
      treated: '4.1%',
      held: '3.2%',
      text: 'With the journey 4.1% converted vs 3.2% held out',
    });
    expect(holdoutEffect({ arms: [arm('holdout', 0, 0), arm('journey', 40, 4)] })).toBeNull();
    expect(holdoutEffect({ arms: [] })).toBeNull();
  });
});
