// The editor's converter: domain graph + layout → React Flow nodes/edges → the same graph and layout.
import { describe, expect, test } from 'vitest';
import { edgeIdFor, toFlow, toGraph } from '../../client/editor/convert.ts';
import { welcomeGraph } from './editor-builders.ts';

describe('convert', () => {
  test('a graph and its layout survive the round trip through the canvas unchanged', () => {
    const { graph, layout } = welcomeGraph();
    const flow = toFlow(graph, layout);
    expect(toGraph(flow)).toEqual({ graph, layout });
  });

  test('canvas nodes carry kind, name, config and position; edges carry the output as their source handle', () => {
    const { graph, layout } = welcomeGraph();
    const { nodes, edges, settings } = toFlow(graph, layout);
    expect(nodes[1]).toMatchObject({
      id: 'welcome',
      type: 'email',
      position: { x: 10, y: 150 },
      data: { name: 'Welcome email', config: graph.nodes[1]!.config },
    });
    expect(Object.keys(nodes[1]!.data)).toEqual(['name', 'config']);
    expect(nodes[0]!.data).not.toHaveProperty('name');
    expect(edges[3]).toEqual({ id: 'clicked:yes', source: 'clicked', sourceHandle: 'yes', target: 'engaged' });
    expect(settings.reentry).toBe('after_exit');
  });

  test('unrendered nodes get a size and handles estimated from their outputs, so React Flow need not render them to measure', () => {
    const { graph, layout } = welcomeGraph();
    graph.nodes.push({ id: 'ab', kind: 'split', config: { variants: ['a', 'b', 'c', 'd'].map((key) => ({ key, label: key, weight: 25 })) } });
    const nodes = new Map(toFlow(graph, { ...layout, ab: { x: 0, y: 0 } }).nodes.map((n) => [n.id, n]));
    const handles = (id: string) => nodes.get(id)!.handles!.map((h) => `${h.type}:${h.id ?? ''}`);
    expect(handles('start')).toEqual(['source:next']);
    expect(handles('clicked')).toEqual(['source:yes', 'source:no', 'target:']);
    expect(handles('done')).toEqual(['target:']);
    expect(handles('ab')).toEqual(['source:a', 'source:b', 'source:c', 'source:d', 'target:']);
    expect(nodes.get('welcome')!.initialWidth).toBe(248);
    expect(nodes.get('ab')!.initialWidth).toBe(4 * 76);
    // The "yes" handle sits under the left half of the condition, "no" under the right half.
    const [yes, no] = nodes.get('clicked')!.handles!;
    expect(yes!.x).toBeLessThan(124);
    expect(no!.x).toBeGreaterThan(124);
  });

  test('a node without a position gets one from the auto-layout, below its predecessor', () => {
    const { graph, layout } = welcomeGraph();
    delete layout.pause;
    const { nodes } = toFlow(graph, layout);
    const byId = new Map(nodes.map((n) => [n.id, n.position]));
    expect(byId.get('pause')).toBeDefined();
    expect(byId.get('pause')!.y).toBeGreaterThan(byId.get('welcome')!.y);
    expect(byId.get('clicked')!.y).toBeGreaterThan(byId.get('pause')!.y);
  });

  test('two edges from one output (a bad draft) keep distinct ids and both survive the round trip', () => {
    const { graph, layout } = welcomeGraph();
    graph.edges.push({ from: 'start', output: 'next', to: 'pause' });
    const flow = toFlow(graph, layout);
    expect(new Set(flow.edges.map((e) => e.id)).size).toBe(flow.edges.length);
    expect(toGraph(flow).graph.edges).toEqual(graph.edges);
    expect(edgeIdFor('start', 'next', new Set(['start:next', 'start:next#2']))).toBe('start:next#3');
  });

  test('positions moved on the canvas are what the layout saves', () => {
    const { graph, layout } = welcomeGraph();
    const flow = toFlow(graph, layout);
    flow.nodes[2] = { ...flow.nodes[2]!, position: { x: 500, y: 42 } };
    expect(toGraph(flow).layout.pause).toEqual({ x: 500, y: 42 });
  });
});
