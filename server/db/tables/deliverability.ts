// Deliverability: authenticated sending domains (DKIM keys kept encrypted with SECRET) and the bounce and complaint
// reports that arrive later by SMTP (RFC 3464 delivery status notifications, RFC 5965 feedback reports).
import { blob, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export interface StoredDkimKey {
  selector: string;
  algorithm: 'rsa' | 'ed25519';
  /** The p= value published in DNS. */
  publicKeyDns: string;
  /** encryptSecret(privateKeyPem, SECRET): never shown again, never sent to the browser. */
  privateKeyEncrypted: string;
  createdAt: number;
}

export interface StoredDnsCheck {
  at: number;
  ok: boolean;
  records: { purpose: string; name: string; status: 'ok' | 'missing' | 'wrong' | 'unreachable'; found: string | null; message: string }[];
}

/** A domain Kairos signs mail for: every sender whose address is on it (or a subdomain) is DKIM-signed with its keys. */
export const sendingDomains = sqliteTable('sending_domains', {
  id: text('id').primaryKey(),
  /** Normalised: lower-case, no trailing dot, punycode. */
  domain: text('domain').notNull().unique(),
  /** Where bounces come back: the per-message VERP Return-Path is bounce+<message>.<mac>@<bounceDomain>. */
  bounceDomain: text('bounce_domain').notNull(),
  keys: text('keys', { mode: 'json' }).$type<StoredDkimKey[]>().notNull(),
  lastCheck: text('last_check', { mode: 'json' }).$type<StoredDnsCheck>(),
  createdAt: integer('created_at').notNull(),
});

export const INBOUND_KINDS = ['bounce', 'complaint', 'unmatched'] as const;

/**
 * One report per recipient of an inbound DSN or ARF message, tied to the message it is about when it could be; an
 * unmatched or malformed one keeps its raw bytes (up to a limit) so nothing is lost.
 */
export const inboundReports = sqliteTable(
  'inbound_reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    receivedAt: integer('received_at').notNull(),
    kind: text('kind', { enum: INBOUND_KINDS }).notNull(),
    severity: text('severity', { enum: ['hard', 'soft'] }),
    messageId: text('message_id'),
    contactId: text('contact_id'),
    recipient: text('recipient'),
    status: text('status'),
    diagnostic: text('diagnostic'),
    feedbackType: text('feedback_type'),
    /** Why it is unmatched, or what was done: "suppressed", "counted (2 of 3 in 7 days)", … */
    note: text('note').notNull().default(''),
    envelopeFrom: text('envelope_from').notNull().default(''),
    envelopeTo: text('envelope_to').notNull().default(''),
    raw: blob('raw', { mode: 'buffer' }),
    size: integer('size').notNull().default(0),
  },
  (t) => [
    index('inbound_reports_recipient_idx').on(t.recipient, t.kind, t.receivedAt),
    index('inbound_reports_message_idx').on(t.messageId),
    index('inbound_reports_received_idx').on(t.receivedAt),
  ],
);

export type SendingDomain = typeof sendingDomains.$inferSelect;
export type InboundReport = typeof inboundReports.$inferSelect;
