// Report rollups: daily counters that the executor, ingestion, consent and delivery keep in the same transactions as
// their writes, so the lifecycle dashboard adds up a few thousand rows instead of scanning every event.
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * One counter per (metric, UTC day, persona, key): e.g. ('phase_flow', 20421, 'researcher', 'customer>lapsed').
 * `day` is whole days since 1970-01-01 UTC; `persona_key` is '' for contacts without a persona; `key` is '' where
 * the metric has none. Metrics and their keys are listed in shared/reports/metrics.ts.
 */
export const dailyCounts = sqliteTable(
  'daily_counts',
  {
    metric: text('metric').notNull(),
    day: integer('day').notNull(),
    personaKey: text('persona_key').notNull().default(''),
    key: text('key').notNull().default(''),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.metric, t.day, t.personaKey, t.key] })],
);

export type DailyCount = typeof dailyCounts.$inferSelect;
