// Stores validated Segment calls: finds or creates the contact (by userId, anonymousId or email), merges traits and
// identities, writes the event once per messageId, and applies consent, lifecycle and persona rules.
import { callEvent, callTime, callTraits, consentIntent, segmentCallSchema, traitEmail, type SegmentCall } from '../../shared/contacts/segment.ts';
import { isTimeZone } from '../../shared/contacts/traits.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { applyConsent } from './consent.ts';
import { queueConfirmation } from '../mail/consent.ts';
import { applyTraits, newContactState, persistContact } from './contacts.ts';
import { getContact, statements, writeEvent, type ContactState } from './db.ts';
import { mergeContacts } from './merge.ts';
import { applyLifecycle, loadRules, reassignPersona, type WorkspaceRules } from './rules.ts';

export interface IngestResult {
  /** Calls stored as events of a contact. */
  stored: number;
  /** Calls whose messageId was stored before: accepted, not stored again. */
  duplicates: number;
  /** Calls about someone without a known email yet, kept until an identify names them. */
  parked: number;
  /** Double opt-in confirmations queued (identify with consent "pending"); the delivery loop sends them. */
  confirmationsQueued: number;
}

interface Run {
  db: Db;
  rules: WorkspaceRules;
  now: number;
  result: IngestResult;
}

/**
 * Stores calls that passed validation, all in one transaction: a batch of 100 is one commit instead of 100,
 * and a failure stores nothing.
 */
export function ingestCalls(db: Db, clock: Clock, calls: readonly SegmentCall[], request: { ip: string | null }): IngestResult {
  return db.transaction(() => storeCalls(db, clock.now().getTime(), loadRules(db), calls, request.ip));
}

function storeCalls(db: Db, now: number, rules: WorkspaceRules, calls: readonly SegmentCall[], ip: string | null): IngestResult {
  const run: Run = { db, rules, now, result: { stored: 0, duplicates: 0, parked: 0, confirmationsQueued: 0 } };
  for (const call of calls) processCall(run, call, now, ip);
  return run.result;
}

interface Pending {
  calls: readonly SegmentCall[];
  ip: string | null;
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

/** More than this many calls waiting are left for the next commit, so one commit never holds the process long. */
const MAX_CALLS_PER_COMMIT = 5_000;

/**
 * Group commit for the event API: the calls of every request that arrived since the last commit are stored in one
 * transaction, each request in its own savepoint (a request that fails is rolled back alone and answered with its
 * error). A commit costs far more than storing one event, so 50 concurrent /v1/track calls share one.
 */
export function ingestQueue(db: Db, clock: Clock): (calls: readonly SegmentCall[], request: { ip: string | null }) => Promise<IngestResult> {
  let waiting: Pending[] = [];
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    let count = 0;
    const take = waiting.findIndex((p) => (count += p.calls.length) > MAX_CALLS_PER_COMMIT);
    const group = take <= 0 ? waiting : waiting.slice(0, take);
    waiting = take <= 0 ? [] : waiting.slice(take);
    if (waiting.length > 0) schedule();
    type Outcome = { ok: true; result: IngestResult } | { ok: false; error: unknown };
    let outcomes: Outcome[] = [];
    // Every request of the group in one transaction. Only if one of them fails is the group run again with a
    // savepoint per request, so that one is rolled back alone: a savepoint journals every page it first changes,
    // which costs as much again as storing the events.
    const run = (isolated: boolean) =>
      db.transaction(() => {
        outcomes = [];
        const now = clock.now().getTime();
        const rules = loadRules(db);
        for (const item of group) {
          if (!isolated) {
            outcomes.push({ ok: true, result: storeCalls(db, now, rules, item.calls, item.ip) });
            continue;
          }
          try {
            outcomes.push({ ok: true, result: db.transaction(() => storeCalls(db, now, rules, item.calls, item.ip)) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    try {
      try {
        run(false);
      } catch {
        run(true);
      }
    } catch (error) {
      for (const item of group) item.reject(error);
      return;
    }
    group.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.result);
      else item.reject(outcome.error);
    });
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // After this turn's I/O callbacks: every request whose body arrived meanwhile joins the same commit.
    setImmediate(flush);
  }

  return (calls, request) =>
    new Promise<IngestResult>((resolve, reject) => {
      waiting.push({ calls, ip: request.ip, resolve, reject });
      schedule();
    });
}

function seenBefore(db: Db, messageId: string | undefined): boolean {
  if (!messageId) return false;
  const s = statements(db);
  return Boolean(s.eventMessageSeen.get(messageId) ?? s.unresolvedMessageSeen.get(messageId));
}

function ipOf(call: SegmentCall, requestIp: string | null): string | null {
  const ip = call.context?.ip;
  return typeof ip === 'string' && ip.length <= 64 ? ip : requestIp;
}

function park(run: Run, call: SegmentCall, receivedAt: number, ip: string | null, userId: string | null, anonymousId: string | null): void {
  statements(run.db).insertUnresolved.run(userId, anonymousId, JSON.stringify(call), call.messageId ?? null, receivedAt, ip);
  run.result.parked += 1;
}

function processCall(run: Run, call: SegmentCall, receivedAt: number, requestIp: string | null): void {
  if (seenBefore(run.db, call.messageId)) {
    run.result.duplicates += 1;
    return;
  }
  if (call.type === 'alias') return processAlias(run, call, receivedAt, requestIp);
  const { db } = run;
  const s = statements(db);
  const userId = call.userId ?? null;
  const anonymousId = call.anonymousId ?? null;
  const traits = callTraits(call);
  const email = traitEmail(traits, 'traits');
  const address = email.ok ? email.email : null;

  const byUser = userId ? s.toState(s.byExternalId.get(userId)) : null;
  const byAnon = anonymousId ? s.toState(s.byAlias.get(anonymousId)) : null;
  const byEmail = address ? s.toState(s.byEmail.get(address)) : null;
  let contact = byUser ?? byAnon ?? byEmail;
  let created = false;
  if (!contact) {
    if (!address) return park(run, call, receivedAt, ipOf(call, requestIp), userId, anonymousId);
    contact = newContactState(address, run.now, userId);
    if (call.type !== 'identify') applyTraits(contact, traits, run.now);
    persistContact(db, contact, null);
    created = true;
  }

  // The same person known twice becomes one contact: an anonymous visitor who signs in, an address now claimed by a userId.
  let linked = created;
  if (byAnon && byAnon.id !== contact.id) {
    mergeContacts(db, contact, byAnon, run.now, `anonymousId ${anonymousId}`);
    linked = true;
  }
  if (call.type === 'identify' && byEmail && byEmail.id !== contact.id) {
    mergeContacts(db, contact, byEmail, run.now, `identify of ${userId ?? anonymousId} with ${address}`);
    linked = true;
  }
  if (userId && contact.externalId !== userId && (contact.externalId === null || call.type === 'identify')) {
    contact.externalId = userId;
    linked = true;
  }
  if (anonymousId && byAnon?.id !== contact.id) {
    s.insertAlias.run(anonymousId, contact.id);
    linked = true;
  }
  if (linked && !created) persistContact(db, contact, { email: contact.email, name: contact.name });
  if (linked) {
    // Calls parked under these ids happened earlier: they are applied first, then this one.
    replayParked(run, userId, anonymousId);
    contact = getContact(db, contact.id)!;
  }
  applyCall(run, contact, call, receivedAt, requestIp, address, created);
}

function applyCall(
  run: Run,
  contact: ContactState,
  call: SegmentCall,
  receivedAt: number,
  requestIp: string | null,
  address: string | null,
  created: boolean,
): void {
  const { db, rules, now } = run;
  const before = { email: contact.email, name: contact.name };
  const time = callTime(call, receivedAt);
  const { name, properties } = callEvent(call);
  if (writeEvent(db, { contactId: contact.id, name, properties, timestamp: time, receivedAt, messageId: call.messageId }) === null) {
    run.result.duplicates += 1;
    return;
  }
  run.result.stored += 1;
  let changed = false;
  if (call.type === 'identify') {
    const traits = call.traits ?? {};
    if (address && address !== contact.email) {
      writeEvent(db, { contactId: contact.id, name: '$email_changed', properties: { from: contact.email, to: address }, timestamp: time, receivedAt });
      contact.email = address;
      changed = true;
    }
    changed = applyTraits(contact, traits, now) || changed;
    const consent = consentIntent(traits);
    if (consent.ok && consent.intent) {
      const applied = applyConsent(db, contact, consent.intent, { source: 'api', ip: ipOf(call, requestIp) }, time);
      // Pending through the API asks for double opt-in as the form does: the confirmation is queued in this transaction.
      if (applied && consent.intent === 'pending' && queueConfirmation(db, contact.id, now) !== null) run.result.confirmationsQueued += 1;
      changed = applied || changed;
    }
  }
  const zone = call.context?.timezone;
  if (contact.timezone === null && typeof zone === 'string' && isTimeZone(zone)) {
    contact.timezone = zone;
    changed = true;
  }
  changed = applyLifecycle(db, rules, contact, { name, timestamp: time }, now) || changed;
  if (call.type === 'identify' || created || rules.personasUseEvents) changed = reassignPersona(db, rules, contact, now) || changed;
  if (changed) {
    contact.updatedAt = now;
    persistContact(db, contact, before);
  }
}

/** alias: previousId (an anonymousId or an earlier userId) and userId are the same person. */
function processAlias(run: Run, call: SegmentCall & { type: 'alias' }, receivedAt: number, requestIp: string | null): void {
  const { db } = run;
  const s = statements(db);
  const previous = s.toState(s.byExternalId.get(call.previousId)) ?? s.toState(s.byAlias.get(call.previousId));
  let target = s.toState(s.byExternalId.get(call.userId));
  if (!previous && !target) return park(run, call, receivedAt, ipOf(call, requestIp), call.userId, call.previousId);
  if (target && previous && previous.id !== target.id) {
    mergeContacts(db, target, previous, run.now, `alias ${call.previousId} → ${call.userId}`);
  } else if (!target && previous) {
    target = previous;
    target.externalId = call.userId;
  }
  const contact = target!;
  if (!previous) s.insertAlias.run(call.previousId, contact.id);
  persistContact(db, contact, { email: contact.email, name: contact.name });
  replayParked(run, call.userId, call.previousId);
  applyCall(run, getContact(db, contact.id)!, call, receivedAt, requestIp, null, false);
}

/** Applies, in arrival order, the calls that were parked under ids that now lead to a contact. */
function replayParked(run: Run, userId: string | null, anonymousId: string | null): void {
  const s = statements(run.db);
  for (const row of s.unresolvedFor.all(userId, anonymousId)) {
    s.deleteUnresolved.run(row.id);
    const parsed = segmentCallSchema.safeParse(JSON.parse(row.message));
    if (parsed.success) processCall(run, parsed.data, row.received_at, row.ip);
  }
}
