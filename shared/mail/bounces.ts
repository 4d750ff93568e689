// Bounces in words a marketer reads: what an enhanced status code (RFC 3463) means for the address, and what Kairos
// did about a report. Pure, shared by the server (notes, suppression details) and the contact page.

/** Soft bounces of one address within this window make Kairos stop sending to it. */
export const SOFT_BOUNCE_LIMIT = 3;
export const SOFT_BOUNCE_WINDOW_DAYS = 7;
/**
 * A suppression for soft bounces lifts this long after it was made: a full mailbox or a server having a bad week says
 * nothing lasting about the address, so mail goes again (and a new run of soft bounces suppresses it again).
 */
export const SOFT_BOUNCE_SUPPRESSION_DAYS = 30;

const DETAILS: Record<string, string> = {
  '1.1': 'the mailbox does not exist',
  '1.2': 'the domain does not exist or takes no mail',
  '1.3': 'the address is not valid',
  '1.6': 'the mailbox has moved',
  '1.10': 'the recipient was not found',
  '2.1': 'the mailbox is disabled',
  '2.2': 'the mailbox is full',
  '2.3': 'the email was too large for the mailbox',
  '2.4': 'a mailing list could not be expanded',
  '3.4': 'the email was too large for the receiving server',
  '4.1': 'the receiving server did not answer',
  '4.2': 'the connection to the receiving server broke off',
  '4.4': 'the receiving server could not be found',
  '4.7': 'the email expired before it could be delivered',
  '7.1': 'the receiving server refused it (policy or spam filter)',
  '7.26': 'the receiving server refused it: authentication (SPF/DKIM/DMARC) failed',
};

const SUBJECTS: Record<string, string> = {
  '1': 'there is a problem with the address',
  '2': 'there is a problem with the mailbox',
  '3': 'the receiving mail system had a problem',
  '4': 'the receiving server could not be reached',
  '5': 'the receiving server did not understand the delivery',
  '6': 'the receiving server could not handle the content',
  '7': 'the receiving server refused it (policy or security)',
};

/**
 * True for an enhanced status (RFC 3463) that says the recipient's address itself does not take mail: the X.1.x address
 * statuses but X.1.7 and X.1.8 (those are about our sender address), and X.2.1 (mailbox disabled). Only these
 * suppress an address; a policy refusal (X.7.x: spam filter, DMARC), a full mailbox (X.2.2) or a problem of the
 * receiving system (X.3.x, X.4.x) says nothing about whether the address exists.
 */
export function isAddressStatus(status: string | null | undefined): boolean {
  const m = /^[245]\.(\d{1,3})\.(\d{1,3})$/.exec(status ?? '');
  if (!m) return false;
  const [, subject, detail] = m;
  return (subject === '1' && detail !== '7' && detail !== '8') || (subject === '2' && detail === '1');
}

/**
 * What one recipient of a delivery status notification (RFC 3464) means, from its Action and Status:
 * - hard: the delivery failed for good (Action failed, 5.x.x) and the status is about the address (isAddressStatus):
 *   the address is suppressed;
 * - blocked: failed for good for another reason (a policy or spam block, DMARC, a full mailbox, the receiving system):
 *   counted as a bounce, the address kept;
 * - soft: the receiving server gave up on a temporary failure (Action failed, 4.x.x): counts toward SOFT_BOUNCE_LIMIT;
 * - delayed: the server is still trying (Action delayed, or a 4.x.x status without Action failed): kept, nothing
 *   counted, since greylisted mail is usually delivered on the retry.
 * Null for anything else (delivered, relayed, a 2.x.x status). A missing Action reads by its status (RFC 3464 requires
 * one; some MTAs leave it out).
 */
export type BounceSeverity = 'hard' | 'blocked' | 'soft' | 'delayed';

export function bounceSeverity(action: string, status: string): BounceSeverity | null {
  const a = action.trim().toLowerCase();
  if (a === 'delivered' || a === 'relayed' || a === 'expanded') return null;
  if (a === 'delayed') return 'delayed';
  if (status.startsWith('5.')) return isAddressStatus(status) ? 'hard' : 'blocked';
  if (status.startsWith('4.')) return a === 'failed' ? 'soft' : 'delayed';
  return null;
}

/** `5.1.1` → "the mailbox does not exist"; an unknown detail falls back to its subject (RFC 3463 3.x), then to its class. */
export function bounceReason(status: string | null | undefined): string {
  const m = /^([245])\.(\d{1,3})\.(\d{1,3})$/.exec(status ?? '');
  if (!m) return 'delivery failed';
  const [, klass, subject, detail] = m;
  return DETAILS[`${subject}.${detail}`] ?? SUBJECTS[subject!] ?? (klass === '5' ? 'delivery failed for good' : 'delivery failed for now');
}
