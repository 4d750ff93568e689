// The drizzle schema of Kairos: workspace content (moments, phases, personas, journeys) beside better-auth's tables.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
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
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(cast(unixepoch('subsecond') * 1000 as integer))`),
  },
  (table) => [index('journeys_moment_persona_idx').on(table.moment, table.personaKey)],
);

export type Journey = typeof journeys.$inferSelect;
export type Persona = typeof personas.$inferSelect;
export type Moment = typeof moments.$inferSelect;
export type Phase = typeof phases.$inferSelect;
