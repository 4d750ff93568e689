// The editor store of one journey: every change is one undo step, and undo/redo bring back exactly what was there.
import { describe, expect, test } from 'vitest';
import { toFlow, toGraph } from '../../client/editor/convert.ts';
import { createEditorStore, type EditorStore } from '../../client/editor/store.ts';
import { bigJourney, refs, sequentialIds, welcomeGraph } from './editor-builders.ts';

function openJourney(clock = { t: 0 }): EditorStore {
  const { graph, layout } = welcomeGraph();
  return createEditorStore(toFlow(graph, layout), { refs, newId: sequentialIds(), now: () => clock.t });
}

/** The domain graph the store holds now, without positions: what a marketer would call "the journey". */
const graphOf = (store: EditorStore) => toGraph(store.getState()).graph;
const edgeList = (store: EditorStore) => store.getState().edges.map((e) => `${e.source}.${e.sourceHandle}→${e.target}`);
const select = (store: EditorStore, ...ids: string[]) =>
  store.getState().onNodesChange(store.getState().nodes.map((n) => ({ type: 'select', id: n.id, selected: ids.includes(n.id) })));

describe('editor store', () => {
  test('adding a node gives it the kind defaults and selects it; undo removes it, redo brings it back', () => {
    const store = openJourney();
    const before = graphOf(store);
    const id = store.getState().addNode('wait', { x: 100, y: 200 });
    const added = store.getState().nodes.find((n) => n.id === id)!;
    expect(added).toMatchObject({ type: 'wait', position: { x: 100, y: 200 }, selected: true, data: { config: { mode: 'duration', duration: { amount: 1, unit: 'days' } } } });
    expect(store.getState().nodes.filter((n) => n.selected)).toHaveLength(1);
    const after = graphOf(store);

    store.getState().undo();
    expect(graphOf(store)).toEqual(before);
    store.getState().redo();
    expect(graphOf(store)).toEqual(after);
  });

  test('adding after a node connects its first free output, or inserts the step on a taken one', () => {
    const store = openJourney();
    // Leave the condition's "no" output free.
    store.getState().removeEdge('clicked:no');
    const a = store.getState().addNodeAfter('email', 'clicked');
    expect(edgeList(store)).toContain(`clicked.no→${a}`);
    expect(store.getState().nodes.find((n) => n.id === a)!.position.y).toBeGreaterThan(store.getState().nodes.find((n) => n.id === 'clicked')!.position.y);

    const b = store.getState().addNodeAfter('wait', 'welcome');
    expect(edgeList(store)).toContain(`welcome.next→${b}`);
    expect(edgeList(store)).toContain(`${b}.next→pause`);
    expect(edgeList(store)).not.toContain('welcome.next→pause');
    store.getState().undo();
    expect(edgeList(store)).toContain('welcome.next→pause');
  });

  test('a step inserted on a taken output pushes what follows down; one added beside a node does not cover it', () => {
    const store = openJourney();
    const y = (id: string) => store.getState().nodes.find((n) => n.id === id)!.position.y;
    const before = { pause: y('pause'), clicked: y('clicked'), engaged: y('engaged') };
    const inserted = store.getState().addNodeAfter('email', 'welcome');
    expect(y(inserted)).toBeGreaterThan(y('welcome'));
    expect(y('pause')).toBeGreaterThan(before.pause);
    expect(y('pause') - y(inserted)).toBeGreaterThanOrEqual(96);
    expect(y('clicked') - before.clicked).toBe(y('pause') - before.pause);
    // The trigger and the welcome email, above the insertion, stay put.
    expect(y('start')).toBe(0);
    expect(y('welcome')).toBe(150);

    store.getState().removeEdge('engaged:next');
    const at = store.getState().nodes.find((n) => n.id === 'engaged')!.position;
    // Put a node where the new one would go, then add after "engaged": the new step moves aside.
    store.getState().addNode('exit', { x: at.x, y: at.y + 96 + 80 });
    const added = store.getState().addNodeAfter('wait', 'engaged');
    const p = store.getState().nodes.find((n) => n.id === added)!.position;
    expect(p.y).toBe(at.y + 96 + 80);
    expect(p.x).toBeGreaterThan(at.x + 248);
  });

  test('connecting an output that already has an edge replaces that edge; undo brings the old one back', () => {
    const store = openJourney();
    store.getState().onConnect({ source: 'start', sourceHandle: 'next', target: 'pause' });
    expect(edgeList(store).filter((e) => e.startsWith('start.next'))).toEqual(['start.next→pause']);
    store.getState().undo();
    expect(edgeList(store).filter((e) => e.startsWith('start.next'))).toEqual(['start.next→welcome']);
  });

  test('an invalid connection changes nothing and is no undo step', () => {
    const store = openJourney();
    store.getState().onConnect({ source: 'pause', sourceHandle: 'next', target: 'start' });
    expect(store.getState().past).toHaveLength(0);
    expect(store.getState().isValidConnection({ source: 'pause', sourceHandle: 'next', target: 'start' })).toBe(false);
  });

  test('reconnecting moves an edge to another node; undo puts it back', () => {
    const store = openJourney();
    const edge = store.getState().edges.find((e) => e.id === 'clicked:no')!;
    store.getState().onReconnect(edge, { source: 'clicked', sourceHandle: 'no', target: 'done' });
    expect(edgeList(store)).toContain('clicked.no→done');
    expect(edgeList(store)).not.toContain('clicked.no→done_no');
    store.getState().undo();
    expect(edgeList(store)).toContain('clicked.no→done_no');
  });

  test('deleting a selected node removes its edges too, in one undo step', () => {
    const store = openJourney();
    select(store, 'pause');
    store.getState().deleteSelection();
    expect(store.getState().nodes.map((n) => n.id)).not.toContain('pause');
    expect(edgeList(store).some((e) => e.includes('pause'))).toBe(false);
    store.getState().undo();
    expect(store.getState().nodes.map((n) => n.id)).toContain('pause');
    expect(edgeList(store)).toEqual(expect.arrayContaining(['welcome.next→pause', 'pause.next→clicked']));
  });

  test('deleting a selected edge keeps its nodes; edge selection and node selection are no undo steps', () => {
    const store = openJourney();
    store.getState().onEdgesChange([{ type: 'select', id: 'welcome:next', selected: true }]);
    select(store, 'welcome');
    expect(store.getState().past).toHaveLength(0);
    select(store);
    store.getState().deleteSelection();
    expect(edgeList(store)).not.toContain('welcome.next→pause');
    expect(store.getState().nodes).toHaveLength(7);
    store.getState().undo();
    expect(edgeList(store)).toContain('welcome.next→pause');
  });

  test('copy and paste make new nodes with new ids, keep the edges between them, and offset each paste', () => {
    const store = openJourney();
    select(store, 'welcome', 'pause');
    store.getState().copySelection();
    store.getState().paste();
    const pasted = store.getState().nodes.filter((n) => n.selected);
    expect(pasted.map((n) => n.type)).toEqual(['email', 'wait']);
    expect(pasted.map((n) => n.id)).toEqual(['email_1', 'wait_2']);
    expect(pasted[0]!.data).toEqual({ name: 'Welcome email', config: { templateId: 'welcome', category: 'marketing', whenCapped: 'delay' } });
    expect(pasted[0]!.position).toEqual({ x: 10 + 40, y: 150 + 40 });
    // Only the edge between the two copied nodes comes along.
    expect(edgeList(store).filter((e) => e.includes('email_1') || e.includes('wait_2'))).toEqual(['email_1.next→wait_2']);

    store.getState().paste();
    expect(store.getState().nodes.filter((n) => n.selected)[0]!.position).toEqual({ x: 10 + 80, y: 150 + 80 });
    expect(store.getState().nodes).toHaveLength(11);

    store.getState().undo();
    store.getState().undo();
    expect(store.getState().nodes).toHaveLength(7);
  });

  test('a pasted config is a copy: editing it leaves the original alone', () => {
    const store = openJourney();
    select(store, 'pause');
    store.getState().copySelection();
    store.getState().paste();
    const copy = store.getState().nodes.find((n) => n.selected)!;
    expect(copy.data.config).not.toBe(store.getState().nodes.find((n) => n.id === 'pause')!.data.config);
  });

  test('duplicate copies the selection in place without touching the clipboard; undo removes the copy', () => {
    const store = openJourney();
    select(store, 'clicked');
    store.getState().duplicateSelection();
    expect(store.getState().clipboard).toBeNull();
    const copy = store.getState().nodes.find((n) => n.selected)!;
    expect(copy).toMatchObject({ id: 'condition_1', type: 'condition', position: { x: 70, y: 490 } });
    store.getState().undo();
    expect(store.getState().nodes.map((n) => n.id)).not.toContain('condition_1');
  });

  test('a config edit shows up in the validation at once, and undo brings the old config and its problems back', () => {
    const store = openJourney();
    const id = store.getState().addNodeAfter('email', 'engaged');
    store.getState().onConnect({ source: id, sourceHandle: 'next', target: 'done' });
    expect(store.getState().issuesByNode.get(id)?.map((i) => i.message)).toEqual(['Choose an email template.']);

    store.getState().updateConfig(id, { templateId: 'welcome', category: 'marketing', whenCapped: 'delay' });
    expect(store.getState().issuesByNode.get(id)).toBeUndefined();
    expect(store.getState().issues).toEqual([]);

    store.getState().undo();
    expect(store.getState().issuesByNode.get(id)?.map((i) => i.message)).toEqual(['Choose an email template.']);
    store.getState().redo();
    expect(store.getState().issues).toEqual([]);
  });

  test('typing into a config is one undo step; a pause of a second starts the next', () => {
    const clock = { t: 0 };
    const store = openJourney(clock);
    const set = (amount: number) => store.getState().updateConfig('pause', { mode: 'duration', duration: { amount, unit: 'days' } });
    set(1);
    clock.t = 300;
    set(12);
    expect(store.getState().past).toHaveLength(1);
    clock.t = 2000;
    set(5);
    expect(store.getState().past).toHaveLength(2);
    store.getState().undo();
    expect(store.getState().nodes.find((n) => n.id === 'pause')!.data.config).toEqual({ mode: 'duration', duration: { amount: 12, unit: 'days' } });
    store.getState().undo();
    expect(store.getState().nodes.find((n) => n.id === 'pause')!.data.config).toEqual({ mode: 'duration', duration: { amount: 2, unit: 'days' } });
  });

  test('renaming a node is an undo step; an empty name removes it', () => {
    const store = openJourney();
    store.getState().renameNode('pause', 'Give them time');
    expect(store.getState().nodes.find((n) => n.id === 'pause')!.data.name).toBe('Give them time');
    store.getState().renameNode('welcome', '  ');
    expect(store.getState().nodes.find((n) => n.id === 'welcome')!.data).not.toHaveProperty('name');
    store.getState().undo();
    expect(store.getState().nodes.find((n) => n.id === 'welcome')!.data.name).toBe('Welcome email');
  });

  test('a drag is one undo step however many moves it takes; undo puts the node back', () => {
    const store = openJourney();
    const { onNodesChange } = store.getState();
    onNodesChange([{ type: 'position', id: 'pause', position: { x: 30, y: 310 }, dragging: true }]);
    onNodesChange([{ type: 'position', id: 'pause', position: { x: 60, y: 320 }, dragging: true }]);
    expect(store.getState().past).toHaveLength(0);
    onNodesChange([{ type: 'position', id: 'pause', position: { x: 90, y: 330 }, dragging: false }]);
    expect(store.getState().past).toHaveLength(1);
    expect(store.getState().nodes.find((n) => n.id === 'pause')!.position).toEqual({ x: 90, y: 330 });
    store.getState().undo();
    expect(store.getState().nodes.find((n) => n.id === 'pause')!.position).toEqual({ x: 20, y: 300 });
    store.getState().redo();
    expect(store.getState().nodes.find((n) => n.id === 'pause')!.position).toEqual({ x: 90, y: 330 });
  });

  test('measuring nodes is no change to save, and the measurement replaces the estimated handles', () => {
    const store = openJourney();
    expect(store.getState().nodes.find((n) => n.id === 'pause')!.handles).toBeDefined();
    store.getState().onNodesChange([{ type: 'dimensions', id: 'pause', dimensions: { width: 248, height: 90 } }]);
    expect(store.getState().past).toHaveLength(0);
    expect(store.getState().changeCount).toBe(0);
    expect(store.getState().nodes.find((n) => n.id === 'pause')!.handles).toBeUndefined();
    expect(store.getState().nodes.find((n) => n.id === 'welcome')!.handles).toBeDefined();
  });

  test('auto-layout moves nodes in one undo step and leaves the graph alone', () => {
    const store = openJourney();
    const graph = graphOf(store);
    const positions = store.getState().nodes.map((n) => n.position);
    store.getState().layout();
    expect(store.getState().nodes.map((n) => n.position)).not.toEqual(positions);
    expect(graphOf(store)).toEqual(graph);
    store.getState().undo();
    expect(store.getState().nodes.map((n) => n.position)).toEqual(positions);
  });

  test('a new change clears the redo list; every change counts for autosave', () => {
    const store = openJourney();
    store.getState().addNode('exit', { x: 0, y: 0 });
    store.getState().undo();
    expect(store.getState().future).toHaveLength(1);
    store.getState().addNode('wait', { x: 0, y: 0 });
    expect(store.getState().future).toHaveLength(0);
    expect(store.getState().changeCount).toBe(3);
  });

  test('settings edits are undoable', () => {
    const store = openJourney();
    store.getState().updateSettings({ reentry: 'every_time', goal: null, exitEvents: ['unsubscribed'] });
    expect(store.getState().settings.reentry).toBe('every_time');
    store.getState().undo();
    expect(store.getState().settings.reentry).toBe('after_exit');
  });

  test('replacing the document (a restored version) can be undone, or start a fresh history', () => {
    const store = openJourney();
    const original = graphOf(store);
    const { graph, layout } = welcomeGraph();
    graph.nodes = graph.nodes.slice(0, 2);
    graph.edges = graph.edges.slice(0, 1);
    store.getState().replaceDocument(toFlow(graph, layout));
    expect(graphOf(store).nodes).toHaveLength(2);
    store.getState().undo();
    expect(graphOf(store)).toEqual(original);
    store.getState().replaceDocument(toFlow(graph, layout), { resetHistory: true });
    expect(store.getState().past).toHaveLength(0);
  });
});

describe('editor store at scale', () => {
  test('a 300-node journey validates clean, and a drag of one node neither revalidates nor copies other nodes', () => {
    const { graph, layout } = bigJourney(300);
    expect(graph.nodes.length).toBeGreaterThanOrEqual(298);
    const store = createEditorStore(toFlow(graph, layout), { refs, newId: sequentialIds() });
    expect(store.getState().issues).toEqual([]);
    const before = store.getState();
    store.getState().onNodesChange([{ type: 'position', id: 'wait_3', position: { x: 310, y: 2000 }, dragging: true }]);
    const after = store.getState();
    // Unchanged nodes keep their identity, so React Flow's memoised nodes do not re-render.
    expect(after.nodes.filter((n, i) => n !== before.nodes[i]).map((n) => n.id)).toEqual(['wait_3']);
    expect(after.issues).toBe(before.issues);
  });
});
