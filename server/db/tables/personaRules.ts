// Persona assignment rules: one rule set per persona, tried in persona priority order.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { PersonaRuleSet } from '../../../shared/contacts/personaRules.ts';
import { personas } from '../schema.ts';

export const personaRules = sqliteTable('persona_rules', {
  personaKey: text('persona_key')
    .primaryKey()
    .references(() => personas.key, { onDelete: 'cascade', onUpdate: 'cascade' }),
  /** Parsed with personaRuleSetSchema when read. */
  rules: text('rules', { mode: 'json' }).$type<PersonaRuleSet>().notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});
