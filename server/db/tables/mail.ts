// Email: templates with immutable versions, layouts and partials, sender identities, suppressions and captured development mail.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { MOMENT_KEYS } from '../../../shared/lifecycle/moments.ts';

const nowMs = sql`(cast(unixepoch('subsecond') * 1000 as integer))`;

export const emailTemplates = sqliteTable('email_templates', {
  /** A readable slug (welcome, nurture_researcher) that email nodes reference. */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  /** The moment it was written for, to group the list; null for general templates. */
  moment: text('moment', { enum: MOMENT_KEYS }),
  /** Key of the layout in email_partials that wraps the body; null when the body is a whole <mjml> document. */
  layout: text('layout'),
  /** Sample properties of the entering event (an order, a cart), for previews and test sends. */
  previewEvent: text('preview_event', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
  /** The version sends use: the newest save. */
  currentVersion: integer('current_version').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
});

/** Every save is a version; a message records the version it was rendered from. */
export const emailTemplateVersions = sqliteTable(
  'email_template_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    templateId: text('template_id')
      .notNull()
      .references(() => emailTemplates.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    subject: text('subject').notNull(),
    preheader: text('preheader').notNull().default(''),
    body: text('body').notNull(),
    /** Hand-written text part; empty means generated from the HTML. */
    text: text('text').notNull().default(''),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
    createdBy: text('created_by'),
  },
  (t) => [uniqueIndex('email_template_versions_idx').on(t.templateId, t.version)],
);

export const PARTIAL_KINDS = ['layout', 'partial'] as const;

/** Shared blocks (header, footer, product card) and layouts; a change reaches every template that uses them. */
export const emailPartials = sqliteTable('email_partials', {
  key: text('key').primaryKey(),
  kind: text('kind', { enum: PARTIAL_KINDS }).notNull(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  source: text('source').notNull(),
  /** Bumped by every save: part of the compiled-template cache key. */
  revision: integer('revision').notNull().default(1),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
});

/** The From identities marketers choose from; email nodes reference them by id. */
export const senders = sqliteTable('senders', {
  id: text('id').primaryKey(),
  label: text('label').notNull(),
  fromName: text('from_name').notNull(),
  fromEmail: text('from_email').notNull(),
  replyTo: text('reply_to'),
  isDefault: integer('is_default', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
});

export const SUPPRESSION_REASONS = ['hard_bounce', 'soft_bounces', 'complaint', 'manual'] as const;

/** Addresses nothing is sent to, transactional mail included. */
export const suppressions = sqliteTable('suppressions', {
  /** Normalised: trimmed and lower-cased. */
  email: text('email').primaryKey(),
  reason: text('reason', { enum: SUPPRESSION_REASONS }).notNull(),
  detail: text('detail').notNull().default(''),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
});

/** Emails received by the built-in development SMTP server, shown on the Inbox page. */
export const capturedEmails = sqliteTable(
  'captured_emails',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** One row per envelope recipient, so the Inbox can list mail by recipient. */
    recipient: text('recipient').notNull(),
    fromAddress: text('from_address').notNull().default(''),
    subject: text('subject').notNull().default(''),
    html: text('html'),
    text: text('text'),
    headers: text('headers', { mode: 'json' }).$type<Array<[string, string]>>().notNull().default([]),
    messageIdHeader: text('message_id_header'),
    size: integer('size').notNull().default(0),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('captured_emails_recipient_idx').on(t.recipient, t.id)],
);

export type EmailTemplate = typeof emailTemplates.$inferSelect;
export type EmailTemplateVersion = typeof emailTemplateVersions.$inferSelect;
export type EmailPartial = typeof emailPartials.$inferSelect;
export type Sender = typeof senders.$inferSelect;
export type Suppression = typeof suppressions.$inferSelect;
export type CapturedEmail = typeof capturedEmails.$inferSelect;
