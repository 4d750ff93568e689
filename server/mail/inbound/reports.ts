// Reads what arrives at the bounce domain: delivery status notifications (RFC 3464) and feedback-loop complaints (ARF,
// RFC 5965), each tied to the message it is about when it can be; anything else is unmatched, with the reason in plain
// words. Never throws: a listener hands it whatever a stranger sent.
import { simpleParser, type Attachment, type ParsedMail } from 'mailparser';
import { bounceSeverity, type BounceSeverity } from '../../../shared/mail/bounces.ts';
import { looksLikeVerp, parseVerp } from './verp.ts';

export interface Bounce {
  kind: 'bounce';
  /** From Action and Status (shared/mail/bounces.ts bounceSeverity): hard, blocked, soft or delayed. */
  severity: BounceSeverity;
  /** Our message id (`m_…`), or null when the report names none we can trust. */
  messageId: string | null;
  /** Final-Recipient (else Original-Recipient), lower-cased, without its address type. */
  recipient: string;
  /** The enhanced status code (RFC 3463), e.g. `5.1.1`. */
  status: string;
  /** Diagnostic-Code without its type, e.g. `550 5.1.1 <ana@example.net>: User unknown`. */
  diagnostic: string | null;
  /** Reporting-MTA without its type, e.g. `mail.shop.example`. */
  reportingMta: string | null;
}

/** RFC 5965's types and the ones registered since (auth-failure, not-spam); any other counts as `other` (RFC 5965 3.1). */
export const FEEDBACK_TYPES = ['abuse', 'auth-failure', 'fraud', 'not-spam', 'other', 'virus'] as const;
export type FeedbackType = (typeof FEEDBACK_TYPES)[number];

export interface Complaint {
  kind: 'complaint';
  messageId: string | null;
  /** Original-Rcpt-To, lower-cased; null when the provider left it out (several redact it). */
  recipient: string | null;
  /** `not-spam` is the opposite of a complaint: the integration must not unsubscribe anyone for it. */
  feedbackType: FeedbackType;
  userAgent: string | null;
}

export interface Unmatched {
  kind: 'unmatched';
  reason: string;
}

export type InboundReport = Bounce | Complaint | Unmatched;

/**
 * One entry per recipient a report is about (a DSN may cover several; recipients it reports as delivered, relayed or
 * expanded are left out), and never none: a message that is no report is a single `unmatched` entry.
 */
export type InboundReports = [InboundReport, ...InboundReport[]];

/** The SMTP envelope the report came with: RCPT TO (the VERP address for a bounce) and MAIL FROM (empty for a DSN). */
export interface InboundEnvelope {
  to: readonly string[];
  from: string;
}

export interface InboundSettings {
  bounceDomains: readonly string[];
  secret: string;
}

/** Reports are small; a larger message is no report of ours. The listener should refuse it at SMTP SIZE already. */
export const MAX_REPORT_BYTES = 10 * 1024 * 1024;
/** The header block of one MIME part; real reports stay far below (mailparser's own default is 1 MB). */
const MAX_HEAD_BYTES = 256 * 1024;

const DELIVERY_STATUS = ['message/delivery-status', 'message/global-delivery-status'];
const FEEDBACK_REPORT = 'message/feedback-report';
const ORIGINAL = ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'];

/** Our message ids in a Message-ID header (`<m_…@sender-domain>`, server/mail/compose.ts). */
const OUR_MESSAGE_ID = /^<?\s*(m_[0-9a-hjkmnp-tv-z]{26})@/i;

const unmatched = (reason: string): Unmatched => ({ kind: 'unmatched', reason });
/** A stranger's words inside a reason are cut short: the reason goes into logs and the database. */
const cut = (value: string): string => (value.length > 80 ? `${value.slice(0, 80)}…` : value);

/**
 * What one inbound message reports, per recipient: a bounce, a complaint, or unmatched with the reason. Never rejects.
 * `settings` holds the bounce domains and the workspace SECRET, to check VERP addresses (./verp.ts).
 */
export async function parseInboundReport(raw: Buffer, envelope: InboundEnvelope, settings: InboundSettings): Promise<InboundReports> {
  try {
    return await readReport(raw, envelope, settings);
  } catch (error) {
    // A bug of ours must not take the listener down with it either.
    return [unmatched(`could not be read: ${cut(error instanceof Error ? error.message : String(error))}`)];
  }
}

async function readReport(raw: Buffer, envelope: InboundEnvelope, settings: InboundSettings): Promise<InboundReports> {
  if (!raw || raw.length === 0) return [unmatched('the message is empty')];
  if (raw.length > MAX_REPORT_BYTES) return [unmatched(`the message is larger than ${MAX_REPORT_BYTES / 1024 / 1024} MB`)];
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, {
      // The report's parts as attachments, each with its own bytes: the delivery-status part instead of mixed into the
      // text, and an included message/rfc822 as it came instead of parsed into the report's own text.
      keepDeliveryStatus: true,
      ignoreEmbedded: true,
      maxHeadSize: MAX_HEAD_BYTES,
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      checksumAlgo: false,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [unmatched(/header/i.test(message) && /size|exceed/i.test(message) ? `a header block is longer than ${MAX_HEAD_BYTES / 1024} KB` : `not a readable MIME message (${cut(message)})`)];
  }
  if (mail.headers.size === 0) return [unmatched('not a mail message: it has no header fields')];

  // mailparser gives Content-Type as { value, params }, defaulting to text/plain as RFC 2045 5.2 does.
  const contentType = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const type = String(contentType?.value ?? 'text/plain').toLowerCase();
  const params = contentType?.params ?? {};
  if (type !== 'multipart/report') {
    const auto = String(mail.headers.get('auto-submitted') ?? '').toLowerCase();
    return [unmatched(auto && !auto.startsWith('no') ? `an automatic reply (Auto-Submitted: ${cut(auto)}), not a report` : `not a report: the message is ${cut(type)}`)];
  }

  const deliveryStatus = mail.attachments.find((a) => DELIVERY_STATUS.includes(a.contentType.toLowerCase()));
  const feedback = mail.attachments.find((a) => a.contentType.toLowerCase() === FEEDBACK_REPORT);
  // RFC 6522 requires report-type; a report without one is read by the part it carries.
  const reportType = (params['report-type'] ?? (deliveryStatus ? 'delivery-status' : feedback ? 'feedback-report' : '')).toLowerCase();
  const original = originalHeaders(mail.attachments.find((a) => ORIGINAL.includes(a.contentType.toLowerCase())));

  if (reportType === 'delivery-status' || reportType === 'global-delivery-status') {
    if (!deliveryStatus) return [unmatched('a delivery-status report without its message/delivery-status part')];
    return bounces(text(deliveryStatus), messageIdOf(envelope, settings, original, []));
  }
  if (reportType === 'feedback-report') {
    if (!feedback) return [unmatched('a feedback-report without its message/feedback-report part')];
    return complaints(text(feedback), envelope, settings, original);
  }
  return [unmatched(reportType ? `a report of type ${cut(reportType)}, neither a delivery status notification nor a complaint` : 'a multipart/report with no report-type and no report part')];
}

/** Header fields in blocks separated by blank lines (RFC 3464 2.1: one per-message block, then one per recipient). */
type Fields = Map<string, string[]>;

function fieldBlocks(source: string): Fields[] {
  const blocks: Fields[] = [];
  let block: Fields | null = null;
  let last: { values: string[]; index: number } | null = null;
  for (const line of source.split(/\r?\n/)) {
    if (line.trim() === '') {
      block = null;
      last = null;
    } else if (/^[ \t]/.test(line)) {
      // RFC 5322 2.2.3: a folded field continues on lines that start with white space.
      if (last) last.values[last.index] += ` ${line.trim()}`;
    } else {
      const colon = line.indexOf(':');
      if (colon <= 0) {
        last = null;
        continue;
      }
      if (!block) {
        block = new Map();
        blocks.push(block);
      }
      const name = line.slice(0, colon).trim().toLowerCase();
      const values = block.get(name) ?? [];
      values.push(line.slice(colon + 1).trim());
      block.set(name, values);
      last = { values, index: values.length - 1 };
    }
  }
  return blocks;
}

const first = (fields: Fields | null | undefined, name: string): string | null => fields?.get(name)?.[0] ?? null;

const text = (part: Attachment): string => part.content.toString('utf8');

/** `rfc822; <Ana@Example.net>` → `ana@example.net`; null for anything without an @. */
function addressOf(value: string | null): string | null {
  if (!value) return null;
  const bare = value.replace(/^[\w.-]+\s*;/, '').trim().replace(/^<(.*)>$/, '$1').trim().toLowerCase();
  return bare.includes('@') && !/\s/.test(bare) ? bare : null;
}

/** `dns; mail.shop.example` → `mail.shop.example`, `smtp; 550 …` → `550 …` (RFC 3464 2.1.2: a type, then the value). */
const withoutType = (value: string | null): string | null => (value ? value.replace(/^[\w.-]+\s*;\s*/, '').replace(/\s+/g, ' ').trim() || null : null);

const STATUS = /\b([245]\.\d{1,3}\.\d{1,3})\b/;

function bounces(deliveryStatus: string, messageId: string | null): InboundReports {
  const blocks = fieldBlocks(deliveryStatus);
  const isRecipient = (b: Fields) => b.has('final-recipient') || b.has('original-recipient') || b.has('action');
  const reportingMta = withoutType(first(blocks.find((b) => !isRecipient(b)), 'reporting-mta'));
  const recipients = blocks.filter(isRecipient);
  if (recipients.length === 0) return [unmatched('a delivery-status part with no recipient in it')];
  const entries: InboundReport[] = [];
  for (const block of recipients) {
    const entry = bounceOf(block, messageId, reportingMta);
    if (entry) entries.push(entry);
  }
  const [head, ...rest] = entries;
  return head ? [head, ...rest] : [unmatched('a delivery status notification of successful deliveries only (delivered, relayed or expanded), not a bounce')];
}

/** One recipient block of a DSN; null for a recipient it reports as delivered (RFC 3464 2.3.3). */
function bounceOf(block: Fields, messageId: string | null, reportingMta: string | null): Bounce | Unmatched | null {
  const recipient = addressOf(first(block, 'final-recipient')) ?? addressOf(first(block, 'original-recipient'));
  if (!recipient) return unmatched('a recipient block without a Final-Recipient address');
  const action = (first(block, 'action') ?? '').toLowerCase().split(/[\s(]/)[0] ?? '';
  if (action === 'delivered' || action === 'relayed' || action === 'expanded') return null;
  const diagnostic = withoutType(first(block, 'diagnostic-code'));
  // Status is required (RFC 3464 2.3.4), yet some MTAs only put the code in the diagnostic.
  const status = STATUS.exec(first(block, 'status') ?? '')?.[1] ?? STATUS.exec(diagnostic ?? '')?.[1] ?? null;
  if (!status) return unmatched(`no Status for ${cut(recipient)}`);
  const severity = bounceSeverity(action, status);
  if (!severity) return unmatched(`Action ${cut(action) || '(none)'} with Status ${status} for ${cut(recipient)} is not a bounce`);
  return { kind: 'bounce', severity, messageId, recipient, status, diagnostic, reportingMta };
}

function complaints(feedbackReport: string, envelope: InboundEnvelope, settings: InboundSettings, original: Fields | null): InboundReports {
  const fields = fieldBlocks(feedbackReport)[0];
  const given = first(fields, 'feedback-type')?.toLowerCase();
  if (!given) return [unmatched('a feedback report without a Feedback-Type')];
  const feedbackType: FeedbackType = (FEEDBACK_TYPES as readonly string[]).includes(given) ? (given as FeedbackType) : 'other';
  const userAgent = first(fields, 'user-agent');
  // The original Return-Path, when the provider kept it, is our VERP address: a MAC-checked name of the message.
  const messageId = messageIdOf(envelope, settings, original, [first(fields, 'original-mail-from')]);
  // RFC 5965 3.3: Original-Rcpt-To may appear once per recipient.
  const recipients = (fields?.get('original-rcpt-to') ?? []).map(addressOf).filter((r): r is string => r !== null);
  const [head, ...rest] = (recipients.length ? recipients : [null]).map((recipient): Complaint => ({ kind: 'complaint', messageId, recipient, feedbackType, userAgent }));
  return [head!, ...rest];
}

/** The header fields of the original message the report includes (its third part), or null without one. */
function originalHeaders(part: Attachment | undefined): Fields | null {
  if (!part) return null;
  const source = text(part);
  // A whole message/rfc822 has a body after its headers; text/rfc822-headers is headers only (RFC 6522 4).
  const end = source.search(/\r?\n\r?\n/);
  return fieldBlocks(end === -1 ? source : source.slice(0, end))[0] ?? null;
}

/**
 * Which of our messages a report is about, in the order of trust: the VERP address it was sent to (RFC 5321 4.5.5: a
 * report goes to the Return-Path of the message), then a VERP address inside the report (ARF's Original-Mail-From, the
 * original's Return-Path), then our Message-ID in the original's headers.
 *
 * A report sent to an address of our VERP shape whose MAC is wrong was made up, and whoever made it up wrote its
 * included headers too: it names no message (null), whatever those say.
 */
function messageIdOf(envelope: InboundEnvelope, settings: InboundSettings, original: Fields | null, reportAddresses: Array<string | null>): string | null {
  const { bounceDomains, secret } = settings;
  const recipients = Array.isArray(envelope?.to) ? envelope.to.filter((a): a is string => typeof a === 'string') : [];
  for (const address of recipients) {
    const verp = parseVerp(address, bounceDomains, secret);
    if (verp) return verp.messageId;
  }
  if (recipients.some((address) => looksLikeVerp(address, bounceDomains))) return null;
  for (const address of [...reportAddresses, first(original, 'return-path')]) {
    const verp = address ? parseVerp(address, bounceDomains, secret) : null;
    if (verp) return verp.messageId;
  }
  const header = first(original, 'message-id');
  const ours = header ? OUR_MESSAGE_ID.exec(header) : null;
  return ours ? ours[1]!.toLowerCase() : null;
}
