// Contacts, their events and their lifecycle phase history.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { PHASE_KEYS } from '../../../shared/lifecycle/phases.ts';
import { personas } from '../schema.ts';

const nowMs = sql`(cast(unixepoch('subsecond') * 1000 as integer))`;

/**
 * Subscription as consent paths leave it: none (known, never asked), pending (asked, not confirmed),
 * subscribed (confirmed), unsubscribed. Only consent paths change it, never an import without a consent column.
 */
export const SUBSCRIPTION_STATUSES = ['none', 'pending', 'subscribed', 'unsubscribed'] as const;

export const contacts = sqliteTable(
  'contacts',
  {
    id: text('id').primaryKey(),
    /** Normalised: trimmed and lower-cased. */
    email: text('email').notNull(),
    /** The sender's user id (Segment userId). */
    externalId: text('external_id'),
    traits: text('traits', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    personaKey: text('persona_key').references(() => personas.key, { onDelete: 'set null' }),
    /** rules: assigned by persona rules; explicit: set by a `persona` trait or by hand. */
    personaSource: text('persona_source', { enum: ['rules', 'explicit'] }),
    phase: text('phase', { enum: PHASE_KEYS }).notNull().default('prospect'),
    subscription: text('subscription', { enum: SUBSCRIPTION_STATUSES }).notNull().default('none'),
    consentAt: integer('consent_at', { mode: 'timestamp_ms' }),
    consentSource: text('consent_source'),
    consentIp: text('consent_ip'),
    /** IANA time zone, e.g. Europe/Berlin; null means the workspace default. */
    timezone: text('timezone'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
  },
  (t) => [
    uniqueIndex('contacts_email_idx').on(t.email),
    uniqueIndex('contacts_external_id_idx').on(t.externalId),
    index('contacts_persona_idx').on(t.personaKey, t.id),
    index('contacts_phase_idx').on(t.phase, t.id),
    index('contacts_subscription_idx').on(t.subscription, t.id),
  ],
);

/**
 * Everything contacts do, as senders report it, plus internal events ($phase_entered, $persona_entered,
 * $subscription_confirmed). The autoincrement id is the executor's cursor.
 */
export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    properties: text('properties', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    /** When it happened, as the sender says (Segment timestamp). */
    timestamp: integer('timestamp', { mode: 'timestamp_ms' }).notNull(),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
    /** The sender's messageId: the same message twice is stored once. */
    messageId: text('message_id'),
  },
  (t) => [
    uniqueIndex('events_message_id_idx').on(t.messageId),
    index('events_contact_name_time_idx').on(t.contactId, t.name, t.timestamp),
  ],
);

/** Every phase transition with its time and cause (a lifecycle rule, a journey node, an import, a person). */
export const phaseHistory = sqliteTable(
  'phase_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    fromPhase: text('from_phase', { enum: PHASE_KEYS }),
    toPhase: text('to_phase', { enum: PHASE_KEYS }).notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    cause: text('cause').notNull(),
  },
  (t) => [index('phase_history_contact_idx').on(t.contactId, t.at)],
);

export type Contact = typeof contacts.$inferSelect;
export type ContactEvent = typeof events.$inferSelect;
