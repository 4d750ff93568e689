// Consent paths, the only code that changes a contact's subscription: each change records time, source and IP and
// writes an internal event ($subscription_pending, $subscription_confirmed, $unsubscribed) in the same transaction.
import { phaseAfterConfirmation } from '../../shared/contacts/lifecycle.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { recordConfirmedReferral } from './referrals.ts';
import { getContact, saveContact, writeEvent, type ContactState, type SubscriptionStatus } from './db.ts';
import { transitionPhase } from './phases.ts';

export interface ConsentContext {
  /** Where the consent came from, e.g. "subscribe_form", "confirm_link", "unsubscribe_link", "api", "import". */
  source: string;
  ip?: string | null;
}

export type ConsentIntent = 'pending' | 'subscribed' | 'unsubscribed';

export interface ConsentResult {
  changed: boolean;
  subscription: SubscriptionStatus;
}

export class ContactNotFoundError extends Error {
  constructor(contactId: string) {
    super(`No contact with id ${contactId}.`);
  }
}

const EVENT_OF: Record<ConsentIntent, string> = {
  pending: '$subscription_pending',
  subscribed: '$subscription_confirmed',
  unsubscribed: '$unsubscribed',
};

/** Which changes each intent makes: a pending request never downgrades a confirmed subscription. */
function allowed(from: SubscriptionStatus, intent: ConsentIntent): boolean {
  switch (intent) {
    case 'pending':
      return from === 'none' || from === 'unsubscribed';
    case 'subscribed':
      return from !== 'subscribed';
    case 'unsubscribed':
      return from !== 'unsubscribed';
    default:
      return intent satisfies never;
  }
}

/**
 * Applies a consent change to a contact held in memory (the caller saves it). A confirmed opt-in also makes a
 * prospect a subscriber and counts as activity, and counts the referral when the request came through a referral link.
 */
export function applyConsent(db: Db, contact: ContactState, intent: ConsentIntent, ctx: ConsentContext, atMs: number): boolean {
  const from = contact.subscription;
  if (!allowed(from, intent)) return false;
  contact.subscription = intent;
  contact.consentAt = atMs;
  contact.consentSource = ctx.source;
  contact.consentIp = ctx.ip ?? null;
  contact.updatedAt = atMs;
  writeEvent(db, {
    contactId: contact.id,
    name: EVENT_OF[intent],
    properties: { from, source: ctx.source, ...(ctx.ip ? { ip: ctx.ip } : {}) },
    timestamp: atMs,
    receivedAt: atMs,
  });
  if (intent === 'subscribed') {
    contact.lastActiveAt = Math.max(contact.lastActiveAt, atMs);
    const change = phaseAfterConfirmation(contact.phase);
    if (change) transitionPhase(db, contact, change.to, change.cause, atMs);
    if (from === 'pending') recordConfirmedReferral(db, contact, atMs);
  }
  return true;
}

function change(db: Db, clock: Clock, contactId: string, intent: ConsentIntent, ctx: ConsentContext): ConsentResult {
  // Nested calls are safe: better-sqlite3 turns an inner transaction into a savepoint.
  return db.transaction(() => {
    const contact = getContact(db, contactId);
    if (!contact) throw new ContactNotFoundError(contactId);
    const changed = applyConsent(db, contact, intent, ctx, clock.now().getTime());
    if (changed) saveContact(db, contact);
    return { changed, subscription: contact.subscription };
  });
}

/** The contact confirmed their subscription (double opt-in link, or a sender's confirmed opt-in). */
export function confirmSubscription(db: Db, clock: Clock, contactId: string, ctx: ConsentContext): ConsentResult {
  return change(db, clock, contactId, 'subscribed', ctx);
}

/** The contact withdrew consent (one-click unsubscribe, preferences, a sender's opt-out). */
export function unsubscribe(db: Db, clock: Clock, contactId: string, ctx: ConsentContext): ConsentResult {
  return change(db, clock, contactId, 'unsubscribed', ctx);
}

/** The contact asked to subscribe and must confirm (double opt-in); a subscribed contact stays subscribed. */
export function markPending(db: Db, clock: Clock, contactId: string, ctx: ConsentContext): ConsentResult {
  return change(db, clock, contactId, 'pending', ctx);
}
