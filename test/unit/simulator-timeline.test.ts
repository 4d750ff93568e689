// The simulator's result as the editor shows it: the timeline's order and wording, and the path on the canvas.
import { describe, expect, it } from 'vitest';
import { buildTimeline, deliveryNote, formatDuration, formatInZone, outputOfStep, simulatedPath, type SimulationRun } from '../../client/editor/simulator/timeline.ts';
import type { JourneyGraph } from '../../shared/journey/graph.ts';
import { simulate, type SimulationInput } from '../../shared/journey/simulate.ts';
import { starterJourney } from '../../shared/journey/starters.ts';
import { workspaceRefs } from './journey-builders.ts';

const START = Date.parse('2026-11-02T08:00:00Z');
const DAY = 86_400_000;
const contact = { id: 'c1', email: 'ana@example.com', traits: {}, phase: 'prospect', personaKey: null, subscription: 'subscribed', timezone: 'Europe/Berlin' };

function run(graph: JourneyGraph, overrides: Partial<SimulationInput> = {}): SimulationRun {
  const result = simulate({ graph, contact, start: START, events: [], assume: { opens: false, clicks: false }, horizonDays: 30, refs: workspaceRefs(), ...overrides });
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('; '));
  return result;
}

const optIn = starterJourney('opt_in', null).graph;

describe('buildTimeline', () => {
  it('tells the opt-in path: entered, welcome email, a two-day wait with its wake-up, the second welcome, the end', () => {
    const items = buildTimeline(run(optIn), optIn.nodes, [], 30);
    expect(items.map((i) => [i.type, 'title' in i ? i.title : '', i.at - START])).toEqual([
      ['entered', 'Subscription confirmed', 0],
      ['step', 'Set phase', 0],
      ['email', 'Welcome', 0],
      ['wait', 'Wait', 0],
      ['step', 'Clicked the welcome email?', 2 * DAY],
      ['email', 'Second welcome', 2 * DAY],
      ['step', 'Exit', 2 * DAY],
      ['end', '', 2 * DAY],
    ]);
    const wait = items.find((i) => i.type === 'wait');
    expect(wait).toMatchObject({ until: START + 2 * DAY, text: 'Waits 2 days' });
    expect(items.filter((i) => i.type === 'email').map((i) => (i as { templateId: string }).templateId)).toEqual(['welcome', 'welcome_reminder']);
    expect(items.find((i) => i.type === 'step' && i.nodeId === 'set_subscriber')).toMatchObject({ text: 'Phase becomes subscriber' });
    expect(items.find((i) => i.type === 'step' && i.nodeId === 'clicked_welcome')).toMatchObject({ text: 'Took “no”' });
    expect(items.at(-1)).toMatchObject({ type: 'end', reason: 'completed' });
  });

  it('puts a scripted event before the steps it causes, and marks the goal', () => {
    const graph = starterJourney('reactivation', null).graph;
    const script = [{ name: 'order_completed', properties: { total: 30 }, at: START + 3 * DAY }];
    const result = run(graph, { events: script.map((e) => ({ name: e.name, properties: e.properties, timestamp: e.at })) });
    const items = buildTimeline(result, graph.nodes, script, 30);
    const at = items.findIndex((i) => i.type === 'event');
    expect(items[at]).toMatchObject({ name: 'order_completed', at: START + 3 * DAY, entry: false });
    expect(items[at + 1]).toMatchObject({ type: 'goal', at: START + 3 * DAY, afterEnd: false });
    expect(items[at + 2]).toMatchObject({ type: 'left' });
    expect(items.at(-1)).toMatchObject({ type: 'end', reason: 'exited' });
  });

  it('marks the entering event of an event-triggered journey, and shows events past the end not at all', () => {
    const graph: JourneyGraph = {
      nodes: [
        { id: 't', kind: 'trigger', config: { on: 'event', event: 'cart_abandoned', filters: [] } },
        { id: 'w', kind: 'wait_for_event', name: 'Bought?', config: { event: 'order_completed', timeout: { amount: 1, unit: 'days' } } },
        { id: 'x', kind: 'exit', config: {} },
      ],
      edges: [
        { from: 't', output: 'next', to: 'w' },
        { from: 'w', output: 'matched', to: 'x' },
        { from: 'w', output: 'timeout', to: 'x' },
      ],
      settings: { reentry: 'once', goal: null, exitEvents: [] },
    };
    const script = [
      { name: 'cart_abandoned', properties: {}, at: START },
      { name: 'order_completed', properties: {}, at: START + 2 * DAY },
    ];
    const result = run(graph, { events: script.map((e) => ({ name: e.name, properties: e.properties, timestamp: e.at })) });
    const items = buildTimeline(result, graph.nodes, script, 30);
    expect(items.map((i) => i.type)).toEqual(['event', 'entered', 'await', 'resumed', 'step', 'end']);
    expect(items[0]).toMatchObject({ entry: true });
    expect(items[2]).toMatchObject({ event: 'order_completed', until: START + DAY, title: 'Bought?' });
    expect(items[3]).toMatchObject({ outcome: 'timeout', at: START + DAY });
  });

  it('says when the run is still waiting at the horizon', () => {
    const items = buildTimeline(run(optIn, { horizonDays: 1 }), optIn.nodes, [], 1);
    expect(items.at(-2)).toMatchObject({ type: 'wait', until: START + 2 * DAY });
    expect(items.at(-1)).toMatchObject({ type: 'end', reason: 'horizon', at: START + DAY });
  });

  it('has only an end for a contact who never entered', () => {
    const graph = { ...optIn, nodes: optIn.nodes.map((n) => (n.kind === 'trigger' ? { ...n, config: { on: 'event', event: 'signed_up', filters: [] } } : n)) };
    expect(buildTimeline(run(graph), graph.nodes, [], 30)).toEqual([expect.objectContaining({ type: 'end', reason: 'never entered' })]);
  });
});

describe('simulatedPath', () => {
  it('numbers the nodes in the order the run entered them and collects the edges it took', () => {
    const path = simulatedPath(run(optIn).steps);
    expect(Object.fromEntries(path.nodes)).toEqual({ trigger: [1], set_subscriber: [2], welcome: [3], wait_2d: [4], clicked_welcome: [5], second_welcome: [6], exit: [7] });
    expect([...path.edges].sort()).toEqual(
      ['trigger:next', 'set_subscriber:next', 'welcome:next', 'wait_2d:next', 'clicked_welcome:no', 'second_welcome:next'].sort(),
    );
  });

  it('maps step outcomes to the output taken, and to none where the run stopped', () => {
    expect(['next', 'yes', 'b', 'waited', 'no wait needed', 'matched', 'timeout'].map(outputOfStep)).toEqual(['next', 'yes', 'b', 'next', 'next', 'matched', 'timeout']);
    expect(['completed', 'waiting until 2026-11-04T08:00:00.000Z', 'waiting for x until 2026-11-04T08:00:00.000Z', 'failed: boom', 'exited: goal reached'].map(outputOfStep)).toEqual([
      null, null, null, null, null,
    ]);
  });
});

describe('wording', () => {
  it('formats durations as a marketer says them', () => {
    expect([5 * 60_000, 90 * 60_000, 3 * 3_600_000, 2 * DAY, 2 * DAY + 5 * 3_600_000].map(formatDuration)).toEqual(['5 minutes', '1 h 30 min', '3 hours', '2 days', '2 days 5 h']);
  });

  it('shows times in the contact’s zone', () => {
    expect(formatInZone(START, 'Europe/Berlin', 'en-GB')).toBe('Mon, 2 Nov 2026, 09:00');
    expect(formatInZone(START, 'America/New_York', 'en-GB')).toBe('Mon, 2 Nov 2026, 03:00');
  });

  it('says which emails consent would hold back at delivery: marketing to anyone not subscribed, never transactional', () => {
    expect(deliveryNote('subscribed', 'marketing')).toBeNull();
    expect(deliveryNote(null, 'marketing')).toBeNull();
    expect(deliveryNote('pending', 'marketing')).toMatch(/no marketing email until it confirms/);
    expect(deliveryNote('unsubscribed', 'marketing')).toMatch(/unsubscribed/);
    expect(deliveryNote('none', 'marketing')).toMatch(/never subscribed/);
    for (const subscription of ['none', 'unsubscribed', 'pending', 'subscribed']) expect(deliveryNote(subscription, 'transactional')).toBeNull();
  });
});
