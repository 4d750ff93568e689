// email: sends one templated message to the contact.
import { z } from 'zod';
import { BEST_HOUR_WITHIN } from '../../mail/bestHour.ts';
import { defineKind, NEXT } from './types.ts';

/** How many hours a best-hour email may wait when the marketer switches the option on. */
export const DEFAULT_BEST_HOUR_WITHIN = 24;

/**
 * When the email goes: as soon as the step runs, or at the contact's best hour within N hours (the hour of the week
 * they open and click most: shared/mail/bestHour.ts). Absent means now, so configs saved before the option parse.
 */
export const sendAtSchema = z.discriminatedUnion(
  'mode',
  [
    z.object({ mode: z.literal('now') }),
    z.object({
      mode: z.literal('best_hour'),
      withinHours: z
        .number({ error: 'Enter a number of hours.' })
        .int('Use a whole number of hours.')
        .min(BEST_HOUR_WITHIN.min, `At least ${BEST_HOUR_WITHIN.min} hour.`)
        .max(BEST_HOUR_WITHIN.max, `At most ${BEST_HOUR_WITHIN.max} hours (a week).`),
    }),
  ],
  { error: 'Choose when the email goes.' },
);
export type SendAt = z.infer<typeof sendAtSchema>;

export const emailConfigSchema = z.object({
  templateId: z.string({ error: 'Choose an email template.' }).trim().min(1, 'Choose an email template.'),
  subjectOverride: z.string().trim().max(300, 'The subject is too long.').optional(),
  senderId: z.string().trim().min(1).optional(),
  /** Transactional mail bypasses quiet hours and the frequency cap, never suppression. */
  category: z.enum(['marketing', 'transactional'], { error: 'Choose marketing or transactional.' }).default('marketing'),
  /** What the frequency cap does to this email when the contact has had enough: wait or drop it. */
  whenCapped: z.enum(['delay', 'skip'], { error: 'Choose whether a capped email is delayed or skipped.' }).default('delay'),
  /** Marketing only: transactional mail answers something the contact just did and goes at once. */
  sendAt: sendAtSchema.optional(),
});
export type EmailConfig = z.infer<typeof emailConfigSchema>;

export const email = defineKind({
  label: 'Email',
  description: 'Send an email from a template.',
  configSchema: emailConfigSchema,
  defaultConfig: () => ({ templateId: '', category: 'marketing' as const, whenCapped: 'delay' as const }),
  outputs: () => NEXT,
  summary: (c) => `email: ${c.subjectOverride || c.templateId}`,
  references: (c) => ({ templates: [c.templateId] }),
});

/** Whether any email step of these nodes waits for the best hour (read loosely: a draft's configs may be incomplete). */
export function usesBestHour(nodes: readonly { kind: string; config: Record<string, unknown> }[]): boolean {
  return nodes.some((n) => n.kind === 'email' && (n.config.sendAt as { mode?: unknown } | undefined)?.mode === 'best_hour');
}
