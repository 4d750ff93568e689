// Converts the domain graph (shared/journey) and its layout to React Flow nodes and edges, and back.
import type { GraphLayout, JourneyGraph, JourneySettings } from '../../shared/journey/graph.ts';
import { kindDefinition } from '../../shared/journey/kinds.ts';
import { autoLayout, nodeHints } from './layout.ts';
import type { JourneyEdge, JourneyNode } from './types.ts';

export interface FlowDocument {
  nodes: JourneyNode[];
  edges: JourneyEdge[];
  settings: JourneySettings;
}

/** One id per edge: an output has at most one edge, so source and output name it (a suffix keeps bad drafts apart). */
export function edgeIdFor(source: string, output: string, taken?: ReadonlySet<string>): string {
  const base = `${source}:${output}`;
  if (!taken?.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}#${n}`)) n++;
  return `${base}#${n}`;
}

export function toFlow(graph: JourneyGraph, layout: GraphLayout): FlowDocument {
  const edgeIds = new Set<string>();
  const edges: JourneyEdge[] = graph.edges.map((e) => {
    const id = edgeIdFor(e.from, e.output, edgeIds);
    edgeIds.add(id);
    return { id, source: e.from, sourceHandle: e.output, target: e.to };
  });
  // A graph without positions (an imported file, a starter graph without layout) gets a fresh layout.
  const missing = graph.nodes.some((n) => !layout[n.id]);
  const positions = missing ? autoLayout(graph.nodes, edges) : layout;
  const nodes: JourneyNode[] = graph.nodes.map((n) => ({
    id: n.id,
    type: n.kind,
    position: { ...(positions[n.id] ?? { x: 0, y: 0 }) },
    ...nodeHints(
      kindDefinition(n.kind).outputs(n.config).map((o) => o.key),
      n.kind !== 'trigger',
    ),
    data: n.name === undefined ? { config: n.config } : { name: n.name, config: n.config },
  }));
  return { nodes, edges, settings: graph.settings };
}

// Positions and size hints are the screen's; the domain graph keeps kind, name and config only.
export function toGraph(doc: FlowDocument): { graph: JourneyGraph; layout: GraphLayout } {
  const layout: GraphLayout = {};
  const nodes = doc.nodes.map((n) => {
    layout[n.id] = { x: n.position.x, y: n.position.y };
    return n.data.name === undefined
      ? { id: n.id, kind: n.type, config: n.data.config }
      : { id: n.id, kind: n.type, name: n.data.name, config: n.data.config };
  });
  const edges = doc.edges.map((e) => ({ from: e.source, output: e.sourceHandle, to: e.target }));
  return { graph: { nodes, edges, settings: doc.settings }, layout };
}
