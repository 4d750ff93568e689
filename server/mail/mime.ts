// The MIME message of an email (multipart/alternative, text + HTML), built in one pass. The headers come from nodemailer's
// MimeNode (its address, encoded-word and folding rules); the parts are quoted-printable with CRLF line ends, written
// straight into a buffer instead of through nodemailer's stream pipeline, which cost more than rendering the email.
import { randomBytes } from 'node:crypto';
import type Mail from 'nodemailer/lib/mailer/index.js';
import MimeNode from 'nodemailer/lib/mime-node/index.js';

/**
 * A new random boundary per message: a boundary someone could predict (from an earlier email) would let a contact's
 * own data, rendered into the body, close a part and open one of its own.
 */
function newBoundary(): string {
  return `--_Kairos-${randomBytes(12).toString('hex')}`;
}

const HEX = Buffer.from('0123456789ABCDEF');
const CRLF = Buffer.from('\r\n');
/** RFC 2045 6.7 (5): encoded lines are at most 76 characters, the soft break's "=" included. */
const MAX_LINE = 76;

/**
 * Quoted-printable (RFC 2045 6.7) of text with its line breaks (LF or CRLF) as CRLF: printable ASCII stays as it is,
 * "=" and other bytes become =XX, a space or tab before a line end is encoded, long lines get soft breaks.
 */
export function quotedPrintable(text: string): Buffer {
  const input = Buffer.from(text, 'utf8');
  const n = input.length;
  // At worst every byte becomes =XX, plus a soft break per 21 bytes or more (a line of 75 columns, less at most the
  // 11 left free before a 4-byte character): a break per 16 bytes is a safe bound.
  const out = Buffer.allocUnsafe(n * 3 + Math.ceil(n / 16) * 3 + 2);
  const lineEndsAfter = (i: number) => i + 1 >= n || input[i + 1] === 0x0a || (input[i + 1] === 0x0d && input[i + 2] === 0x0a);
  let o = 0;
  let column = 0;
  for (let i = 0; i < n; i++) {
    const byte = input[i]!;
    if (byte === 0x0a || (byte === 0x0d && input[i + 1] === 0x0a)) {
      if (byte === 0x0d) i++;
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      column = 0;
      continue;
    }
    let literal = byte >= 0x21 && byte <= 0x7e && byte !== 0x3d;
    if (!literal && (byte === 0x20 || byte === 0x09)) literal = !lineEndsAfter(i);
    const width = literal ? 1 : 3;
    // A UTF-8 character is not split by a soft break (line-wise decoders would show it broken): at its first byte,
    // room is made for all of its bytes.
    const bytes = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    const needed = width * bytes;
    // A soft break's "=" needs the 76th column, unless this is the last character of its line.
    if (column + needed > MAX_LINE - 1 && !(column + needed <= MAX_LINE && lineEndsAfter(i + bytes - 1))) {
      out[o++] = 0x3d;
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      column = 0;
    }
    if (literal) {
      out[o++] = byte;
    } else {
      out[o++] = 0x3d;
      out[o++] = HEX[byte >> 4]!;
      out[o++] = HEX[byte & 0x0f]!;
    }
    column += width;
  }
  return out.subarray(0, o);
}

function partHeader(boundary: string, type: 'plain' | 'html'): Buffer {
  return Buffer.from(`--${boundary}\r\nContent-Type: text/${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`);
}

/** The whole message as it goes over SMTP (before dot-stuffing): headers, then the text and the HTML part. */
export function buildMime(mail: Mail.Options & { text: string; html: string }): Buffer {
  const text = quotedPrintable(mail.text);
  const html = quotedPrintable(mail.html);
  // RFC 2046 5.1.1: the boundary must not occur in the encapsulated parts.
  let boundary = newBoundary();
  while (text.includes(`--${boundary}`) || html.includes(`--${boundary}`)) boundary = newBoundary();
  const root = new MimeNode(`multipart/alternative; boundary="${boundary}"`, { baseBoundary: boundary, disableFileAccess: true, disableUrlAccess: true });
  // The order nodemailer's composer uses: custom headers, then the addresses, subject, Message-ID and Date.
  if (mail.headers) root.addHeader(mail.headers as Record<string, string>);
  const fields: Array<[string, unknown]> = [['From', mail.from], ['Reply-To', mail.replyTo], ['To', mail.to], ['Subject', mail.subject], ['Message-ID', mail.messageId], ['Date', mail.date]];
  for (const [key, value] of fields) if (value) root.setHeader(key, value as string);
  // Always a Subject header, even an empty one (MimeNode leaves empty ones out): spam filters mark mail without one.
  const head = Buffer.from(`${root.buildHeaders()}${mail.subject ? '' : '\r\nSubject: '}\r\n\r\n`);
  return Buffer.concat([
    head,
    partHeader(boundary, 'plain'),
    text,
    CRLF,
    partHeader(boundary, 'html'),
    html,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}
