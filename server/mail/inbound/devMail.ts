// The development SMTP server's sorting: bounces and complaints (mail to a bounce domain, or any multipart/report) go
// to the inbound reports as the production listener's would; everything else is caught for the Inbox as before.
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/client.ts';
import type { Logger } from '../../log.ts';
import { captureEmail } from '../capture.ts';
import type { ReceivedMail } from '../devSmtp.ts';
import { bounceDomainsOf, receiveInbound } from './process.ts';

/** Only the header block decides: a report's headers are short, and the body may be large. */
const HEAD_BYTES = 64 * 1024;

/** True when the message's own Content-Type is multipart/report (RFC 6522), whatever its report-type. */
export function isMultipartReport(raw: Buffer): boolean {
  const head = raw.subarray(0, HEAD_BYTES).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  // Unfolded (RFC 5322 2.2.3), so a Content-Type continued on the next line still reads as one.
  const fields = (end === -1 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  return /^content-type:\s*multipart\/report\b/im.test(fields);
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at > 0 ? address.slice(at + 1).toLowerCase().replace(/\.$/, '') : '';
}

export function devMailHandler(deps: { db: Db; clock: Clock; secret: string; log: Logger }): (mail: ReceivedMail) => Promise<void> {
  const { db, clock, secret, log } = deps;
  return async (mail) => {
    const bounceDomains = bounceDomainsOf(db, clock.now().getTime());
    const toBounceDomain = mail.recipients.some((r) => bounceDomains.includes(domainOf(r)));
    if (!toBounceDomain && !isMultipartReport(mail.raw)) return captureEmail(db, clock, mail);
    const result = await receiveInbound(db, clock, mail.raw, { to: mail.recipients, from: mail.from }, { bounceDomains, secret }, log);
    // The development server answers 451 for a rejection: the sender keeps the report and tries again.
    if (!result.ok) throw new Error(result.message);
  };
}
