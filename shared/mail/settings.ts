// Sending settings, sender identities and template inputs: one zod schema each, used by the Settings form, the API and the delivery loop.
import { z } from 'zod';
import { isTimeZone } from '../contacts/traits.ts';

const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 21:00');

export const timezoneSchema = z.string().trim().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin');

export const sendingSettingsSchema = z.object({
  /** Used for contacts without a time zone of their own. */
  defaultTimezone: timezoneSchema.default('UTC'),
  quietHours: z
    .object({
      enabled: z.boolean(),
      /** Local time in the contact's zone when marketing mail stops… */
      start: timeOfDay,
      /** …and when it may go out again. A window may cross midnight (21:00 to 08:00). */
      end: timeOfDay,
    })
    .refine((q) => q.start !== q.end, { message: 'start and end must differ', path: ['end'] })
    .default({ enabled: true, start: '21:00', end: '08:00' }),
  frequencyCap: z
    .object({
      enabled: z.boolean(),
      /** At most this many marketing emails per contact in any rolling 7 days. */
      maxPerWeek: z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100'),
    })
    .default({ enabled: true, maxPerWeek: 3 }),
  /** Shown in every marketing footer: anti-spam laws ask for the sender's name and postal address. */
  brand: z
    .object({
      name: z.string().trim().min(1, 'must not be empty').max(100),
      postalAddress: z.string().trim().min(1, 'must not be empty').max(300),
      websiteUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    })
    .default({ name: 'Kairos Shop', postalAddress: '1 Example Street, 10115 Berlin, Germany', websiteUrl: 'https://shop.example.com' }),
  smtp: z
    .object({
      /** Pooled SMTP connections open at once. */
      maxConnections: z.number().int().min(1, 'must be at least 1').max(50, 'must be at most 50'),
      /** Messages per second across the pool; 0 means no limit. */
      ratePerSecond: z.number().int().min(0, 'must be 0 (no limit) or more').max(10_000),
    })
    .default({ maxConnections: 5, ratePerSecond: 0 }),
});
export type SendingSettings = z.infer<typeof sendingSettingsSchema>;

export const DEFAULT_SENDING_SETTINGS: SendingSettings = sendingSettingsSchema.parse({});

/** Trimmed and lower-cased before the check, so a pasted address with spaces is accepted. */
export const emailAddressSchema = z.string().trim().toLowerCase().pipe(z.email('must be an email address'));
const emailAddress = emailAddressSchema;

export const senderInputSchema = z.object({
  /** What marketers pick in the email node, e.g. "Newsletter". */
  label: z.string().trim().min(1, 'must not be empty').max(80),
  fromName: z.string().trim().min(1, 'must not be empty').max(80),
  fromEmail: emailAddress,
  replyTo: z.union([emailAddress, z.literal('').transform(() => null), z.null()]).default(null),
  isDefault: z.boolean().default(false),
});
export type SenderInput = z.infer<typeof senderInputSchema>;

export const TEMPLATE_ID_PATTERN = /^[a-z0-9][a-z0-9_]{1,62}$/;

export const templateIdSchema = z
  .string()
  .trim()
  .regex(TEMPLATE_ID_PATTERN, 'must be 2–63 lower-case letters, digits or underscores, such as spring_sale');

/** What a marketer saves: every save of a template is a new version. */
export const templateContentSchema = z.object({
  subject: z.string().trim().min(1, 'must not be empty').max(300, 'must be at most 300 characters'),
  preheader: z.string().trim().max(300, 'must be at most 300 characters').default(''),
  /** MJML with Liquid: a fragment of sections when the template has a layout, a whole <mjml> document without. */
  body: z.string().min(1, 'must not be empty').max(200_000, 'is too long (200,000 characters at most)'),
  /** A hand-written plain-text part (Liquid); empty means it is generated from the HTML. */
  text: z.string().max(100_000).default(''),
});
export type TemplateContent = z.infer<typeof templateContentSchema>;

export const templateMetaSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(120),
  description: z.string().trim().max(500).default(''),
  /** The layout that wraps the body; null when the body is a whole <mjml> document. */
  layout: z.string().trim().min(1).nullable(),
});

export const partialSourceSchema = z.object({
  source: z.string().min(1, 'must not be empty').max(200_000, 'is too long'),
});

/** A problem in a template, where the editor can point at it. */
export interface TemplateIssue {
  /** Which text the line refers to. */
  field: 'subject' | 'preheader' | 'body' | 'text' | 'layout' | 'partial';
  /** 1-based; null when the problem has no line (a missing layout). */
  line: number | null;
  column: number | null;
  message: string;
}
