// The frame of every node kind's form: provides the form to its fields and lays them out.
import { Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { FormProvider, type FieldValues, type UseFormReturn } from 'react-hook-form';

export function ConfigFormFrame({ form, children }: { form: UseFormReturn<FieldValues>; children: ReactNode }) {
  return (
    <FormProvider {...form}>
      <form onSubmit={(e) => e.preventDefault()} noValidate>
        <Stack gap="sm">{children}</Stack>
      </form>
    </FormProvider>
  );
}
