// Opens and clicks: counted per message (first time and count), and the first of each recorded as an engagement event for the lifecycle rules.
import type { Clock } from '../clock.ts';
import { recordEvent } from '../contacts/contacts.ts';
import type { Db } from '../db/client.ts';
import { log } from '../log.ts';
import { bumpCount } from '../reports/rollups.ts';
import type { Tokens } from './tokens.ts';

interface TrackedMessage {
  contactId: string;
  journeyId: string | null;
  nodeId: string | null;
  templateId: string;
  first: number | null;
  /** The open or click count after this one: 1 means it was the message's first, which the dashboard counts. */
  count: number;
}

type PersonaQuery = { get(contactId: string): { personaKey: string | null } | undefined };
const personaQueries = new WeakMap<object, PersonaQuery>();

function personaOf(db: Db, contactId: string): string | null {
  let q = personaQueries.get(db.$client);
  if (!q) personaQueries.set(db.$client, (q = db.$client.prepare<[string], { personaKey: string | null }>('SELECT persona_key AS personaKey FROM contacts WHERE id = ?')));
  return q.get(contactId)?.personaKey ?? null;
}

/** The message's update and, on its first open or click, the template's unique count: one transaction. */
function track(db: Db, sql: string, id: string, now: number, metric: 'template_opened' | 'template_clicked'): TrackedMessage | undefined {
  return db.$client.transaction(() => {
    const m = db.$client.prepare(sql).get({ id, now }) as TrackedMessage | undefined;
    if (m && m.count === 1 && m.templateId !== '$notify') bumpCount(db, metric, now, personaOf(db, m.contactId), m.templateId);
    return m;
  })();
}

/**
 * An unsubscribe from a message's link (or its List-Unsubscribe header): counted toward the message's template.
 * Call in the transaction that unsubscribed.
 */
export function countUnsubscribeFrom(db: Db, messageId: string, atMs: number): void {
  const m = db.$client
    .prepare('SELECT m.template_id AS templateId, c.persona_key AS personaKey FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.id = ?')
    .get(messageId) as { templateId: string; personaKey: string | null } | undefined;
  if (m && m.templateId !== '$notify') bumpCount(db, 'template_unsubscribed', atMs, m.personaKey, m.templateId);
}

function engagement(db: Db, clock: Clock, m: TrackedMessage, messageId: string, name: '$email_opened' | '$email_clicked', extra: Record<string, unknown>) {
  try {
    recordEvent(db, clock, m.contactId, {
      name,
      properties: { messageId, templateId: m.templateId, ...(m.journeyId ? { journeyId: m.journeyId, nodeId: m.nodeId } : {}), ...extra },
      // One engagement event per message and kind, even if two requests race.
      messageId: `${name}:${messageId}`,
    });
  } catch (error) {
    log.warn({ messageId, err: error }, 'engagement event not recorded');
  }
}

/** Counts an open from the pixel; a token we did not sign counts nothing. */
export function recordOpen(db: Db, clock: Clock, tokens: Tokens, token: string): boolean {
  const payload = tokens.verify('open', token);
  if (!payload || typeof payload.m !== 'string') return false;
  const now = clock.now().getTime();
  const m = track(
    db,
    `UPDATE messages SET open_count = open_count + 1, first_opened_at = coalesce(first_opened_at, @now)
      WHERE id = @id AND status = 'sent'
      RETURNING contact_id AS contactId, journey_id AS journeyId, node_id AS nodeId, template_id AS templateId, first_opened_at AS first, open_count AS count`,
    payload.m,
    now,
    'template_opened',
  );
  if (m && m.first === now) engagement(db, clock, m, payload.m, '$email_opened', {});
  return m !== undefined;
}

/**
 * The target of a click link, counting the click; null for a token we did not sign, so a tampered link
 * redirects nowhere. A valid link always goes to the URL it was signed with, whatever else the request says.
 */
export function recordClick(db: Db, clock: Clock, tokens: Tokens, token: string): string | null {
  const payload = tokens.verify('click', token);
  if (!payload || typeof payload.m !== 'string' || typeof payload.u !== 'string' || !/^https?:\/\//i.test(payload.u)) return null;
  const now = clock.now().getTime();
  const m = track(
    db,
    `UPDATE messages SET click_count = click_count + 1, first_clicked_at = coalesce(first_clicked_at, @now)
      WHERE id = @id AND status = 'sent'
      RETURNING contact_id AS contactId, journey_id AS journeyId, node_id AS nodeId, template_id AS templateId, first_clicked_at AS first, click_count AS count`,
    payload.m,
    now,
    'template_clicked',
  );
  if (m && m.first === now) engagement(db, clock, m, payload.m, '$email_clicked', { url: payload.u });
  return payload.u;
}
