// Entering and leaving: compiling a version, which events start a trigger, entry keys per re-entry policy,
// a fresh enrollment, and goal and exit events.
import { describe, expect, it } from 'vitest';
import type { JourneySettings, ValidGraph } from '../../shared/journey/graph.ts';
import {
  applyJourneyEvent,
  compileGraph,
  entryKey,
  startEnrollment,
  triggerMatches,
  type EnrollmentState,
} from '../../shared/journey/interpret.ts';
import type { TriggerConfig } from '../../shared/journey/nodes/trigger.ts';
import { triggerConfigSchema } from '../../shared/journey/nodes/trigger.ts';
import { compile, DAY, event, eventTrigger, exitNode, link, manualTrigger, path, sendEmail, utc, waitFor } from './interpret-builders.ts';

const NOW = utc('2025-05-05T12:00');
const triggerOf = (config: Record<string, unknown>): TriggerConfig => triggerConfigSchema.parse(config);

describe('compileGraph', () => {
  it('indexes the nodes, the edges by output, the trigger and the settings', () => {
    const graph = compile([manualTrigger(), sendEmail('welcome'), waitFor('pause', 1), exitNode()], path('start', 'welcome', 'pause', 'end'), {
      reentry: 'every_time',
      exitEvents: ['unsubscribed'],
    });

    expect([...graph.nodes.keys()].sort()).toEqual(['end', 'pause', 'start', 'welcome']);
    expect(graph.trigger).toMatchObject({ id: 'start', kind: 'trigger', config: { on: 'manual' } });
    expect(graph.next.size).toBe(3);
    expect(graph.settings).toEqual({ reentry: 'every_time', goal: null, exitEvents: ['unsubscribed'] });
  });

  it('follows each output of a branching node to its own target', () => {
    const graph = compile(
      [manualTrigger(), { id: 'ask', kind: 'condition', config: { rules: [{ type: 'subscription', status: 'subscribed' }] } }, exitNode('y'), exitNode('n')],
      [link('start', 'next', 'ask'), link('ask', 'yes', 'y'), link('ask', 'no', 'n')],
    );

    expect([...graph.next.values()].sort()).toEqual(['ask', 'n', 'y']);
  });

  it('refuses a graph without a trigger', () => {
    const noTrigger: ValidGraph = { nodes: [{ id: 'end', kind: 'exit', config: {} }], edges: [], settings: { reentry: 'once', goal: null, exitEvents: [] } };

    expect(() => compileGraph(noTrigger)).toThrow(/trigger/);
  });
});

describe('startEnrollment', () => {
  it('stands at the trigger, active and due now, with nothing visited yet', () => {
    const graph = compile([manualTrigger(), exitNode()], path('start', 'end'));
    const entry = event('cart_abandoned', { cart_id: 'c1' }, NOW - 1000);

    expect(startEnrollment(graph, entry, NOW)).toEqual({
      nodeId: 'start',
      status: 'active',
      wakeAt: NOW,
      awaiting: null,
      visits: {},
      variants: {},
      entry,
      enrolledAt: NOW,
      goalReachedAt: null,
      error: null,
    });
  });
});

describe('triggerMatches', () => {
  it('event: the name and every filter', () => {
    const t = triggerOf({ on: 'event', event: 'order_completed', filters: [{ property: 'total', operator: 'greater_than', value: 50 }] });

    expect(triggerMatches(t, event('order_completed', { total: '75' }))).toBe(true);
    expect(triggerMatches(t, event('order_completed', { total: 20 }))).toBe(false);
    expect(triggerMatches(t, event('order_completed', {}))).toBe(false);
    expect(triggerMatches(t, event('cart_abandoned', { total: 75 }))).toBe(false);
  });

  it('event without filters: any event of that name', () => {
    const t = triggerOf({ on: 'event', event: 'signed_up' });

    expect(triggerMatches(t, event('signed_up', { whatever: 1 }))).toBe(true);
    expect(triggerMatches(t, event('Signed Up'))).toBe(false);
  });

  it('phase_entered: the internal event for that phase only', () => {
    const t = triggerOf({ on: 'phase_entered', phase: 'lapsed' });

    expect(triggerMatches(t, event('$phase_entered', { phase: 'lapsed', from: 'customer' }))).toBe(true);
    expect(triggerMatches(t, event('$phase_entered', { phase: 'loyal' }))).toBe(false);
    expect(triggerMatches(t, event('phase_entered', { phase: 'lapsed' }))).toBe(false);
  });

  it('persona_entered: the internal event for that persona only', () => {
    const t = triggerOf({ on: 'persona_entered', persona: 'researcher' });

    expect(triggerMatches(t, event('$persona_entered', { persona: 'researcher' }))).toBe(true);
    expect(triggerMatches(t, event('$persona_entered', { persona: 'bargain_hunter' }))).toBe(false);
    expect(triggerMatches(t, event('$phase_entered', { persona: 'researcher' }))).toBe(false);
  });

  it('subscription_confirmed: the internal confirmation event', () => {
    const t = triggerOf({ on: 'subscription_confirmed' });

    expect(triggerMatches(t, event('$subscription_confirmed'))).toBe(true);
    expect(triggerMatches(t, event('subscription_confirmed'))).toBe(false);
    expect(triggerMatches(t, event('$phase_entered', { phase: 'subscriber' }))).toBe(false);
  });

  it('date_anniversary: the anniversary of that trait only', () => {
    const t = triggerOf({ on: 'date_anniversary', trait: 'birthday' });

    expect(triggerMatches(t, event('$date_anniversary', { trait: 'birthday' }))).toBe(true);
    expect(triggerMatches(t, event('$date_anniversary', { trait: 'signup_date' }))).toBe(false);
  });

  it('manual: the journey-entry event from the API or the contact page', () => {
    const t = triggerOf({ on: 'manual' });

    expect(triggerMatches(t, event('$journey_entry'))).toBe(true);
    expect(triggerMatches(t, event('$subscription_confirmed'))).toBe(false);
  });
});

describe('entryKey', () => {
  const settings = (reentry: JourneySettings['reentry']): JourneySettings => ({ reentry, goal: null, exitEvents: [] });
  const cartTrigger = triggerOf({ on: 'event', event: 'cart_abandoned', entryKeyProperty: 'cart_id' });
  const orderTrigger = triggerOf({ on: 'event', event: 'order_completed', entryKeyProperty: 'order.id' });

  it('is empty with "once": one run per contact, ever', () => {
    expect(entryKey(settings('once'), cartTrigger, event('cart_abandoned', { cart_id: 'c1' }), 'evt-1')).toBe('');
    expect(entryKey(settings('once'), cartTrigger, event('cart_abandoned', { cart_id: 'c2' }), 'evt-2')).toBe('');
  });

  it.each(['after_exit', 'every_time'] as const)('with %s, takes the entry-key property: one cart, one key', (reentry) => {
    const first = entryKey(settings(reentry), cartTrigger, event('cart_abandoned', { cart_id: 'c1' }), 'evt-1');
    const again = entryKey(settings(reentry), cartTrigger, event('cart_abandoned', { cart_id: 'c1' }), 'evt-2');

    expect(first).toBe('k:c1');
    expect(again).toBe(first);
  });

  it('gives two orders two keys, read along a dot path, numbers included', () => {
    const a = entryKey(settings('every_time'), orderTrigger, event('order_completed', { order: { id: 1001 } }), 'evt-1');
    const b = entryKey(settings('every_time'), orderTrigger, event('order_completed', { order: { id: 1002 } }), 'evt-2');

    expect([a, b]).toEqual(['k:1001', 'k:1002']);
  });

  it.each([
    ['missing', {}],
    ['null', { cart_id: null }],
    ['empty', { cart_id: '' }],
  ])('falls back to the event when the entry-key property is %s', (_, properties) => {
    expect(entryKey(settings('every_time'), cartTrigger, event('cart_abandoned', properties), 'evt-9')).toBe('e:evt-9');
  });

  it('uses the event without an entry-key property, and for non-event triggers', () => {
    const plain = triggerOf({ on: 'event', event: 'signed_up' });

    expect(entryKey(settings('every_time'), plain, event('signed_up'), 'evt-3')).toBe('e:evt-3');
    expect(entryKey(settings('after_exit'), triggerOf({ on: 'phase_entered', phase: 'lapsed' }), event('$phase_entered', { phase: 'lapsed' }), 'evt-4')).toBe('e:evt-4');
  });
});

describe('applyJourneyEvent', () => {
  const graph = compile([eventTrigger('cart_abandoned'), waitFor('pause', 1), exitNode()], path('start', 'pause', 'end'));
  const waitingState = (): EnrollmentState => ({ ...startEnrollment(graph, null, NOW), nodeId: 'pause', status: 'waiting', wakeAt: NOW + DAY });
  const withGoal = (exitOnGoal: boolean, exitEvents: string[] = []): JourneySettings => ({
    reentry: 'once',
    goal: { event: 'order_completed', filters: [{ property: 'total', operator: 'greater_than', value: 0 }], windowDays: 7, exitOnGoal },
    exitEvents,
  });
  const order = (at: number, total = 30) => event('order_completed', { total }, at);

  it('converts on the goal within the window, and stays in the journey without exit on goal', () => {
    const result = applyJourneyEvent(withGoal(false), waitingState(), order(NOW + 2 * DAY));

    expect(result.converted).toBe(true);
    expect(result.exited).toBe(false);
    expect(result.state).toEqual({ ...waitingState(), goalReachedAt: NOW + 2 * DAY });
  });

  it('converts and exits with exit on goal', () => {
    const result = applyJourneyEvent(withGoal(true), waitingState(), order(NOW + 2 * DAY));

    expect(result).toMatchObject({ converted: true, exited: true });
    expect(result.state).toMatchObject({ status: 'exited', wakeAt: null, awaiting: null, goalReachedAt: NOW + 2 * DAY });
  });

  it('converts on the enrolment instant and on the last instant of the window', () => {
    expect(applyJourneyEvent(withGoal(false), waitingState(), order(NOW)).converted).toBe(true);
    expect(applyJourneyEvent(withGoal(false), waitingState(), order(NOW + 7 * DAY)).converted).toBe(true);
  });

  it('converts only once', () => {
    const first = applyJourneyEvent(withGoal(false), waitingState(), order(NOW + DAY));
    const second = applyJourneyEvent(withGoal(false), first.state, order(NOW + 2 * DAY));

    expect(second.converted).toBe(false);
    expect(second.state.goalReachedAt).toBe(NOW + DAY);
  });

  it.each([
    ['after the window', order(NOW + 7 * DAY + 1)],
    ['before the enrolment', order(NOW - 1)],
    ['when the filters do not hold', order(NOW + DAY, 0)],
    ['for another event', event('cart_abandoned', { total: 30 }, NOW + DAY)],
  ])('does not convert %s', (_, incoming) => {
    const state = waitingState();

    const result = applyJourneyEvent(withGoal(true), state, incoming);

    expect(result).toEqual({ state, converted: false, exited: false });
  });

  it('does nothing for a journey without a goal', () => {
    const state = waitingState();

    expect(applyJourneyEvent({ reentry: 'once', goal: null, exitEvents: [] }, state, order(NOW + DAY))).toEqual({ state, converted: false, exited: false });
  });

  it.each(['active', 'waiting'] as const)('exits a %s enrollment on an exit event', (status) => {
    const state: EnrollmentState = { ...waitingState(), status, awaiting: { event: 'x', filters: [], correlate: null } };

    const result = applyJourneyEvent(withGoal(false, ['unsubscribed']), state, event('unsubscribed', {}, NOW + DAY));

    expect(result).toMatchObject({ converted: false, exited: true });
    expect(result.state).toMatchObject({ status: 'exited', wakeAt: null, awaiting: null, goalReachedAt: null });
  });

  it.each(['completed', 'exited', 'failed'] as const)('does not exit a %s enrollment again', (status) => {
    const state: EnrollmentState = { ...waitingState(), status, wakeAt: null };

    const result = applyJourneyEvent(withGoal(true, ['unsubscribed']), state, event('unsubscribed', {}, NOW + DAY));

    expect(result).toEqual({ state, converted: false, exited: false });
  });

  it('lets a completed enrollment still convert, without exiting it', () => {
    const done: EnrollmentState = { ...waitingState(), nodeId: 'end', status: 'completed', wakeAt: null };

    const result = applyJourneyEvent(withGoal(true), done, order(NOW + 3 * DAY));

    expect(result).toMatchObject({ converted: true, exited: false });
    expect(result.state).toEqual({ ...done, goalReachedAt: NOW + 3 * DAY });
  });

  it('does not change the state it was given', () => {
    const state = waitingState();
    const copy = structuredClone(state);

    applyJourneyEvent(withGoal(true, ['unsubscribed']), state, order(NOW + DAY));
    applyJourneyEvent(withGoal(true, ['unsubscribed']), state, event('unsubscribed', {}, NOW + DAY));

    expect(state).toEqual(copy);
  });
});
