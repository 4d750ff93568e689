// Referrals (the advocacy moment): the shape of a contact's referral code and link, and when a confirmed referral counts; pure.

/** The event a referrer gets when someone they referred confirms; a built-in lifecycle rule makes them an advocate. */
export const REFERRAL_CONVERTED_EVENT = 'referral_converted';

/**
 * Written on the referred contact when they subscribe through a valid referral link; their confirmation reads the
 * latest one. An event rather than a column: the referral only counts once they confirm (contacts.referred_by).
 */
export const REFERRAL_LINK_USED_EVENT = '$referral_link_used';

/** The code in the referral links of previews and test sends: it names no one, and the form ignores it quietly. */
export const PREVIEW_REFERRAL_CODE = 'preview';

/** The query parameter of the hosted subscribe form (and the form's hidden field) that carries the code. */
export const REFERRAL_PARAM = 'ref';

/** Contact ids are time-ordered ids (c_ + base32) or UUIDs: URL-safe characters only, so the code needs no escaping. */
const ID_PART = /^[A-Za-z0-9_-]{1,64}$/;
const MAC_PART = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * A referral code is `<contact id>.<signature>`: the id says whose it is, the signature (made with the workspace
 * secret on the server) that Kairos issued it, so a code is checked without a look-up and without a stored column.
 */
export function formatReferralCode(contactId: string, signature: string): string {
  return `${contactId}.${signature}`;
}

/** The two parts of something shaped like a referral code, or null; whether the signature is right is the server's to say. */
export function parseReferralCode(code: unknown): { contactId: string; signature: string } | null {
  if (typeof code !== 'string' || code.length > 160) return null;
  const trimmed = code.trim();
  const dot = trimmed.lastIndexOf('.');
  if (dot <= 0) return null;
  const contactId = trimmed.slice(0, dot);
  const signature = trimmed.slice(dot + 1);
  return ID_PART.test(contactId) && MAC_PART.test(signature) ? { contactId, signature } : null;
}

/** The hosted subscribe form with the code: what `{{ contact.referral_url }}` renders to. */
export function referralUrlFor(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/subscribe?${REFERRAL_PARAM}=${encodeURIComponent(code)}`;
}

export type ReferralDecision =
  | { count: true }
  | { count: false; reason: 'self' | 'already_referred' | 'subscribed_before' | 'referrer_unknown' };

/**
 * Whether a confirmation through a referral link counts: once per referred person (whoever referred them first),
 * never for the referrer's own address, and only for someone new to the list (an old subscriber coming back through
 * a friend's link earns the friend nothing).
 */
export function decideReferral(input: {
  referrerId: string;
  contactId: string;
  referrerExists: boolean;
  alreadyReferredBy: string | null;
  confirmedBefore: boolean;
}): ReferralDecision {
  if (input.referrerId === input.contactId) return { count: false, reason: 'self' };
  if (!input.referrerExists) return { count: false, reason: 'referrer_unknown' };
  if (input.alreadyReferredBy !== null) return { count: false, reason: 'already_referred' };
  if (input.confirmedBefore) return { count: false, reason: 'subscribed_before' };
  return { count: true };
}
