// Opens and clicks: counted per message (first time and count), and the first of each recorded as an engagement event for the lifecycle rules.
import type { Clock } from '../clock.ts';
import { recordEvent } from '../contacts/contacts.ts';
import type { Db } from '../db/client.ts';
import { log } from '../log.ts';
import type { Tokens } from './tokens.ts';

interface TrackedMessage {
  contactId: string;
  journeyId: string | null;
  nodeId: string | null;
  templateId: string;
  first: number | null;
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
  const m = db.$client
    .prepare(`UPDATE messages SET open_count = open_count + 1, first_opened_at = coalesce(first_opened_at, @now)
      WHERE id = @id AND status = 'sent'
      RETURNING contact_id AS contactId, journey_id AS journeyId, node_id AS nodeId, template_id AS templateId, first_opened_at AS first`)
    .get({ id: payload.m, now }) as TrackedMessage | undefined;
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
  const m = db.$client
    .prepare(`UPDATE messages SET click_count = click_count + 1, first_clicked_at = coalesce(first_clicked_at, @now)
      WHERE id = @id AND status = 'sent'
      RETURNING contact_id AS contactId, journey_id AS journeyId, node_id AS nodeId, template_id AS templateId, first_clicked_at AS first`)
    .get({ id: payload.m, now }) as TrackedMessage | undefined;
  if (m && m.first === now) engagement(db, clock, m, payload.m, '$email_clicked', { url: payload.u });
  return payload.u;
}
