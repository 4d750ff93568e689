// wait_for_event: waits until the contact does something, or gives up after a timeout.
import { z } from 'zod';
import { describeDuration, durationSchema, eventNameSchema, nonEmpty, propertyFilterSchema } from '../common.ts';
import { defineKind } from './types.ts';

export const waitForEventConfigSchema = z.object({
  event: eventNameSchema,
  filters: z.array(propertyFilterSchema).default([]),
  /** Only an event whose property equals the entering event's property counts (cart_id = cart_id). */
  correlate: z
    .object({ eventProperty: nonEmpty('the property of the awaited event'), entryProperty: nonEmpty('the property of the entry event') })
    .optional(),
  timeout: durationSchema,
});
export type WaitForEventConfig = z.infer<typeof waitForEventConfigSchema>;

export const waitForEvent = defineKind({
  label: 'Wait for event',
  description: 'Wait until the contact does something, up to a time limit.',
  configSchema: waitForEventConfigSchema,
  defaultConfig: () => ({ event: '', filters: [], timeout: { amount: 3, unit: 'days' as const } }),
  outputs: () => [
    { key: 'matched', label: 'matched' },
    { key: 'timeout', label: 'timeout' },
  ],
  summary: (c) => `wait for ${c.event}, up to ${describeDuration(c.timeout)}`,
});
