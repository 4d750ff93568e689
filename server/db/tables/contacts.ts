// Contacts, their events and their lifecycle phase history.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
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
    /** Display name taken from the traits (name, or firstName + lastName); null when they name nobody. */
    name: text('name'),
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
    /** Last purchase or engagement (or confirmed opt-in, or creation): the daily lapse check compares it with the inactivity window. */
    lastActiveAt: integer('last_active_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
    /** The contact whose referral link brought this one in (recorded when this one confirms); null otherwise. */
    referredBy: text('referred_by'),
    referredAt: integer('referred_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull().default(nowMs),
  },
  (t) => [
    uniqueIndex('contacts_email_idx').on(t.email),
    uniqueIndex('contacts_external_id_idx').on(t.externalId),
    index('contacts_persona_idx').on(t.personaKey, t.id),
    index('contacts_phase_idx').on(t.phase, t.id),
    index('contacts_subscription_idx').on(t.subscription, t.id),
    // The daily lapse check reads, per lapsing phase, contacts inactive since before the cutoff.
    index('contacts_phase_active_idx').on(t.phase, t.lastActiveAt),
    // Contacts per persona and phase (the dashboard, the matrix cells) as an index-only count, not a read of every row.
    index('contacts_persona_phase_idx').on(t.personaKey, t.phase),
    // Who a contact referred: the contact page lists them. Partial: most contacts were referred by nobody.
    index('contacts_referred_by_idx').on(t.referredBy).where(sql`referred_by IS NOT NULL`),
  ],
);

/** Search terms of a contact (its email, each word of its name), normalised, so search is an index range scan. */
export const contactSearchTerms = sqliteTable(
  'contact_search_terms',
  {
    term: text('term').notNull(),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.term, t.contactId] }), index('contact_search_terms_contact_idx').on(t.contactId)],
);

/** Segment anonymousIds seen for a contact: later calls with only the anonymousId reach the same contact. */
export const contactAliases = sqliteTable(
  'contact_aliases',
  {
    anonymousId: text('anonymous_id').primaryKey(),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
  },
  (t) => [index('contact_aliases_contact_idx').on(t.contactId)],
);

/**
 * Calls about someone not yet known by email (a userId or anonymousId Kairos has no contact for): kept until an
 * identify names the email, then replayed onto that contact in the order they arrived.
 */
export const unresolvedCalls = sqliteTable(
  'unresolved_calls',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id'),
    anonymousId: text('anonymous_id'),
    /** The Segment message as received (validated), replayed when the person becomes known. */
    message: text('message', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    messageId: text('message_id'),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
    ip: text('ip'),
  },
  (t) => [
    uniqueIndex('unresolved_calls_message_id_idx').on(t.messageId),
    index('unresolved_calls_user_idx').on(t.userId),
    index('unresolved_calls_anonymous_idx').on(t.anonymousId),
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
    /** Recorded but starts no journey: a quiet CSV import writes its consent and phase events this way. */
    quiet: integer('quiet', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    uniqueIndex('events_message_id_idx').on(t.messageId),
    // Also serves a contact's timeline (sorted per contact): a second per-contact index would double the pages every
    // ingested event dirties, and those page writes bound ingestion speed.
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
  (t) => [
    index('phase_history_contact_idx').on(t.contactId, t.at),
    // The Contacts page's "moved from X to Y in the period" filter, which the dashboard's flows link to.
    index('phase_history_flow_idx').on(t.toPhase, t.at),
  ],
);

export type Contact = typeof contacts.$inferSelect;
export type ContactEvent = typeof events.$inferSelect;
export type PhaseHistoryEntry = typeof phaseHistory.$inferSelect;
