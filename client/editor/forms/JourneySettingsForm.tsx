// Side-panel form of the journey as a whole: re-entry policy, goal and exit events.
import { Select, Stack, Switch, TagsInput, Text } from '@mantine/core';
import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useRef } from 'react';
import { Controller, FormProvider, useForm, type FieldValues } from 'react-hook-form';
import type { z } from 'zod';
import { journeySettingsSchema, type JourneySettings } from '../../../shared/journey/graph.ts';
import { useEditor, useEditorStoreApi } from '../EditorContext.tsx';
import { CLOSED_DROPDOWN, NumberField, SwitchField, TextField } from './fields.tsx';

const REENTRY = [
  { value: 'once', label: 'Only once, ever' },
  { value: 'after_exit', label: 'Again after leaving' },
  { value: 'every_time', label: 'Every time (runs side by side)' },
];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function JourneySettingsForm() {
  const store = useEditorStoreApi();
  const settings = useEditor((s) => s.settings);
  const form = useForm<FieldValues>({
    resolver: zodResolver(journeySettingsSchema as z.ZodType<FieldValues, FieldValues>),
    defaultValues: settings,
    mode: 'all',
  });
  const current = useRef<unknown>(settings);

  useEffect(() => {
    if (same(settings, current.current)) return;
    current.current = settings;
    form.reset(settings);
  }, [settings, form]);

  useEffect(() => {
    const subscription = form.watch((values) => {
      const next = structuredClone(values) as JourneySettings;
      if (same(next, current.current)) return;
      current.current = next;
      store.getState().updateSettings(next);
    });
    return () => subscription.unsubscribe();
  }, [form, store]);

  const hasGoal = form.watch('goal') !== null && form.watch('goal') !== undefined;
  return (
    <FormProvider {...form}>
      <form onSubmit={(e) => e.preventDefault()} noValidate>
        <Stack gap="sm">
          <Controller
            control={form.control}
            name="reentry"
            render={({ field }) => (
              <Select label="A contact may enter" data={REENTRY} allowDeselect={false} comboboxProps={CLOSED_DROPDOWN} value={field.value as string} onChange={(v) => field.onChange(v ?? 'once')} />
            )}
          />
          <Switch
            label="Track a goal"
            description="A conversion counts when the goal event happens within the window after entering."
            checked={hasGoal}
            onChange={(e) =>
              form.setValue('goal', e.currentTarget.checked ? { event: 'order_completed', filters: [], windowDays: 30, exitOnGoal: false } : null, {
                shouldValidate: true,
              })
            }
          />
          {hasGoal && (
            <>
              <TextField name="goal.event" label="Goal event" placeholder="e.g. order_completed" />
              <NumberField name="goal.windowDays" label="Conversion window" suffix=" days" min={1} max={365} />
              <SwitchField name="goal.exitOnGoal" label="Leave the journey when the goal is reached" />
            </>
          )}
          <Controller
            control={form.control}
            name="exitEvents"
            render={({ field }) => (
              <TagsInput
                label="Leave the journey on these events"
                description="Type an event name and press Enter."
                value={(field.value as string[] | undefined) ?? []}
                onChange={field.onChange}
                comboboxProps={CLOSED_DROPDOWN}
              />
            )}
          />
          <Text size="xs" c="dimmed">
            Select a step on the canvas to edit it.
          </Text>
        </Stack>
      </form>
    </FormProvider>
  );
}
