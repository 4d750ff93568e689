// What Kairos does with a bounce or complaint that arrives later: stores every report (one row per recipient it names)
// and applies it in the same transaction — suppression, unsubscribe, template and domain figures, the experiment
// guardrail and the contact's timeline. Never throws: a listener hands it whatever a stranger sent.
import { bounceReason, SOFT_BOUNCE_LIMIT, SOFT_BOUNCE_WINDOW_DAYS } from '../../../shared/mail/bounces.ts';
import type { Clock } from '../../clock.ts';
import { unsubscribe } from '../../contacts/consent.ts';
import { writeEvent } from '../../contacts/db.ts';
import type { Db } from '../../db/client.ts';
import { countExperimentBounce } from '../../experiments/tracker.ts';
import { log as defaultLog, type Logger } from '../../log.ts';
import { bumpCount } from '../../reports/rollups.ts';
import { fromDomainOfHeader } from '../compose.ts';
import { removedBounceDomains } from '../domains/removed.ts';
import { parseInboundReport, type Bounce, type Complaint, type InboundEnvelope, type InboundReport, type InboundSettings } from './reports.ts';
import { softBounceSuppressionEnds } from '../suppressions.ts';
import { looksLikeVerp } from './verp.ts';

/**
 * Bytes of the raw message kept with a report that changed nothing (unmatched, malformed, or naming no message we
 * have), so someone can read what arrived; reports are a few kB, and the rest of a larger one is cut (`size` keeps
 * the whole length). Reports that were applied keep their facts in columns, not their bytes.
 */
export const RAW_KEPT_BYTES = 256 * 1024;

/** The SMTP envelope as stored: addresses past this are cut (a stranger chooses them). */
const ENVELOPE_CHARS = 1_000;

const DAY_MS = 86_400_000;

export type InboundResult =
  /** Stored (one row per entry) and applied; `rows` are the inbound_reports ids. */
  | { ok: true; rows: number[]; applied: number }
  /** Nothing was stored: the database failed. The SMTP answer is 4xx so the sender retries. */
  | { ok: false; message: string };

/**
 * The bounce domains of the configured sending domains and of those removed within REMOVED_BOUNCE_DOMAIN_DAYS (their
 * mail still bounces), read per report so a domain added a minute ago already counts.
 */
export function bounceDomainsOf(db: Db, nowMs: number): string[] {
  const rows = db.$client.prepare(`SELECT bounce_domain AS d FROM sending_domains`).all() as { d: string }[];
  const all = [...rows.map((r) => r.d), ...removedBounceDomains(db, nowMs)];
  return [...new Set(all.map((d) => d.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean))];
}

interface MessageRow {
  id: string;
  contactId: string;
  templateId: string;
  journeyId: string | null;
  nodeId: string | null;
  status: string;
  messageIdHeader: string | null;
  email: string;
  personaKey: string | null;
  subscription: string;
  templateName: string | null;
  /** The message's data (JSON): a `$notify` message's team address is its `to`. */
  data: string;
  sentAt: number | null;
}

interface Row {
  kind: InboundReport['kind'];
  severity: 'hard' | 'soft' | null;
  messageId: string | null;
  contactId: string | null;
  recipient: string | null;
  status: string | null;
  diagnostic: string | null;
  feedbackType: string | null;
  note: string;
  /** It changed something (suppression, consent, figures, timeline). */
  applied: boolean;
  /** Unmatched, or naming no message we have: kept with its bytes for someone to read. */
  keepRaw: boolean;
}

function statements(db: Db) {
  const p = (sql: string) => db.$client.prepare(sql);
  return {
    message: p(`SELECT m.id, m.contact_id AS contactId, m.template_id AS templateId, m.journey_id AS journeyId, m.node_id AS nodeId,
        m.status, m.message_id_header AS messageIdHeader, m.data, m.sent_at AS sentAt, c.email, c.persona_key AS personaKey, c.subscription,
        t.name AS templateName
      FROM messages m JOIN contacts c ON c.id = m.contact_id LEFT JOIN email_templates t ON t.id = m.template_id WHERE m.id = ?`),
    // The contact's address when a message went out: the one their first change of address since then moved away from.
    addressChangedSince: p(`SELECT json_extract(properties, '$.from') AS address FROM events
      WHERE contact_id = ? AND name = '$email_changed' AND received_at > ? ORDER BY received_at, id LIMIT 1`),
    wasAddressOf: p(`SELECT 1 AS yes FROM events WHERE contact_id = ? AND name = '$email_changed' AND lower(json_extract(properties, '$.from')) = ? LIMIT 1`),
    // Idempotency: the timeline event an applied report wrote, one per message, kind and severity.
    event: p(`SELECT id FROM events WHERE message_id = ?`),
    insert: p(`INSERT INTO inbound_reports (received_at, kind, severity, message_id, contact_id, recipient, status, diagnostic, feedback_type, note,
        envelope_from, envelope_to, raw, size) VALUES (@receivedAt, @kind, @severity, @messageId, @contactId, @recipient, @status, @diagnostic,
        @feedbackType, @note, @envelopeFrom, @envelopeTo, @raw, @size)`),
    // Soft bounces of one address (Action failed with 4.x.x; delay notices are stored without a severity), one per message.
    softBounces: p(`SELECT count(DISTINCT message_id) AS n FROM inbound_reports
      WHERE recipient = ? AND kind = 'bounce' AND severity = 'soft' AND contact_id IS NOT NULL AND received_at > ?`),
    // A soft-bounce suppression ends (server/mail/suppressions.ts): a hard bounce or a complaint makes it for good, and a
    // new run of soft bounces starts its time again; any other suppression stays as it was.
    suppress: p(`INSERT INTO suppressions (email, reason, detail, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (email) DO UPDATE SET reason = excluded.reason, detail = excluded.detail, created_at = excluded.created_at
      WHERE suppressions.reason = 'soft_bounces'`),
    suppression: p(`SELECT reason FROM suppressions WHERE email = ?`),
    markBounced: p(`UPDATE messages SET error = ? WHERE id = ? AND status = 'sent'`),
  };
}
type Statements = ReturnType<typeof statements>;
const prepared = new WeakMap<object, Statements>();
function statementsFor(db: Db): Statements {
  let st = prepared.get(db.$client);
  if (!st) prepared.set(db.$client, (st = statements(db)));
  return st;
}

const cut = (value: string, n: number) => (value.length > n ? `${value.slice(0, n)}…` : value);

/**
 * Stores and applies one inbound message (a DSN, an ARF complaint, or anything else that reached the bounce domain).
 *
 * - hard bounce of a message we sent, for the address it went to (a 5.x.x status about the address): the address is
 *   suppressed (hard_bounce), the message keeps status `sent` with `error` saying it bounced later (the status enum has
 *   no `bounced`, and the cap, the conditions and the reports read `sent` as "went out"), the template's and the From
 *   domain's bounces count, and a running experiment's bounce guardrail counts it;
 * - blocked (any other 5.x.x: a policy or spam block, DMARC, a full mailbox): counted like a hard bounce, but the
 *   address is not suppressed; the note and the timeline say why;
 * - soft bounce (Action failed with a 4.x.x status): the template's soft bounces count; the address is suppressed
 *   (soft_bounces) once SOFT_BOUNCE_LIMIT of its messages soft-bounced within SOFT_BOUNCE_WINDOW_DAYS, for
 *   SOFT_BOUNCE_SUPPRESSION_DAYS (server/mail/suppressions.ts lifts it);
 * - delay notice (Action delayed): stored with its note, nothing counted;
 * - complaint (any feedback type but not-spam): the contact is unsubscribed (source `complaint`) and the address
 *   suppressed (complaint); the template's and the domain's complaints count. About an address the contact no longer
 *   uses, only that address is suppressed; about a `$notify` message (sent to the team, not the contact) nothing is
 *   changed, and the report is kept with a note saying so;
 * - each applied one writes `$email_bounced` or `$email_complained` on the contact's timeline.
 *
 * Idempotent by message id, recipient, kind (and a bounce's severity): a report applies only to the address its message
 * went to, and applying it writes the timeline event `$email_bounced:<severity>:<message>` or
 * `$email_complained:<message>` (events.message_id is unique), so a report whose event exists is stored again (nothing
 * received is dropped) with the note "Already applied …", and changes nothing. A report that names no
 * message of ours, a message we no longer have, or (for a bounce) another address than the message went to, is stored
 * with its raw bytes and a note saying why nothing was done, as is everything unmatched.
 *
 * One transaction for all of a message's entries: either all are stored and applied, or none (a database error is
 * logged and answered `ok: false`, so the SMTP listener says 4xx and the sender tries again later).
 */
export async function receiveInbound(db: Db, clock: Clock, raw: Buffer, envelope: InboundEnvelope, settings: InboundSettings, log: Logger = defaultLog): Promise<InboundResult> {
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
  const to = Array.isArray(envelope?.to) ? envelope.to.filter((a): a is string => typeof a === 'string') : [];
  const from = typeof envelope?.from === 'string' ? envelope.from : '';
  const entries = await parseInboundReport(bytes, { to, from }, settings);
  const now = clock.now().getTime();
  try {
    const st = statementsFor(db);
    const forged = to.some((a) => looksLikeVerp(a, settings.bounceDomains));
    // IMMEDIATE: the write lock from the start, so the "already applied?" read and the write after it are one step,
    // also with a second process on the same database.
    const result = db.$client.transaction(() => {
      const rows: number[] = [];
      let applied = 0;
      for (const entry of entries) {
        const row = apply(db, clock, st, entry, now, forged);
        if (row.applied) applied++;
        const kept = row.keepRaw ? bytes.subarray(0, RAW_KEPT_BYTES) : null;
        const info = st.insert.run({
          receivedAt: now,
          kind: row.kind,
          severity: row.severity,
          messageId: row.messageId,
          contactId: row.contactId,
          recipient: row.recipient,
          status: row.status,
          diagnostic: row.diagnostic ? cut(row.diagnostic, 1_000) : null,
          feedbackType: row.feedbackType,
          note: kept && bytes.length > RAW_KEPT_BYTES ? `${row.note} (the first ${RAW_KEPT_BYTES / 1024} KB of ${bytes.length} bytes kept)` : row.note,
          envelopeFrom: cut(from, ENVELOPE_CHARS),
          envelopeTo: cut(to.join(', '), ENVELOPE_CHARS),
          raw: kept ? Buffer.from(kept) : null,
          size: bytes.length,
        });
        rows.push(Number(info.lastInsertRowid));
      }
      return { rows, applied };
    }).immediate();
    log.info({ rows: result.rows, applied: result.applied, kinds: entries.map((e) => e.kind), to: cut(to.join(','), 200) }, 'inbound report received');
    return { ok: true, ...result };
  } catch (error) {
    log.error({ err: error, to: cut(to.join(','), 200), size: bytes.length }, 'inbound report not stored; the sender is asked to retry');
    return { ok: false, message: 'The report could not be stored just now; please try again later.' };
  }
}

function apply(db: Db, clock: Clock, st: Statements, entry: InboundReport, now: number, forged: boolean): Row {
  switch (entry.kind) {
    case 'unmatched':
      return { kind: 'unmatched', severity: null, messageId: null, contactId: null, recipient: null, status: null, diagnostic: null, feedbackType: null, note: entry.reason, applied: false, keepRaw: true };
    case 'bounce':
      return applyBounce(db, st, entry, now, forged);
    case 'complaint':
      return applyComplaint(db, clock, st, entry, now, forged);
    default:
      return entry satisfies never;
  }
}

/**
 * When a report counts in the template and domain rollups: the day its message was sent, as template_sent and
 * domain_sent count it, so a day's rates compare like with like (a bounce arriving the next day is not a 0% day
 * followed by a day over 100%). Now only for a message with no send time.
 */
const rollupTimeOf = (m: MessageRow, now: number): number => m.sentAt ?? now;

/** Why a report that names a message changes nothing, or the message it is about. */
function messageFor(st: Statements, messageId: string | null, forged: boolean): MessageRow | string {
  if (!messageId) {
    return forged
      ? 'Sent to a bounce address whose signature does not match (made up or mangled): nothing done.'
      : 'Names no message Kairos sent (no bounce address, Message-ID or Return-Path of ours in it): nothing done.';
  }
  return (st.message.get(messageId) as MessageRow | undefined) ?? `About message ${messageId}, which Kairos does not have (deleted with its contact?): nothing done.`;
}

/** How a bounce reads in notes, by severity. */
const BOUNCE_LABEL = { hard: 'hard bounce', blocked: 'refusal (blocked)', soft: 'soft bounce', delayed: 'delay notice' } as const;

function applyBounce(db: Db, st: Statements, b: Bounce, now: number, forged: boolean): Row {
  // inbound_reports.severity is hard or soft: a blocked one failed for good as a hard bounce did (its note says it was
  // not suppressed), a delay notice has none (it is no bounce).
  const severity = b.severity === 'soft' ? 'soft' : b.severity === 'delayed' ? null : 'hard';
  const base: Row = { kind: 'bounce', severity, messageId: b.messageId, contactId: null, recipient: b.recipient, status: b.status, diagnostic: b.diagnostic, feedbackType: null, note: '', applied: false, keepRaw: true };
  const m = messageFor(st, b.messageId, forged);
  if (typeof m === 'string') return { ...base, note: m };
  // A list or forward expanded the address we sent to: the address that bounced is not our contact's.
  if (b.recipient !== m.email.toLowerCase()) return { ...base, note: `Reported for ${cut(b.recipient, 100)}, not the address the message went to (${m.email}): nothing done.` };
  const row: Row = { ...base, contactId: m.contactId, keepRaw: false };
  const reason = bounceReason(b.status);
  // Greylisting and busy servers send these for mail they deliver on a later try: kept, and nothing counted.
  if (b.severity === 'delayed') return { ...row, note: `Delayed (${reason}, ${b.status}): the receiving server is still trying; not a bounce, nothing counted.` };
  const eventKey = `$email_bounced:${severity}:${m.id}`;
  if (st.event.get(eventKey)) return { ...row, note: `Already applied: this ${BOUNCE_LABEL[b.severity]} of the message was received before.` };

  const figures = m.templateId !== '$notify';
  const domain = fromDomainOfHeader(m.messageIdHeader);
  const countedAt = rollupTimeOf(m, now);
  const said = `${b.status} ${reason}${b.diagnostic ? ` (${b.diagnostic})` : ''}`;
  let action: string;
  let note: string;
  if (b.severity === 'hard' || b.severity === 'blocked') {
    // Only a status about the address suppresses it: a policy block (5.7.x), a full mailbox (5.2.2) or a problem of
    // the receiving system says nothing about whether the address takes mail, and suppressing it would lose a contact.
    const hard = b.severity === 'hard';
    const suppressed = hard && st.suppress.run(b.recipient, 'hard_bounce', cut(`${b.status} ${reason}${b.diagnostic ? `: ${b.diagnostic}` : ''}`, 500), now).changes === 1;
    st.markBounced.run(cut(`${hard ? 'Bounced' : 'Refused'} after it was sent: ${said}`, 1_000), m.id);
    if (figures) bumpCount(db, 'template_bounced', countedAt, m.personaKey, m.templateId);
    if (domain) bumpCount(db, 'domain_bounced', countedAt, null, domain);
    countExperimentBounce(db.$client, m.id, now);
    action = hard
      ? suppressed
        ? 'address suppressed, nothing more is sent to it'
        : 'the address was already suppressed'
      : 'counted as a bounce; the address is not suppressed, since this refusal is not about whether it exists';
    note = hard ? `Hard bounce (${reason}): ${action}.` : `Blocked (${reason}, ${b.status}): ${action}.`;
  } else {
    if (figures) bumpCount(db, 'template_soft_bounced', countedAt, m.personaKey, m.templateId);
    // The other messages that soft-bounced, plus this one (not stored yet, and new: a repeat stopped above).
    const n = (st.softBounces.get(b.recipient, now - SOFT_BOUNCE_WINDOW_DAYS * DAY_MS) as { n: number }).n + 1;
    if (n >= SOFT_BOUNCE_LIMIT) {
      const until = new Date(softBounceSuppressionEnds(now)).toISOString().slice(0, 10);
      const detail = `${n} soft bounces within ${SOFT_BOUNCE_WINDOW_DAYS} days; the last: ${b.status} ${reason}. Sent to again from ${until}.`;
      const suppressed = st.suppress.run(b.recipient, 'soft_bounces', detail, now).changes === 1;
      action = `${n} soft bounces within ${SOFT_BOUNCE_WINDOW_DAYS} days, ${suppressed ? `address suppressed until ${until}` : 'the address was already suppressed'}`;
    } else {
      action = `${n} of ${SOFT_BOUNCE_LIMIT} soft bounces within ${SOFT_BOUNCE_WINDOW_DAYS} days; at ${SOFT_BOUNCE_LIMIT} the address is suppressed`;
    }
    note = `Soft bounce (${reason}): ${action}.`;
  }
  writeEvent(db, {
    contactId: m.contactId,
    name: '$email_bounced',
    properties: {
      messageId: m.id,
      templateId: m.templateId,
      ...(m.templateName ? { templateName: m.templateName } : {}),
      ...(m.journeyId ? { journeyId: m.journeyId, nodeId: m.nodeId } : {}),
      severity: b.severity,
      status: b.status,
      reason,
      ...(b.diagnostic ? { diagnostic: cut(b.diagnostic, 300) } : {}),
      action,
    },
    timestamp: now,
    receivedAt: now,
    messageId: eventKey,
  });
  return { ...row, note, applied: true };
}

/** The team address a `$notify` message went to (its data's `to`), lower-cased; '' when it names none. */
function notifyAddressOf(m: MessageRow): string {
  try {
    const to = (JSON.parse(m.data) as { to?: unknown }).to;
    return typeof to === 'string' ? to.trim().toLowerCase() : '';
  } catch {
    return '';
  }
}

/**
 * The address a complaint is about when it is no longer the contact's: the contact changed address after the message
 * went out (their first `$email_changed` since says from what), or the report names an address they used before.
 * Null when it is their current address, as far as Kairos can tell (a recipient matching neither is taken for one a
 * provider redacted: the message went to one contact only).
 */
function formerAddressComplainedAbout(st: Statements, m: MessageRow, reported: string | null): string | null {
  const current = m.email.toLowerCase();
  if (reported && reported !== current && st.wasAddressOf.get(m.contactId, reported)) return reported;
  if (m.sentAt === null) return null;
  const then = (st.addressChangedSince.get(m.contactId, m.sentAt) as { address: unknown } | undefined)?.address;
  const address = typeof then === 'string' ? then.trim().toLowerCase() : '';
  return address && address !== current ? address : null;
}

function applyComplaint(db: Db, clock: Clock, st: Statements, c: Complaint, now: number, forged: boolean): Row {
  const base: Row = { kind: 'complaint', severity: null, messageId: c.messageId, contactId: null, recipient: c.recipient, status: null, diagnostic: c.userAgent, feedbackType: c.feedbackType, note: '', applied: false, keepRaw: true };
  const m = messageFor(st, c.messageId, forged);
  if (typeof m === 'string') return { ...base, note: m };
  // An internal notification went to the team address, not to the contact it is about: whoever marked it as spam, the
  // contact did not, so their consent and address are left alone. Kept with its bytes among the reports that changed nothing.
  if (m.templateId === '$notify') {
    const team = notifyAddressOf(m);
    return {
      ...base,
      recipient: c.recipient ?? (team || null),
      note: `Complaint (${c.feedbackType}) about an internal notification sent to ${team ? cut(team, 100) : 'the team'}, not to the contact (${m.email}): their consent and suppressions are unchanged.`,
    };
  }
  const former = formerAddressComplainedAbout(st, m, c.recipient);
  // Providers often redact the recipient; the message went to one contact only, so it is theirs whatever they wrote.
  const recipient = former ?? m.email.toLowerCase();
  const row: Row = { ...base, recipient, contactId: m.contactId, keepRaw: false };
  if (c.feedbackType === 'not-spam') return { ...row, note: 'Not-spam feedback (the contact moved it out of spam): nothing to do.' };
  const eventKey = `$email_complained:${m.id}`;
  if (st.event.get(eventKey)) return { ...row, note: 'Already applied: a complaint about this message was received before.' };

  const suppressed = st.suppress.run(recipient, 'complaint', cut(`Marked as spam (${c.feedbackType}${c.userAgent ? `, ${c.userAgent}` : ''})`, 500), now).changes === 1;
  bumpCount(db, 'template_complained', rollupTimeOf(m, now), m.personaKey, m.templateId);
  const domain = fromDomainOfHeader(m.messageIdHeader);
  if (domain) bumpCount(db, 'domain_complained', rollupTimeOf(m, now), null, domain);
  // About an address the contact has left: that address is suppressed, but the contact, who now reads mail elsewhere,
  // did not complain about mail to their current address, so their consent stays as it is.
  const unsubscribes = former === null && m.subscription !== 'unsubscribed';
  const action = former
    ? `${suppressed ? `${cut(former, 100)} suppressed` : `${cut(former, 100)} was already suppressed`}; not unsubscribed: sent to an address the contact no longer uses (now ${m.email})`
    : `${unsubscribes ? 'unsubscribed' : 'was already unsubscribed'}, ${suppressed ? 'address suppressed' : 'the address was already suppressed'}`;
  const note = `Complaint (${c.feedbackType}): ${action}.`;
  // The complaint before the unsubscribe it causes, so the timeline reads cause, then effect.
  writeEvent(db, {
    contactId: m.contactId,
    name: '$email_complained',
    properties: {
      messageId: m.id,
      templateId: m.templateId,
      ...(m.templateName ? { templateName: m.templateName } : {}),
      ...(m.journeyId ? { journeyId: m.journeyId, nodeId: m.nodeId } : {}),
      feedbackType: c.feedbackType,
      ...(c.userAgent ? { userAgent: cut(c.userAgent, 100) } : {}),
      ...(former ? { address: former } : {}),
      action,
    },
    timestamp: now,
    receivedAt: now,
    messageId: eventKey,
  });
  if (unsubscribes) unsubscribe(db, clock, m.contactId, { source: 'complaint' });
  return { ...row, note, applied: true };
}
