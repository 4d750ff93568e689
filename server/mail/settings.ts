// Sending settings (one JSON value in the settings table), sender identities and the suppression list.
import { asc, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { DEFAULT_SENDING_SETTINGS, sendingSettingsSchema, type SenderInput, type SendingSettings } from '../../shared/mail/settings.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { senders, settings, suppressions, type Sender } from '../db/schema.ts';
import { log } from '../log.ts';

const SENDING_KEY = 'sending';

export class MailSettingsError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'BAD_REQUEST' | 'CONFLICT',
    message: string,
  ) {
    super(message);
  }
}

/** The stored settings, parsed with their schema; a value that no longer parses falls back to the defaults, field by field. */
export function readSendingSettings(db: Db): SendingSettings {
  const row = db.select().from(settings).where(eq(settings.key, SENDING_KEY)).get();
  if (!row) return DEFAULT_SENDING_SETTINGS;
  const parsed = sendingSettingsSchema.safeParse(row.value);
  if (parsed.success) return parsed.data;
  log.warn({ issues: parsed.error.issues.length }, 'stored sending settings are invalid; using defaults');
  return DEFAULT_SENDING_SETTINGS;
}

export function writeSendingSettings(db: Db, value: SendingSettings): SendingSettings {
  const parsed = sendingSettingsSchema.parse(value);
  db.insert(settings).values({ key: SENDING_KEY, value: parsed }).onConflictDoUpdate({ target: settings.key, set: { value: parsed } }).run();
  return parsed;
}

export function listSenders(db: Db): Sender[] {
  return db.select().from(senders).orderBy(asc(senders.createdAt), asc(senders.label)).all();
}

/** The sender an email node named, else the default, else the first; null only when there is none at all. */
export function resolveSender(db: Db, senderId: string | null | undefined): Sender | null {
  const all = listSenders(db);
  return all.find((s) => s.id === senderId) ?? all.find((s) => s.isDefault) ?? all[0] ?? null;
}

export function saveSender(db: Db, id: string | null, input: SenderInput): Sender {
  return db.transaction((tx) => {
    const existing = id ? tx.select().from(senders).where(eq(senders.id, id)).get() : undefined;
    if (id && !existing) throw new MailSettingsError('NOT_FOUND', 'This sender no longer exists; reload the page.');
    const isFirst = tx.select({ id: senders.id }).from(senders).all().length === 0;
    const isDefault = input.isDefault || isFirst || (existing?.isDefault ?? false);
    if (isDefault) tx.update(senders).set({ isDefault: false }).run();
    const values = { label: input.label, fromName: input.fromName, fromEmail: input.fromEmail, replyTo: input.replyTo, isDefault };
    if (existing) {
      tx.update(senders).set(values).where(eq(senders.id, existing.id)).run();
      return { ...existing, ...values };
    }
    return tx.insert(senders).values({ id: randomUUID(), ...values }).returning().get();
  });
}

export function removeSender(db: Db, id: string): void {
  db.transaction((tx) => {
    const existing = tx.select().from(senders).where(eq(senders.id, id)).get();
    if (!existing) throw new MailSettingsError('NOT_FOUND', 'This sender no longer exists; reload the page.');
    const others = tx.select().from(senders).all().filter((s) => s.id !== id);
    if (others.length === 0) throw new MailSettingsError('BAD_REQUEST', 'Keep at least one sender: every email needs a From address.');
    tx.delete(senders).where(eq(senders.id, id)).run();
    if (existing.isDefault) tx.update(senders).set({ isDefault: true }).where(eq(senders.id, others[0]!.id)).run();
  });
}

/** Suppresses an address for good; over a soft-bounce suppression (which would lift after 30 days) this one stays. */
export function suppress(db: Db, clock: Clock, email: string, reason: 'hard_bounce' | 'complaint' | 'manual', detail: string): void {
  const values = { email: email.trim().toLowerCase(), reason, detail: detail.slice(0, 500), createdAt: clock.now() };
  db.insert(suppressions)
    .values(values)
    .onConflictDoUpdate({ target: suppressions.email, set: { reason, detail: values.detail, createdAt: values.createdAt }, setWhere: eq(suppressions.reason, 'soft_bounces') })
    .run();
}
