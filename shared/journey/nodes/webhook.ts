// webhook: POSTs the contact and the entry event as JSON to a URL, signed and retried.
import { z } from 'zod';
import { defineKind, NEXT } from './types.ts';

export const webhookConfigSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'Enter an http:// or https:// URL.' }),
});

export const webhook = defineKind({
  label: 'Webhook',
  description: 'Call another system with the contact as JSON.',
  configSchema: webhookConfigSchema,
  defaultConfig: () => ({ url: '' }),
  outputs: () => NEXT,
  summary: (c) => `POST ${safeHost(c.url)}`,
});

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
