// The development inbox: mail received by the built-in SMTP server, parsed with mailparser and kept per recipient.
import { simpleParser } from 'mailparser';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import type { Statement } from 'better-sqlite3';
import type { ReceivedMail } from './devSmtp.ts';

/** Keeps the newest mail only: a development inbox, not an archive. */
export const MAX_CAPTURED = 5_000;

function headerText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toUTCString();
  if (Array.isArray(value)) return value.map(headerText).join(', ');
  if (typeof value === 'object') {
    const v = value as { text?: string; value?: unknown; params?: Record<string, string> };
    if (typeof v.text === 'string') return v.text;
    if (typeof v.value === 'string') {
      const params = Object.entries(v.params ?? {}).map(([k, p]) => `; ${k}=${p}`).join('');
      return v.value + params;
    }
  }
  return JSON.stringify(value);
}

type Statements = { insert: Statement<unknown[]>; trim: Statement<[number]> };
const prepared = new WeakMap<object, Statements>();

/** Prepared once per database: a drizzle insert prepares its statement on every call, which cost more than the write. */
function statementsFor(db: Db): Statements {
  let st = prepared.get(db.$client);
  if (!st) {
    st = {
      insert: db.$client.prepare(`INSERT INTO captured_emails (recipient, from_address, subject, html, text, headers, message_id_header, size, received_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      trim: db.$client.prepare(`DELETE FROM captured_emails WHERE id <= (SELECT max(id) FROM captured_emails) - ?`),
    };
    prepared.set(db.$client, st);
  }
  return st;
}

export async function captureEmail(db: Db, clock: Clock, mail: ReceivedMail): Promise<void> {
  await storeCapturedEmail(db, clock, mail);
}

/** Stores the mail for each recipient; returns what was stored of its bodies (the demo follows the links in them). */
export async function storeCapturedEmail(db: Db, clock: Clock, mail: ReceivedMail): Promise<{ html: string | null; text: string | null }> {
  const parsed = await simpleParser(mail.raw, { skipImageLinks: true });
  const headers: Array<[string, string]> = parsed.headerLines.map((h) => {
    const colon = h.line.indexOf(':');
    return [h.line.slice(0, colon).trim(), h.line.slice(colon + 1).replace(/\r?\n\s+/g, ' ').trim()];
  });
  const row = {
    fromAddress: headerText(parsed.from) || mail.from,
    subject: parsed.subject ?? '',
    html: parsed.html === false ? null : (parsed.html ?? null),
    text: parsed.text ?? null,
    headers,
    messageIdHeader: parsed.messageId ?? null,
    size: mail.raw.length,
    receivedAt: clock.now(),
  };
  const st = statementsFor(db);
  db.$client.transaction(() => {
    for (const recipient of mail.recipients) {
      st.insert.run(recipient, row.fromAddress, row.subject, row.html, row.text, JSON.stringify(row.headers), row.messageIdHeader, row.size, row.receivedAt.getTime());
    }
    // By id arithmetic (ids only grow, and rows go only from the oldest end): an OFFSET walked 5,000 rows per email.
    st.trim.run(MAX_CAPTURED);
  })();
  return { html: row.html, text: row.text };
}
