// The simulator's form becomes a journeys.simulate input: typed values, times in the contact's zone, the script.
import { describe, expect, it } from 'vitest';
import {
  defaultSimulatorValues,
  entryEventOf,
  eventNamesOf,
  NO_PERSONA,
  parseScalar,
  simulatorValuesSchema,
  startInstant,
  toRecord,
  toSimulateRequest,
  zoneOf,
  type SimulatorValues,
} from '../../client/editor/simulator/request.ts';
import type { JourneyGraph } from '../../shared/journey/graph.ts';
import { starterJourney } from '../../shared/journey/starters.ts';

const NOW = Date.parse('2026-11-02T08:20:00Z');
const graph = starterJourney('opt_in', null).graph;

function values(overrides: Partial<SimulatorValues> = {}): SimulatorValues {
  return { ...defaultSimulatorValues({ personaKey: 'bargain_hunter', now: NOW, timezone: 'Europe/Berlin' }), ...overrides };
}

describe('defaultSimulatorValues', () => {
  it('describes a subscriber of the journey’s persona entering at the next full hour of its zone', () => {
    const v = values();
    expect(v).toMatchObject({ source: 'describe', personaKey: 'bargain_hunter', phase: 'subscriber', subscription: 'subscribed', timezone: 'Europe/Berlin', start: '2026-11-02T10:00', events: [] });
    expect(simulatorValuesSchema.safeParse(v).success).toBe(true);
    expect(defaultSimulatorValues({ personaKey: null, now: NOW, timezone: 'UTC' }).personaKey).toBe(NO_PERSONA);
  });

  it('starts the script with the entering event of an event-triggered journey', () => {
    expect(defaultSimulatorValues({ personaKey: null, now: NOW, timezone: 'UTC', entryEvent: 'cart_abandoned' }).events).toEqual([
      { name: 'cart_abandoned', after: 0, unit: 'minutes', properties: [] },
    ]);
  });
});

describe('toSimulateRequest', () => {
  it('reads the start in the contact’s zone and times the events from it', () => {
    const request = toSimulateRequest(
      values({ events: [{ name: 'order_completed', after: 3, unit: 'days', properties: [{ key: 'total', value: '49.5' }, { key: 'coupon', value: 'WELCOME' }] }] }),
      graph,
      'Europe/Berlin',
    );
    expect(request.start).toBe('2026-11-02T09:00:00.000Z');
    expect(request.events).toEqual([{ name: 'order_completed', at: '2026-11-05T09:00:00.000Z', properties: { total: 49.5, coupon: 'WELCOME' } }]);
    expect(request.contact).toEqual({ email: 'simulated@example.com', traits: { first_name: 'Alex' }, personaKey: 'bargain_hunter', phase: 'subscriber', subscription: 'subscribed', timezone: 'Europe/Berlin' });
    expect(request.contactId).toBeUndefined();
    expect(request.graph).toBe(graph);
  });

  it('sends only the id of a picked contact, and a click counts as an open', () => {
    const request = toSimulateRequest(values({ source: 'pick', contactId: 'c_42', clicks: true }), graph, 'UTC');
    expect(request.contactId).toBe('c_42');
    expect(request.contact).toBeUndefined();
    expect(request.start).toBe('2026-11-02T10:00:00.000Z');
    expect(request.assume).toEqual({ opens: true, clicks: true });
  });

  it('describes a contact without a persona as null', () => {
    expect(toSimulateRequest(values({ personaKey: NO_PERSONA }), graph, 'UTC').contact?.personaKey).toBeNull();
  });

  it('refuses a pick without a contact, an unnamed trait and an event without a name', () => {
    const problems = (v: SimulatorValues) => simulatorValuesSchema.safeParse(v).error?.issues.map((i) => i.path.join('.'));
    expect(problems(values({ source: 'pick', contactId: null }))).toEqual(['contactId']);
    expect(problems(values({ traits: [{ key: ' ', value: 'x' }] }))).toEqual(['traits.0.key']);
    expect(problems(values({ events: [{ name: '', after: 1, unit: 'days', properties: [] }] }))).toEqual(['events.0.name']);
    expect(problems(values({ horizonDays: 0 }))).toEqual(['horizonDays']);
  });
});

describe('values typed in rows', () => {
  it('reads numbers, booleans and null as such, the rest as text', () => {
    expect(['42', '-1.5', '1e3', 'true', 'false', 'null', '007a', '', ' spaced '].map(parseScalar)).toEqual([42, -1.5, 1000, true, false, null, '007a', '', ' spaced ']);
  });

  it('drops rows without a key, and a later row wins', () => {
    expect(toRecord([{ key: 'plan', value: 'pro' }, { key: '', value: 'x' }, { key: 'plan', value: 'team' }])).toEqual({ plan: 'team' });
  });
});

describe('zones and event names', () => {
  it('falls back to UTC for no zone or an unknown one', () => {
    expect([zoneOf('Asia/Tokyo'), zoneOf(null), zoneOf('Mars/Olympus')]).toEqual(['Asia/Tokyo', 'UTC', 'UTC']);
    expect(startInstant('2026-03-29T02:30', 'Europe/Berlin')).toBe(Date.parse('2026-03-29T01:30:00Z'));
    expect(startInstant('not a time', 'UTC')).toBeNull();
  });

  it('offers the events a journey reacts to', () => {
    const g: JourneyGraph = {
      nodes: [
        { id: 't', kind: 'trigger', config: { on: 'event', event: 'cart_abandoned' } },
        { id: 'w', kind: 'wait_for_event', config: { event: 'order_completed' } },
        { id: 'c', kind: 'condition', config: { rules: [{ type: 'event_count', event: 'viewed_pricing' }, { type: 'phase', phases: ['customer'] }] } },
      ],
      edges: [],
      settings: { reentry: 'once', goal: { event: 'order_completed', filters: [], windowDays: 7, exitOnGoal: true }, exitEvents: ['unsubscribed_all'] },
    };
    expect(eventNamesOf(g)).toEqual(['cart_abandoned', 'order_completed', 'unsubscribed_all', 'viewed_pricing']);
    expect(entryEventOf(g)).toBe('cart_abandoned');
    expect(entryEventOf(graph)).toBeNull();
  });
});
