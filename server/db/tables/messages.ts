// Messages: one row per email a node (or the consent system) produces; the executor queues, the delivery loop sends.
import { sql } from 'drizzle-orm';
import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { contacts } from './contacts.ts';

export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'failed', 'suppressed'] as const;

export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    /** Null for mail outside journeys (the double opt-in confirmation, test sends). */
    enrollmentId: text('enrollment_id'),
    journeyId: text('journey_id'),
    nodeId: text('node_id'),
    /** Which visit of the node this is (a node in a loop is visited again). */
    visit: integer('visit').notNull().default(1),
    templateId: text('template_id').notNull(),
    templateVersion: integer('template_version'),
    /** What rendering needs besides the contact: the entry event, the node's subject override, sender. */
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    category: text('category', { enum: ['marketing', 'transactional'] }).notNull(),
    whenCapped: text('when_capped', { enum: ['delay', 'skip'] }).notNull().default('delay'),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
    /** A sender holds the message until then; past it, a crashed send is retried. */
    leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }),
    /** Rendered just before sending and kept once sent. */
    subject: text('subject'),
    /** Sent email HTML is kept deflated in html_deflated (see server/mail/archive.ts); this column stays empty for it. */
    html: text('html'),
    text: text('text'),
    /**
     * The sent HTML, raw-deflated: storing ~20 kB per email uncompressed cost more than sending it, and
     * MJML's markup compresses about six times.
     */
    htmlDeflated: blob('html_deflated', { mode: 'buffer' }),
    messageIdHeader: text('message_id_header'),
    providerId: text('provider_id'),
    error: text('error'),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
    firstOpenedAt: integer('first_opened_at', { mode: 'timestamp_ms' }),
    openCount: integer('open_count').notNull().default(0),
    firstClickedAt: integer('first_clicked_at', { mode: 'timestamp_ms' }),
    clickCount: integer('click_count').notNull().default(0),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull().default(sql`(cast(unixepoch('subsecond') * 1000 as integer))`),
  },
  (t) => [
    // A retried step never produces a second email.
    uniqueIndex('messages_step_visit_idx').on(t.enrollmentId, t.nodeId, t.visit),
    index('messages_due_idx').on(t.status, t.nextAttemptAt),
    index('messages_contact_idx').on(t.contactId, t.createdAt),
  ],
);

export type Message = typeof messages.$inferSelect;
