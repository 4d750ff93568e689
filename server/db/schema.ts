// The drizzle schema of Kairos: workspace content (moments, phases, personas, journeys) beside better-auth's tables.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { GraphLayout, JourneyGraph } from '../../shared/journey/graph.ts';
import { MOMENT_KEYS } from '../../shared/lifecycle/moments.ts';
import { PHASE_KEYS } from '../../shared/lifecycle/phases.ts';

export * from './authSchema.ts';

const createdAt = () =>
  integer('created_at', { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(cast(unixepoch('subsecond') * 1000 as integer))`);

export const moments = sqliteTable('moments', {
  key: text('key', { enum: MOMENT_KEYS }).primaryKey(),
  label: text('label').notNull(),
  purpose: text('purpose').notNull(),
  position: integer('position').notNull(),
});

export const phases = sqliteTable('phases', {
  key: text('key', { enum: PHASE_KEYS }).primaryKey(),
  label: text('label').notNull(),
  description: text('description').notNull(),
  position: integer('position').notNull(),
});

export const personas = sqliteTable('personas', {
  key: text('key').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  color: text('color').notNull().default('gray'),
  // Lower numbers are tried first when persona rules are evaluated.
  priority: integer('priority').notNull().default(100),
  createdAt: createdAt(),
});

// Workspace settings and markers, one JSON value per key.
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
});

export const JOURNEY_STATUSES = ['draft', 'live', 'paused', 'archived'] as const;

export const journeys = sqliteTable(
  'journeys',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    moment: text('moment', { enum: MOMENT_KEYS })
      .notNull()
      .references(() => moments.key),
    // null means the journey is for all personas.
    personaKey: text('persona_key').references(() => personas.key, { onDelete: 'restrict' }),
    status: text('status', { enum: JOURNEY_STATUSES }).notNull().default('draft'),
    /** The draft being edited; published versions are copies in journey_versions. */
    draftGraph: text('draft_graph', { mode: 'json' }).$type<JourneyGraph>().notNull(),
    draftLayout: text('draft_layout', { mode: 'json' }).$type<GraphLayout>().notNull(),
    /** Bumped by every draft save; a save based on an older revision is refused (optimistic concurrency). */
    revision: integer('revision').notNull().default(1),
    /** The newest published version, null until the first publish. */
    currentVersion: integer('current_version'),
    /**
     * 1 (low) to 5 (urgent), 3 by default: when two marketing emails compete for the last slot of a contact's frequency
     * cap, the higher-priority journey's goes first and the other waits.
     */
    priority: integer('priority').notNull().default(3),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(cast(unixepoch('subsecond') * 1000 as integer))`),
  },
  (table) => [index('journeys_moment_persona_idx').on(table.moment, table.personaKey)],
);

export const MIGRATION_CHOICES = ['stay', 'same_node', 'exit'] as const;

/** Immutable published graphs: contacts run on the version they entered. */
export const journeyVersions = sqliteTable(
  'journey_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    journeyId: text('journey_id')
      .notNull()
      .references(() => journeys.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    graph: text('graph', { mode: 'json' }).$type<JourneyGraph>().notNull(),
    layout: text('layout', { mode: 'json' }).$type<GraphLayout>().notNull(),
    /** Where contacts in flight on the previous version go, as the marketer chose at publish. */
    migration: text('migration', { enum: MIGRATION_CHOICES }).notNull().default('stay'),
    publishedAt: integer('published_at', { mode: 'timestamp_ms' }).notNull(),
    publishedBy: text('published_by'),
  },
  (table) => [uniqueIndex('journey_versions_journey_version_idx').on(table.journeyId, table.version)],
);

export type Journey = typeof journeys.$inferSelect;
export type JourneyVersion = typeof journeyVersions.$inferSelect;
export type Persona = typeof personas.$inferSelect;
export type Moment = typeof moments.$inferSelect;
export type Phase = typeof phases.$inferSelect;

export * from './tables/contacts.ts';
export * from './tables/messages.ts';
export * from './tables/execution.ts';
export * from './tables/mail.ts';
export * from './tables/personaRules.ts';
export * from './tables/apiKeys.ts';
export * from './tables/contactImports.ts';
export * from './tables/reports.ts';
export * from './tables/experiments.ts';
export * from './tables/deliverability.ts';
