// Starter journeys: each moment's first graph is sound, laid out, and says what DESIGN.md says it does.
import { describe, expect, it } from 'vitest';
import { journeyGraphSchema, type JourneyGraph } from '../../shared/journey/graph.ts';
import { starterJourney } from '../../shared/journey/starters.ts';
import { validateGraph } from '../../shared/journey/validate.ts';
import { MOMENT_KEYS } from '../../shared/lifecycle/moments.ts';
import { STARTER_PERSONAS } from '../../shared/lifecycle/personas.ts';
import { PHASE_KEYS } from '../../shared/lifecycle/phases.ts';
import { workspaceRefs } from './journey-builders.ts';

const cases = MOMENT_KEYS.flatMap((moment) => [null, 'bargain_hunter'].map((persona) => ({ moment, persona })));

function templatesOf(graph: JourneyGraph): string[] {
  return graph.nodes.filter((n) => n.kind === 'email').map((n) => n.config.templateId as string);
}

describe.each(cases)('the $moment starter (persona $persona)', ({ moment, persona }) => {
  const { graph, layout } = starterJourney(moment, persona);

  it('is a journey graph as the API stores it', () => {
    expect(journeyGraphSchema.parse(graph)).toEqual(graph);
  });

  it('has no issues in a workspace holding its templates, the personas and the phases', () => {
    const refs = workspaceRefs({ templateIds: templatesOf(graph), personaKeys: STARTER_PERSONAS.map((p) => p.key), phaseKeys: PHASE_KEYS });
    expect(validateGraph(graph, refs)).toEqual([]);
  });

  it('without any templates, only its emails are flagged, each for its missing template', () => {
    const issues = validateGraph(graph, workspaceRefs({ templateIds: [] }));
    const emails = graph.nodes.filter((n) => n.kind === 'email');
    expect(emails.length).toBeGreaterThan(0);
    expect(issues.map((i) => [i.code, i.nodeId])).toEqual(emails.map((n) => ['unknown_template', n.id]));
  });

  it('places every node on the canvas, no two on the same spot', () => {
    expect(Object.keys(layout).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    const spots = Object.values(layout).map((p) => `${p.x},${p.y}`);
    expect(new Set(spots).size).toBe(spots.length);
    for (const p of Object.values(layout)) {
      expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true);
    }
  });

  it('hands out a fresh graph each time, so editing one starter cannot change the next', () => {
    const again = starterJourney(moment, persona);
    expect(again).toEqual({ graph, layout });
    expect(again.graph).not.toBe(graph);
    expect(again.graph.nodes[0]!.config).not.toBe(graph.nodes[0]!.config);
  });
});

describe('the opt-in starter', () => {
  const { graph } = starterJourney('opt_in', null);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const next = (from: string, output = 'next') => {
    const leaving = graph.edges.filter((e) => e.from === from && e.output === output);
    expect(leaving, `${from} → ${output}`).toHaveLength(1);
    return byId.get(leaving[0]!.to)!;
  };

  it('confirms, welcomes, waits two days, then sorts the clickers from the rest', () => {
    const start = graph.nodes.filter((n) => n.kind === 'trigger');
    expect(start).toHaveLength(1);
    expect(start[0]!.config).toEqual({ on: 'subscription_confirmed' });

    const setSubscriber = next(start[0]!.id);
    expect(setSubscriber).toMatchObject({ kind: 'set_phase', config: { phase: 'subscriber', onlyForward: true } });

    const welcome = next(setSubscriber.id);
    expect(welcome).toMatchObject({ kind: 'email', config: { templateId: 'welcome' } });

    const wait = next(welcome.id);
    expect(wait).toMatchObject({ kind: 'wait', config: { mode: 'duration', duration: { amount: 2, unit: 'days' } } });

    const clicked = next(wait.id);
    expect(clicked).toMatchObject({ kind: 'condition', config: { rules: [{ type: 'engagement', action: 'clicked', emailNodeId: welcome.id }] } });
    expect(clicked.config.rules).toHaveLength(1);

    const yes = next(clicked.id, 'yes');
    expect(yes).toMatchObject({ kind: 'set_phase', config: { phase: 'engaged' } });

    const no = next(clicked.id, 'no');
    expect(no).toMatchObject({ kind: 'email', config: { templateId: 'welcome_reminder' } });
    expect(no.id).not.toBe(welcome.id);

    expect(next(yes.id).kind).toBe('exit');
    expect(next(no.id).kind).toBe('exit');
  });
});

describe('the first communication starter', () => {
  it('speaks to the persona of its column with that persona\'s nurture template, tested against the founder note', () => {
    expect(templatesOf(starterJourney('first_communication', 'bargain_hunter').graph)).toEqual(['nurture_bargain_hunter', 'nurture_founder_note']);
    expect(templatesOf(starterJourney('first_communication', null).graph)).toEqual(['nurture', 'nurture_founder_note']);
  });

  it('sends subscribers on a weekday morning into a 50/50 split of the two welcomes, which meet again before the hot-lead check', () => {
    const { graph } = starterJourney('first_communication', 'researcher');
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const to = (from: string, output: string) => graph.edges.filter((e) => e.from === from && e.output === output).map((e) => byId.get(e.to)!);
    const [split] = to('weekday_morning', 'next');
    expect(split).toMatchObject({ kind: 'split', config: { variants: [{ key: 'a', weight: 50, holdout: false }, { key: 'b', weight: 50, holdout: false }] } });
    const [a] = to(split!.id, 'a');
    const [b] = to(split!.id, 'b');
    expect(a).toMatchObject({ kind: 'email', config: { templateId: 'nurture_researcher', category: 'marketing' } });
    expect(b).toMatchObject({ kind: 'email', config: { templateId: 'nurture_founder_note', category: 'marketing' } });
    expect(to(a!.id, 'next')).toEqual(to(b!.id, 'next'));
    expect(to(a!.id, 'next')[0]).toMatchObject({ kind: 'wait', config: { duration: { amount: 4, unit: 'days' } } });
    expect(graph.settings.goal).toMatchObject({ event: 'order_completed' });
  });
});
