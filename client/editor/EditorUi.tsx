// The editor's keyboard and screen-reader layer: where focus goes, the outline toggle, the connect and shortcut dialogs, the live region.
import { VisuallyHidden } from '@mantine/core';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { ConnectDialog } from './ConnectDialog.tsx';
import { useEditor } from './EditorContext.tsx';
import { ShortcutsDialog } from './ShortcutsDialog.tsx';
import { useRevealNode } from './useRevealNode.ts';

export interface EditorUi {
  outlineOpen: boolean;
  toggleOutline(): void;
  openShortcuts(): void;
  /** Opens "Connect to…" for a step. */
  connectFrom(id: string): void;
  /** Selects a step, brings it into view and puts the keyboard focus on it on the canvas. */
  focusStep(id: string, options?: { select?: boolean }): void;
  /** Puts the keyboard focus on the palette's first step kind. */
  focusPalette(): void;
  /** Puts the keyboard focus on the first field of the selected step's settings. */
  editSelected(): void;
}

const UiContext = createContext<EditorUi | null>(null);

const OUTLINE_KEY = 'kairos.editor.outline';

export function canvasNodeElement(id: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-journey-canvas] .react-flow__node[data-id="${CSS.escape(id)}"]`);
}

/** Focuses what `find` returns as soon as it is there: a new node or a deferred form renders a frame or two later. */
function focusWhenThere(find: () => HTMLElement | null, tries = 30): void {
  const el = find();
  if (el) {
    el.focus({ preventScroll: true });
    return;
  }
  if (tries > 0) requestAnimationFrame(() => focusWhenThere(find, tries - 1));
}

function readOutlinePreference(): boolean {
  try {
    return localStorage.getItem(OUTLINE_KEY) === 'open';
  } catch {
    return false;
  }
}

/** The polite live region every store change speaks through ("Email step added after Trigger"). */
function LiveRegion() {
  const announcement = useEditor((s) => s.announcement);
  // The same words twice in a row must be heard twice: alternate an invisible trailing character.
  const text = announcement ? `${announcement.message}${announcement.seq % 2 === 0 ? '\u00a0' : ''}` : '';
  return (
    <VisuallyHidden role="status" aria-live="polite" aria-atomic="true" data-editor-announcer>
      {text}
    </VisuallyHidden>
  );
}

export function EditorUiProvider({ children }: { children: ReactNode }) {
  const reveal = useRevealNode();
  const [outlineOpen, setOutlineOpen] = useState(readOutlinePreference);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const [connecting, setConnecting] = useState<string | null>(null);

  const toggleOutline = useCallback(() => {
    setOutlineOpen((open) => {
      try {
        localStorage.setItem(OUTLINE_KEY, open ? 'closed' : 'open');
      } catch {
        // A browser without storage forgets the choice; the toggle still works.
      }
      return !open;
    });
  }, []);

  const focusStep = useCallback(
    (id: string, options: { select?: boolean } = {}) => {
      reveal(id, { select: options.select !== false, onlyIfHidden: true });
      focusWhenThere(() => canvasNodeElement(id));
    },
    [reveal],
  );

  const ui = useMemo<EditorUi>(
    () => ({
      outlineOpen,
      toggleOutline,
      openShortcuts: () => setShortcutsOpen(true),
      connectFrom: setConnecting,
      focusStep,
      focusPalette: () => focusWhenThere(() => document.querySelector<HTMLElement>('[data-palette] button')),
      editSelected: () =>
        focusWhenThere(() =>
          document.querySelector<HTMLElement>('[data-step-settings] input:not([disabled]), [data-step-settings] textarea, [data-step-settings] button'),
        ),
    }),
    [focusStep, outlineOpen, toggleOutline],
  );

  return (
    <UiContext.Provider value={ui}>
      {children}
      <LiveRegion />
      <ShortcutsDialog opened={shortcutsOpen} onClose={() => setShortcutsOpen(false)} />
      <ConnectDialog sourceId={connecting} onClose={() => setConnecting(null)} />
    </UiContext.Provider>
  );
}

export function useEditorUi(): EditorUi {
  const ui = useContext(UiContext);
  if (!ui) throw new Error('useEditorUi needs an <EditorUiProvider> around it.');
  return ui;
}
