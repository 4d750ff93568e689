// The bounce domains of sending domains removed in the last 30 days, kept in the settings table (one JSON value): mail
// sent before the removal still bounces and draws complaints for days, to its VERP address on that bounce domain, and
// the inbound listener must not answer those with 550.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { settings } from '../../db/schema.ts';

/** How long after its removal a domain's bounce domain is still taken: late DSNs come within days, FBL reports within weeks. */
export const REMOVED_BOUNCE_DOMAIN_DAYS = 30;

const KEY = 'removed_bounce_domains';
const DAY_MS = 86_400_000;

const removedSchema = z.array(z.object({ domain: z.string(), bounceDomain: z.string(), removedAt: z.number() }));
type Removed = z.infer<typeof removedSchema>;

/** What is stored; a value that no longer parses reads as none (the domains it named are no longer taken). */
function read(db: Db): Removed {
  const row = db.select().from(settings).where(eq(settings.key, KEY)).get();
  return removedSchema.safeParse(row?.value).data ?? [];
}

const stillTaken = (nowMs: number) => (entry: Removed[number]) => entry.removedAt > nowMs - REMOVED_BOUNCE_DOMAIN_DAYS * DAY_MS;

/** The bounce domains of domains removed within REMOVED_BOUNCE_DOMAIN_DAYS of `nowMs`. */
export function removedBounceDomains(db: Db, nowMs: number): string[] {
  return read(db)
    .filter(stillTaken(nowMs))
    .map((entry) => entry.bounceDomain);
}

/** Notes a domain's removal (call in the transaction that deletes it); entries past their time are dropped on the way. */
export function rememberRemovedDomain(db: Db, removed: { domain: string; bounceDomain: string }, nowMs: number): void {
  const value: Removed = [...read(db).filter(stillTaken(nowMs)).filter((entry) => entry.bounceDomain !== removed.bounceDomain), { ...removed, removedAt: nowMs }];
  db.insert(settings).values({ key: KEY, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();
}
