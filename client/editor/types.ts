// The editor's screen graph: React Flow nodes and edges that carry a journey node's kind, name and config.
import type { Edge, Node } from '@xyflow/react';
import type { NodeKind } from '../../shared/journey/kinds.ts';

/** What a canvas node carries of its journey node; the position and selection stay React Flow's. */
export type JourneyNodeData = {
  name?: string;
  /** The draft config, possibly incomplete: the validator and the side panel say what is missing. */
  config: Record<string, unknown>;
};

/** A canvas node whose React Flow `type` is the journey node kind. */
export type JourneyNode = Node<JourneyNodeData, NodeKind> & { type: NodeKind };

/** A canvas edge; `sourceHandle` is the output key of the source node ("next", "yes", a variant key). */
export type JourneyEdge = Edge & { sourceHandle: string };
