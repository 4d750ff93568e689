// email: sends one templated message to the contact.
import { z } from 'zod';
import { defineKind, NEXT } from './types.ts';

export const emailConfigSchema = z.object({
  templateId: z.string({ error: 'Choose an email template.' }).trim().min(1, 'Choose an email template.'),
  subjectOverride: z.string().trim().max(300, 'The subject is too long.').optional(),
  senderId: z.string().trim().min(1).optional(),
  /** Transactional mail bypasses quiet hours and the frequency cap, never suppression. */
  category: z.enum(['marketing', 'transactional'], { error: 'Choose marketing or transactional.' }).default('marketing'),
  /** What the frequency cap does to this email when the contact has had enough: wait or drop it. */
  whenCapped: z.enum(['delay', 'skip'], { error: 'Choose whether a capped email is delayed or skipped.' }).default('delay'),
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
