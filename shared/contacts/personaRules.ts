// Persona assignment rules over traits and event history, and the choice of a contact's persona; pure.
import { z } from 'zod';
import { eventNameSchema, filterOperatorSchema, scalarSchema, traitNameSchema } from '../journey/common.ts';
import { compare, readPath } from '../journey/filters.ts';

export const COUNT_COMPARISONS = ['at_least', 'at_most', 'exactly'] as const;

export const traitConditionSchema = z
  .object({
    type: z.literal('trait'),
    trait: traitNameSchema,
    operator: filterOperatorSchema,
    value: scalarSchema.optional(),
  })
  .refine((c) => c.operator === 'exists' || c.operator === 'not_exists' || (c.value !== undefined && c.value !== ''), {
    message: 'Enter the value to compare with.',
    path: ['value'],
  });

export const eventCountConditionSchema = z.object({
  type: z.literal('event_count'),
  event: eventNameSchema,
  comparison: z.enum(COUNT_COMPARISONS),
  count: z.number({ error: 'Enter a number.' }).int('Use a whole number.').min(0, 'Must be 0 or more.').max(1_000_000),
  /** Only events of the last N days; absent means all time. */
  withinDays: z.number().int('Use a whole number of days.').min(1, 'Must be at least 1 day.').max(3650).optional(),
});

export const personaConditionSchema = z.discriminatedUnion('type', [traitConditionSchema, eventCountConditionSchema], {
  error: 'Choose a trait or an event count.',
});
export type PersonaCondition = z.infer<typeof personaConditionSchema>;
export type EventCountCondition = z.infer<typeof eventCountConditionSchema>;

/** A persona's rules; a persona without conditions is never assigned by rules, only explicitly. */
export const personaRuleSetSchema = z.object({
  match: z.enum(['all', 'any']).default('all'),
  conditions: z.array(personaConditionSchema).max(20, 'Use at most 20 conditions.').default([]),
});
export type PersonaRuleSet = z.infer<typeof personaRuleSetSchema>;

export const EMPTY_RULE_SET: PersonaRuleSet = { match: 'all', conditions: [] };

/** Answers how often the contact did something; the server counts in the database, tests in memory. */
export interface PersonaFacts {
  countEvents(event: string, withinDays: number | null): number;
}

export interface PersonaCandidate {
  key: string;
  rules: PersonaRuleSet;
}

export function countMatches(c: EventCountCondition, n: number): boolean {
  switch (c.comparison) {
    case 'at_least':
      return n >= c.count;
    case 'at_most':
      return n <= c.count;
    case 'exactly':
      return n === c.count;
    default:
      return c.comparison satisfies never;
  }
}

function conditionHolds(c: PersonaCondition, traits: Record<string, unknown>, facts: PersonaFacts): boolean {
  if (c.type === 'trait') return compare(readPath(traits, c.trait), c.operator, c.value);
  return countMatches(c, facts.countEvents(c.event, c.withinDays ?? null));
}

/** Whether a contact matches a rule set. Trait conditions are checked before event counts, which cost a query. */
export function matchesRuleSet(rules: PersonaRuleSet, traits: Record<string, unknown>, facts: PersonaFacts): boolean {
  if (rules.conditions.length === 0) return false;
  const ordered = [...rules.conditions].sort((a, b) => (a.type === b.type ? 0 : a.type === 'trait' ? -1 : 1));
  return rules.match === 'all'
    ? ordered.every((c) => conditionHolds(c, traits, facts))
    : ordered.some((c) => conditionHolds(c, traits, facts));
}

/** The persona an explicit `persona` trait names (by key, or by name ignoring case), if it names one. */
export function explicitPersona(traits: Record<string, unknown>, personas: readonly { key: string; name: string }[]): string | null {
  const value = traits.persona;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const wanted = value.trim().toLowerCase();
  return personas.find((p) => p.key.toLowerCase() === wanted || p.name.toLowerCase() === wanted)?.key ?? null;
}

export interface PersonaDecision {
  key: string | null;
  source: 'rules' | 'explicit' | null;
}

/**
 * A contact's persona: the one an explicit `persona` trait names, else the first candidate (in priority order)
 * whose rules match, else none.
 */
export function decidePersona(
  candidates: readonly (PersonaCandidate & { name: string })[],
  traits: Record<string, unknown>,
  facts: PersonaFacts,
): PersonaDecision {
  const explicit = explicitPersona(traits, candidates);
  if (explicit) return { key: explicit, source: 'explicit' };
  const matched = candidates.find((c) => matchesRuleSet(c.rules, traits, facts));
  return matched ? { key: matched.key, source: 'rules' } : { key: null, source: null };
}

/** Whether any rule of any candidate looks at event history (if none does, a track cannot change a persona). */
export function rulesUseEvents(candidates: readonly PersonaCandidate[]): boolean {
  return candidates.some((c) => c.rules.conditions.some((cond) => cond.type === 'event_count'));
}

export function describeCondition(c: PersonaCondition): string {
  if (c.type === 'trait') {
    const op = c.operator.replace('_', ' ');
    return c.value === undefined ? `${c.trait} ${op}` : `${c.trait} ${op} ${JSON.stringify(c.value)}`;
  }
  const times = `${c.comparison.replace('_', ' ')} ${c.count} time${c.count === 1 ? '' : 's'}`;
  return `${c.event} ${times}${c.withinDays ? ` in ${c.withinDays} days` : ''}`;
}

/** Colours a persona can have: Mantine's palette names. */
export const PERSONA_COLORS = ['gray', 'red', 'pink', 'grape', 'violet', 'indigo', 'blue', 'cyan', 'teal', 'green', 'lime', 'yellow', 'orange'] as const;

export const personaInputSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(60, 'must be at most 60 characters'),
  description: z.string().trim().max(300, 'must be at most 300 characters').default(''),
  color: z.enum(PERSONA_COLORS, { error: 'must be one of the palette colours' }),
  rules: personaRuleSetSchema,
});
export type PersonaInput = z.infer<typeof personaInputSchema>;
