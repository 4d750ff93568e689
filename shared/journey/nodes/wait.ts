// wait: holds the contact for a duration, until a local time of day, or relative to a date trait.
import { z } from 'zod';
import { describeDuration, durationSchema, traitNameSchema } from '../common.ts';
import { defineKind, NEXT } from './types.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time such as 09:30.');

export const waitConfigSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('duration'), duration: durationSchema }),
  z.object({
    mode: z.literal('time_of_day'),
    /** In the contact's own time zone. */
    time: timeOfDay,
    weekdays: z.array(z.enum(WEEKDAYS)).min(1, 'Pick at least one weekday.').default([...WEEKDAYS]),
  }),
  z.object({
    mode: z.literal('relative_to_trait'),
    trait: traitNameSchema,
    offset: durationSchema.extend({ amount: z.number().int().min(0).max(100_000) }),
    direction: z.enum(['before', 'after'], { error: 'Choose before or after.' }),
    time: timeOfDay.default('09:00'),
  }),
], { error: 'Choose how long to wait.' });
export type WaitConfig = z.infer<typeof waitConfigSchema>;

export const wait = defineKind({
  label: 'Wait',
  description: 'Hold the contact for a while before the next step.',
  configSchema: waitConfigSchema,
  defaultConfig: () => ({ mode: 'duration' as const, duration: { amount: 1, unit: 'days' as const } }),
  outputs: () => NEXT,
  summary(c) {
    switch (c.mode) {
      case 'duration':
        return `wait ${describeDuration(c.duration)}`;
      case 'time_of_day':
        return `wait until ${c.time}${c.weekdays.length < 7 ? ` on ${c.weekdays.join(', ')}` : ''}`;
      case 'relative_to_trait':
        return `wait until ${describeDuration(c.offset)} ${c.direction} ${c.trait}`;
      default:
        return c satisfies never;
    }
  },
});
