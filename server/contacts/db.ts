// Prepared statements for the contact write paths (ingestion, import, consent, lifecycle) and the contact row
// as those paths hold it in memory. Prepared once per connection: ingestion runs them thousands of times a second.
import type { PhaseKey } from '../../shared/lifecycle/phases.ts';
import { flowKey } from '../../shared/reports/metrics.ts';
import type { Db } from '../db/client.ts';
import { bumpCount } from '../reports/rollups.ts';
import type { SUBSCRIPTION_STATUSES } from '../db/tables/contacts.ts';

export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** A contact as the write paths read and change it (timestamps in ms). */
export interface ContactState {
  id: string;
  email: string;
  externalId: string | null;
  traits: Record<string, unknown>;
  name: string | null;
  personaKey: string | null;
  personaSource: 'rules' | 'explicit' | null;
  phase: PhaseKey;
  subscription: SubscriptionStatus;
  consentAt: number | null;
  consentSource: string | null;
  consentIp: string | null;
  timezone: string | null;
  lastActiveAt: number;
  createdAt: number;
  updatedAt: number;
}

interface ContactRow {
  id: string;
  email: string;
  external_id: string | null;
  traits: string;
  name: string | null;
  persona_key: string | null;
  persona_source: 'rules' | 'explicit' | null;
  phase: PhaseKey;
  subscription: SubscriptionStatus;
  consent_at: number | null;
  consent_source: string | null;
  consent_ip: string | null;
  timezone: string | null;
  last_active_at: number;
  created_at: number;
  updated_at: number;
}

/** The row each in-memory contact was read as (or last written as), so a save writes only what changed. */
const stored = new WeakMap<ContactState, ReturnType<typeof toParams>>();

function toState(row: ContactRow | undefined): ContactState | null {
  if (!row) return null;
  const state: ContactState = {
    id: row.id,
    email: row.email,
    externalId: row.external_id,
    traits: JSON.parse(row.traits) as Record<string, unknown>,
    name: row.name,
    personaKey: row.persona_key,
    personaSource: row.persona_source,
    phase: row.phase,
    subscription: row.subscription,
    consentAt: row.consent_at,
    consentSource: row.consent_source,
    consentIp: row.consent_ip,
    timezone: row.timezone,
    lastActiveAt: row.last_active_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  stored.set(state, row);
  return state;
}

function toParams(c: ContactState) {
  return {
    id: c.id,
    email: c.email,
    external_id: c.externalId,
    traits: JSON.stringify(c.traits),
    name: c.name,
    persona_key: c.personaKey,
    persona_source: c.personaSource,
    phase: c.phase,
    subscription: c.subscription,
    consent_at: c.consentAt,
    consent_source: c.consentSource,
    consent_ip: c.consentIp,
    timezone: c.timezone,
    last_active_at: c.lastActiveAt,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

const COLUMNS =
  'id, email, external_id, traits, name, persona_key, persona_source, phase, subscription, consent_at, consent_source, consent_ip, timezone, last_active_at, created_at, updated_at';

function prepare(db: Db) {
  const c = db.$client;
  const byId = c.prepare<[string], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE id = ?`);
  const byEmail = c.prepare<[string], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE email = ?`);
  const byExternalId = c.prepare<[string], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE external_id = ?`);
  const byAlias = c.prepare<[string], ContactRow>(
    `SELECT ${COLUMNS.split(', ').map((col) => `c.${col}`).join(', ')} FROM contact_aliases a JOIN contacts c ON c.id = a.contact_id WHERE a.anonymous_id = ?`,
  );
  return {
    byId,
    byEmail,
    byExternalId,
    byAlias,
    insertContact: c.prepare(
      `INSERT INTO contacts (${COLUMNS}) VALUES (@id, @email, @external_id, @traits, @name, @persona_key, @persona_source, @phase, @subscription, @consent_at, @consent_source, @consent_ip, @timezone, @last_active_at, @created_at, @updated_at)`,
    ),
    /** Changes nothing when the messageId was stored before: the caller then skips the call. (No RETURNING: it costs a temporary table per row.) */
    insertEvent: c.prepare<[string, string, string, number, number, string | null]>(
      `INSERT INTO events (contact_id, name, properties, timestamp, received_at, message_id) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (message_id) DO NOTHING`,
    ),
    /** The same, recorded quiet: it starts no journey (a CSV import without "start journeys", see writeQuietly). */
    insertQuietEvent: c.prepare<[string, string, string, number, number, string | null]>(
      `INSERT INTO events (contact_id, name, properties, timestamp, received_at, message_id, quiet) VALUES (?, ?, ?, ?, ?, ?, 1)
       ON CONFLICT (message_id) DO NOTHING`,
    ),
    eventMessageSeen: c.prepare<[string], { one: number }>('SELECT 1 AS one FROM events WHERE message_id = ?'),
    unresolvedMessageSeen: c.prepare<[string], { one: number }>('SELECT 1 AS one FROM unresolved_calls WHERE message_id = ?'),
    countEvents: c.prepare<[string, string, number], { n: number }>(
      'SELECT count(*) AS n FROM events WHERE contact_id = ? AND name = ? AND timestamp >= ?',
    ),
    insertPhaseHistory: c.prepare<[string, string | null, string, number, string]>(
      'INSERT INTO phase_history (contact_id, from_phase, to_phase, at, cause) VALUES (?, ?, ?, ?, ?)',
    ),
    deleteTerms: c.prepare<[string]>('DELETE FROM contact_search_terms WHERE contact_id = ?'),
    insertTerm: c.prepare<[string, string]>('INSERT OR IGNORE INTO contact_search_terms (term, contact_id) VALUES (?, ?)'),
    insertAlias: c.prepare<[string, string]>('INSERT INTO contact_aliases (anonymous_id, contact_id) VALUES (?, ?) ON CONFLICT (anonymous_id) DO UPDATE SET contact_id = excluded.contact_id'),
    insertUnresolved: c.prepare<[string | null, string | null, string, string | null, number, string | null]>(
      'INSERT INTO unresolved_calls (user_id, anonymous_id, message, message_id, received_at, ip) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    unresolvedFor: c.prepare<[string | null, string | null], { id: number; message: string; received_at: number; ip: string | null }>(
      'SELECT id, message, received_at, ip FROM unresolved_calls WHERE user_id = ? OR anonymous_id = ? ORDER BY id',
    ),
    deleteUnresolved: c.prepare<[number]>('DELETE FROM unresolved_calls WHERE id = ?'),
  };
}

export type ContactStatements = ReturnType<typeof prepare> & {
  toState(row: ContactRow | undefined): ContactState | null;
  toParams(c: ContactState): ReturnType<typeof toParams>;
};

const cache = new WeakMap<object, ContactStatements>();

/** The statements of this connection, prepared on first use. */
export function statements(db: Db): ContactStatements {
  let s = cache.get(db.$client);
  if (!s) {
    s = { ...prepare(db), toState, toParams };
    cache.set(db.$client, s);
  }
  return s;
}

export function getContact(db: Db, id: string): ContactState | null {
  return toState(statements(db).byId.get(id));
}

export function getContactByEmail(db: Db, email: string): ContactState | null {
  return toState(statements(db).byEmail.get(email));
}

const updateCache = new WeakMap<object, Map<string, ReturnType<Db['$client']['prepare']>>>();

/**
 * Writes the columns that changed since the contact was read. SQLite rewrites the index entries of every column an
 * UPDATE sets, so setting all of them would touch six indexes when a purchase changes only last_active_at.
 */
export function saveContact(db: Db, contact: ContactState): void {
  const next = toParams(contact);
  const before = stored.get(contact);
  const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => k !== 'id' && (!before || before[k] !== next[k]));
  if (changed.length === 0) return;
  let cache = updateCache.get(db.$client);
  if (!cache) updateCache.set(db.$client, (cache = new Map()));
  const key = changed.join(',');
  let update = cache.get(key);
  if (!update) {
    update = db.$client.prepare(`UPDATE contacts SET ${changed.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`);
    cache.set(key, update);
  }
  update.run(Object.fromEntries([['id', next.id], ...changed.map((c) => [c, next[c]])]));
  stored.set(contact, next);
}

/** Whether this in-memory contact has a row yet (it was read, or written since). */
export function hasRow(contact: ContactState): boolean {
  return stored.has(contact);
}

export function insertContact(db: Db, contact: ContactState): void {
  const params = toParams(contact);
  statements(db).insertContact.run(params);
  stored.set(contact, params);
  // Every contact starts as a prospect (a later phase comes through transitionPhase), so the dashboard's flows add up
  // to the contacts per phase.
  bumpCount(db, 'phase_flow', contact.createdAt, contact.personaKey, flowKey(null, 'prospect'));
}

/** Connections that write their events quiet for now: set only around one synchronous transaction (writeQuietly). */
const quietConnections = new WeakSet<object>();

/**
 * Runs `write` (synchronous: one transaction, so no other write of this connection runs inside it) with every event it
 * writes recorded quiet: history the executor passes over. A scope rather than a flag on each call, because an import
 * writes its events through consent, phase, persona and referral code that also serves live traffic.
 */
export function writeQuietly<T>(db: Db, write: () => T): T {
  quietConnections.add(db.$client);
  try {
    return write();
  } finally {
    quietConnections.delete(db.$client);
  }
}

/** Writes an event (sent or internal) and returns its id, or null when its messageId was stored before. */
export function writeEvent(
  db: Db,
  e: { contactId: string; name: string; properties: Record<string, unknown>; timestamp: number; receivedAt: number; messageId?: string | null },
): number | null {
  const s = statements(db);
  const insert = quietConnections.has(db.$client) ? s.insertQuietEvent : s.insertEvent;
  const info = insert.run(e.contactId, e.name, JSON.stringify(e.properties), e.timestamp, e.receivedAt, e.messageId ?? null);
  return info.changes === 1 ? Number(info.lastInsertRowid) : null;
}

export function replaceSearchTerms(db: Db, contactId: string, terms: readonly string[]): void {
  const s = statements(db);
  s.deleteTerms.run(contactId);
  for (const term of terms) s.insertTerm.run(term, contactId);
}
