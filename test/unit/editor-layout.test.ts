// Auto-layout of the canvas: every edge points down, siblings sit side by side, nothing overlaps.
import { describe, expect, test } from 'vitest';
import { autoLayout, NODE_HEIGHT, NODE_WIDTH } from '../../client/editor/layout.ts';

const chain = (ids: string[]) => ids.slice(1).map((id, i) => ({ source: ids[i]!, target: id }));

function overlaps(a: { x: number; y: number }, b: { x: number; y: number }): boolean {
  return Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT;
}

describe('autoLayout', () => {
  test('a chain runs top to bottom', () => {
    const ids = ['a', 'b', 'c', 'd'];
    const p = autoLayout(ids.map((id) => ({ id })), chain(ids));
    expect(p.a!.y).toBeLessThan(p.b!.y);
    expect(p.b!.y).toBeLessThan(p.c!.y);
    expect(p.c!.y).toBeLessThan(p.d!.y);
    expect(new Set(ids.map((id) => p[id]!.x)).size).toBe(1);
  });

  test('the two branches of a condition sit side by side on one row, under it, without overlapping', () => {
    const nodes = ['if', 'yes', 'no', 'end'].map((id) => ({ id }));
    const edges = [
      { source: 'if', target: 'yes', sourceHandle: 'yes' },
      { source: 'if', target: 'no', sourceHandle: 'no' },
      { source: 'yes', target: 'end' },
      { source: 'no', target: 'end' },
    ];
    const p = autoLayout(nodes, edges);
    expect(p.yes!.y).toBe(p.no!.y);
    expect(p.yes!.y).toBeGreaterThan(p.if!.y);
    expect(overlaps(p.yes!, p.no!)).toBe(false);
    expect(p.end!.y).toBeGreaterThan(p.yes!.y);
  });

  test('measured sizes are respected, and unconnected nodes and edges to unknown nodes are placed without error', () => {
    const p = autoLayout(
      [{ id: 'a', measured: { width: 400, height: 300 } }, { id: 'b' }, { id: 'alone' }],
      [{ source: 'a', target: 'b' }, { source: 'b', target: 'ghost' }],
    );
    expect(p.b!.y - p.a!.y).toBeGreaterThanOrEqual(300);
    expect(Object.keys(p).sort()).toEqual(['a', 'alone', 'b']);
  });

  test('300 nodes lay out without any two overlapping', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `n${i}`);
    // A binary tree: each node leads to two children.
    const edges = ids.slice(1).map((id, i) => ({ source: ids[Math.floor(i / 2)]!, target: id }));
    const p = autoLayout(ids.map((id) => ({ id })), edges);
    const points = ids.map((id) => p[id]!);
    const overlapping = points.flatMap((a, i) => points.slice(i + 1).filter((b) => overlaps(a, b)));
    expect(overlapping).toEqual([]);
  });
});
