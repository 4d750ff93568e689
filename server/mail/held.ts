// Emails the delivery loop is holding (quiet hours, the frequency cap, priority) or the executor scheduled for the
// contact's best hour, with the reason and release in words, for the Inbox, the contact page and the node figures;
// and an admin's "send now" for one of them.
import type { Db } from '../db/client.ts';
import { describeHold, parseHold, type HoldReason } from '../../shared/mail/holds.ts';
import { readSendingSettings } from './settings.ts';

export interface HeldEmail {
  messageId: string;
  contactId: string;
  email: string;
  templateId: string;
  templateName: string | null;
  journeyId: string | null;
  journeyName: string | null;
  nodeId: string | null;
  reason: HoldReason;
  until: number;
  timezone: string;
  /** "held by quiet hours until tomorrow 08:00 in the contact's zone (Europe/Berlin)" */
  description: string;
}

/** A held message as read, before its note is parsed and its zone settled. */
type Row = Omit<HeldEmail, 'reason' | 'until' | 'timezone' | 'description'> & { error: string | null; timezone: string | null };

const SELECT = `SELECT m.id AS messageId, m.contact_id AS contactId, c.email, m.template_id AS templateId, t.name AS templateName,
  m.journey_id AS journeyId, j.name AS journeyName, m.node_id AS nodeId, m.error, c.timezone
  FROM messages m JOIN contacts c ON c.id = m.contact_id
  LEFT JOIN email_templates t ON t.id = m.template_id LEFT JOIN journeys j ON j.id = m.journey_id`;

function describe(db: Db, rows: Row[], nowMs: number): HeldEmail[] {
  const fallbackZone = readSendingSettings(db).defaultTimezone;
  return rows.flatMap(({ error, timezone, ...row }) => {
    const hold = parseHold(error);
    if (!hold) return [];
    const zone = timezone ?? fallbackZone;
    return [{ ...row, ...hold, timezone: zone, description: describeHold(hold, zone, nowMs) }];
  });
}

/**
 * Held emails, soonest release first. Queued messages are few next to sent ones, and messages_due_idx
 * (status, next_attempt_at) reads them in release order without touching the rest.
 */
export function heldEmails(db: Db, nowMs: number, options: { contactId?: string; limit?: number } = {}): { total: number; items: HeldEmail[] } {
  const limit = options.limit ?? 50;
  const byContact = options.contactId ? 'AND m.contact_id = ?' : '';
  const args = options.contactId ? [nowMs, options.contactId] : [nowMs];
  const rows = db.$client
    .prepare(`${SELECT} WHERE m.status = 'queued' AND m.next_attempt_at > ? AND m.error LIKE 'waiting:%' ${byContact} ORDER BY m.next_attempt_at LIMIT ${limit + 1}`)
    .all(...args) as Row[];
  const total = rows.length > limit
    ? (db.$client.prepare(`SELECT count(*) AS n FROM messages m WHERE m.status = 'queued' AND m.next_attempt_at > ? AND m.error LIKE 'waiting:%' ${byContact}`).get(...args) as { n: number }).n
    : rows.length;
  return { total, items: describe(db, rows.slice(0, limit), nowMs) };
}

/**
 * Held emails per journey node (the canvas figures say "2 held"). A best-hour email waiting for its hour is scheduled,
 * not held: the contact's page and the Inbox list it, the figures do not count it.
 */
export function heldByNode(db: Db, journeyId: string, nowMs: number): Record<string, number> {
  const rows = db.$client
    .prepare(`SELECT node_id AS nodeId, count(*) AS n FROM messages WHERE status = 'queued' AND next_attempt_at > ? AND journey_id = ? AND error LIKE 'waiting:%'
      AND error NOT LIKE 'waiting: best hour %' GROUP BY node_id`)
    .all(nowMs, journeyId) as { nodeId: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.nodeId, r.n]));
}

/**
 * Releases a held email so the next delivery pass sends it now, past quiet hours and the cap (an admin testing a
 * journey on their own address); consent and suppression still apply. Returns false when it is not held (any more).
 */
export function releaseHeld(db: Db, messageId: string, nowMs: number, by: string): boolean {
  const result = db.$client
    .prepare(`UPDATE messages SET next_attempt_at = ?, error = NULL, data = json_set(data, '$.releasedBy', ?)
      WHERE id = ? AND status = 'queued' AND error LIKE 'waiting:%'`)
    .run(nowMs, by, messageId);
  return result.changes === 1;
}
