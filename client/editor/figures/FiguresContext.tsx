// A journey's live figures (journeys.figures, refreshed every 10 s) handed to node cards and edges by id.
// They live in a small store of their own, apart from the editor's: a drag re-renders only what moved, and a
// refresh re-renders only the cards and edges whose figures changed.
import { useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppRouter } from '../../../server/api/router.ts';
import { useTRPC } from '../../api/trpc.ts';
import { busiestEdge } from './traffic.ts';

export type JourneyFigures = inferRouterOutputs<AppRouter>['journeys']['figures'];
export type NodeFigures = JourneyFigures['nodes'][string];

export const FIGURES_REFRESH_MS = 10_000;

interface FiguresState {
  /** Whether this journey shows figures at all (it has run: live, paused or archived). */
  enabled: boolean;
  figures: JourneyFigures | null;
  busiest: number;
  status: 'idle' | 'loading' | 'error' | 'ready';
  error: unknown;
  updatedAt: number | null;
}

type FiguresStore = StoreApi<FiguresState>;

const initial: FiguresState = { enabled: false, figures: null, busiest: 0, status: 'idle', error: null, updatedAt: null };
// Without a provider (tests, benches that render a card alone) every hook reads this empty store.
const EMPTY_STORE = createStore<FiguresState>()(() => initial);
const FiguresContext = createContext<FiguresStore>(EMPTY_STORE);

/** Journeys that have contacts in them, or had: a draft that was never published has nothing to count. */
export function showsFigures(status: string): boolean {
  return status === 'live' || status === 'paused' || status === 'archived';
}

export function FiguresProvider({ journeyId, status, children }: { journeyId: string; status: string; children: ReactNode }) {
  const trpc = useTRPC();
  const [store] = useState(() => createStore<FiguresState>()(() => initial));
  const enabled = showsFigures(status);
  const running = status === 'live' || status === 'paused';
  const query = useQuery({
    ...trpc.journeys.figures.queryOptions({ id: journeyId }),
    enabled,
    // Contacts keep moving through a running journey; an archived one only ever loses its waiting contacts.
    refetchInterval: running ? FIGURES_REFRESH_MS : false,
    refetchIntervalInBackground: false,
    staleTime: FIGURES_REFRESH_MS / 2,
  });

  useEffect(() => {
    store.setState({
      enabled,
      figures: enabled ? (query.data ?? null) : null,
      busiest: query.data ? busiestEdge(query.data.edges) : 0,
      status: !enabled ? 'idle' : query.data ? 'ready' : query.isError ? 'error' : 'loading',
      error: query.error,
      updatedAt: query.data ? query.dataUpdatedAt : null,
    });
  }, [store, enabled, query.data, query.isError, query.error, query.dataUpdatedAt]);

  return <FiguresContext.Provider value={store}>{children}</FiguresContext.Provider>;
}

function useFigures<T>(selector: (s: FiguresState) => T): T {
  return useStore(useContext(FiguresContext), selector);
}

const NONE: NodeFigures = { entered: 0, waiting: 0, passed: 0, held: 0 };

/** A node's figures, zeros for a node nobody reached yet, or null when the journey shows no figures. */
export function useNodeFigures(id: string): NodeFigures | null {
  return useFigures((s) => (s.figures ? (s.figures.nodes[id] ?? NONE) : null));
}

/** How many contacts took one output of a node, and the busiest edge's count; null when no figures show. */
export function useEdgeTraffic(source: string, output: string | null | undefined): { count: number; busiest: number } | null {
  const count = useFigures((s) => (s.figures ? (s.figures.edges[`${source}:${output ?? 'next'}`] ?? 0) : null));
  const busiest = useFigures((s) => s.busiest);
  return count === null ? null : { count, busiest };
}

/** Totals for the header: enrolled and converted, with the query's state. */
export function useFiguresTotals() {
  const enabled = useFigures((s) => s.enabled);
  const status = useFigures((s) => s.status);
  const enrolled = useFigures((s) => s.figures?.enrolled ?? 0);
  const converted = useFigures((s) => s.figures?.converted ?? 0);
  const error = useFigures((s) => s.error);
  const updatedAt = useFigures((s) => s.updatedAt);
  return { enabled, status, enrolled, converted, error, updatedAt };
}
