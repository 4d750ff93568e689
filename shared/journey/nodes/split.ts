// split: an experiment; each contact is assigned a variant by weight, deterministically.
import { z } from 'zod';
import { defineKind, type NodeOutput } from './types.ts';

export const variantSchema = z.object({
  /** Also the output key; stays the same across versions so assignments stay stable. */
  key: z.string().regex(/^[a-z0-9_]{1,32}$/, 'Use lower-case letters, digits or _ for the variant key.'),
  label: z.string().trim().min(1, 'Name the variant.').max(60),
  weight: z.number({ error: 'Enter a weight.' }).int('Use a whole percentage.').min(0).max(100),
  /** A holdout gets no treatment: it is the control that shows what doing nothing yields. */
  holdout: z.boolean().default(false),
});

export const splitConfigSchema = z
  .object({ variants: z.array(variantSchema).min(2, 'A split needs at least two variants.').max(10, 'At most ten variants.') })
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
  }),
  outputs: draftVariants,
  summary: (c) => `split ${c.variants.map((v) => v.weight).join('/')}`,
});
