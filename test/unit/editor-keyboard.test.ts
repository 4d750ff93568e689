// What the keyboard path of the editor relies on: announcements of each change, and what "Connect to…" offers.
import { describe, expect, test } from 'vitest';
import { connectionTargets, outputChoices } from '../../client/editor/connection.ts';
import { toFlow } from '../../client/editor/convert.ts';
import { createEditorStore, type EditorStore } from '../../client/editor/store.ts';
import { DEFAULT_SETTINGS } from '../../shared/journey/graph.ts';
import { refs, sequentialIds, welcomeGraph } from './editor-builders.ts';

function openJourney(): EditorStore {
  const { graph, layout } = welcomeGraph();
  return createEditorStore(toFlow(graph, layout), { refs, newId: sequentialIds() });
}

function emptyDraft(): EditorStore {
  return createEditorStore({ nodes: [], edges: [], settings: DEFAULT_SETTINGS }, { refs, newId: sequentialIds() });
}

const said = (store: EditorStore) => store.getState().announcement?.message;
const edgeList = (store: EditorStore) => store.getState().edges.map((e) => `${e.source}.${e.sourceHandle}→${e.target}`);

describe('editor announcements', () => {
  test('building trigger → email → exit step by step says what each step did', () => {
    const store = emptyDraft();
    expect(store.getState().announcement).toBeNull();
    const trigger = store.getState().addNode('trigger', { x: 0, y: 0 });
    expect(said(store)).toBe('Trigger step added, not connected yet');
    const email = store.getState().addNodeAfter('email', trigger);
    expect(said(store)).toBe('Email step added after Trigger');
    store.getState().renameNode(email, 'Welcome');
    const exit = store.getState().addNode('exit', { x: 0, y: 400 });
    store.getState().onConnect({ source: email, sourceHandle: 'next', target: exit });
    expect(said(store)).toBe('Connected Welcome → Exit');
    expect(edgeList(store)).toEqual([`${trigger}.next→${email}`, `${email}.next→${exit}`]);
  });

  test('a step with several outputs names the output; an insertion names both neighbours', () => {
    const store = openJourney();
    store.getState().onConnect({ source: 'clicked', sourceHandle: 'no', target: 'done' });
    expect(said(store)).toBe('Connected Condition (no) → Exit');
    store.getState().addNodeAfter('wait', 'welcome');
    expect(said(store)).toBe('Wait step added after Welcome email, before Wait');
  });

  test('deleting, undoing and redoing are announced; the same message twice is announced twice', () => {
    const store = openJourney();
    store.getState().selectOnly('pause');
    store.getState().deleteSelection();
    expect(said(store)).toBe('Step deleted');
    const first = store.getState().announcement!.seq;
    store.getState().undo();
    expect(said(store)).toBe('Undone');
    store.getState().redo();
    expect(said(store)).toBe('Redone');
    store.getState().undo();
    store.getState().selectOnly(null);
    store.getState().onEdgesChange([{ type: 'select', id: 'start:next', selected: true }]);
    store.getState().deleteSelection();
    expect(said(store)).toBe('Connection deleted');
    store.getState().announce('Connection deleted');
    expect(store.getState().announcement!.seq).toBeGreaterThan(first + 3);
  });

  test('a trigger added after a step is placed beside it, never fed by it; a step after an exit is not connected', () => {
    const store = openJourney();
    store.getState().removeEdge('engaged:next');
    const trigger = store.getState().addNodeAfter('trigger', 'engaged');
    expect(edgeList(store).some((e) => e.endsWith(`→${trigger}`))).toBe(false);
    const after = store.getState().addNodeAfter('email', 'done');
    expect(said(store)).toBe('Email step added below Exit, not connected yet');
    expect(edgeList(store).some((e) => e.includes(after))).toBe(false);
    const exit = store.getState().nodes.find((n) => n.id === 'done')!.position;
    const placed = store.getState().nodes.find((n) => n.id === after)!;
    expect(placed.position.y).toBeGreaterThan(exit.y);
    expect(placed.selected).toBe(true);
  });
});

describe('connect to…', () => {
  test('the outputs of a step, free ones first, each with where it leads now', () => {
    const store = openJourney();
    store.getState().removeEdge('clicked:no');
    const clicked = store.getState().nodes.find((n) => n.id === 'clicked')!;
    expect(outputChoices(clicked, store.getState().edges)).toEqual([
      { key: 'no', label: 'no', target: null },
      { key: 'yes', label: 'yes', target: 'engaged' },
    ]);
    const exit = store.getState().nodes.find((n) => n.id === 'done')!;
    expect(outputChoices(exit, store.getState().edges)).toEqual([]);
  });

  test('the steps an output may lead to follow the canvas rules: never the trigger, itself only when it holds the contact', () => {
    const store = openJourney();
    const nodes = new Map(store.getState().nodes.map((n) => [n.id, n]));
    const ids = (source: string, output: string) => connectionTargets(source, output, nodes).map((n) => n.id);
    expect(ids('welcome', 'next')).toEqual(['pause', 'clicked', 'engaged', 'done', 'done_no']);
    expect(ids('pause', 'next')).toEqual(['welcome', 'pause', 'clicked', 'engaged', 'done', 'done_no']);
    expect(ids('welcome', 'yes')).toEqual([]);
  });
});
