// Keyboard shortcuts of the editor: delete, copy, paste, duplicate, undo and redo, each one undo step.
import { useEffect } from 'react';
import type { EditorStore } from './store.ts';

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

export function useEditorShortcuts(store: EditorStore, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTextEntry(event.target)) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      const s = store.getState();
      let handled = true;
      if (mod && key === 'z' && !event.shiftKey) s.undo();
      else if (mod && ((key === 'z' && event.shiftKey) || key === 'y')) s.redo();
      else if (!onCanvas(event.target)) handled = false;
      else if (!mod && (event.key === 'Delete' || event.key === 'Backspace')) s.deleteSelection();
      else if (mod && key === 'c') s.copySelection();
      else if (mod && key === 'v') s.paste();
      else if (mod && key === 'd') s.duplicateSelection();
      else handled = false;
      if (handled) event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [enabled, store]);
}
