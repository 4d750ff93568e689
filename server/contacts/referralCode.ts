// Signs and checks referral codes with the workspace SECRET (HMAC-SHA256, a key of its own); no database, so the email
// preparation worker can make referral links too.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { formatReferralCode, parseReferralCode, referralUrlFor } from '../../shared/contacts/referrals.ts';

/** 9 bytes (72 bits, 12 characters): guessing one is hopeless through a rate-limited form, and the link stays short. */
const SIGNATURE_BYTES = 9;

const keys = new Map<string, Buffer>();

function keyFor(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    // Its own key: a referral code can never stand in for an unsubscribe or click token, nor the other way round.
    key = createHmac('sha256', secret).update('kairos-referral-code').digest();
    if (keys.size > 16) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

function signature(secret: string, contactId: string): Buffer {
  return createHmac('sha256', keyFor(secret)).update(contactId).digest().subarray(0, SIGNATURE_BYTES);
}

/** The contact's referral code, `<contact id>.<signature>`: the same every time, so it can be printed anywhere. */
export function referralCode(secret: string, contactId: string): string {
  return formatReferralCode(contactId, signature(secret, contactId).toString('base64url'));
}

/** The contact id a code names, or null when Kairos did not issue it (tampered, cut short, another workspace's). */
export function verifyReferralCode(secret: string, code: unknown): string | null {
  const parts = parseReferralCode(code);
  if (!parts) return null;
  // Compared as text: decoding base64url would drop the spare bits of a longer signature and accept it.
  const given = Buffer.from(parts.signature);
  const expected = Buffer.from(signature(secret, parts.contactId).toString('base64url'));
  return given.length === expected.length && timingSafeEqual(given, expected) ? parts.contactId : null;
}

/** `<PUBLIC_URL>/subscribe?ref=CODE`: the hosted subscribe form, carrying the contact's code. */
export function referralUrl(publicUrl: string, secret: string, contactId: string): string {
  return referralUrlFor(publicUrl, referralCode(secret, contactId));
}

/** The three bound to one workspace, for the places that hold the secret and the public URL (the mail runtime). */
export interface ReferralCodes {
  code(contactId: string): string;
  url(contactId: string): string;
  verify(code: unknown): string | null;
}

export function createReferralCodes(secret: string, publicUrl: string): ReferralCodes {
  return {
    code: (contactId) => referralCode(secret, contactId),
    url: (contactId) => referralUrl(publicUrl, secret, contactId),
    verify: (code) => verifyReferralCode(secret, code),
  };
}
