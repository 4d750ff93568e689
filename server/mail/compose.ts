// Builds the SMTP message: From and Reply-To from Settings, a stable Message-ID, Date, text + HTML, and RFC 8058 unsubscribe headers on marketing mail.
import type Mail from 'nodemailer/lib/mailer/index.js';

export interface Envelope {
  messageId: string;
  to: string;
  from: { name: string; email: string };
  replyTo: string | null;
  subject: string;
  html: string;
  text: string;
  date: Date;
  /** Marketing mail carries List-Unsubscribe (https) and List-Unsubscribe-Post; transactional mail does not. */
  unsubscribeUrl: string | null;
}

/** `<message-id@sender-domain>`: the same for every retry of a message, so receivers can tell a retry from a new email. */
export function messageIdHeader(messageId: string, fromEmail: string): string {
  const domain = fromEmail.split('@')[1] || 'kairos.local';
  return `<${messageId}@${domain}>`;
}

/** The From domain a Message-ID of ours names (`<m_…@shop.example>` → `shop.example`): what deliverability counts by. */
export function fromDomainOfHeader(header: string | null | undefined): string | null {
  const at = header?.lastIndexOf('@') ?? -1;
  return at > 0 ? header!.slice(at + 1).replace(/>\s*$/, '').trim().toLowerCase() || null : null;
}

export function composeMail(e: Envelope): Mail.Options {
  const headers: Record<string, string> = {};
  if (e.unsubscribeUrl) {
    headers['List-Unsubscribe'] = `<${e.unsubscribeUrl}>`;
    // RFC 8058 section 3.1: one-click unsubscription by POST, with no cookie and no page.
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return {
    from: { name: e.from.name, address: e.from.email },
    ...(e.replyTo ? { replyTo: e.replyTo } : {}),
    to: e.to,
    subject: e.subject,
    text: e.text,
    html: e.html,
    messageId: messageIdHeader(e.messageId, e.from.email),
    date: e.date,
    headers,
    // Without this nodemailer may pick base64 for long lines; quoted-printable keeps the text readable in sources.
    textEncoding: 'quoted-printable',
  };
}

/** The unsubscribe footer for marketing mail whose template lost its own link: every marketing email must carry one. */
export function unsubscribeFooter(unsubscribeUrl: string, preferencesUrl: string): { html: string; text: string } {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return {
    html: `<div style="text-align:center;font-family:Arial,sans-serif;font-size:13px;color:#5a687c;padding:16px;"><a href="${esc(preferencesUrl)}" style="color:#475569;">Email preferences</a> · <a href="${esc(unsubscribeUrl)}" style="color:#475569;">Unsubscribe</a></div>`,
    text: `\n\nEmail preferences: ${preferencesUrl}\nUnsubscribe: ${unsubscribeUrl}`,
  };
}
