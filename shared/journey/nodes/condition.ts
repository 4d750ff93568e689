// condition: sends the contact down "yes" or "no" by its traits, phase, persona, consent, events or engagement.
import { z } from 'zod';
import { phaseKeySchema } from '../../lifecycle/phases.ts';
import { eventNameSchema, filterOperatorSchema, nonEmpty, propertyFilterSchema, scalarSchema, traitNameSchema } from '../common.ts';
import { defineKind } from './types.ts';

export const predicateSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('trait'), trait: traitNameSchema, operator: filterOperatorSchema, value: scalarSchema.optional() }),
  z.object({ type: z.literal('phase'), phases: z.array(phaseKeySchema).min(1, 'Pick at least one phase.') }),
  z.object({ type: z.literal('persona'), personas: z.array(nonEmpty('a persona')).min(1, 'Pick at least one persona.') }),
  z.object({ type: z.literal('subscription'), status: z.enum(['pending', 'subscribed', 'unsubscribed']) }),
  z.object({
    type: z.literal('event_count'),
    event: eventNameSchema,
    filters: z.array(propertyFilterSchema).default([]),
    comparison: z.enum(['at_least', 'at_most', 'exactly']),
    count: z.number().int().min(0),
    /** Look back this many days; absent means all time. */
    withinDays: z.number().int().positive().optional(),
  }),
  z.object({
    type: z.literal('engagement'),
    action: z.enum(['opened', 'clicked']),
    /** An email node of this journey; absent means any email of this journey. */
    emailNodeId: z.string().min(1).optional(),
  }),
], { error: 'Choose what to check.' });
export type Predicate = z.infer<typeof predicateSchema>;

export const conditionConfigSchema = z.object({
  match: z.enum(['all', 'any'], { error: 'Choose whether all rules or any rule must hold.' }).default('all'),
  rules: z.array(predicateSchema).min(1, 'Add at least one rule to check.'),
});
export type ConditionConfig = z.infer<typeof conditionConfigSchema>;

export function describePredicate(p: Predicate): string {
  switch (p.type) {
    case 'trait':
      return `${p.trait} ${p.operator.replace('_', ' ')}${p.value === undefined ? '' : ` ${JSON.stringify(p.value)}`}`;
    case 'phase':
      return `phase is ${p.phases.join(' or ')}`;
    case 'persona':
      return `persona is ${p.personas.join(' or ')}`;
    case 'subscription':
      return `subscription is ${p.status}`;
    case 'event_count':
      return `${p.event} ${p.comparison.replace('_', ' ')} ${p.count}×${p.withinDays ? ` in ${p.withinDays} days` : ''}`;
    case 'engagement':
      return `${p.action} ${p.emailNodeId ? `email ${p.emailNodeId}` : 'an email of this journey'}`;
    default:
      return p satisfies never;
  }
}

export const condition = defineKind({
  label: 'Condition',
  description: 'Branch on who the contact is or what they did.',
  configSchema: conditionConfigSchema,
  defaultConfig: () => ({ match: 'all' as const, rules: [{ type: 'engagement' as const, action: 'clicked' as const }] }),
  outputs: () => [
    { key: 'yes', label: 'yes' },
    { key: 'no', label: 'no' },
  ],
  summary: (c) => `if ${c.rules.map(describePredicate).join(c.match === 'all' ? ' and ' : ' or ')}`,
  references(c) {
    return {
      phases: c.rules.flatMap((r) => (r.type === 'phase' ? r.phases : [])),
      personas: c.rules.flatMap((r) => (r.type === 'persona' ? r.personas : [])),
    };
  },
});
