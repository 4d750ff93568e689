// The simulator counts a goal as the executor does: also when it is reached after the run ended, within the window.
import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../client/editor/simulator/timeline.ts';
import { simulate } from '../../shared/journey/simulate.ts';
import { starterJourney } from '../../shared/journey/starters.ts';
import { workspaceRefs } from './journey-builders.ts';

const START = Date.parse('2026-11-02T08:00:00Z');
const DAY = 86_400_000;
const contact = { id: 'c1', email: 'ana@example.com', traits: {}, phase: 'customer', personaKey: null, subscription: 'subscribed', timezone: 'Europe/Berlin' };
// First purchase: thank you, 7 days, review request, wait up to 7 days for a review; goal: a second order within 30 days.
const graph = starterJourney('first_purchase', null).graph;

function run(orderAfterDays: number) {
  const events = [
    { name: 'review_submitted', properties: {}, timestamp: START + 9 * DAY },
    { name: 'order_completed', properties: {}, timestamp: START + orderAfterDays * DAY },
  ];
  const result = simulate({ graph, contact, start: START, events, assume: { opens: false, clicks: false }, horizonDays: 60, refs: workspaceRefs({ templateIds: ['first_purchase_thanks', 'review_request'] }) });
  if (!result.ok) throw new Error('refused');
  return { result, script: events.map((e) => ({ name: e.name, at: e.timestamp, properties: {} })) };
}

describe('a goal reached after the run ended', () => {
  it('converts within the conversion window, as the executor counts it', () => {
    const { result, script } = run(12);
    expect(result.stoppedBecause).toBe('completed');
    expect(result.converted).toBe(START + 12 * DAY);
    const items = buildTimeline(result, graph.nodes, script, 60);
    // The run ends at the review (day 9); the goal comes after it, last.
    expect(items.slice(-2).map((i) => i.type)).toEqual(['end', 'goal']);
    expect(items.at(-1)).toMatchObject({ at: START + 12 * DAY, afterEnd: true });
  });

  it('does not convert after the window', () => {
    expect(run(31).result.converted).toBeNull();
  });
});
