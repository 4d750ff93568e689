// The React Flow canvas of a journey: nodes per kind, edges, drop target of the palette, minimap and controls.
import '@xyflow/react/dist/style.css';
import { Background, Controls, MarkerType, MiniMap, ReactFlow, useReactFlow, type AriaLabelConfig, type Connection, type DefaultEdgeOptions, type Edge, type EdgeTypes, type FitViewOptions, type Node } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState, type DragEvent, type SVGAttributes } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { kindDefinition, nodeKindSchema, type NodeKind } from '../../shared/journey/kinds.ts';
import { CanvasTools } from './CanvasTools.tsx';
import { useEditor, useEditorReadOnly, useEditorStoreApi } from './EditorContext.tsx';
import { JourneyEdge } from './edges/JourneyEdge.tsx';
import focus from './focus.module.css';
import { KIND_META, PALETTE_MIME } from './kindMeta.ts';
import { NODE_HEIGHT, NODE_WIDTH } from './layout.ts';
import { nodeTypes } from './nodes/index.ts';
import { stepTitle } from './outline.ts';
import type { JourneyEdge as JourneyEdgeType, JourneyNode } from './types.ts';

const edgeTypes = { journey: JourneyEdge } satisfies EdgeTypes;

const defaultEdgeOptions: DefaultEdgeOptions = {
  type: 'journey',
  markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18, color: 'var(--mantine-color-gray-5)' },
};

const fitViewOptions = { padding: 0.2, maxZoom: 1 };
/** Beyond this many nodes the canvas renders only what is in view, and opens on the top of the journey. */
const LARGE_JOURNEY = 80;
const OPENING_NODES = 12;

/** What the canvas shows first: the whole journey, or for a large one its first steps at a readable zoom. */
function openingView(nodes: readonly JourneyNode[]): FitViewOptions {
  if (nodes.length <= LARGE_JOURNEY) return fitViewOptions;
  const top = [...nodes].sort((a, b) => a.position.y - b.position.y || a.position.x - b.position.x).slice(0, OPENING_NODES);
  return { ...fitViewOptions, minZoom: 0.6, nodes: top.map((n) => ({ id: n.id })) };
}
const miniMapStyle = { width: 160, height: 108 };

const CANVAS_WORDS: Partial<AriaLabelConfig> = {
  'node.a11yDescription.ariaLiveMessage': ({ direction }) => `Step moved ${direction}`,
  'edge.a11yDescription.default': 'Press Enter or Space to select this connection, then Delete to remove it.',
  'controls.ariaLabel': 'Zoom controls',
  'minimap.ariaLabel': 'Minimap of the journey',
};
const EDITING_STEP = 'Press Enter or Space to select this step, then the arrow keys to move it. C connects it to another step, E edits it, Delete removes it. Press ? for every key.';
const READING_STEP = 'Press Enter or Space to select this step. O shows the outline; press ? for every key.';

/**
 * React Flow's own words for the canvas, in ours: steps and connections, and the keys that work on them. React Flow
 * reads the "keyboardDisabled" description while keyboard moves are on (12.12), so both keys carry the same text.
 */
const ariaLabelConfig: Record<'editing' | 'reading', Partial<AriaLabelConfig>> = {
  editing: { ...CANVAS_WORDS, 'node.a11yDescription.default': EDITING_STEP, 'node.a11yDescription.keyboardDisabled': EDITING_STEP },
  reading: { ...CANVAS_WORDS, 'node.a11yDescription.default': READING_STEP, 'node.a11yDescription.keyboardDisabled': READING_STEP },
};

/** "Welcome, email step": what a screen reader says on a canvas node, with its selection. */
function nodeLabel(node: JourneyNode): string {
  const kind = KIND_LABEL[node.type];
  const title = stepTitle(node);
  return `${title === kind ? `${kind} step` : `${title}, ${kind.toLowerCase()} step`}${node.selected ? ', selected' : ''}`;
}

const KIND_LABEL = Object.fromEntries(nodeKindSchema.options.map((k) => [k, kindDefinition(k).label])) as Record<NodeKind, string>;

// Labelled copies are kept per node object, so an unchanged node stays the same object for React Flow.
const labelledNodes = new WeakMap<JourneyNode, JourneyNode>();
function withLabel(node: JourneyNode): JourneyNode {
  let labelled = labelledNodes.get(node);
  if (!labelled) {
    labelled = { ...node, ariaLabel: nodeLabel(node) };
    labelledNodes.set(node, labelled);
  }
  return labelled;
}

/** "Connection Condition (yes) → Exit" instead of React Flow's "Edge from cond_x to exit_y"; unchanged edges keep their object. */
function useLabelledEdges(edges: JourneyEdgeType[], nodes: JourneyNode[]): JourneyEdgeType[] {
  const cache = useRef(new Map<string, { edge: JourneyEdgeType; label: string; labelled: JourneyEdgeType }>());
  const previousOut = useRef<JourneyEdgeType[] | null>(null);
  return useMemo(() => {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const next = new Map<string, { edge: JourneyEdgeType; label: string; labelled: JourneyEdgeType }>();
    const out = edges.map((e) => {
      const source = byId.get(e.source);
      const target = byId.get(e.target);
      const outputs = source ? kindDefinition(source.type).outputs(source.data.config) : [];
      const output = outputs.length > 1 ? ` (${outputs.find((o) => o.key === e.sourceHandle)?.label ?? e.sourceHandle})` : '';
      const label = `Connection ${source ? stepTitle(source) : e.source}${output} → ${target ? stepTitle(target) : e.target}`;
      const old = cache.current.get(e.id);
      // The ids stay readable for tools and tests, which the spoken label no longer carries.
      const ids = { 'data-source': e.source, 'data-target': e.target } as SVGAttributes<SVGGElement>;
      const labelled = old && old.edge === e && old.label === label ? old.labelled : { ...e, ariaLabel: label, domAttributes: ids };
      next.set(e.id, { edge: e, label, labelled });
      return labelled;
    });
    cache.current = next;
    // Moving a step changes no edge: hand React Flow the same array then.
    const last = previousOut.current;
    if (last && last.length === out.length && out.every((e, i) => e === last[i])) return last;
    previousOut.current = out;
    return out;
  }, [edges, nodes]);
}

function miniMapColor(node: Node): string {
  const kind = nodeKindSchema.safeParse(node.type);
  return kind.success ? `var(--mantine-color-${KIND_META[kind.data].color}-4)` : 'var(--mantine-color-gray-4)';
}

export function Canvas() {
  const store = useEditorStoreApi();
  const readOnly = useEditorReadOnly();
  const flow = useReactFlow();
  // Handlers are store methods (stable), so React Flow gets the same functions on every render.
  const { nodes, edges, onNodesChange, onEdgesChange, onConnect, onReconnect, isValidConnection } = useEditor(
    useShallow((s) => ({
      nodes: s.nodes,
      edges: s.edges,
      onNodesChange: s.onNodesChange,
      onEdgesChange: s.onEdgesChange,
      onConnect: s.onConnect,
      onReconnect: s.onReconnect,
      isValidConnection: s.isValidConnection,
    })),
  );
  const labelledNodes = useMemo(() => nodes.map(withLabel), [nodes]);
  const labelledEdges = useLabelledEdges(edges, nodes);
  const [opening] = useState(() => openingView(store.getState().nodes));
  const [mapShown, setMapShown] = useState(false);
  const large = nodes.length > LARGE_JOURNEY;
  // An edge dragged off its target and dropped on the pane is deleted (the React Flow pattern).
  const reconnected = useRef(true);

  const handleReconnect = useCallback(
    (old: Edge, connection: Connection) => {
      reconnected.current = true;
      onReconnect(old as JourneyEdgeType, connection);
    },
    [onReconnect],
  );
  const handleReconnectStart = useCallback(() => {
    reconnected.current = false;
  }, []);
  const handleReconnectEnd = useCallback(
    (_event: unknown, edge: Edge) => {
      if (!reconnected.current) store.getState().removeEdge(edge.id);
      reconnected.current = true;
    },
    [store],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(PALETTE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = nodeKindSchema.safeParse(event.dataTransfer.getData(PALETTE_MIME));
      if (!kind.success || readOnly) return;
      event.preventDefault();
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      store.getState().addNode(kind.data as NodeKind, { x: Math.round(at.x - NODE_WIDTH / 2), y: Math.round(at.y - NODE_HEIGHT / 2) });
    },
    [flow, readOnly, store],
  );

  return (
    <ReactFlow
      nodes={labelledNodes}
      edges={labelledEdges}
      className={focus.flow}
      ariaLabelConfig={ariaLabelConfig[readOnly ? 'reading' : 'editing']}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      defaultEdgeOptions={defaultEdgeOptions}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onConnect={onConnect}
      onReconnect={handleReconnect}
      onReconnectStart={handleReconnectStart}
      onReconnectEnd={handleReconnectEnd}
      isValidConnection={isValidConnection}
      onDragOver={onDragOver}
      onDrop={onDrop}
      // Delete, copy, paste, duplicate and undo are the editor's own shortcuts, so each is one undo step.
      deleteKeyCode={null}
      nodesDraggable={!readOnly}
      nodesConnectable={!readOnly}
      edgesReconnectable={!readOnly}
      fitView
      fitViewOptions={opening}
      onlyRenderVisibleElements={large}
      minZoom={0.1}
      maxZoom={1.5}
      proOptions={{ hideAttribution: true }}
      aria-label="Journey canvas"
    >
      <Background gap={24} color="var(--mantine-color-gray-3)" />
      {mapShown && <MiniMap pannable zoomable style={miniMapStyle} nodeColor={miniMapColor} nodeStrokeWidth={0} ariaLabel="Minimap of the journey" />}
      <Controls showInteractive={false} fitViewOptions={fitViewOptions} />
      <CanvasTools readOnly={readOnly} map={{ shown: mapShown, toggle: () => setMapShown((v) => !v) }} />
    </ReactFlow>
  );
}
