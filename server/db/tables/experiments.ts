// Experiments: every split of a live journey and every journey holdout, who was assigned which arm, and the per-day
// counts the report reads (so a report over a million contacts adds up a few hundred rows, never the members).
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { EXPERIMENT_KINDS, EXPERIMENT_STATUSES, type ExperimentDesign } from '../../../shared/experiments/design.ts';
import type { ExperimentReport } from '../../../shared/stats/index.ts';
import { journeys } from '../schema.ts';

/**
 * One experiment: a split node (or the journey holdout, node '$holdout') from the version it started in until it is
 * stopped, shipped, or its design changes (then a new one starts). At most one runs per (journey, node).
 */
export const experiments = sqliteTable(
  'experiments',
  {
    id: text('id').primaryKey(),
    journeyId: text('journey_id')
      .notNull()
      .references(() => journeys.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    kind: text('kind', { enum: EXPERIMENT_KINDS }).notNull(),
    status: text('status', { enum: EXPERIMENT_STATUSES }).notNull(),
    design: text('design', { mode: 'json' }).$type<ExperimentDesign>().notNull(),
    /** Assignments from runs on this version or later count; older versions may split by other weights. */
    startVersion: integer('start_version').notNull(),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
    shippedArm: text('shipped_arm'),
  },
  (t) => [
    index('experiments_journey_idx').on(t.journeyId, t.nodeId),
    uniqueIndex('experiments_running_idx').on(t.journeyId, t.nodeId).where(sql`status = 'running'`),
  ],
);

/** A contact's arm in one experiment (the first assignment counts) and its outcomes so far. */
export const experimentMembers = sqliteTable(
  'experiment_members',
  {
    contactId: text('contact_id').notNull(),
    experimentId: text('experiment_id')
      .notNull()
      .references(() => experiments.id, { onDelete: 'cascade' }),
    arm: text('arm').notNull(),
    enrollmentId: text('enrollment_id').notNull(),
    assignedAt: integer('assigned_at').notNull(),
    convertedAt: integer('converted_at'),
    /** Revenue within the window so far (revenue metric): kept per contact so the sum of squares can be updated. */
    revenue: real('revenue').notNull().default(0),
    unsubscribedAt: integer('unsubscribed_at'),
    bouncedAt: integer('bounced_at'),
  },
  // Contact first: outcomes arrive per contact; the pair is also what makes the first assignment the only one.
  (t) => [primaryKey({ columns: [t.contactId, t.experimentId] })],
);

/** Per experiment, arm and UTC day: contacts assigned, and outcomes that happened that day (to contacts of the arm). */
export const experimentDaily = sqliteTable(
  'experiment_daily',
  {
    experimentId: text('experiment_id')
      .notNull()
      .references(() => experiments.id, { onDelete: 'cascade' }),
    arm: text('arm').notNull(),
    day: integer('day').notNull(),
    assigned: integer('assigned').notNull().default(0),
    converted: integer('converted').notNull().default(0),
    revenueSum: real('revenue_sum').notNull().default(0),
    revenueSumSquares: real('revenue_sum_squares').notNull().default(0),
    unsubscribed: integer('unsubscribed').notNull().default(0),
    bounced: integer('bounced').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.experimentId, t.arm, t.day] })],
);

export const EXPERIMENT_ACTIONS = ['started', 'restarted', 'stopped', 'shipped', 'ended'] as const;

/** What happened to an experiment, who decided, and on what figures. */
export const experimentHistory = sqliteTable(
  'experiment_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    experimentId: text('experiment_id')
      .notNull()
      .references(() => experiments.id, { onDelete: 'cascade' }),
    at: integer('at').notNull(),
    action: text('action', { enum: EXPERIMENT_ACTIONS }).notNull(),
    userId: text('user_id'),
    userName: text('user_name'),
    arm: text('arm'),
    version: integer('version'),
    note: text('note').notNull().default(''),
    /** The report as the decider saw it. */
    figures: text('figures', { mode: 'json' }).$type<ExperimentReport>(),
  },
  (t) => [index('experiment_history_experiment_idx').on(t.experimentId, t.id)],
);

export type Experiment = typeof experiments.$inferSelect;
export type ExperimentHistoryRow = typeof experimentHistory.$inferSelect;
