// Binds a side-panel form to one node's config in the store: the kind's zod schema validates, every edit is saved.
import { zodResolver } from '@hookform/resolvers/zod';
import { useCallback, useEffect, useRef } from 'react';
import { useForm, type FieldValues, type UseFormReturn } from 'react-hook-form';
import type { z } from 'zod';
import { useEditorStoreApi } from '../EditorContext.tsx';

export interface ConfigFormProps {
  nodeId: string;
  config: Record<string, unknown>;
}

export interface ConfigForm {
  form: UseFormReturn<FieldValues>;
  /** Replaces the whole config (switching a wait from "duration" to "time of day"). */
  replace(next: Record<string, unknown>): void;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A form over a node's config. The store stays the source of truth: edits go to it at once (drafts may be
 * incomplete; the validator says what is missing), and a change from outside (undo, redo) resets the form.
 */
export function useConfigForm(schema: z.ZodType, { nodeId, config }: ConfigFormProps): ConfigForm {
  const store = useEditorStoreApi();
  const form = useForm<FieldValues>({
    resolver: zodResolver(schema as z.ZodType<FieldValues, FieldValues>),
    defaultValues: config,
    mode: 'all',
  });
  const current = useRef(config);

  useEffect(() => {
    if (same(config, current.current)) return;
    current.current = config;
    form.reset(config);
    void form.trigger();
  }, [config, form]);

  // Show what is missing as soon as the panel opens, not only after the marketer touches a field.
  useEffect(() => {
    void form.trigger();
  }, [form]);

  useEffect(() => {
    const subscription = form.watch((values) => {
      const next = structuredClone(values) as Record<string, unknown>;
      if (same(next, current.current)) return;
      current.current = next;
      store.getState().updateConfig(nodeId, next);
    });
    return () => subscription.unsubscribe();
  }, [form, nodeId, store]);

  const replace = useCallback(
    (next: Record<string, unknown>) => {
      current.current = next;
      form.reset(next);
      store.getState().updateConfig(nodeId, next);
      void form.trigger();
    },
    [form, nodeId, store],
  );

  return { form, replace };
}
