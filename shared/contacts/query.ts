// What the contacts page asks for: search, filters and a keyset cursor; shared by the page and the API.
import { z } from 'zod';
import { phaseKeySchema } from '../lifecycle/phases.ts';

export const SUBSCRIPTION_FILTERS = ['none', 'pending', 'subscribed', 'unsubscribed'] as const;

export const contactListInputSchema = z.object({
  q: z.string().max(200).optional(),
  /** A persona key, or "none" for contacts without a persona. */
  persona: z.string().min(1).max(100).optional(),
  phase: phaseKeySchema.optional(),
  subscription: z.enum(SUBSCRIPTION_FILTERS).optional(),
  /** Contacts older than this id (the next page). */
  after: z.string().max(100).optional(),
  /** Contacts newer than this id (the previous page). */
  before: z.string().max(100).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ContactListInput = z.infer<typeof contactListInputSchema>;
