// Double opt-in from the mail side: subscribe queues and sends the confirmation at once; signed links confirm, unsubscribe and resubscribe.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { confirmSubscription, markPending, unsubscribe } from '../contacts/consent.ts';
import { findOrCreateContact } from '../contacts/contacts.ts';
import { getContact } from '../contacts/db.ts';
import { PREVIEW_REFERRAL_CODE } from '../../shared/contacts/referrals.ts';
import { noteReferralLink, type ReferralCodes } from '../contacts/referrals.ts';
import type { Db } from '../db/client.ts';
import { log } from '../log.ts';
import type { Tokens } from './tokens.ts';
import { countUnsubscribeFrom } from './tracking.ts';

export const CONFIRMATION_TEMPLATE_ID = 'confirmation';
/** A confirmation link works this long. */
export const CONFIRM_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** At most one confirmation email per address in this time, so the public form cannot flood someone's inbox. */
export const CONFIRMATION_THROTTLE_MS = 10 * 60 * 1000;

const TRAIT_KEY = /^[A-Za-z][\w.-]{0,63}$/;

export const subscribeInputSchema = z.object({
  email: z.string({ error: 'is required' }).trim().toLowerCase().max(254, 'must be at most 254 characters').pipe(z.email('must be an email address')),
  traits: z
    .record(z.string().regex(TRAIT_KEY, 'trait names are letters, digits, _ . and -'), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
    .refine((t) => Object.keys(t).length <= 30, 'at most 30 traits')
    .default({}),
  /** A referral code (the `ref` of a referral link); one that is not valid is ignored, never an error for the person. */
  ref: z
    .unknown()
    .optional()
    .transform((v) => (v === undefined || v === null || v === '' ? null : typeof v === 'string' ? v.slice(0, 300) : JSON.stringify(v).slice(0, 300))),
});
export type SubscribeInput = z.input<typeof subscribeInputSchema>;

export interface SubscribeResult {
  contactId: string;
  /** The confirmation to send now; null when none is due (already subscribed, or one was sent minutes ago). */
  confirmationId: string | null;
}

export interface SubscribeContext {
  source: string;
  ip: string | null;
  /** Checks `ref` (the mail runtime's referral codes, or createReferralCodes(secret, publicUrl)); without it a code is ignored. */
  referrals?: Pick<ReferralCodes, 'verify'>;
}

/**
 * A subscribe request: the contact is created or found, marked pending (a subscribed contact stays
 * subscribed) and a transactional confirmation is queued, all in one transaction. The caller sends it.
 * A valid referral code is noted on the contact and counts for its owner when the contact confirms.
 */
export function requestSubscription(db: Db, clock: Clock, request: SubscribeInput, ctx: SubscribeContext): SubscribeResult {
  const input = subscribeInputSchema.parse(request);
  return db.transaction(() => {
    const now = clock.now().getTime();
    const { contact } = findOrCreateContact(db, clock, { email: input.email, traits: input.traits });
    if (contact.subscription === 'subscribed') return { contactId: contact.id, confirmationId: null };
    markPending(db, clock, contact.id, { source: ctx.source, ip: ctx.ip });
    // "preview" is what previews and test emails link to: no code, and nothing worth a warning.
    if (input.ref !== null && input.ref !== PREVIEW_REFERRAL_CODE) {
      const referrerId = ctx.referrals?.verify(input.ref) ?? null;
      // The person still subscribes: a bad code only costs the referral, and is logged for whoever looks into it.
      if (referrerId === null) log.warn({ contactId: contact.id, ref: input.ref.slice(0, 100) }, 'referral code not valid; ignored');
      else noteReferralLink(db, contact, referrerId, now);
    }
    return { contactId: contact.id, confirmationId: queueConfirmation(db, contact.id, now) };
  });
}

/**
 * Queues the double opt-in confirmation for a pending contact, in the caller's transaction; null when one went out in
 * the last ten minutes (the throttle). Every path that makes a contact pending (the form, /v1/subscribe, an identify
 * with consent "pending", a resend from the contact page) comes through here.
 */
export function queueConfirmation(db: Db, contactId: string, now: number): string | null {
  const recent = db.$client
    .prepare(`SELECT 1 FROM messages WHERE contact_id = ? AND template_id = ? AND created_at > ? AND status IN ('queued', 'sending', 'sent') LIMIT 1`)
    .get(contactId, CONFIRMATION_TEMPLATE_ID, now - CONFIRMATION_THROTTLE_MS);
  if (recent) return null;
  const id = randomUUID();
  db.$client
    .prepare(`INSERT INTO messages (id, contact_id, template_id, data, category, when_capped, status, next_attempt_at, created_at)
      VALUES (?, ?, ?, ?, 'transactional', 'delay', 'queued', ?, ?)`)
    .run(id, contactId, CONFIRMATION_TEMPLATE_ID, JSON.stringify({ purpose: 'confirmation', issuedAt: now }), now, now);
  return id;
}

export type ConfirmOutcome = 'confirmed' | 'already' | 'expired' | 'invalid';

/** A click on the confirmation link: only a pending contact becomes subscribed, with the time and IP recorded. */
export function confirmFromLink(db: Db, clock: Clock, tokens: Tokens, token: string, ip: string | null): { outcome: ConfirmOutcome; email?: string } {
  const payload = tokens.verify('confirm', token);
  if (!payload || typeof payload.c !== 'string' || typeof payload.i !== 'number') return { outcome: 'invalid' };
  const contact = getContact(db, payload.c);
  if (!contact) return { outcome: 'invalid' };
  if (contact.subscription === 'subscribed') return { outcome: 'already', email: contact.email };
  if (clock.now().getTime() - payload.i > CONFIRM_TTL_MS) return { outcome: 'expired', email: contact.email };
  // An unsubscribe after the request withdrew it; only a new request (pending again) can be confirmed.
  if (contact.subscription !== 'pending') return { outcome: 'invalid' };
  confirmSubscription(db, clock, contact.id, { source: 'confirm_link', ip });
  return { outcome: 'confirmed', email: contact.email };
}

/** The contact a signed unsubscribe/preferences token names, or null for a token we did not sign. */
export function contactFromUnsubscribeToken(db: Db, tokens: Tokens, token: string) {
  const payload = tokens.verify('unsubscribe', token);
  if (!payload || typeof payload.c !== 'string') return null;
  return getContact(db, payload.c);
}

export function unsubscribeFromLink(db: Db, clock: Clock, tokens: Tokens, token: string, ctx: { source: string; ip: string | null }) {
  const contact = contactFromUnsubscribeToken(db, tokens, token);
  if (!contact) return null;
  const messageId = tokens.verify('unsubscribe', token)?.m;
  return db.transaction(() => {
    const result = unsubscribe(db, clock, contact.id, ctx);
    // A link from an email names it: the unsubscribe counts toward that email's template on the dashboard.
    if (result.changed && typeof messageId === 'string') countUnsubscribeFrom(db, messageId, clock.now().getTime());
    return { contact, result };
  });
}

/** Subscribing again from the preferences page: the signed link proves the address, so no second opt-in round. */
export function resubscribeFromLink(db: Db, clock: Clock, tokens: Tokens, token: string, ip: string | null) {
  const contact = contactFromUnsubscribeToken(db, tokens, token);
  if (!contact) return null;
  return { contact, result: confirmSubscription(db, clock, contact.id, { source: 'preferences_page', ip }) };
}
