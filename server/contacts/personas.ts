// Personas as the Personas page edits them: rules, priority order, live counts of matching contacts, and
// reassigning every contact when the rules change.
import { asc, eq, sql, type SQL } from 'drizzle-orm';
import { COUNT_COMPARISONS, EMPTY_RULE_SET, personaRuleSetSchema, type PersonaCondition, type PersonaRuleSet } from '../../shared/contacts/personaRules.ts';
import { compare } from '../../shared/journey/filters.ts';
import type { Scalar } from '../../shared/journey/common.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { journeys, personaRules, personas } from '../db/schema.ts';
import { getContact, saveContact } from './db.ts';
import { COUNT_CAP } from './query.ts';
import { forgetRules, loadRules, reassignPersona } from './rules.ts';

export class PersonaError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST',
  ) {
    super(message);
  }
}

const DAY_MS = 86_400_000;
const registered = new WeakSet<object>();

/**
 * Trait conditions in SQL call the same compare() the rules use in memory, so the live count and the assignment
 * never disagree about what "plan equals b2b" means.
 */
function registerCompare(db: Db): void {
  if (registered.has(db.$client)) return;
  db.$client.function('kairos_compare', { deterministic: true }, (actual: unknown, operator: unknown, expected: unknown) => {
    const value = actual === null ? undefined : JSON.parse(String(actual));
    const wanted = expected === null ? undefined : (JSON.parse(String(expected)) as Scalar);
    return compare(value, operator as Parameters<typeof compare>[1], wanted) ? 1 : 0;
  });
  registered.add(db.$client);
}

function jsonPath(trait: string): string {
  return `$${trait
    .split('.')
    .map((part) => `."${part.replaceAll('"', '""')}"`)
    .join('')}`;
}

function conditionSql(c: PersonaCondition, nowMs: number): SQL {
  if (c.type === 'trait') {
    return sql`kairos_compare(c.traits -> ${jsonPath(c.trait)}, ${c.operator}, ${c.value === undefined ? null : JSON.stringify(c.value)})`;
  }
  const since = c.withinDays ? nowMs - c.withinDays * DAY_MS : Number.MIN_SAFE_INTEGER;
  const n = sql`(SELECT count(*) FROM events e WHERE e.contact_id = c.id AND e.name = ${c.event} AND e.timestamp >= ${since})`;
  const op = { at_least: sql`>=`, at_most: sql`<=`, exactly: sql`=` }[c.comparison satisfies (typeof COUNT_COMPARISONS)[number]];
  return sql`${n} ${op} ${c.count}`;
}

export function ruleSetSql(rules: PersonaRuleSet, nowMs: number): SQL {
  if (rules.conditions.length === 0) return sql`0`;
  const parts = rules.conditions.map((c) => conditionSql(c, nowMs));
  return sql`(${sql.join(parts, rules.match === 'all' ? sql` AND ` : sql` OR `)})`;
}

/** How many contacts a rule set matches (ignoring priority and explicit personas), up to COUNT_CAP. */
export function countMatching(db: Db, clock: Clock, rules: PersonaRuleSet): { count: number; capped: boolean } {
  registerCompare(db);
  const n = db.get<{ n: number }>(
    sql`SELECT count(*) AS n FROM (SELECT 1 FROM contacts c WHERE ${ruleSetSql(rules, clock.now().getTime())} LIMIT ${COUNT_CAP + 1})`,
  )?.n ?? 0;
  return { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
}

/** Contacts that have each persona now, counted per persona up to COUNT_CAP over the persona index. */
function memberCount(db: Db, key: string): { count: number; capped: boolean } {
  const n = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM (SELECT 1 FROM contacts WHERE persona_key = ${key} LIMIT ${COUNT_CAP + 1})`)?.n ?? 0;
  return { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
}

export function listPersonas(db: Db) {
  return db
    .select({ key: personas.key, name: personas.name, description: personas.description, color: personas.color, priority: personas.priority, rules: personaRules.rules })
    .from(personas)
    .leftJoin(personaRules, eq(personaRules.personaKey, personas.key))
    .orderBy(asc(personas.priority), asc(personas.name))
    .all()
    .map((p) => {
      const parsed = personaRuleSetSchema.safeParse(p.rules ?? EMPTY_RULE_SET);
      return { ...p, rules: parsed.success ? parsed.data : EMPTY_RULE_SET, members: memberCount(db, p.key) };
    });
}

function slug(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 40) || 'persona'
  );
}

export interface PersonaInput {
  name: string;
  description: string;
  color: string;
  rules: PersonaRuleSet;
}

export function createPersona(db: Db, clock: Clock, input: PersonaInput): { key: string } {
  return db.transaction(() => {
    const base = slug(input.name);
    let key = base;
    for (let i = 2; db.select({ key: personas.key }).from(personas).where(eq(personas.key, key)).get(); i++) key = `${base}_${i}`;
    const last = db.get<{ p: number | null }>(sql`SELECT max(priority) AS p FROM personas`)?.p ?? 0;
    db.insert(personas).values({ key, name: input.name, description: input.description, color: input.color, priority: last + 10 }).run();
    db.insert(personaRules).values({ personaKey: key, rules: input.rules, updatedAt: clock.now() }).run();
    forgetRules(db);
    return { key };
  });
}

export function updatePersona(db: Db, clock: Clock, key: string, input: PersonaInput): void {
  db.transaction(() => {
    const found = db.update(personas).set({ name: input.name, description: input.description, color: input.color }).where(eq(personas.key, key)).run();
    if (found.changes === 0) throw new PersonaError('This persona no longer exists.', 'NOT_FOUND');
    db.insert(personaRules)
      .values({ personaKey: key, rules: input.rules, updatedAt: clock.now() })
      .onConflictDoUpdate({ target: personaRules.personaKey, set: { rules: input.rules, updatedAt: clock.now() } })
      .run();
    forgetRules(db);
  });
}

export function deletePersona(db: Db, key: string): void {
  const used = db.select({ name: journeys.name }).from(journeys).where(eq(journeys.personaKey, key)).limit(3).all();
  if (used.length > 0) {
    throw new PersonaError(`Journeys are drawn for this persona (${used.map((j) => j.name).join(', ')}); move or delete them first.`, 'CONFLICT');
  }
  const deleted = db.delete(personas).where(eq(personas.key, key)).run();
  forgetRules(db);
  if (deleted.changes === 0) throw new PersonaError('This persona no longer exists.', 'NOT_FOUND');
}

/** Sets the order rules are tried in: the first key is tried first. */
export function reorderPersonas(db: Db, keys: readonly string[]): void {
  db.transaction(() => {
    const existing = db.select({ key: personas.key }).from(personas).all().map((p) => p.key);
    if (existing.length !== keys.length || !existing.every((k) => keys.includes(k))) {
      throw new PersonaError('The personas changed meanwhile; reload the page and try again.', 'CONFLICT');
    }
    keys.forEach((key, i) => db.update(personas).set({ priority: (i + 1) * 10 }).where(eq(personas.key, key)).run());
    forgetRules(db);
  });
}

const RECOMPUTE_CHUNK = 1_000;

/**
 * Applies the current rules to every contact, 1,000 per transaction with a pause between, so ingestion keeps going
 * while a large workspace is reassigned. Returns how many contacts changed persona.
 */
export async function reassignAllPersonas(db: Db, clock: Clock): Promise<number> {
  const rules = loadRules(db);
  const page = db.$client.prepare<[string, number], { id: string }>('SELECT id FROM contacts WHERE id > ? ORDER BY id LIMIT ?');
  let after = '';
  let changed = 0;
  for (;;) {
    const ids = page.all(after, RECOMPUTE_CHUNK);
    if (ids.length === 0) return changed;
    const now = clock.now().getTime();
    db.transaction(() => {
      for (const { id } of ids) {
        const contact = getContact(db, id);
        if (contact && reassignPersona(db, rules, contact, now)) {
          saveContact(db, contact);
          changed += 1;
        }
      }
    });
    after = ids.at(-1)!.id;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
