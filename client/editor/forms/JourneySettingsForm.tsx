// Side-panel form of the journey as a whole: re-entry policy, goal, holdout and exit events.
import { Paper, Select, Stack, Switch, TagsInput, Text } from '@mantine/core';
import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useRef } from 'react';
import { Controller, FormProvider, useForm, useFormContext, type FieldValues } from 'react-hook-form';
import type { z } from 'zod';
import { journeySettingsSchema, type JourneySettings } from '../../../shared/journey/graph.ts';
import { useEditor, useEditorStoreApi } from '../EditorContext.tsx';
import { HoldoutEffectDetails, useHoldoutResult } from '../figures/HoldoutEffect.tsx';
import { CLOSED_DROPDOWN, NumberField, SwitchField, TextField } from './fields.tsx';

const REENTRY = [
  { value: 'once', label: 'Only once, ever' },
  { value: 'after_exit', label: 'Again after leaving' },
  { value: 'every_time', label: 'Every time (runs side by side)' },
];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A share usual for a holdout: enough held out to measure, few enough that most contacts get the journey. */
const HOLDOUT_PERCENT = 5;

/** The journey holdout: a switch and the share, which measure the goal, so they need one. */
function Holdout({ hasGoal }: { hasGoal: boolean }) {
  const { watch, setValue } = useFormContext();
  const holdout = watch('holdout') as { percent?: number } | null | undefined;
  const on = holdout !== null && holdout !== undefined;
  // The validator's word when the holdout is on and the goal was removed (experiment_needs_goal on the settings).
  const issue = useEditor((s) => s.issues.find((i) => i.code === 'experiment_needs_goal' && i.nodeId === null)?.message);
  const result = useHoldoutResult();
  return (
    <>
      <Switch
        label="Hold out a share of entering contacts"
        description="They are enrolled and followed for the goal but receive nothing, so the journey's report shows what it adds."
        checked={on}
        disabled={!on && !hasGoal}
        onChange={(e) => setValue('holdout', e.currentTarget.checked ? { percent: HOLDOUT_PERCENT } : null, { shouldValidate: true })}
      />
      {!hasGoal && (
        <Text size="xs" c={on ? 'red' : 'dimmed'} role={on ? 'alert' : undefined}>
          {on && issue ? issue : 'A holdout measures the journey goal: track a goal first.'}
        </Text>
      )}
      {on && <NumberField name="holdout.percent" label="Share held out" description="Between 1% and 50% of entering contacts." suffix="%" min={1} max={50} />}
      {result && (
        <Paper withBorder p="xs" radius="sm">
          <HoldoutEffectDetails result={result} />
        </Paper>
      )}
    </>
  );
}

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
          <Holdout hasGoal={hasGoal} />
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
