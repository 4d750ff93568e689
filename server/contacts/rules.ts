// The workspace's persona rules and lifecycle settings as the write paths apply them to one contact in memory.
import { asc, eq } from 'drizzle-orm';
import { DEFAULT_LIFECYCLE_SETTINGS, countsAsActivity, lifecycleSettingsSchema, phaseAfterEvent, type LifecycleSettings } from '../../shared/contacts/lifecycle.ts';
import { EMPTY_RULE_SET, decidePersona, personaRuleSetSchema, rulesUseEvents, type PersonaCandidate, type PersonaFacts } from '../../shared/contacts/personaRules.ts';
import type { Db } from '../db/client.ts';
import { personaRules, personas, settings } from '../db/schema.ts';
import { hasRow, statements, writeEvent, type ContactState } from './db.ts';
import { transitionPhase } from './phases.ts';
import { moveCreationFlow } from '../reports/phaseRollups.ts';

export const LIFECYCLE_SETTINGS_KEY = 'lifecycle_rules';
const DAY_MS = 86_400_000;

export interface WorkspaceRules {
  personas: (PersonaCandidate & { name: string })[];
  personasUseEvents: boolean;
  lifecycle: LifecycleSettings;
}

/** Persona candidates in priority order, each with its parsed rule set. */
export function loadPersonaCandidates(db: Db): (PersonaCandidate & { name: string })[] {
  return db
    .select({ key: personas.key, name: personas.name, rules: personaRules.rules })
    .from(personas)
    .leftJoin(personaRules, eq(personaRules.personaKey, personas.key))
    .orderBy(asc(personas.priority), asc(personas.name))
    .all()
    .map((p) => {
      const parsed = personaRuleSetSchema.safeParse(p.rules ?? EMPTY_RULE_SET);
      return { key: p.key, name: p.name, rules: parsed.success ? parsed.data : EMPTY_RULE_SET };
    });
}

export function loadLifecycleSettings(db: Db): LifecycleSettings {
  const row = db.select().from(settings).where(eq(settings.key, LIFECYCLE_SETTINGS_KEY)).get();
  const parsed = lifecycleSettingsSchema.safeParse(row?.value);
  return parsed.success ? parsed.data : DEFAULT_LIFECYCLE_SETTINGS;
}

const RULES_TTL_MS = 1_000;
const rulesCache = new WeakMap<object, { rules: WorkspaceRules; loadedAt: number }>();

/**
 * The rules as of at most a second ago. Reading them costs several queries, which would double the cost of a
 * single /v1/track call; edits made in this process are seen at once (forgetRules), others within a second.
 */
export function loadRules(db: Db): WorkspaceRules {
  const cached = rulesCache.get(db.$client);
  const now = performance.now();
  if (cached && now - cached.loadedAt < RULES_TTL_MS) return cached.rules;
  const candidates = loadPersonaCandidates(db);
  const rules = { personas: candidates, personasUseEvents: rulesUseEvents(candidates), lifecycle: loadLifecycleSettings(db) };
  rulesCache.set(db.$client, { rules, loadedAt: now });
  return rules;
}

/** Called by whatever changes personas, their rules or the lifecycle settings. */
export function forgetRules(db: Db): void {
  rulesCache.delete(db.$client);
}

/** Event counts from the database; a contact created in this call has none yet, so nothing is asked. */
export function databaseFacts(db: Db, contact: ContactState, nowMs: number, hasEvents: boolean): PersonaFacts {
  const count = statements(db).countEvents;
  return {
    countEvents: (event, withinDays) =>
      hasEvents ? (count.get(contact.id, event, withinDays === null ? Number.MIN_SAFE_INTEGER : nowMs - withinDays * DAY_MS)?.n ?? 0) : 0,
  };
}

/**
 * Applies the persona rules (or an explicit `persona` trait) to the contact in memory; a change is written
 * as a $persona_entered event. Returns whether the persona changed.
 */
export function reassignPersona(db: Db, rules: WorkspaceRules, contact: ContactState, nowMs: number, hasEvents = true): boolean {
  const decision = decidePersona(rules.personas, contact.traits, databaseFacts(db, contact, nowMs, hasEvents));
  if (decision.key === contact.personaKey && decision.source === contact.personaSource) return false;
  const from = contact.personaKey;
  // Decided in the write that created the row: its creation (the `>prospect` flow) counts for this persona.
  if (decision.key !== from && contact.createdAt === nowMs && hasRow(contact)) moveCreationFlow(db, from, decision.key, nowMs);
  contact.personaKey = decision.key;
  contact.personaSource = decision.source;
  contact.updatedAt = nowMs;
  if (decision.key !== from && decision.key !== null) {
    writeEvent(db, { contactId: contact.id, name: '$persona_entered', properties: { persona: decision.key, from }, timestamp: nowMs, receivedAt: nowMs });
  }
  return true;
}

/**
 * The lifecycle rules for one stored event: activity keeps the contact from lapsing, and purchases, referrals,
 * reviews and engagement move phases. Returns whether the contact changed.
 */
export function applyLifecycle(db: Db, rules: WorkspaceRules, contact: ContactState, event: { name: string; timestamp: number }, nowMs: number): boolean {
  const settings = rules.lifecycle;
  let changed = false;
  if (countsAsActivity(settings, event.name) && event.timestamp > contact.lastActiveAt) {
    contact.lastActiveAt = event.timestamp;
    changed = true;
  }
  // A loyal customer or advocate stays one whatever they buy: no need to count their purchases.
  const counts = settings.purchaseEvents.includes(event.name) && contact.phase !== 'loyal' && contact.phase !== 'advocate';
  const purchases = counts ? countPurchases(db, settings, contact.id) : 0;
  const change = phaseAfterEvent(settings, contact.phase, event, purchases);
  if (change) changed = transitionPhase(db, contact, change.to, change.cause, nowMs) || changed;
  return changed;
}

function countPurchases(db: Db, settings: LifecycleSettings, contactId: string): number {
  const count = statements(db).countEvents;
  return settings.purchaseEvents.reduce((sum, name) => sum + (count.get(contactId, name, Number.MIN_SAFE_INTEGER)?.n ?? 0), 0);
}
