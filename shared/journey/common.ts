// Building blocks shared by several node kinds: durations, property filters, identifiers.
import { z } from 'zod';

export const DURATION_UNITS = ['minutes', 'hours', 'days', 'weeks'] as const;
export const durationUnitSchema = z.enum(DURATION_UNITS, { error: `Choose a unit: ${DURATION_UNITS.join(', ')}.` });
export type DurationUnit = z.infer<typeof durationUnitSchema>;

export const UNIT_MS: Record<DurationUnit, number> = {
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};

export const durationSchema = z.object({
  amount: z
    .number({ error: 'Enter a number.' })
    .int('Use a whole number.')
    .positive('Must be more than zero.')
    .max(100_000, 'That is too long.'),
  unit: durationUnitSchema,
});
export type Duration = z.infer<typeof durationSchema>;

export function durationMs(d: Duration): number {
  return d.amount * UNIT_MS[d.unit];
}

export function describeDuration(d: Duration): string {
  const unit = d.amount === 1 ? d.unit.slice(0, -1) : d.unit;
  return `${d.amount} ${unit}`;
}

export const nonEmpty = (what: string) => z.string({ error: `Enter ${what}.` }).trim().min(1, `Enter ${what}.`);

/** Event and trait names as Segment senders write them: letters, digits, _ . - $ and spaces. */
export const eventNameSchema = nonEmpty('an event name').max(200, 'The event name is too long.');
export const traitNameSchema = nonEmpty('a trait name')
  .max(200, 'The trait name is too long.')
  .regex(/^[A-Za-z_$][\w.$-]*$/, 'Use letters, digits, _ or . in trait names (e.g. plan or address.city).');

export const FILTER_OPERATORS = ['equals', 'not_equals', 'contains', 'greater_than', 'less_than', 'exists', 'not_exists'] as const;
export const filterOperatorSchema = z.enum(FILTER_OPERATORS, { error: `Choose a comparison: ${FILTER_OPERATORS.join(', ')}.` });

export const scalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof scalarSchema>;

/** One condition on a property of an event (or a trait of a contact). */
export const propertyFilterSchema = z
  .object({
    property: nonEmpty('a property name'),
    operator: filterOperatorSchema,
    value: scalarSchema.optional(),
  })
  .refine((f) => f.operator === 'exists' || f.operator === 'not_exists' || f.value !== undefined, {
    message: 'Enter the value to compare with.',
    path: ['value'],
  });
export type PropertyFilter = z.infer<typeof propertyFilterSchema>;

export function describeFilter(f: PropertyFilter): string {
  const op: Record<(typeof FILTER_OPERATORS)[number], string> = {
    equals: '=',
    not_equals: '≠',
    contains: 'contains',
    greater_than: '>',
    less_than: '<',
    exists: 'is set',
    not_exists: 'is not set',
  };
  return f.value === undefined ? `${f.property} ${op[f.operator]}` : `${f.property} ${op[f.operator]} ${JSON.stringify(f.value)}`;
}
