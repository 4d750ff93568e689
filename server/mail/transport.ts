// The SMTP transport: pooled nodemailer from SMTP_URL (or the built-in dev server); a send returns a result and never throws.
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { isAddressStatus } from '../../shared/mail/bounces.ts';

export type SendResult =
  | { ok: true; response: string }
  /** temporary: retry later (4xx, connection, authentication, our sender refused); permanent: give up; bounce: the address does not exist. */
  | { ok: false; kind: 'temporary' | 'permanent' | 'bounce'; message: string; code: number | null };

export interface MailTransport {
  send(mail: Mail.Options): Promise<SendResult>;
  close(): void;
  /** Where mail goes, for Settings (credentials never included). */
  readonly description: string;
}

export interface PoolOptions {
  maxConnections: number;
  /** Messages per second across the pool; 0: no limit. */
  ratePerSecond: number;
}

/** nodemailer options from an smtp:// or smtps:// URL. */
export function smtpOptionsFromUrl(url: string, pool: PoolOptions): SMTPPool.Options {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  const loopback = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(u.hostname);
  return {
    pool: true,
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    maxConnections: pool.maxConnections,
    maxMessages: Infinity,
    ...(pool.ratePerSecond > 0 ? { rateDelta: 1000, rateLimit: pool.ratePerSecond } : {}),
    // A local test or development server has no certificate worth checking.
    ...(loopback ? { ignoreTLS: !secure, tls: { rejectUnauthorized: false } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
  /** The command nodemailer was answered for: 'MAIL FROM', 'RCPT TO', 'DATA', … */
  command?: string;
  rejectedErrors?: SmtpError[];
}

/** The enhanced status code (RFC 3463) in an SMTP reply, such as `5.7.1` in `550 5.7.1 Blocked`; null without one. */
function enhancedStatusOf(message: string): string | null {
  return /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(message)?.[1] ?? null;
}

/**
 * Sorts an SMTP failure. A 5xx answer to RCPT TO is a hard bounce (the address is suppressed) unless its enhanced
 * status says it is not about the address (a policy block, a full mailbox: permanent for this message only). A
 * refused MAIL FROM is about our envelope sender (a bounce domain whose MX is not published yet, say), never the
 * recipient: temporary, so it is tried again. Other 5xx are permanent; 4xx and broken connections temporary.
 */
export function classifySmtpError(error: unknown): Extract<SendResult, { ok: false }> {
  const e = (error ?? {}) as SmtpError;
  const inner = e.rejectedErrors?.[0] ?? e;
  const code = inner.responseCode ?? e.responseCode ?? null;
  const message = (inner.message ?? e.message ?? String(error)).trim();
  const command = inner.command ?? e.command ?? null;
  if (code !== null && code >= 500 && code < 600) {
    // A refused login is our configuration, not the message: keep it for when the settings are fixed.
    if (e.code === 'EAUTH') return { ok: false, kind: 'temporary', message, code };
    if (command === 'MAIL FROM') return { ok: false, kind: 'temporary', message, code };
    if (command === 'RCPT TO') {
      const status = enhancedStatusOf(message);
      return { ok: false, kind: status === null || isAddressStatus(status) ? 'bounce' : 'permanent', message, code };
    }
    return { ok: false, kind: 'permanent', message, code };
  }
  if (code !== null && code >= 400) return { ok: false, kind: 'temporary', message, code };
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return { ok: false, kind: 'permanent', message, code };
  return { ok: false, kind: 'temporary', message, code };
}

export function createSmtpTransport(url: string, pool: PoolOptions): MailTransport {
  const options = smtpOptionsFromUrl(url, pool);
  const transporter = nodemailer.createTransport(options);
  const u = new URL(url);
  return {
    description: `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`,
    async send(mail) {
      try {
        const info = await transporter.sendMail(mail);
        return { ok: true, response: String(info.response ?? '') };
      } catch (error) {
        return classifySmtpError(error);
      }
    },
    close: () => transporter.close(),
  };
}
