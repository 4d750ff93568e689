// notify: an internal email to a team address, e.g. to hand a hot lead to sales.
import { z } from 'zod';
import { nonEmpty } from '../common.ts';
import { defineKind, NEXT } from './types.ts';

export const notifyConfigSchema = z.object({
  to: z.string().trim().pipe(z.email({ error: 'Enter the team email address to notify.' })),
  subject: nonEmpty('a subject').max(300),
  message: z.string().max(5000).default(''),
});

export const notify = defineKind({
  label: 'Notify team',
  description: 'Email your team about this contact.',
  configSchema: notifyConfigSchema,
  defaultConfig: () => ({ to: '', subject: 'Hot lead: {{ contact.email }}', message: '' }),
  outputs: () => NEXT,
  summary: (c) => `notify ${c.to}`,
});
