// Auto-layout: top-to-bottom positions for every node from the edges alone (dagre), a pure function.
import dagre from '@dagrejs/dagre';

export const NODE_WIDTH = 248;
export const NODE_HEIGHT = 96;

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
