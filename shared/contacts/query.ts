// What the contacts page asks for: search, filters and a keyset cursor; shared by the page and the API.
import { flowKey, parseFlowKey } from '../reports/metrics.ts';
import { z } from 'zod';
import { phaseKeySchema, type PhaseKey } from '../lifecycle/phases.ts';

export const SUBSCRIPTION_FILTERS = ['none', 'pending', 'subscribed', 'unsubscribed'] as const;

/**
 * Contacts who moved from one phase to another in a period (`from` null: entered their first phase), as the
 * dashboard's flows count them; `since` inclusive, `until` exclusive, like the report's period.
 */
export const movedFilterSchema = z
  .object({
    from: phaseKeySchema.nullable(),
    to: phaseKeySchema,
    since: z.iso.datetime({ offset: true, error: 'moved.since: use an ISO-8601 time such as 2026-09-01T00:00:00Z.' }),
    until: z.iso.datetime({ offset: true, error: 'moved.until: use an ISO-8601 time such as 2026-12-01T00:00:00Z.' }),
  })
  .refine((m) => Date.parse(m.since) < Date.parse(m.until), { message: 'moved: the period must end after it starts.', path: ['until'] });
export type MovedFilter = z.infer<typeof movedFilterSchema>;

export const contactListInputSchema = z.object({
  q: z.string().max(200).optional(),
  /** A persona key, or "none" for contacts without a persona. */
  persona: z.string().min(1).max(100).optional(),
  phase: phaseKeySchema.optional(),
  subscription: z.enum(SUBSCRIPTION_FILTERS).optional(),
  moved: movedFilterSchema.optional(),
  /** Contacts older than this id (the next page). */
  after: z.string().max(100).optional(),
  /** Contacts newer than this id (the previous page). */
  before: z.string().max(100).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ContactListInput = z.infer<typeof contactListInputSchema>;

/**
 * The Contacts page's `?moved=from>to&from=ISO&to=ISO` (the dashboard's link for one flow; `>to` for a first phase)
 * as a filter, or the reason it is not one.
 */
export function parseMovedParams(
  moved: string | null,
  from: string | null,
  to: string | null,
): { ok: true; filter: MovedFilter } | { ok: false; error: string } | null {
  if (!moved) return null;
  if (!moved.includes('>')) return { ok: false, error: 'The link names no phase change ("moved" should read like customer>lapsed).' };
  const flow = parseFlowKey(moved);
  const parsed = movedFilterSchema.safeParse({
    from: flow.from,
    to: flow.to,
    since: from ?? '',
    until: to ?? '',
  });
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => i.message).join(' ') };
  return { ok: true, filter: parsed.data };
}

/** The same filter as the search params that link to it. */
export function movedParams(filter: { from: PhaseKey | string | null; to: string; since: string; until: string }): Record<string, string> {
  return { moved: flowKey(filter.from, filter.to), from: filter.since, to: filter.until };
}
