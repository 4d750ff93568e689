// Connection rules of the canvas: which output may lead to which node.
import { describe, expect, test } from 'vitest';
import { isValidConnection } from '../../client/editor/connection.ts';
import { toFlow } from '../../client/editor/convert.ts';
import type { JourneyNode } from '../../client/editor/types.ts';
import { welcomeGraph } from './editor-builders.ts';

function nodes(): Map<string, JourneyNode> {
  const { graph, layout } = welcomeGraph();
  graph.nodes.push({ id: 'ask', kind: 'wait_for_event', config: { event: 'order_completed', filters: [], timeout: { amount: 3, unit: 'days' } } });
  graph.nodes.push({ id: 'ab', kind: 'split', config: { variants: [{ key: 'a', label: 'A', weight: 50 }, { key: 'b', label: 'B', weight: 50 }] } });
  return new Map(toFlow(graph, { ...layout, ask: { x: 0, y: 0 }, ab: { x: 0, y: 0 } }).nodes.map((n) => [n.id, n]));
}

describe('isValidConnection', () => {
  test('an output of a node may lead to another step', () => {
    expect(isValidConnection({ source: 'welcome', sourceHandle: 'next', target: 'clicked' }, nodes())).toBe(true);
    expect(isValidConnection({ source: 'clicked', sourceHandle: 'no', target: 'engaged' }, nodes())).toBe(true);
    expect(isValidConnection({ source: 'ab', sourceHandle: 'b', target: 'done' }, nodes())).toBe(true);
  });

  test('an output that is already connected may be connected again (the new edge replaces the old)', () => {
    expect(isValidConnection({ source: 'start', sourceHandle: 'next', target: 'pause' }, nodes())).toBe(true);
  });

  test('nothing leads into the trigger', () => {
    expect(isValidConnection({ source: 'pause', sourceHandle: 'next', target: 'start' }, nodes())).toBe(false);
  });

  test('an output the source does not have is refused', () => {
    expect(isValidConnection({ source: 'welcome', sourceHandle: 'yes', target: 'pause' }, nodes())).toBe(false);
    expect(isValidConnection({ source: 'ab', sourceHandle: 'c', target: 'pause' }, nodes())).toBe(false);
    expect(isValidConnection({ source: 'welcome', sourceHandle: null, target: 'pause' }, nodes())).toBe(false);
    expect(isValidConnection({ source: 'done', sourceHandle: 'next', target: 'pause' }, nodes())).toBe(false);
  });

  test('unknown nodes are refused', () => {
    expect(isValidConnection({ source: 'ghost', sourceHandle: 'next', target: 'pause' }, nodes())).toBe(false);
    expect(isValidConnection({ source: 'welcome', sourceHandle: 'next', target: 'ghost' }, nodes())).toBe(false);
  });

  test('a step may lead to itself only when it holds the contact (no busy loop)', () => {
    expect(isValidConnection({ source: 'welcome', sourceHandle: 'next', target: 'welcome' }, nodes())).toBe(false);
    expect(isValidConnection({ source: 'clicked', sourceHandle: 'no', target: 'clicked' }, nodes())).toBe(false);
    expect(isValidConnection({ source: 'pause', sourceHandle: 'next', target: 'pause' }, nodes())).toBe(true);
    expect(isValidConnection({ source: 'ask', sourceHandle: 'timeout', target: 'ask' }, nodes())).toBe(true);
  });
});
