// The frame of every node kind's form: provides the form to its fields, lays them out, and locks them in a read-only editor.
import { Fieldset, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { FormProvider, type FieldValues, type UseFormReturn } from 'react-hook-form';
import { useEditorReadOnly } from '../EditorContext.tsx';

/**
 * `children` are locked when the editor is read-only; `unlocked` is the part that decides for itself (a split's
 * experiment settings, which a manager changes in an editor that is otherwise read-only for them).
 */
export function ConfigFormFrame({ form, children, unlocked }: { form: UseFormReturn<FieldValues>; children: ReactNode; unlocked?: ReactNode }) {
  const readOnly = useEditorReadOnly();
  return (
    <FormProvider {...form}>
      <form onSubmit={(e) => e.preventDefault()} noValidate>
        <Stack gap="sm">
          <Fieldset variant="unstyled" disabled={readOnly}>
            <Stack gap="sm">{children}</Stack>
          </Fieldset>
          {unlocked}
        </Stack>
      </form>
    </FormProvider>
  );
}
