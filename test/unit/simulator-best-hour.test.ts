// The simulator's timeline says when a best-hour email goes out and why, in the contact's zone.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { bestHourNote, buildTimeline, type SimulationRun } from '../../client/editor/simulator/timeline.ts';
import type { JourneyGraph } from '../../shared/journey/graph.ts';
import { simulate, type SimulationInput } from '../../shared/journey/simulate.ts';
import { workspaceRefs } from './journey-builders.ts';

const zone = 'Asia/Tokyo';
const at = (iso: string) => DateTime.fromISO(iso, { zone }).toMillis();
const START = at('2026-05-11T12:00');
const contact = { id: 'c1', email: 'ana@example.com', traits: {}, phase: 'subscriber', personaKey: null, subscription: 'subscribed', timezone: zone };
const graph: JourneyGraph = {
  nodes: [
    { id: 't', kind: 'trigger', config: { on: 'manual' } },
    { id: 'news', kind: 'email', name: 'Newsletter', config: { templateId: 'welcome', sendAt: { mode: 'best_hour', withinHours: 48 } } },
    { id: 'x', kind: 'exit', config: {} },
  ],
  edges: [
    { from: 't', output: 'next', to: 'news' },
    { from: 'news', output: 'next', to: 'x' },
  ],
  settings: { reentry: 'once', goal: null, exitEvents: [] },
};

function emailItem(overrides: Partial<SimulationInput> = {}) {
  const result = simulate({ graph, contact, start: START, events: [], assume: { opens: false, clicks: false }, horizonDays: 7, refs: workspaceRefs(), ...overrides });
  if (!result.ok) throw new Error('invalid');
  const item = buildTimeline(result as SimulationRun, graph.nodes, [], 7).find((i) => i.type === 'email');
  if (item?.type !== 'email') throw new Error('no email');
  return item;
}

describe('a best-hour email in the simulator’s timeline', () => {
  it('says when it goes out, how long after the step, and why', () => {
    const history = Array.from({ length: 6 }, (_, week) => at('2026-04-07T09:05') - week * 7 * 86_400_000);
    const note = bestHourNote(emailItem({ bestHour: { engagements: history, personaHistogram: null, audienceHistogram: null, quietHours: { enabled: true, start: '21:00', end: '08:00' } } }), zone, 'en-GB');
    expect(note).toEqual({
      when: 'Scheduled for Tue, 12 May 2026, 09:00, 21 hours after the step',
      why: 'Tuesday 9:00 in Asia/Tokyo — this contact opened or clicked most often then (6 of 6 engagements).',
    });
  });

  it('says "no history: sent now" when there is none, and nothing for an email that sends now', () => {
    expect(bestHourNote(emailItem(), zone)).toEqual({ when: 'Sent at once', why: 'no engagement history yet: sent now.' });
    const now = { ...emailItem(), scheduled: undefined };
    expect(bestHourNote(now, zone)).toBeNull();
  });
});
