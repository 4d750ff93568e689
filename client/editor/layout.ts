// Auto-layout: top-to-bottom positions for every node from the edges alone (dagre), a pure function.
import dagre from '@dagrejs/dagre';
import { Position } from '@xyflow/react';

export const NODE_WIDTH = 248;
export const NODE_HEIGHT = 96;

/** Width of one labelled output on a node card; a split with many variants grows wider. */
export const OUTPUT_MIN_WIDTH = 76;
const HANDLE = 12;

/** A node card's width for its number of outputs (the same rule the card's style follows). */
export function nodeWidth(outputs: number): number {
  return Math.max(NODE_WIDTH, outputs * OUTPUT_MIN_WIDTH);
}

/**
 * React Flow's size for a node it has not measured yet: a large journey renders only the nodes in view,
 * and the minimap and culling still need to know where the others are.
 */
export const SIZE_HINT = { initialWidth: NODE_WIDTH, initialHeight: NODE_HEIGHT } as const;

export interface HandleHint {
  id: string | null;
  type: 'source' | 'target';
  position: Position;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Estimated size and handle positions of a node card that has not been rendered yet. With them React Flow
 * need not render every node once on load just to measure it: the first real measurement replaces them
 * (the handles are dropped by the store; see dropHandleHints). The geometry follows NodeCard's CSS.
 */
export function nodeHints(outputKeys: readonly string[], hasInput: boolean) {
  const width = nodeWidth(outputKeys.length);
  const height = NODE_HEIGHT;
  const handles: HandleHint[] = outputKeys.map((id, i) => ({
    id,
    type: 'source',
    position: Position.Bottom,
    x: ((i + 0.5) * width) / outputKeys.length - HANDLE / 2,
    y: height - HANDLE / 2,
    width: HANDLE,
    height: HANDLE,
  }));
  if (hasInput) handles.push({ id: null, type: 'target', position: Position.Top, x: width / 2 - HANDLE / 2, y: -HANDLE / 2, width: HANDLE, height: HANDLE });
  // An estimated `measured` too: React Flow fits the view only once every node counts as measured.
  return { initialWidth: width, initialHeight: height, measured: { width, height }, handles };
}

export interface LayoutNode {
  id: string;
  measured?: { width?: number; height?: number };
}

export interface LayoutEdge {
  source: string;
  target: string;
  sourceHandle?: string | null;
}

export type Positions = Record<string, { x: number; y: number }>;

/** Top-left positions (what React Flow wants) that put every edge pointing downwards where the graph allows. */
export function autoLayout(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Positions {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 56, ranksep: 72, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set<string>();
  for (const node of nodes) {
    ids.add(node.id);
    g.setNode(node.id, { width: node.measured?.width ?? NODE_WIDTH, height: node.measured?.height ?? NODE_HEIGHT });
  }
  edges.forEach((edge, i) => {
    // Edges to unknown nodes are a validation problem, not a layout one; leave them out.
    if (ids.has(edge.source) && ids.has(edge.target)) g.setEdge(edge.source, edge.target, {}, `${edge.sourceHandle ?? ''}#${i}`);
  });
  dagre.layout(g);
  const positions: Positions = {};
  for (const node of nodes) {
    const placed = g.node(node.id);
    positions[node.id] = { x: Math.round(placed.x - placed.width / 2), y: Math.round(placed.y - placed.height / 2) };
  }
  return positions;
}
