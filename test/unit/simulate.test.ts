// The simulator runs a draft in virtual time with the executor's interpreter; nothing is sent or stored.
import { describe, expect, it } from 'vitest';
import { simulate, type SimulationInput } from '../../shared/journey/simulate.ts';
import { holdoutArm } from '../../shared/journey/interpret.ts';
import { starterJourney } from '../../shared/journey/starters.ts';
import type { JourneyGraph } from '../../shared/journey/graph.ts';

const START = Date.parse('2026-11-02T08:00:00Z');
const DAY = 86_400_000;
const refs = {
  templateIds: new Set<string>(),
  personaKeys: new Set(['bargain_hunter', 'researcher', 'loyalist']),
  phaseKeys: new Set(['prospect', 'subscriber', 'engaged', 'customer', 'loyal', 'advocate', 'lapsed']),
};
const contact = { id: 'c1', email: 'ana@example.com', traits: {}, phase: 'prospect', personaKey: null, subscription: 'subscribed', timezone: 'Europe/Berlin' };

function run(graph: JourneyGraph, overrides: Partial<SimulationInput> = {}) {
  const result = simulate({ graph, contact, start: START, events: [], assume: { opens: false, clicks: false }, horizonDays: 30, refs, ...overrides });
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('; '));
  return result;
}

describe('simulate', () => {
  it('walks the opt-in starter: welcome, a two-day wait, and the second welcome when nothing was clicked', () => {
    const result = run(starterJourney('opt_in', null).graph);
    expect(result.steps.map((s) => `${s.nodeId}:${s.outcome.split(' ')[0]}`)).toEqual([
      'trigger:next', 'set_subscriber:next', 'welcome:next', 'wait_2d:waiting', 'wait_2d:waited', 'clicked_welcome:no', 'second_welcome:next', 'exit:completed',
    ]);
    expect(result.waits).toEqual([{ nodeId: 'wait_2d', from: START, until: START + 2 * DAY }]);
    expect(result.emails.map((e) => [e.templateId, e.at])).toEqual([['welcome', START], ['welcome_reminder', START + 2 * DAY]]);
    expect(result.stoppedBecause).toBe('completed');
    // Templates that do not exist yet are reported without blocking the simulation.
    expect(result.warnings.map((w) => w.code)).toEqual(['unknown_template', 'unknown_template']);
  });

  it('takes the yes branch when the contact is assumed to click', () => {
    const result = run(starterJourney('opt_in', null).graph, { assume: { opens: true, clicks: true } });
    expect(result.steps.map((s) => s.nodeId + ':' + s.outcome.split(' ')[0])).toContain('clicked_welcome:yes');
    expect(result.emails.map((e) => e.templateId)).toEqual(['welcome']);
    expect(result.effects.filter((e) => e.type === 'set_phase').map((e) => (e as { phase: string }).phase)).toEqual(['subscriber', 'engaged']);
  });

  it('follows scripted events: a review within the wait-for-event window takes the matched path', () => {
    const graph = starterJourney('first_purchase', null).graph;
    const matched = run(graph, { events: [{ name: 'review_submitted', properties: {}, timestamp: START + 9 * DAY }] });
    expect(matched.steps.map((s) => s.nodeId + ':' + s.outcome.split(' ')[0])).toContain('await_review:matched');
    const late = run(graph, { events: [{ name: 'review_submitted', properties: {}, timestamp: START + 20 * DAY }] });
    expect(late.steps.map((s) => s.nodeId + ':' + s.outcome.split(' ')[0])).toContain('await_review:timeout');
  });

  it('converts and exits on the goal when the journey says so', () => {
    const result = run(starterJourney('reactivation', null).graph, { events: [{ name: 'order_completed', properties: {}, timestamp: START + 3 * DAY }] });
    expect(result.converted).toBe(START + 3 * DAY);
    expect(result.stoppedBecause).toBe('exited');
  });

  it('waits for the entering event of an event-triggered journey, and says so when it never comes', () => {
    const graph: JourneyGraph = {
      nodes: [
        { id: 't', kind: 'trigger', config: { on: 'event', event: 'cart_abandoned', filters: [] } },
        { id: 'w', kind: 'wait', config: { mode: 'time_of_day', time: '09:00', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] } },
        { id: 'x', kind: 'exit', config: {} },
      ],
      edges: [{ from: 't', output: 'next', to: 'w' }, { from: 'w', output: 'next', to: 'x' }],
      settings: { reentry: 'once', goal: null, exitEvents: [] },
    };
    expect(run(graph).stoppedBecause).toBe('never entered');
    // Friday 2026-11-06 18:00 Berlin → the wait ends Monday 09:00 Berlin (08:00 UTC).
    const result = run(graph, { events: [{ name: 'cart_abandoned', properties: {}, timestamp: Date.parse('2026-11-06T17:00:00Z') }] });
    expect(result.waits[0]!.until).toBe(Date.parse('2026-11-09T08:00:00Z'));
  });

  it('holds out the contacts the executor would hold out of this journey, and says so', () => {
    const graph = starterJourney('reactivation', null).graph;
    graph.settings.holdout = { percent: 50 };
    const ids = Array.from({ length: 40 }, (_, i) => `contact-${i}`);
    const heldBySimulator = ids.filter((id) => run(graph, { contact: { ...contact, id }, journeyId: 'jrn_1' }).emails.length === 0);
    expect(heldBySimulator).toEqual(ids.filter((id) => holdoutArm(id, 50, 'jrn_1') === 'holdout'));
    const held = run(graph, { contact: { ...contact, id: heldBySimulator[0]! }, journeyId: 'jrn_1' });
    expect(held.steps[0]!.outcome).toMatch(/^held out: receives nothing until /);
  });

  it('refuses a graph that cannot run, with the validator list', () => {
    const result = simulate({ graph: { nodes: [], edges: [], settings: { reentry: 'once', goal: null, exitEvents: [] } }, contact, start: START, events: [], assume: { opens: false, clicks: false }, horizonDays: 30, refs });
    expect(result).toMatchObject({ ok: false, issues: [expect.objectContaining({ code: 'no_trigger' })] });
  });
});
