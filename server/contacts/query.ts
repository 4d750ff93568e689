// Reading contacts for the app: search and filters with keyset pagination over indexes, a capped count, and the
// detail of one contact with its phase history and a timeline of events.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { ContactListInput, MovedFilter } from '../../shared/contacts/query.ts';
import { normaliseSearch } from '../../shared/contacts/traits.ts';
import type { Db } from '../db/client.ts';
import { contactAliases, contacts, events, journeys, personas, phaseHistory } from '../db/schema.ts';
import { idFloor } from '../ids.ts';

/** A count stops here: the page says "10,000+" rather than counting a million rows per keystroke. */
export const COUNT_CAP = 10_000;

/** Query words as prefixes of search terms: an address stays whole, a name splits as names are split when stored. */
function searchWords(q: string): string[] {
  return normaliseSearch(q)
    .split(/\s+/)
    .flatMap((word) => (word.includes('@') ? [word] : word.split(/[,.'-]+/)))
    .filter(Boolean)
    .slice(0, 5);
}

function filters(input: ContactListInput) {
  const where = [];
  if (input.persona === 'none') where.push(sql`c.persona_key IS NULL`);
  else if (input.persona) where.push(sql`c.persona_key = ${input.persona}`);
  if (input.phase) where.push(sql`c.phase = ${input.phase}`);
  if (input.subscription) where.push(sql`c.subscription = ${input.subscription}`);
  if (input.moved) where.push(movedFilter(input.moved));
  for (const word of searchWords(input.q ?? '')) {
    // A range over the primary key of contact_search_terms: a prefix search that never scans all contacts.
    where.push(sql`c.id IN (SELECT contact_id FROM contact_search_terms WHERE term >= ${word} AND term < ${`${word}\uffff`})`);
  }
  return where;
}

/**
 * Contacts with a transition from → to in the period. The subquery is a range over phase_history_flow_idx
 * (to_phase, at), read once per query; a correlated EXISTS would instead probe each contact's history on the way
 * down the id index, which costs a look-up per contact when the flow is rare (measured over 50,000 contacts: 0.2 ms
 * against 1.2 s for a flow of 100).
 */
function movedFilter(moved: MovedFilter) {
  const since = Date.parse(moved.since);
  const until = Date.parse(moved.until);
  // Every contact starts as a prospect without a history row, and the report counts that start as the flow
  // "→ prospect" when the contact is created: contacts made in the period, a range of the time-ordered ids.
  if (moved.from === null && moved.to === 'prospect') return sql`c.id >= ${idFloor('c_', since)} AND c.id < ${idFloor('c_', until)}`;
  const from = moved.from === null ? sql`h.from_phase IS NULL` : sql`h.from_phase = ${moved.from}`;
  return sql`c.id IN (SELECT h.contact_id FROM phase_history h WHERE h.to_phase = ${moved.to} AND h.at >= ${since} AND h.at < ${until} AND ${from})`;
}

function whereClause(parts: ReturnType<typeof filters>) {
  return parts.length > 0 ? sql`WHERE ${sql.join(parts, sql` AND `)}` : sql``;
}

export interface ContactListRow {
  id: string;
  email: string;
  name: string | null;
  personaKey: string | null;
  phase: string;
  subscription: string;
  createdAt: number;
  updatedAt: number;
}

/** The query of one page (limit + 1 rows, to tell whether there is another); apart so tests can read its plan. */
export function contactListQuery(input: ContactListInput) {
  const parts = filters(input);
  if (input.after) parts.push(sql`c.id < ${input.after}`);
  if (input.before) parts.push(sql`c.id > ${input.before}`);
  return sql`SELECT c.id, c.email, c.name, c.persona_key AS personaKey, c.phase, c.subscription, c.created_at AS createdAt,
    c.updated_at AS updatedAt FROM contacts c ${whereClause(parts)} ORDER BY c.id ${input.before ? sql`ASC` : sql`DESC`} LIMIT ${input.limit + 1}`;
}

/**
 * One page, newest first. Keyset pagination by id (ids are time-ordered): `after` pages on to older contacts,
 * `before` back to newer ones, so each page is an index range however deep it is.
 */
export function listContacts(db: Db, input: ContactListInput): { rows: ContactListRow[]; hasOlder: boolean; hasNewer: boolean } {
  const limit = input.limit;
  const backwards = Boolean(input.before);
  const found = db.all<ContactListRow>(contactListQuery(input));
  const more = found.length > limit;
  const rows = found.slice(0, limit);
  if (backwards) rows.reverse();
  return {
    rows,
    hasOlder: backwards ? true : more,
    hasNewer: backwards ? more : Boolean(input.after),
  };
}

/** How many contacts match, counted up to COUNT_CAP. */
export function countContacts(db: Db, input: ContactListInput): { count: number; capped: boolean } {
  const query = sql`SELECT count(*) AS n FROM (SELECT 1 FROM contacts c ${whereClause(filters(input))} LIMIT ${COUNT_CAP + 1})`;
  const n = db.get<{ n: number }>(query)?.n ?? 0;
  return { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
}

export const TIMELINE_PAGE = 50;

/** A contact's events, newest first; the cursor is the last event of the previous page. */
export function contactTimeline(db: Db, contactId: string, cursor?: { timestamp: number; id: number }) {
  const older = cursor
    ? sql`AND (timestamp < ${cursor.timestamp} OR (timestamp = ${cursor.timestamp} AND id < ${cursor.id}))`
    : sql``;
  const rows = db.all<{ id: number; name: string; properties: string; timestamp: number; receivedAt: number; messageId: string | null }>(
    sql`SELECT id, name, properties, timestamp, received_at AS receivedAt, message_id AS messageId FROM events
        WHERE contact_id = ${contactId} ${older} ORDER BY timestamp DESC, id DESC LIMIT ${TIMELINE_PAGE + 1}`,
  );
  const page = rows.slice(0, TIMELINE_PAGE).map((r) => ({ ...r, properties: JSON.parse(r.properties) as Record<string, unknown> }));
  const last = page.at(-1);
  return { events: page, next: rows.length > TIMELINE_PAGE && last ? { timestamp: last.timestamp, id: last.id } : null };
}

export function contactDetail(db: Db, id: string) {
  const contact = db.select().from(contacts).where(eq(contacts.id, id)).get();
  if (!contact) return null;
  const persona = contact.personaKey
    ? db.select({ key: personas.key, name: personas.name, color: personas.color }).from(personas).where(eq(personas.key, contact.personaKey)).get() ?? null
    : null;
  return {
    contact,
    persona,
    phaseHistory: withJourneyNames(db, db.select().from(phaseHistory).where(eq(phaseHistory.contactId, id)).orderBy(desc(phaseHistory.at), desc(phaseHistory.id)).all()),
    anonymousIds: db.select({ id: contactAliases.anonymousId }).from(contactAliases).where(eq(contactAliases.contactId, id)).limit(20).all().map((a) => a.id),
  };
}

const JOURNEY_CAUSE = /^journey:(.+)$/;

/**
 * Phase history as people read it: a journey's set_phase step is recorded as `journey:<id>` (names change, ids do
 * not) and shown as `Journey "<name>"`, with the id kept for a link.
 */
function withJourneyNames<T extends { cause: string }>(db: Db, rows: T[]): (T & { journeyId: string | null })[] {
  const ids = [...new Set(rows.flatMap((r) => JOURNEY_CAUSE.exec(r.cause)?.[1] ?? []))];
  const names = new Map(
    ids.length === 0 ? [] : db.select({ id: journeys.id, name: journeys.name }).from(journeys).where(inArray(journeys.id, ids)).all().map((j) => [j.id, j.name]),
  );
  return rows.map((r) => {
    const journeyId = JOURNEY_CAUSE.exec(r.cause)?.[1] ?? null;
    if (journeyId === null) return { ...r, journeyId };
    const name = names.get(journeyId);
    return { ...r, journeyId, cause: name === undefined ? 'Journey (deleted)' : `Journey "${name}"` };
  });
}

/** A contact as `kairos contacts get` prints it: traits, persona, phase, subscription, and its events. */
export function contactExport(db: Db, email: string) {
  const contact = db.select().from(contacts).where(eq(contacts.email, email)).get();
  if (!contact) return null;
  const history = db.select().from(phaseHistory).where(eq(phaseHistory.contactId, contact.id)).orderBy(asc(phaseHistory.at), asc(phaseHistory.id)).all();
  const eventRows = db
    .select({ name: events.name, properties: events.properties, timestamp: events.timestamp, messageId: events.messageId })
    .from(events)
    .where(and(eq(events.contactId, contact.id)))
    .orderBy(asc(events.timestamp), asc(events.id))
    .all();
  return {
    id: contact.id,
    email: contact.email,
    externalId: contact.externalId,
    name: contact.name,
    traits: contact.traits,
    persona: contact.personaKey,
    personaSource: contact.personaSource,
    phase: contact.phase,
    phaseHistory: withJourneyNames(db, history).map((h) => ({ from: h.fromPhase, to: h.toPhase, at: h.at.toISOString(), cause: h.cause, journeyId: h.journeyId })),
    subscription: {
      status: contact.subscription,
      at: contact.consentAt?.toISOString() ?? null,
      source: contact.consentSource,
      ip: contact.consentIp,
    },
    timezone: contact.timezone,
    createdAt: contact.createdAt.toISOString(),
    events: eventRows.map((e) => ({ name: e.name, timestamp: e.timestamp.toISOString(), properties: e.properties, ...(e.messageId ? { messageId: e.messageId } : {}) })),
  };
}
