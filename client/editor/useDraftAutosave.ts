// Autosave of the open journey's draft: debounced, one save at a time, with the revision it is based on.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage, useTRPC } from '../api/trpc.ts';
import { toGraph } from './convert.ts';
import type { EditorStore } from './store.ts';

export type SaveStatus = 'saved' | 'unsaved' | 'saving' | 'error' | 'conflict';

const DEBOUNCE_MS = 800;

export interface DraftAutosave {
  status: SaveStatus;
  /** The server's message when saving failed or was refused as stale. */
  error: string | null;
  /** Saves now what is not saved yet; resolves true once everything is saved. */
  flush(): Promise<boolean>;
  /** The store now holds what the server has at this revision (after restoring a version). */
  markSaved(revision: number): void;
  /** The draft revision the next save (or a publish) is based on. */
  revision(): number;
}

/**
 * The revision lives here, beside the saves that advance it, rather than in the query cache: a refetch
 * of the journey racing a save could otherwise put an older revision back and make the next save stale.
 */
export function useDraftAutosave(journeyId: string, initialRevision: number, store: EditorStore, enabled: boolean): DraftAutosave {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const saveDraft = useMutation(trpc.journeys.saveDraft.mutationOptions());
  const [status, setStatus] = useState<SaveStatus>('saved');
  const [error, setError] = useState<string | null>(null);
  const savedCount = useRef(store.getState().changeCount);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const stopped = useRef(false);
  const baseRevision = useRef(initialRevision);

  const saveOnce = useCallback(async (): Promise<boolean> => {
    const state = store.getState();
    const count = state.changeCount;
    if (count === savedCount.current) return true;
    const { graph, layout } = toGraph(state);
    setStatus('saving');
    try {
      const result = await saveDraft.mutateAsync({ id: journeyId, revision: baseRevision.current, graph, layout });
      savedCount.current = count;
      baseRevision.current = result.revision;
      // Pages opened later (the journey list, this editor again) show the saved draft without a reload.
      queryClient.setQueryData(trpc.journeys.get.queryKey({ id: journeyId }), (old) => (old ? { ...old, revision: result.revision, graph, layout } : old));
      setError(null);
      setStatus(store.getState().changeCount === count ? 'saved' : 'unsaved');
      return true;
    } catch (e) {
      const conflict = e instanceof TRPCClientError && e.data?.code === 'CONFLICT';
      // A stale draft is never retried: it would overwrite newer work. The marketer reloads.
      if (conflict) stopped.current = true;
      setError(errorMessage(e));
      setStatus(conflict ? 'conflict' : 'error');
      return false;
    }
  }, [journeyId, queryClient, saveDraft.mutateAsync, store, trpc]);

  const flush = useCallback(async (): Promise<boolean> => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (stopped.current || !enabled) return store.getState().changeCount === savedCount.current;
    // One save at a time: a second one would be based on a revision the first is about to replace.
    while (inFlight.current) await inFlight.current;
    if (store.getState().changeCount === savedCount.current) return true;
    inFlight.current = saveOnce().finally(() => {
      inFlight.current = null;
    });
    const ok = await inFlight.current;
    if (ok && store.getState().changeCount !== savedCount.current) return flush();
    return ok;
  }, [enabled, saveOnce, store]);

  useEffect(() => {
    if (!enabled) return;
    return store.subscribe((state, previous) => {
      if (state.changeCount === previous.changeCount || stopped.current) return;
      setStatus((s) => (s === 'saving' ? s : 'unsaved'));
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), DEBOUNCE_MS);
    });
  }, [enabled, flush, store]);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const markSaved = useCallback((revision: number) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    baseRevision.current = revision;
    savedCount.current = store.getState().changeCount;
    setStatus('saved');
    setError(null);
  }, [store]);

  const revision = useCallback(() => baseRevision.current, []);

  return { status, error, flush, markSaved, revision };
}
