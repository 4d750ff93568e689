// Provides the open journey's store and its reference data (templates, personas, phases) to the editor.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { EditorState, EditorStore } from './store.ts';

export interface EditorReferences {
  templates: { id: string; name: string }[];
  personas: { key: string; name: string }[];
  phases: { key: string; label: string }[];
}

const StoreContext = createContext<EditorStore | null>(null);
const ReferencesContext = createContext<EditorReferences>({ templates: [], personas: [], phases: [] });
/** An archived journey can be looked at, not changed. */
const ReadOnlyContext = createContext(false);

export function EditorProvider({ store, references, readOnly = false, children }: {
  store: EditorStore;
  references: EditorReferences;
  readOnly?: boolean;
  children: ReactNode;
}) {
  return (
    <StoreContext.Provider value={store}>
      <ReferencesContext.Provider value={references}>
        <ReadOnlyContext.Provider value={readOnly}>{children}</ReadOnlyContext.Provider>
      </ReferencesContext.Provider>
    </StoreContext.Provider>
  );
}

export function useEditorStoreApi(): EditorStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useEditor needs an <EditorProvider> around it.');
  return store;
}

/** Reads the editor store through a selector, so a component re-renders only when its slice changes. */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorStoreApi(), selector);
}

export function useReferences(): EditorReferences {
  return useContext(ReferencesContext);
}

export function useEditorReadOnly(): boolean {
  return useContext(ReadOnlyContext);
}
