// The Segment spec as Kairos accepts it (identify, track, page, screen, group, alias, batch): zod schemas,
// limits, and the event each call becomes; pure. Unknown fields are allowed, as Segment allows them.
import { z } from 'zod';
import { emailSchema } from '../accounts.ts';

/** Segment's limits: 32 KB per call, 500 KB per batch request. */
export const MAX_CALL_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

export const CALL_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type CallType = (typeof CALL_TYPES)[number];

const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31);

/** ISO-8601 as the SDKs send it (a date alone is accepted too), or epoch milliseconds. */
const timeSchema = z
  .union([z.string(), z.number()], { error: 'must be an ISO-8601 date-time such as 2024-05-01T12:00:00Z' })
  .transform((v, ctx) => {
    const ms = typeof v === 'number' ? v : /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : Number.NaN;
    if (!Number.isFinite(ms) || ms < MIN_TIME || ms > MAX_TIME) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 date-time such as 2024-05-01T12:00:00Z' });
      return z.NEVER;
    }
    return ms;
  });

/** Ids arrive as strings, sometimes as numbers; empty means absent. */
// One transform instead of a pipe through a second schema: ids are checked three times per call, and the
// event API's speed is bounded by this parsing.
const idSchema = z
  .union([z.string(), z.number()], { error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .transform((v, ctx) => {
    const id = String(v).trim();
    if (id.length > 200) {
      ctx.addIssue({ code: 'custom', message: 'must be at most 200 characters' });
      return z.NEVER;
    }
    return id === '' ? undefined : id;
  });

/** A JSON object, taken as it is (a record schema would copy it key by key). */
const objectSchema = z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { error: 'must be an object' });

/** Names starting with $ are Kairos's own events ($phase_entered…): senders may not forge them. */
const eventNameSchema = z
  .string({ error: 'is required and must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((n) => !n.startsWith('$'), 'must not start with $ (reserved for Kairos events)');

const common = {
  messageId: idSchema.optional(),
  userId: idSchema.optional().nullable(),
  anonymousId: idSchema.optional().nullable(),
  timestamp: timeSchema.optional().nullable(),
  originalTimestamp: timeSchema.optional().nullable(),
  sentAt: timeSchema.optional().nullable(),
  context: objectSchema.optional().nullable(),
};

const identified = <T extends z.ZodRawShape>(shape: T) =>
  z.looseObject({ ...common, ...shape }).refine((m) => Boolean(m.userId || m.anonymousId), {
    message: 'userId or anonymousId is required',
    path: ['userId'],
  });

const identifySchema = identified({ type: z.literal('identify'), traits: objectSchema.optional().nullable() });
const trackSchema = identified({ type: z.literal('track'), event: eventNameSchema, properties: objectSchema.optional().nullable() });
const pageSchema = identified({
  type: z.literal('page'),
  name: z.string().max(200).optional().nullable(),
  category: z.string().max(200).optional().nullable(),
  properties: objectSchema.optional().nullable(),
});
const screenSchema = identified({
  type: z.literal('screen'),
  name: z.string().max(200).optional().nullable(),
  properties: objectSchema.optional().nullable(),
});
const groupSchema = identified({
  type: z.literal('group'),
  groupId: idSchema.pipe(z.string({ error: 'is required' })),
  traits: objectSchema.optional().nullable(),
});
const aliasSchema = z.looseObject({
  ...common,
  type: z.literal('alias'),
  userId: idSchema.pipe(z.string({ error: 'is required' })),
  previousId: idSchema.pipe(z.string({ error: 'is required' })),
});

export const segmentCallSchema = z.discriminatedUnion('type', [identifySchema, trackSchema, pageSchema, screenSchema, groupSchema, aliasSchema], {
  error: `must be one of ${CALL_TYPES.join(', ')}`,
});
export type SegmentCall = z.infer<typeof segmentCallSchema>;

export const batchSchema = z.looseObject({
  batch: z.array(z.unknown(), { error: 'is required and must be a list of calls' }).max(10_000),
  sentAt: timeSchema.optional().nullable(),
  context: objectSchema.optional().nullable(),
});

export type ParseResult = { ok: true; calls: SegmentCall[] } | { ok: false; error: string };

function describeIssues(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid payload';
  const path = issue.path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
    prefix,
  );
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
  return `${path || 'body'}: ${issue.message}${more}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Problems zod cannot see: a malformed traits.email, an unknown consent value. */
function traitProblem(call: SegmentCall, prefix: string): string | null {
  const where = call.type === 'identify' ? `${prefix}traits` : `${prefix}context.traits`;
  const traits = callTraits(call);
  const email = traitEmail(traits, where);
  if (!email.ok) return email.error;
  if (call.type === 'identify' && !consentIntent(traits).ok) {
    return `${where}.consent: must be true, false, "pending", "subscribed" or "unsubscribed"`;
  }
  return null;
}

/** One call of the given type from /v1/<type>; the type in the path wins over one in the body. */
export function parseSingleCall(type: CallType, body: unknown): ParseResult {
  if (!isObject(body)) return { ok: false, error: 'body: must be a JSON object' };
  const parsed = segmentCallSchema.safeParse({ ...body, type });
  if (!parsed.success) return { ok: false, error: describeIssues(parsed.error, '') };
  const problem = traitProblem(parsed.data, '');
  return problem ? { ok: false, error: problem } : { ok: true, calls: [parsed.data] };
}

/**
 * A /v1/batch body. Every call is checked before anything is stored, and one bad call refuses the batch,
 * naming it (`batch[3].event: …`); each call must also fit the per-call limit. `bodyBytes`, the size of the
 * request body, spares measuring each call when the whole body is within that limit.
 */
export function parseBatch(body: unknown, bodyBytes = Number.POSITIVE_INFINITY): ParseResult {
  if (!isObject(body)) return { ok: false, error: 'body: must be a JSON object with a batch list' };
  const envelope = batchSchema.safeParse(body);
  if (!envelope.success) return { ok: false, error: describeIssues(envelope.error, '') };
  const shared = envelope.data;
  const measure = bodyBytes > MAX_CALL_BYTES;
  const calls: SegmentCall[] = [];
  for (const [i, raw] of shared.batch.entries()) {
    if (!isObject(raw)) return { ok: false, error: `batch[${i}]: must be an object` };
    if (measure && JSON.stringify(raw).length > MAX_CALL_BYTES) return { ok: false, error: `batch[${i}]: a call may be at most 32 KB` };
    // The batch's own context and sentAt apply to every call; without them a call is parsed as it came.
    const call =
      shared.context || (shared.sentAt != null && raw.sentAt == null)
        ? { ...raw, context: shared.context || raw.context ? { ...shared.context, ...(isObject(raw.context) ? raw.context : {}) } : undefined, sentAt: raw.sentAt ?? body.sentAt }
        : raw;
    const parsed = segmentCallSchema.safeParse(call);
    if (!parsed.success) return { ok: false, error: describeIssues(parsed.error, `batch[${i}]`) };
    const problem = traitProblem(parsed.data, `batch[${i}].`);
    if (problem) return { ok: false, error: problem };
    calls.push(parsed.data);
  }
  return { ok: true, calls };
}

/**
 * When the call happened. With sentAt, the sender's clock skew is corrected as Segment does:
 * receivedAt − (sentAt − timestamp); without a timestamp, when it was received.
 */
export function callTime(call: SegmentCall, receivedAtMs: number): number {
  const at = call.timestamp ?? call.originalTimestamp;
  if (at == null) return receivedAtMs;
  if (call.sentAt == null) return at;
  return receivedAtMs - (call.sentAt - at);
}

/** The event a call is stored as: track by its name; the others as Kairos's $identify, $page, … */
export function callEvent(call: SegmentCall): { name: string; properties: Record<string, unknown> } {
  switch (call.type) {
    case 'track':
      return { name: call.event, properties: call.properties ?? {} };
    case 'identify':
      return { name: '$identify', properties: { traits: call.traits ?? {} } };
    case 'page':
      return { name: '$page', properties: { ...(call.properties ?? {}), ...(call.name ? { name: call.name } : {}), ...(call.category ? { category: call.category } : {}) } };
    case 'screen':
      return { name: '$screen', properties: { ...(call.properties ?? {}), ...(call.name ? { name: call.name } : {}) } };
    case 'group':
      return { name: '$group', properties: { groupId: call.groupId, traits: call.traits ?? {} } };
    case 'alias':
      return { name: '$alias', properties: { previousId: call.previousId, userId: call.userId } };
    default:
      return call satisfies never;
  }
}

/** The traits a call tells about the person: identify's traits, else the context's (Segment puts them there on track). */
export function callTraits(call: SegmentCall): Record<string, unknown> {
  if (call.type === 'identify') return call.traits ?? {};
  const fromContext = call.context?.traits;
  return isObject(fromContext) ? fromContext : {};
}

export type EmailResult = { ok: true; email: string | null } | { ok: false; error: string };

/** The address in traits.email, normalised; absent is fine, a malformed one is refused. */
export function traitEmail(traits: Record<string, unknown>, where: string): EmailResult {
  const raw = traits.email;
  if (raw === undefined || raw === null || raw === '') return { ok: true, email: null };
  const parsed = emailSchema.safeParse(raw);
  return parsed.success ? { ok: true, email: parsed.data } : { ok: false, error: `${where}.email: must be an email address such as ana@example.com` };
}

export const CONSENT_VALUES = {
  pending: ['pending', true, 'true', 'yes', 'opt_in'],
  subscribed: ['subscribed', 'confirmed'],
  unsubscribed: ['unsubscribed', false, 'false', 'no', 'opt_out'],
} as const;

export type ConsentIntent = 'pending' | 'subscribed' | 'unsubscribed';

/**
 * The explicit consent trait: `consent: true | "pending"` asks for a double opt-in (pending until confirmed),
 * `"subscribed"` records an opt-in the sender already confirmed, `false | "unsubscribed"` withdraws consent.
 */
export function consentIntent(traits: Record<string, unknown>): { ok: true; intent: ConsentIntent | null } | { ok: false } {
  const value = traits.consent;
  if (value === undefined || value === null || value === '') return { ok: true, intent: null };
  const v = typeof value === 'string' ? value.trim().toLowerCase() : value;
  for (const intent of ['pending', 'subscribed', 'unsubscribed'] as const) {
    if ((CONSENT_VALUES[intent] as readonly unknown[]).includes(v)) return { ok: true, intent };
  }
  return { ok: false };
}
