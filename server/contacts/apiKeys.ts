// Write keys for the event API: shown once when made, stored as a SHA-256 hash, revocable.
import type Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { apiKeys } from '../db/schema.ts';
import { timeOrderedId } from '../ids.ts';

const KEY_PREFIX = 'kw_';

/**
 * A plain SHA-256 is enough here: keys are 32 random bytes, so there is nothing to guess, and the check runs on
 * every event call (a slow password hash would cost more than storing the event).
 */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function createApiKey(db: Db, clock: Clock, input: { name: string; createdBy?: string | null }): { id: string; name: string; key: string } {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const now = clock.now();
  const id = timeOrderedId('k_', now.getTime());
  db.insert(apiKeys)
    .values({ id, name: input.name, prefix: key.slice(0, KEY_PREFIX.length + 6), hash: hashKey(key), createdAt: now, createdBy: input.createdBy ?? null })
    .run();
  return { id, name: input.name, key };
}

export function listApiKeys(db: Db) {
  return db
    .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, createdBy: apiKeys.createdBy, lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .orderBy(desc(apiKeys.createdAt))
    .all();
}

/** Returns false when there is no such key or it was revoked before. */
export function revokeApiKey(db: Db, clock: Clock, id: string): boolean {
  const key = db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
  if (!key || key.revokedAt) return false;
  db.update(apiKeys).set({ revokedAt: clock.now() }).where(eq(apiKeys.id, id)).run();
  return true;
}

const USE_RECORD_INTERVAL_MS = 60_000;

/** Checks write keys on every event call with one indexed lookup; "last used" is written at most once a minute per key. */
export function writeKeyVerifier(db: Db, clock: Clock) {
  // Prepared on first use, so an app built over a database not yet migrated still answers /healthz with 503.
  let statements: { find: Database.Statement<[string], { id: string }>; touch: Database.Statement<[number, string]> } | null = null;
  const prepared = () =>
    (statements ??= {
      find: db.$client.prepare<[string], { id: string }>('SELECT id FROM api_keys WHERE hash = ? AND revoked_at IS NULL'),
      touch: db.$client.prepare<[number, string]>('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
    });
  const lastRecorded = new Map<string, number>();
  return (key: string): string | null => {
    if (!key.startsWith(KEY_PREFIX) || key.length > 100) return null;
    const { find, touch } = prepared();
    const found = find.get(hashKey(key));
    if (!found) return null;
    const now = clock.now().getTime();
    if (now - (lastRecorded.get(found.id) ?? 0) >= USE_RECORD_INTERVAL_MS) {
      lastRecorded.set(found.id, now);
      touch.run(now, found.id);
    }
    return found.id;
  };
}
