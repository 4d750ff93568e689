// Figures on the canvas and a contact's runs: edge widths by traffic, compact counts, rates, step outcomes in words.
import { describe, expect, it } from 'vitest';
import { EDGE_WIDTH, busiestEdge, compactCount, conversionRate, trafficWidth } from '../../client/editor/figures/traffic.ts';
import { describeOutcome } from '../../client/pages/contact/runPath.ts';

describe('trafficWidth', () => {
  it('draws an untaken edge thin and the busiest at full width, growing with the square root', () => {
    expect(trafficWidth(0, 100)).toBe(EDGE_WIDTH.idle);
    expect(trafficWidth(100, 100)).toBe(EDGE_WIDTH.max);
    expect(trafficWidth(25, 100)).toBeCloseTo((EDGE_WIDTH.min + EDGE_WIDTH.max) / 2, 1);
    expect(trafficWidth(1, 1_000_000)).toBeGreaterThan(EDGE_WIDTH.idle);
  });

  it('never grows with the count beyond the busiest edge', () => {
    for (let n = 1; n <= 200; n += 7) {
      expect(trafficWidth(n, 200)).toBeGreaterThanOrEqual(trafficWidth(n - 1, 200));
      expect(trafficWidth(n, 200)).toBeLessThanOrEqual(EDGE_WIDTH.max);
    }
  });
});

describe('counts and rates', () => {
  it('fits counts on a card', () => {
    expect([0, 999, 1000, 1250, 12_900, 999_999, 1_250_000].map(compactCount)).toEqual(['0', '999', '1k', '1.2k', '12k', '999k', '1.2M']);
  });

  it('gives a conversion rate only with contacts enrolled', () => {
    expect([conversionRate(0, 0), conversionRate(0, 10), conversionRate(1, 4), conversionRate(1, 300)]).toEqual([null, '0%', '25%', '0.3%']);
  });

  it('finds the busiest edge', () => {
    expect(busiestEdge({})).toBe(0);
    expect(busiestEdge({ 'a:next': 3, 'b:yes': 9, 'b:no': 1 })).toBe(9);
  });
});

describe('describeOutcome', () => {
  const format = (ms: number) => new Date(ms).toISOString().slice(0, 16);
  it('says what happened at each step of a run', () => {
    expect(describeOutcome('next', 'trigger', format)).toBe('Entered');
    expect(describeOutcome('next', 'email', format)).toBe('Email queued');
    expect(describeOutcome('next', 'wait', format)).toBe('Passed');
    expect(describeOutcome('yes', 'condition', format)).toBe('Took “yes”');
    expect(describeOutcome('waiting until 2026-11-04T08:00:00.000Z', 'wait', format)).toBe('Waiting until 2026-11-04T08:00');
    expect(describeOutcome('waiting for order_completed until 2026-11-04T08:00:00.000Z', 'wait_for_event', format)).toBe('Waiting for order_completed until 2026-11-04T08:00');
    expect(describeOutcome('waited', 'wait', format)).toBe('Wait over');
    expect(describeOutcome('completed', 'exit', format)).toBe('Completed the journey');
    expect(describeOutcome('failed: The template is gone.', 'email', format)).toBe('Failed: The template is gone.');
    expect(describeOutcome('exited: goal reached', null, format)).toBe('Left on reaching the goal');
    expect(describeOutcome('exited: journey archived', null, format)).toBe('Left the journey (journey archived)');
    expect(describeOutcome('moved from version 1', null, format)).toBe('Moved from version 1');
  });
});
