// trigger: how contacts enter the journey.
import { z } from 'zod';
import { phaseKeySchema } from '../../lifecycle/phases.ts';
import { describeFilter, eventNameSchema, nonEmpty, propertyFilterSchema, traitNameSchema } from '../common.ts';
import { defineKind, NEXT } from './types.ts';

export const triggerConfigSchema = z.discriminatedUnion('on', [
  z.object({
    on: z.literal('event'),
    event: eventNameSchema,
    filters: z.array(propertyFilterSchema).default([]),
    /** Event property that identifies one run (an order or cart id): one enrollment per value. */
    entryKeyProperty: z.string().trim().min(1).optional(),
  }),
  z.object({ on: z.literal('phase_entered'), phase: phaseKeySchema }),
  z.object({ on: z.literal('persona_entered'), persona: nonEmpty('a persona') }),
  z.object({ on: z.literal('subscription_confirmed') }),
  z.object({
    on: z.literal('date_anniversary'),
    trait: traitNameSchema,
    /** Hour of day in the contact's time zone. */
    hour: z.number().int().min(0).max(23).default(9),
  }),
  z.object({ on: z.literal('manual') }),
], { error: 'Choose what starts the journey.' });
export type TriggerConfig = z.infer<typeof triggerConfigSchema>;

export const trigger = defineKind({
  label: 'Trigger',
  description: 'What makes a contact enter this journey.',
  configSchema: triggerConfigSchema,
  defaultConfig: () => ({ on: 'subscription_confirmed' as const }),
  outputs: () => NEXT,
  summary(c) {
    switch (c.on) {
      case 'event':
        return `on ${c.event}${c.filters.length ? ` where ${c.filters.map(describeFilter).join(' and ')}` : ''}`;
      case 'phase_entered':
        return `enters phase ${c.phase}`;
      case 'persona_entered':
        return `becomes ${c.persona}`;
      case 'subscription_confirmed':
        return 'subscription confirmed';
      case 'date_anniversary':
        return `each year on ${c.trait}`;
      case 'manual':
        return 'added manually or by API';
      default:
        return c satisfies never;
    }
  },
  references(c) {
    if (c.on === 'phase_entered') return { phases: [c.phase] };
    if (c.on === 'persona_entered') return { personas: [c.persona] };
    return {};
  },
});
