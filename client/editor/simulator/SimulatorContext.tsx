// The simulator's state shared with the canvas: whether its drawer is open, and the path of the last run to
// highlight on node cards and edges. A store of its own, so the canvas re-renders only the cards on the path.
import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SimulatedPath } from './timeline.ts';

interface SimulatorState {
  opened: boolean;
  path: SimulatedPath | null;
  open(): void;
  close(): void;
  showPath(path: SimulatedPath | null): void;
}

type SimulatorStore = StoreApi<SimulatorState>;

function createSimulatorStore(): SimulatorStore {
  return createStore<SimulatorState>()((set) => ({
    opened: false,
    path: null,
    open: () => set({ opened: true }),
    // The highlighted path goes with the drawer: a path on the canvas with no result beside it explains nothing.
    close: () => set({ opened: false, path: null }),
    showPath: (path) => set({ path }),
  }));
}

// Without a provider (a card rendered alone) nothing is highlighted and nothing opens.
const EMPTY_STORE = createSimulatorStore();
const SimulatorContext = createContext<SimulatorStore>(EMPTY_STORE);

export function SimulatorStoreProvider({ children }: { children: ReactNode }) {
  const [store] = useState(createSimulatorStore);
  return <SimulatorContext.Provider value={store}>{children}</SimulatorContext.Provider>;
}

export function useSimulator<T>(selector: (s: SimulatorState) => T): T {
  return useStore(useContext(SimulatorContext), selector);
}

/** The 1-based positions at which the simulated run entered this node, or null when it did not. */
export function useSimulatedVisits(nodeId: string): number[] | null {
  return useSimulator((s) => s.path?.nodes.get(nodeId) ?? null);
}

/** Whether the simulated run took this output of a node. */
export function useSimulatedEdge(source: string, output: string | null | undefined): boolean {
  return useSimulator((s) => s.path?.edges.has(`${source}:${output ?? 'next'}`) ?? false);
}
