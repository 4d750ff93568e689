// Keyboard shortcuts of the editor: delete, copy, paste, duplicate, undo and redo (each one undo step), and the keys
// that let a journey be built without a mouse (add, connect, edit, go to a step, the outline, the list of keys).
import { useEffect } from 'react';
import type { EditorUi } from './EditorUi.tsx';
import type { EditorStore } from './store.ts';

export interface Shortcut {
  keys: string[];
  what: string;
}

/** What the `?` list shows: the canvas's own keys (React Flow's) and ours, in the order a journey is built. */
export const EDITOR_SHORTCUTS: readonly Shortcut[] = [
  { keys: ['Tab', 'Shift+Tab'], what: 'Move between the steps and connections on the canvas' },
  { keys: ['Enter', 'Space'], what: 'Select the step or connection that has the focus' },
  { keys: ['Escape'], what: 'Clear the selection' },
  { keys: ['A'], what: 'Add a step: go to the palette; the new step follows the selected one' },
  { keys: ['↑', '↓', 'Home', 'End'], what: 'In the palette: move between the kinds of step' },
  { keys: ['C'], what: 'Connect the selected step to another step' },
  { keys: ['E'], what: 'Edit the selected step: go to its settings' },
  { keys: ['F'], what: 'Go to the selected step on the canvas' },
  { keys: ['Escape'], what: 'In a step’s settings: back to the step on the canvas' },
  { keys: ['←', '↑', '→', '↓'], what: 'Move the selected step; with Shift, further' },
  { keys: ['Delete', 'Backspace'], what: 'Delete the step or connection that has the focus, or the selection' },
  { keys: ['Ctrl+C', 'Ctrl+V', 'Ctrl+D'], what: 'Copy, paste, duplicate the selection' },
  { keys: ['Ctrl+Z', 'Ctrl+Y'], what: 'Undo, redo' },
  { keys: ['O'], what: 'Show or hide the outline of the journey' },
  { keys: ['?'], what: 'Show this list' },
];

/** Typing in a field keeps the browser's own shortcuts (undo inside a text box, copy of selected text). */
function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest('input, textarea, select, [role="dialog"], [role="listbox"], [role="menu"]') !== null;
}

/** Node edits apply where the marketer is looking: on the canvas (or nothing focused), not on a panel's button. */
function onCanvas(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return true;
  return target === document.body || target.closest('[data-journey-canvas]') !== null;
}

/** Escape in a step's settings goes back to the step, unless it closes a drop-down there first. */
function leavesStepSettings(event: KeyboardEvent): boolean {
  if (event.key !== 'Escape' || !(event.target instanceof HTMLElement)) return false;
  return event.target.closest('[data-step-settings]') !== null && event.target.getAttribute('aria-expanded') !== 'true';
}

/** The canvas node or edge that has the focus, if any: Delete removes it even when it is not the selection. */
function focusedElement(target: EventTarget | null): { kind: 'node' | 'edge'; id: string } | null {
  if (!(target instanceof HTMLElement || target instanceof SVGElement)) return null;
  const el = target.closest('.react-flow__node, .react-flow__edge');
  const id = el?.getAttribute('data-id');
  if (!el || !id) return null;
  return { kind: el.classList.contains('react-flow__node') ? 'node' : 'edge', id };
}

function deleteFromKeyboard(store: EditorStore, ui: EditorUi | null, target: EventTarget | null): void {
  const s = store.getState();
  const focused = focusedElement(target);
  if (focused?.kind === 'node' && !s.nodes.find((n) => n.id === focused.id)?.selected) s.selectOnly(focused.id);
  if (focused?.kind === 'edge' && !s.edges.find((e) => e.id === focused.id)?.selected) {
    s.selectOnly(null);
    s.onEdgesChange([{ type: 'select', id: focused.id, selected: true }]);
  }
  // The focus would fall back to the page: give it to the step before what goes (what led into it, or the edge's source).
  const now = store.getState();
  const gone = new Set(now.nodes.filter((n) => n.selected).map((n) => n.id));
  const before = focused
    ? focused.kind === 'edge'
      ? now.edges.find((e) => e.id === focused.id)?.source
      : now.edges.find((e) => e.target === focused.id && !gone.has(e.source))?.source
    : undefined;
  now.deleteSelection();
  if (focused && before && ui) ui.focusStep(before, { select: false });
}

export function useEditorShortcuts(store: EditorStore, enabled: boolean, ui: EditorUi | null = null): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      if (ui && leavesStepSettings(event)) {
        const picked = store.getState().nodes.filter((n) => n.selected);
        if (picked.length === 1) {
          event.preventDefault();
          ui.focusStep(picked[0]!.id, { select: false });
        }
        return;
      }
      if (isTextEntry(event.target)) return;
      const mod = event.ctrlKey || event.metaKey;
      const plain = !mod && !event.altKey;
      const key = event.key.toLowerCase();
      const s = store.getState();
      const selected = s.nodes.filter((n) => n.selected);
      const single = selected.length === 1 ? selected[0]!.id : null;
      let handled = true;
      // Reading keys work on a journey that cannot be changed too.
      if (ui && !mod && event.key === '?') ui.openShortcuts();
      else if (ui && plain && key === 'o') ui.toggleOutline();
      else if (ui && plain && key === 'f' && single) ui.focusStep(single, { select: false });
      else if (!enabled) handled = false;
      else if (mod && key === 'z' && !event.shiftKey) s.undo();
      else if (mod && ((key === 'z' && event.shiftKey) || key === 'y')) s.redo();
      else if (ui && plain && key === 'a') ui.focusPalette();
      else if (ui && plain && key === 'c' && single) ui.connectFrom(single);
      else if (ui && plain && key === 'e' && single) ui.editSelected();
      else if (!onCanvas(event.target)) handled = false;
      else if (!mod && (event.key === 'Delete' || event.key === 'Backspace')) deleteFromKeyboard(store, ui, event.target);
      else if (mod && key === 'c') s.copySelection();
      else if (mod && key === 'v') s.paste();
      else if (mod && key === 'd') s.duplicateSelection();
      else handled = false;
      if (handled) event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [enabled, store, ui]);
}
