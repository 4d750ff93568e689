// Execution state: enrollments, the step log, queued webhooks, the event cursor and the tick lease.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { EnrollmentState, IncomingEvent } from '../../../shared/journey/interpret.ts';
import { ENROLLMENT_STATUSES } from '../../../shared/journey/interpret.ts';
import { journeys } from '../schema.ts';
import { contacts } from './contacts.ts';

/**
 * A contact's run through one journey version, identified by (journey, contact, entry key). Ids are
 * time-ordered (server/ids.ts), so the primary key grows at its end; the indexes are the fewest the
 * executor's look-ups need, because every index is written again for every contact that enters.
 */
export const enrollments = sqliteTable(
  'enrollments',
  {
    id: text('id').primaryKey(),
    journeyId: text('journey_id')
      .notNull()
      .references(() => journeys.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    entryKey: text('entry_key').notNull(),
    nodeId: text('node_id').notNull(),
    status: text('status', { enum: ENROLLMENT_STATUSES }).notNull(),
    /** Due time (ms); the executor advances enrollments whose time has come. */
    wakeAt: integer('wake_at'),
    /** The event name a wait_for_event is waiting for, indexed so arriving events find their waiters. */
    awaitingEvent: text('awaiting_event'),
    /** An awaited event that arrived while the journey was paused, applied when it resumes. */
    heldEvent: text('held_event', { mode: 'json' }).$type<IncomingEvent>(),
    state: text('state', { mode: 'json' }).$type<EnrollmentState>().notNull(),
    enrolledAt: integer('enrolled_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    endedAt: integer('ended_at'),
    goalReachedAt: integer('goal_reached_at'),
    error: text('error'),
  },
  (t) => [
    // Contact first: it also serves every per-contact look-up (goals, exits, the contact's journeys).
    uniqueIndex('enrollments_identity_idx').on(t.contactId, t.journeyId, t.entryKey),
    index('enrollments_due_idx').on(t.status, t.wakeAt),
    index('enrollments_journey_node_idx').on(t.journeyId, t.status, t.nodeId),
    // Only runs waiting for an event are in it: arriving events find their waiters without touching the rest.
    index('enrollments_awaiting_idx').on(t.contactId, t.awaitingEvent).where(sql`awaiting_event IS NOT NULL`),
  ],
);

/**
 * The path of every run: one row per advance, listing the nodes it passed with their outcomes
 * (`[[nodeId, outcome], ...]`, all at `at`). The contact page reads it; per-node figures come from
 * journeyStepCounts, kept in the same transaction.
 */
export const stepLog = sqliteTable(
  'step_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    enrollmentId: text('enrollment_id')
      .notNull()
      .references(() => enrollments.id, { onDelete: 'cascade' }),
    journeyId: text('journey_id').notNull(),
    version: integer('version').notNull(),
    at: integer('at').notNull(),
    steps: text('steps', { mode: 'json' }).$type<[nodeId: string, outcome: string][]>().notNull(),
  },
  (t) => [index('step_log_enrollment_idx').on(t.enrollmentId, t.id)],
);

/**
 * How many steps each node of a journey recorded, by kind of outcome (an output taken, `waiting`,
 * `failed`, `exited`, `moved`, ...): the canvas figures, without counting the step log.
 */
export const journeyStepCounts = sqliteTable(
  'journey_step_counts',
  {
    journeyId: text('journey_id')
      .notNull()
      .references(() => journeys.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    outcome: text('outcome').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.journeyId, t.nodeId, t.outcome] })],
);

/** Webhook calls produced by webhook nodes: signed, retried with backoff, one per node visit. */
export const webhookCalls = sqliteTable(
  'webhook_calls',
  {
    id: text('id').primaryKey(),
    enrollmentId: text('enrollment_id').notNull(),
    nodeId: text('node_id').notNull(),
    visit: integer('visit').notNull(),
    url: text('url').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['queued', 'sending', 'done', 'failed'] }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    leaseUntil: integer('lease_until'),
    lastError: text('last_error'),
    responseStatus: integer('response_status'),
  },
  (t) => [uniqueIndex('webhook_calls_step_idx').on(t.enrollmentId, t.nodeId, t.visit), index('webhook_calls_due_idx').on(t.status, t.nextAttemptAt)],
);

/** Small executor state: the event cursor. */
export const executorState = sqliteTable('executor_state', {
  key: text('key').primaryKey(),
  value: integer('value').notNull(),
});

/** Which process ticks now; a lease that expires, so a crashed process never blocks the others. */
export const executorLocks = sqliteTable('executor_locks', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  leaseUntil: integer('lease_until').notNull(),
});

export type Enrollment = typeof enrollments.$inferSelect;
