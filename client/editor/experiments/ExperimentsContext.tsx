// The open journey's experiments (experiments.list, refreshed with the figures) and who may change what they measure.
import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { HOLDOUT_NODE } from '../../../shared/journey/interpret.ts';
import { useTRPC } from '../../api/trpc.ts';
import { FIGURES_REFRESH_MS, showsFigures } from '../figures/FiguresContext.tsx';
import { experimentFor, type JourneyExperiment } from './experiments.ts';

/**
 * `draft`: the experiment settings are fields of the draft like any other (marketers, admins);
 * `configure`: the editor is read-only, but the settings are saved on their own (managers, experiments.configure);
 * `view`: nobody changes them here (an archived journey).
 */
export type ExperimentEditing = 'draft' | 'configure' | 'view';

interface JourneyExperimentsValue {
  journeyId: string;
  status: string;
  editing: ExperimentEditing;
}

const Context = createContext<JourneyExperimentsValue>({ journeyId: '', status: 'draft', editing: 'draft' });

export function ExperimentsProvider({ children, ...value }: JourneyExperimentsValue & { children: ReactNode }) {
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useJourneyExperiments(): JourneyExperimentsValue {
  return useContext(Context);
}

/** A journey that runs (live or paused) publishes what a manager saves; a draft or an archived one does not. */
export function publishesOnConfigure(status: string): boolean {
  return status === 'live' || status === 'paused';
}

/** The journey's experiments, newest first; empty for a journey that never ran. One query however many ask. */
export function useExperimentsList(): JourneyExperiment[] {
  const trpc = useTRPC();
  const { journeyId, status } = useJourneyExperiments();
  const enabled = journeyId !== '' && showsFigures(status);
  const query = useQuery({
    ...trpc.experiments.list.queryOptions({ journeyId }),
    enabled,
    refetchInterval: publishesOnConfigure(status) ? FIGURES_REFRESH_MS : false,
    refetchIntervalInBackground: false,
    staleTime: FIGURES_REFRESH_MS / 2,
  });
  return enabled ? (query.data ?? []) : [];
}

export function useExperimentFor(nodeId: string): JourneyExperiment | null {
  return experimentFor(useExperimentsList(), nodeId);
}

export const useHoldoutExperiment = (): JourneyExperiment | null => useExperimentFor(HOLDOUT_NODE);
