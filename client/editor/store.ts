// The store of one open journey: nodes, edges, settings, undo/redo history, clipboard and live validation.
import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange, type XYPosition } from '@xyflow/react';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { JourneySettings } from '../../shared/journey/graph.ts';
import { kindDefinition, type NodeKind } from '../../shared/journey/kinds.ts';
import { validateGraph, type ReferenceContext, type ValidationIssue } from '../../shared/journey/validate.ts';
import { isValidConnection, type ConnectionAttempt } from './connection.ts';
import { edgeIdFor, toGraph, type FlowDocument } from './convert.ts';
import { autoLayout, NODE_HEIGHT, NODE_WIDTH, SIZE_HINT } from './layout.ts';
import { stepTitle } from './outline.ts';
import type { JourneyEdge, JourneyNode } from './types.ts';

/** What undo and redo restore: the document as it was, selection included. */
export interface Snapshot {
  nodes: JourneyNode[];
  edges: JourneyEdge[];
  settings: JourneySettings;
}

export interface Clipboard {
  nodes: JourneyNode[];
  /** Only the edges between copied nodes. */
  edges: JourneyEdge[];
}

export interface EditorState extends FlowDocument {
  past: Snapshot[];
  future: Snapshot[];
  clipboard: Clipboard | null;
  /** Bumped by every change worth saving (graph, settings, positions); autosave watches it. */
  changeCount: number;
  refs: ReferenceContext;
  /** Every problem of the current graph, recomputed after each change to it (not on moves or selection). */
  issues: ValidationIssue[];
  issuesByNode: ReadonlyMap<string, ValidationIssue[]>;
  /** What the last change did, in words, for the editor's polite live region; `seq` makes a repeat announce again. */
  announcement: { message: string; seq: number } | null;

  onNodesChange(changes: NodeChange<JourneyNode>[]): void;
  onEdgesChange(changes: EdgeChange<JourneyEdge>[]): void;
  onConnect(connection: ConnectionAttempt): void;
  onReconnect(oldEdge: JourneyEdge, connection: ConnectionAttempt): void;
  isValidConnection(connection: ConnectionAttempt): boolean;

  addNode(kind: NodeKind, position: XYPosition): string;
  /** Adds a node below the node, fed by its first free output (or inserted on its first output); selects it. */
  addNodeAfter(kind: NodeKind, afterId: string): string;
  updateConfig(id: string, config: Record<string, unknown>): void;
  renameNode(id: string, name: string): void;
  updateSettings(settings: JourneySettings): void;
  removeEdge(id: string): void;

  deleteSelection(): void;
  copySelection(): void;
  paste(): void;
  duplicateSelection(): void;
  selectOnly(id: string | null): void;
  layout(): void;
  announce(message: string): void;

  undo(): void;
  redo(): void;
  /** Replaces the whole document (a restored version); undoable unless `resetHistory`. */
  replaceDocument(doc: FlowDocument, options?: { resetHistory?: boolean }): void;
}

export type EditorStore = StoreApi<EditorState>;

export interface EditorOptions {
  refs: ReferenceContext;
  /** A fresh node id for a kind; tests pass a counter. */
  newId?: (kind: NodeKind) => string;
  /** For coalescing typing into one undo step; tests pass a fake clock. */
  now?: () => number;
}

const HISTORY_LIMIT = 200;
/** Config edits of one node closer together than this are one undo step (typing a name is one edit). */
const COALESCE_MS = 1000;
const PASTE_OFFSET = 40;

const ID_PREFIX: Record<NodeKind, string> = {
  trigger: 'trigger',
  email: 'email',
  wait: 'wait',
  wait_for_event: 'await',
  condition: 'cond',
  split: 'split',
  set_phase: 'phase',
  update_contact: 'update',
  notify: 'notify',
  webhook: 'hook',
  exit: 'exit',
};

/** A new node's config; every kind's default is an object (the graph schema stores configs as records). */
function defaultConfig(kind: NodeKind): Record<string, unknown> {
  return kindDefinition(kind).defaultConfig() as Record<string, unknown>;
}

function randomId(kind: NodeKind): string {
  return `${ID_PREFIX[kind]}_${Math.random().toString(36).slice(2, 8)}`;
}

function issuesOf(doc: FlowDocument, refs: ReferenceContext) {
  const issues = validateGraph(toGraph(doc).graph, refs);
  const issuesByNode = new Map<string, ValidationIssue[]>();
  for (const issue of issues) {
    if (issue.nodeId === null) continue;
    issuesByNode.set(issue.nodeId, [...(issuesByNode.get(issue.nodeId) ?? []), issue]);
  }
  return { issues, issuesByNode };
}

function snapshot(s: Snapshot): Snapshot {
  return { nodes: s.nodes, edges: s.edges, settings: s.settings };
}

/** Once React Flow has measured a node, its estimated handles (see nodeHints) must not override the measurement. */
function dropHandleHints(nodes: JourneyNode[], changes: NodeChange<JourneyNode>[]): JourneyNode[] {
  const measured = new Set(changes.flatMap((c) => (c.type === 'dimensions' ? [c.id] : [])));
  if (measured.size === 0) return nodes;
  return nodes.map((n) => {
    return measured.has(n.id) && n.handles !== undefined ? withoutHints(n) : n;
  });
}

function withoutHints(node: JourneyNode): JourneyNode {
  const { handles: _estimate, ...rest } = node;
  return rest as JourneyNode;
}

/** The node and every node reachable from it. */
function downstream(start: string, edges: readonly JourneyEdge[]): Set<string> {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const t of next.get(queue.pop()!) ?? []) {
      if (!seen.has(t)) {
        seen.add(t);
        queue.push(t);
      }
    }
  }
  return seen;
}

/** The position, moved right past any node it would cover. */
export function clearSpot(position: XYPosition, nodes: readonly JourneyNode[]): XYPosition {
  const covers = (p: XYPosition) =>
    nodes.some((n) => Math.abs(n.position.x - p.x) < NODE_WIDTH + 20 && Math.abs(n.position.y - p.y) < NODE_HEIGHT + 20);
  let spot = position;
  for (let i = 0; i < 20 && covers(spot); i++) spot = { x: spot.x + NODE_WIDTH + 40, y: spot.y };
  return spot;
}

/** "Email" for an email step without a name, its name otherwise: how announcements and the outline name a step. */
function titleOf(nodes: readonly JourneyNode[], id: string): string {
  const node = nodes.find((n) => n.id === id);
  return node ? stepTitle(node) : id;
}

function outputLabel(node: JourneyNode | undefined, key: string): string {
  if (!node) return key;
  const outputs = kindDefinition(node.type).outputs(node.data.config);
  return outputs.length > 1 ? ` (${outputs.find((o) => o.key === key)?.label ?? key})` : '';
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : `${count} ${many}`;
}

function byId(nodes: readonly JourneyNode[]): Map<string, JourneyNode> {
  return new Map(nodes.map((n) => [n.id, n]));
}

/** The edges left after adding `edge`: an output has at most one edge, so the new one replaces the old. */
function withEdge(edges: readonly JourneyEdge[], source: string, output: string, target: string): JourneyEdge[] {
  const kept = edges.filter((e) => !(e.source === source && e.sourceHandle === output));
  const id = edgeIdFor(source, output, new Set(kept.map((e) => e.id)));
  return [...kept, { id, source, sourceHandle: output, target }];
}

export function createEditorStore(initial: FlowDocument, options: EditorOptions): EditorStore {
  const newIdFor = options.newId ?? randomId;
  const now = options.now ?? Date.now;
  // The document before the drag in progress, so a whole drag is one undo step.
  let dragOrigin: Snapshot | null = null;
  // Which kind of change made the newest undo step, and when: for coalescing.
  let lastStep: { key: string; at: number } | null = null;
  let pasteCount = 0;
  let announced = 0;

  return createStore<EditorState>()((set, get) => {
    function freshId(kind: NodeKind, taken: Set<string>): string {
      let id = newIdFor(kind);
      while (taken.has(id)) id = newIdFor(kind);
      taken.add(id);
      return id;
    }

    /**
     * Applies a change to the document as one undo step. `coalesceKey` merges it into the previous
     * step when that step had the same key and is recent; `graph: false` skips revalidation (moves).
     */
    function commit(next: Partial<Snapshot>, opts: { coalesceKey?: string; graph?: boolean; before?: Snapshot } = {}) {
      const state = get();
      const before = opts.before ?? snapshot(state);
      const at = now();
      const coalesce =
        opts.coalesceKey !== undefined && lastStep?.key === opts.coalesceKey && at - lastStep.at < COALESCE_MS && state.past.length > 0;
      const past = coalesce ? state.past : [...state.past, before].slice(-HISTORY_LIMIT);
      lastStep = opts.coalesceKey === undefined ? null : { key: opts.coalesceKey, at };
      const doc = { nodes: next.nodes ?? state.nodes, edges: next.edges ?? state.edges, settings: next.settings ?? state.settings };
      set({
        ...doc,
        past,
        future: [],
        changeCount: state.changeCount + 1,
        ...(opts.graph === false ? {} : issuesOf(doc, state.refs)),
      });
    }

    function announce(message: string) {
      announced += 1;
      set({ announcement: { message, seq: announced } });
    }

    /** "Connected Email → Exit", naming the output of a step that has several. */
    function announceConnection(source: string, output: string, target: string) {
      const { nodes } = get();
      const from = nodes.find((n) => n.id === source);
      announce(`Connected ${titleOf(nodes, source)}${outputLabel(from, output)} → ${titleOf(nodes, target)}`);
    }

    function selected<T extends { selected?: boolean }>(items: readonly T[]): T[] {
      return items.filter((i) => i.selected);
    }

    /** Copies of nodes and their inner edges with new ids, moved by `offset`, selected. */
    function cloneNodes(clip: Clipboard, offset: number): { nodes: JourneyNode[]; edges: JourneyEdge[] } {
      const taken = new Set(get().nodes.map((n) => n.id));
      const ids = new Map(clip.nodes.map((n) => [n.id, freshId(n.type, taken)]));
      const nodes = clip.nodes.map(
        (n): JourneyNode => ({
          id: ids.get(n.id)!,
          type: n.type,
          position: { x: n.position.x + offset, y: n.position.y + offset },
          ...SIZE_HINT,
          data: structuredClone(n.data),
          selected: true,
        }),
      );
      const edges = clip.edges.map(
        (e): JourneyEdge => ({
          id: edgeIdFor(ids.get(e.source)!, e.sourceHandle),
          source: ids.get(e.source)!,
          sourceHandle: e.sourceHandle,
          target: ids.get(e.target)!,
        }),
      );
      return { nodes, edges };
    }

    function currentClip(): Clipboard | null {
      const { nodes, edges } = get();
      const picked = selected(nodes);
      if (picked.length === 0) return null;
      const ids = new Set(picked.map((n) => n.id));
      return {
        nodes: picked.map((n) => ({ ...n, selected: false, data: structuredClone(n.data) })),
        edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ ...e, selected: false })),
      };
    }

    function insertClones(clip: Clipboard, offset: number) {
      const { nodes, edges } = get();
      const clones = cloneNodes(clip, offset);
      commit({
        nodes: [...nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...clones.nodes],
        edges: [...edges.map((e) => (e.selected ? { ...e, selected: false } : e)), ...clones.edges],
      });
    }

    function restore(snap: Snapshot, from: 'past' | 'future') {
      const state = get();
      const current = snapshot(state);
      // A node measured since the snapshot keeps its measurement, not the estimate it had then.
      const measured = new Set(state.nodes.filter((n) => n.handles === undefined).map((n) => n.id));
      const to = { ...snap, nodes: snap.nodes.map((n) => (n.handles && measured.has(n.id) ? withoutHints(n) : n)) };
      lastStep = null;
      set({
        ...to,
        past: from === 'past' ? state.past.slice(0, -1) : [...state.past, current],
        future: from === 'past' ? [current, ...state.future] : state.future.slice(1),
        changeCount: state.changeCount + 1,
        ...issuesOf(to, state.refs),
      });
    }

    return {
      ...initial,
      past: [],
      future: [],
      clipboard: null,
      changeCount: 0,
      announcement: null,
      refs: options.refs,
      ...issuesOf(initial, options.refs),

      onNodesChange(changes) {
        const state = get();
        const moves = changes.filter((c) => c.type === 'position');
        const structural = changes.some((c) => c.type === 'add' || c.type === 'remove' || c.type === 'replace');
        if (structural) {
          commit({ nodes: applyNodeChanges(changes, state.nodes) });
          return;
        }
        if (moves.some((c) => c.dragging === true) && !dragOrigin) dragOrigin = snapshot(state);
        const nodes = dropHandleHints(applyNodeChanges(changes, state.nodes), changes);
        // A move ends with `dragging: false` (also a move by arrow keys): that is when it becomes an undo step.
        if (moves.some((c) => c.dragging === false)) {
          const before = dragOrigin ?? snapshot(state);
          dragOrigin = null;
          commit({ nodes }, { before, graph: false, coalesceKey: 'move' });
          return;
        }
        set({ nodes });
      },

      onEdgesChange(changes) {
        const state = get();
        const structural = changes.some((c) => c.type === 'add' || c.type === 'remove' || c.type === 'replace');
        const edges = applyEdgeChanges(changes, state.edges);
        if (structural) commit({ edges });
        else set({ edges });
      },

      isValidConnection(connection) {
        return isValidConnection(connection, byId(get().nodes));
      },

      onConnect(connection) {
        if (!get().isValidConnection(connection)) return;
        commit({ edges: withEdge(get().edges, connection.source, connection.sourceHandle!, connection.target) });
        announceConnection(connection.source, connection.sourceHandle!, connection.target);
      },

      onReconnect(oldEdge, connection) {
        if (!get().isValidConnection(connection)) return;
        const rest = get().edges.filter((e) => e.id !== oldEdge.id);
        commit({ edges: withEdge(rest, connection.source, connection.sourceHandle!, connection.target) });
        announceConnection(connection.source, connection.sourceHandle!, connection.target);
      },

      addNode(kind, position) {
        const state = get();
        const id = freshId(kind, new Set(state.nodes.map((n) => n.id)));
        const node: JourneyNode = { id, type: kind, position, ...SIZE_HINT, data: { config: defaultConfig(kind) }, selected: true };
        commit({
          nodes: [...state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node],
          edges: state.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
        });
        announce(`${kindDefinition(kind).label} step added, not connected yet`);
        return id;
      },

      addNodeAfter(kind, afterId) {
        const state = get();
        const after = state.nodes.find((n) => n.id === afterId);
        if (!after) return get().addNode(kind, { x: 0, y: 0 });
        const id = freshId(kind, new Set(state.nodes.map((n) => n.id)));
        const outputs = kindDefinition(after.type).outputs(after.data.config);
        const used = new Map(state.edges.filter((e) => e.source === afterId).map((e) => [e.sourceHandle, e]));
        const free = outputs.find((o) => !used.has(o.key));
        const height = after.measured?.height ?? NODE_HEIGHT;
        const outputIndex = free ? outputs.indexOf(free) : 0;
        const position = {
          x: after.position.x + (outputs.length > 1 ? (outputIndex - (outputs.length - 1) / 2) * (NODE_WIDTH + 40) : 0),
          y: after.position.y + height + 80,
        };
        const node: JourneyNode = { id, type: kind, position, ...SIZE_HINT, data: { config: defaultConfig(kind) }, selected: true };
        let edges = state.edges.map((e) => (e.selected ? { ...e, selected: false } : e));
        let others = state.nodes.map((n) => (n.selected ? { ...n, selected: false } : n));
        const label = kindDefinition(kind).label;
        const afterTitle = titleOf(state.nodes, afterId);
        let message = `${label} step added below ${afterTitle}, not connected yet`;
        if (kind === 'trigger' || !outputs[0]) {
          // Nothing leads into a trigger, and a step without outputs leads nowhere: the new step only goes beside it.
          node.position = clearSpot(node.position, others);
        } else if (free) {
          edges = withEdge(edges, afterId, free.key, id);
          node.position = clearSpot(node.position, others);
          message = `${label} step added after ${afterTitle}${outputLabel(after, free.key)}`;
        } else {
          // Every output is taken: insert the new step on the first one, and let it lead where that led.
          const old = used.get(outputs[0].key)!;
          edges = withEdge(edges, afterId, outputs[0].key, id);
          const ownOutput = kindDefinition(kind).outputs(node.data.config)[0];
          if (ownOutput) edges = withEdge(edges, id, ownOutput.key, old.target);
          message = `${label} step added after ${afterTitle}${outputLabel(after, outputs[0].key)}${ownOutput ? `, before ${titleOf(state.nodes, old.target)}` : ''}`;
          // Make room: what came after moves down by one step.
          const below = downstream(old.target, state.edges);
          others = others.map((n) =>
            below.has(n.id) && n.position.y > after.position.y ? { ...n, position: { x: n.position.x, y: n.position.y + NODE_HEIGHT + 80 } } : n,
          );
        }
        commit({ nodes: [...others, node], edges });
        announce(message);
        return id;
      },

      updateConfig(id, config) {
        const nodes = get().nodes.map((n) => (n.id === id ? { ...n, data: { ...n.data, config } } : n));
        commit({ nodes }, { coalesceKey: `config:${id}` });
      },

      renameNode(id, name) {
        // Kept as typed (a trailing space while typing); the graph schema trims it when saved.
        const nodes = get().nodes.map((n) => {
          if (n.id !== id) return n;
          const { name: _old, ...rest } = n.data;
          return { ...n, data: name.trim() ? { ...rest, name } : rest };
        });
        commit({ nodes }, { coalesceKey: `name:${id}` });
      },

      updateSettings(settings) {
        commit({ settings }, { coalesceKey: 'settings' });
      },

      removeEdge(id) {
        commit({ edges: get().edges.filter((e) => e.id !== id) });
        announce('Connection deleted');
      },

      deleteSelection() {
        const { nodes, edges } = get();
        const gone = new Set(selected(nodes).map((n) => n.id));
        const keptEdges = edges.filter((e) => !e.selected && !gone.has(e.source) && !gone.has(e.target));
        if (gone.size === 0 && keptEdges.length === edges.length) return;
        commit({ nodes: nodes.filter((n) => !gone.has(n.id)), edges: keptEdges });
        const lostEdges = edges.filter((e) => e.selected).length;
        announce(gone.size > 0 ? `${plural(gone.size, 'Step', 'steps')} deleted` : `${plural(lostEdges, 'Connection', 'connections')} deleted`);
      },

      copySelection() {
        const clip = currentClip();
        if (!clip) return;
        pasteCount = 0;
        set({ clipboard: clip });
      },

      paste() {
        const clip = get().clipboard;
        if (!clip) return;
        pasteCount += 1;
        insertClones(clip, PASTE_OFFSET * pasteCount);
        announce(`${plural(clip.nodes.length, 'Step', 'steps')} pasted`);
      },

      duplicateSelection() {
        const clip = currentClip();
        if (!clip) return;
        insertClones(clip, PASTE_OFFSET);
        announce(`${plural(clip.nodes.length, 'Step', 'steps')} duplicated`);
      },

      selectOnly(id) {
        const { nodes, edges } = get();
        set({
          nodes: nodes.map((n) => ((n.id === id) === !!n.selected ? n : { ...n, selected: n.id === id })),
          edges: edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
        });
      },

      layout() {
        const { nodes, edges } = get();
        const positions = autoLayout(nodes, edges);
        commit({ nodes: nodes.map((n) => ({ ...n, position: positions[n.id] ?? n.position })) }, { graph: false });
        announce('Steps laid out top to bottom');
      },

      announce,

      undo() {
        const previous = get().past.at(-1);
        if (!previous) return;
        restore(previous, 'past');
        announce('Undone');
      },

      redo() {
        const next = get().future[0];
        if (!next) return;
        restore(next, 'future');
        announce('Redone');
      },

      replaceDocument(doc, opts) {
        if (opts?.resetHistory) {
          lastStep = null;
          set({ ...doc, past: [], future: [], changeCount: get().changeCount + 1, ...issuesOf(doc, get().refs) });
          return;
        }
        commit(doc);
      },
    };
  });
}
