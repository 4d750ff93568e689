// Referrals: the link a subscriber used is noted on subscribe, and counted when they confirm — referred_by on them, a
// referral_converted event (lifecycle rules make the referrer an advocate) and the rollup on the referrer — in the
// consent transaction. Also the contact page's "referred by" and "referred" lists.
import { decideReferral, REFERRAL_CONVERTED_EVENT, REFERRAL_LINK_USED_EVENT } from '../../shared/contacts/referrals.ts';
import type { Db } from '../db/client.ts';
import { log } from '../log.ts';
import { bumpCount } from '../reports/rollups.ts';
import { recordEvent } from './contacts.ts';
import { getContact, statements, writeEvent, type ContactState, type SubscriptionStatus } from './db.ts';

export { createReferralCodes, referralCode, referralUrl, verifyReferralCode, type ReferralCodes } from './referralCode.ts';

function prepare(db: Db) {
  const c = db.$client;
  return {
    // Served by events_contact_name_time_idx.
    latestLinkUsed: c.prepare<[string], { properties: string }>(
      `SELECT properties FROM events WHERE contact_id = ? AND name = '${REFERRAL_LINK_USED_EVENT}' ORDER BY timestamp DESC, id DESC LIMIT 1`,
    ),
    referredBy: c.prepare<[string], { referred_by: string | null }>('SELECT referred_by FROM contacts WHERE id = ?'),
    // Only the first referral of a person is kept: a second confirmation, or another friend's link, changes nothing.
    setReferredBy: c.prepare<[string, number, string]>('UPDATE contacts SET referred_by = ?, referred_at = ? WHERE id = ? AND referred_by IS NULL'),
    referrer: c.prepare<[string], ReferralPerson & { referred_at: number | null }>(
      'SELECT r.id, r.email, r.name, r.subscription, c.referred_at FROM contacts c JOIN contacts r ON r.id = c.referred_by WHERE c.id = ?',
    ),
    // Served by the partial contacts_referred_by_idx.
    referred: c.prepare<[string, number], ReferralPerson & { referred_at: number }>(
      'SELECT id, email, name, subscription, referred_at FROM contacts WHERE referred_by = ? ORDER BY referred_at DESC, id DESC LIMIT ?',
    ),
    countReferred: c.prepare<[string], { n: number }>('SELECT count(*) AS n FROM contacts WHERE referred_by = ?'),
  };
}

const cache = new WeakMap<object, ReturnType<typeof prepare>>();

/** The statements of this connection, prepared on first use. */
function prepared(db: Db): ReturnType<typeof prepare> {
  let s = cache.get(db.$client);
  if (!s) cache.set(db.$client, (s = prepare(db)));
  return s;
}

/**
 * A subscribe request came through a referral link (the code already verified): noted on the subscriber as an
 * internal event, which their confirmation reads. Their own link is no referral and is not noted.
 */
export function noteReferralLink(db: Db, contact: ContactState, referrerId: string, atMs: number): boolean {
  if (referrerId === contact.id) {
    log.info({ contactId: contact.id }, 'referral link of the subscriber themself; not a referral');
    return false;
  }
  writeEvent(db, { contactId: contact.id, name: REFERRAL_LINK_USED_EVENT, properties: { referrer: referrerId }, timestamp: atMs, receivedAt: atMs });
  return true;
}

/**
 * The contact confirmed after a pending request: if that request came through someone's referral link, and the
 * referral counts (decideReferral), it is recorded. Runs inside the consent transaction, after the confirmation's
 * own $subscription_confirmed event was written. Returns the referrer's id when a referral was counted.
 */
export function recordConfirmedReferral(db: Db, contact: ContactState, atMs: number): string | null {
  const s = prepared(db);
  const noted = s.latestLinkUsed.get(contact.id);
  if (!noted) return null;
  const referrerId = (JSON.parse(noted.properties) as { referrer?: unknown }).referrer;
  if (typeof referrerId !== 'string') return null;
  const referrer = getContact(db, referrerId);
  const confirmations = statements(db).countEvents.get(contact.id, '$subscription_confirmed', Number.MIN_SAFE_INTEGER)?.n ?? 0;
  const decision = decideReferral({
    referrerId,
    contactId: contact.id,
    referrerExists: referrer !== null,
    alreadyReferredBy: s.referredBy.get(contact.id)?.referred_by ?? null,
    // This confirmation's own event is written already.
    confirmedBefore: confirmations > 1,
  });
  if (!decision.count) {
    log.info({ contactId: contact.id, referrerId, reason: decision.reason }, 'referral not counted');
    return null;
  }
  if (s.setReferredBy.run(referrerId, atMs, contact.id).changes !== 1) return null;
  // Through the same path as any event of the contact: lifecycle rules (→ advocate) and persona rules apply, and
  // the executor's cursor sees it, so journeys can start on it.
  recordEvent(db, { now: () => new Date(atMs) }, referrerId, {
    name: REFERRAL_CONVERTED_EVENT,
    properties: { referred_id: contact.id, referred_email: contact.email },
    timestamp: new Date(atMs),
  });
  // The referrer's persona as it is now (the event may have changed it).
  bumpCount(db, 'referral', atMs, getContact(db, referrerId)?.personaKey ?? null);
  log.info({ contactId: contact.id, referrerId }, 'referral converted');
  return referrerId;
}

/**
 * Two contacts became one (mergeContacts): whom `drop` referred now counts for `keep`, and `keep` takes `drop`'s
 * referrer when it had none. A referral between the two of them is no referral any more. Call before `drop` is deleted.
 */
export function moveReferrals(db: Db, keepId: string, dropId: string): void {
  const c = db.$client;
  c.prepare('UPDATE contacts SET referred_by = ? WHERE referred_by = ?').run(keepId, dropId);
  c.prepare(
    `UPDATE contacts SET (referred_by, referred_at) = (SELECT referred_by, referred_at FROM contacts WHERE id = @drop)
     WHERE id = @keep AND referred_by IS NULL AND (SELECT referred_by FROM contacts WHERE id = @drop) IS NOT NULL`,
  ).run({ keep: keepId, drop: dropId });
  c.prepare('UPDATE contacts SET referred_by = NULL, referred_at = NULL WHERE id = ? AND referred_by = id').run(keepId);
}

export interface ReferralPerson {
  id: string;
  email: string;
  name: string | null;
  subscription: SubscriptionStatus;
}

export interface ContactReferrals {
  /** Who referred this contact, and when the referral counted (their confirmation). */
  referredBy: (ReferralPerson & { at: number }) | null;
  /** Whom this contact referred, newest first (at most `limit`), and how many in all. */
  referred: (ReferralPerson & { at: number })[];
  referredCount: number;
}

export function contactReferrals(db: Db, contactId: string, limit = 100): ContactReferrals {
  const s = prepared(db);
  const by = s.referrer.get(contactId);
  return {
    referredBy: by ? { id: by.id, email: by.email, name: by.name, subscription: by.subscription, at: by.referred_at ?? 0 } : null,
    referred: s.referred.all(contactId, limit).map((r) => ({ id: r.id, email: r.email, name: r.name, subscription: r.subscription, at: r.referred_at })),
    referredCount: s.countReferred.get(contactId)?.n ?? 0,
  };
}
