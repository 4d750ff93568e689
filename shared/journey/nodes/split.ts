// split: an experiment; each contact is assigned a variant by weight, deterministically.
import { z } from 'zod';
import { eventNameSchema } from '../common.ts';
import { defineKind, type NodeOutput } from './types.ts';

export const variantSchema = z.object({
  /** Also the output key; stays the same across versions so assignments stay stable. */
  key: z.string().regex(/^[a-z0-9_]{1,32}$/, 'Use lower-case letters, digits or _ for the variant key.'),
  label: z.string().trim().min(1, 'Name the variant.').max(60),
  weight: z.number({ error: 'Enter a weight.' }).int('Use a whole percentage.').min(0).max(100),
  /** A holdout gets no treatment: it is the control that shows what doing nothing yields. */
  holdout: z.boolean().default(false),
});

const withinDays = z
  .number({ error: 'Enter a number of days.' })
  .int('Use a whole number of days.')
  .min(1, 'At least one day.')
  .max(365, 'At most 365 days.');

/**
 * What the experiment measures. `goal`: the journey goal reached within its window (after the split); `event`: a chosen
 * event within N days of entering the split; `clicked`: a click in an email of the split's branches within N days;
 * `revenue`: the sum of an event's `revenue` property per contact within N days.
 */
export const experimentMetricSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('goal') }),
    z.object({ kind: z.literal('event'), event: eventNameSchema, withinDays }),
    z.object({ kind: z.literal('clicked'), withinDays }),
    z.object({ kind: z.literal('revenue'), event: eventNameSchema, withinDays }),
  ],
  { error: 'Choose what the experiment measures.' },
);
export type ExperimentMetric = z.infer<typeof experimentMetricSchema>;

export const GUARDRAILS = ['unsubscribes', 'bounces'] as const;
export type Guardrail = (typeof GUARDRAILS)[number];

/** The experiment a split runs: set by a manager in the split's side panel, published with the journey. */
export const experimentSettingsSchema = z.object({
  hypothesis: z.string().trim().max(500, 'Keep the hypothesis under 500 characters.').default(''),
  /** Unset: the journey goal when the journey has one, else a click within 7 days (experimentMetricOf). */
  metric: experimentMetricSchema.optional(),
  /** The smallest relative lift worth detecting, in percent (10 = a 10% lift): sizes the test and its sample. */
  minimumEffect: z
    .number({ error: 'Enter the smallest lift worth detecting, in percent.' })
    .int('Use a whole percentage.')
    .min(1, 'At least 1%.')
    .max(500, 'At most 500%.')
    .default(10),
  guardrails: z.array(z.enum(GUARDRAILS)).default(['unsubscribes', 'bounces']),
});
export type ExperimentSettings = z.infer<typeof experimentSettingsSchema>;

export const DEFAULT_EXPERIMENT: ExperimentSettings = { hypothesis: '', minimumEffect: 10, guardrails: ['unsubscribes', 'bounces'] };

export const splitConfigSchema = z
  .object({
    variants: z.array(variantSchema).min(2, 'A split needs at least two variants.').max(10, 'At most ten variants.'),
    experiment: experimentSettingsSchema.default(DEFAULT_EXPERIMENT),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.variants.forEach((v, i) => {
      if (seen.has(v.key)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'key'], message: `Variant key "${v.key}" is used twice.` });
      seen.add(v.key);
    });
    const total = c.variants.reduce((sum, v) => sum + v.weight, 0);
    if (total !== 100) {
      ctx.addIssue({ code: 'custom', params: { rule: 'split_weights' }, path: ['variants'], message: `Variant weights add up to ${total}%; they must add up to 100%.` });
    }
    if (c.variants.filter((v) => v.holdout).length > 1) {
      ctx.addIssue({ code: 'custom', path: ['variants'], message: 'Only one variant can be the holdout.' });
    }
  });
export type SplitConfig = z.infer<typeof splitConfigSchema>;

function draftVariants(config: Record<string, unknown>): NodeOutput[] {
  const variants = Array.isArray(config.variants) ? config.variants : [];
  return variants.flatMap((v: unknown) => {
    if (typeof v !== 'object' || v === null) return [];
    const { key, label, weight } = v as Record<string, unknown>;
    if (typeof key !== 'string' || key === '') return [];
    const name = typeof label === 'string' && label ? label : key;
    return [{ key, label: typeof weight === 'number' ? `${name} · ${weight}%` : name }];
  });
}

export const split = defineKind({
  label: 'Split',
  description: 'A/B test: send contacts down variants by weight.',
  configSchema: splitConfigSchema,
  defaultConfig: () => ({
    variants: [
      { key: 'a', label: 'A', weight: 50, holdout: false },
      { key: 'b', label: 'B', weight: 50, holdout: false },
    ],
    experiment: { ...DEFAULT_EXPERIMENT },
  }),
  outputs: draftVariants,
  summary: (c) => `split ${c.variants.map((v) => v.weight).join('/')}`,
});
