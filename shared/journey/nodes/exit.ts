// exit: the contact leaves the journey.
import { z } from 'zod';
import { defineKind } from './types.ts';

export const exitConfigSchema = z.object({});

export const exit = defineKind({
  label: 'Exit',
  description: 'The contact leaves the journey.',
  configSchema: exitConfigSchema,
  defaultConfig: () => ({}),
  outputs: () => [],
  summary: () => 'exit',
});
