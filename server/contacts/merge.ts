// Merging two contacts that turn out to be one person (an identify or alias links them): the kept contact takes
// the other's events, phase history, aliases, messages, enrollments and referrals, and a $merged event says so.
import type { Db } from '../db/client.ts';
import { writeEvent, type ContactState } from './db.ts';
import { transitionPhase } from './phases.ts';
import { moveReferrals } from './referrals.ts';

const tablesCache = new WeakMap<object, string[]>();

/** Every table with a contact_id column that references contacts, whoever added it (messages, enrollments…). */
function referencingTables(db: Db): string[] {
  let tables = tablesCache.get(db.$client);
  if (!tables) {
    const names = db.$client.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all();
    tables = names
      .map((t) => t.name)
      .filter((name) =>
        db.$client
          .prepare<[], { table: string; from: string }>(`SELECT "table", "from" FROM pragma_foreign_key_list('${name.replaceAll("'", "''")}')`)
          .all()
          .some((fk) => fk.table === 'contacts' && fk.from === 'contact_id'),
      )
      .filter((name) => name !== 'contact_search_terms');
    tablesCache.set(db.$client, tables);
  }
  return tables;
}

/**
 * Folds `drop` into `keep` (in memory; the caller saves `keep` after this returns, when `drop` is gone).
 * Rows that cannot move (an enrollment of both contacts in the same journey run) stay with `drop` and go with it.
 */
export function mergeContacts(db: Db, keep: ContactState, drop: ContactState, atMs: number, cause: string): void {
  for (const table of referencingTables(db)) {
    db.$client.prepare(`UPDATE OR IGNORE "${table}" SET contact_id = ? WHERE contact_id = ?`).run(keep.id, drop.id);
  }
  keep.traits = { ...drop.traits, ...keep.traits };
  if (keep.externalId === null) keep.externalId = drop.externalId;
  keep.timezone ??= drop.timezone;
  keep.lastActiveAt = Math.max(keep.lastActiveAt, drop.lastActiveAt);
  keep.createdAt = Math.min(keep.createdAt, drop.createdAt);
  if (drop.subscription !== 'none' && (drop.consentAt ?? 0) > (keep.consentAt ?? -1)) {
    // The latest explicit consent decision of the person wins.
    keep.subscription = drop.subscription;
    keep.consentAt = drop.consentAt;
    keep.consentSource = drop.consentSource;
    keep.consentIp = drop.consentIp;
  }
  moveReferrals(db, keep.id, drop.id);
  db.$client.prepare('DELETE FROM contacts WHERE id = ?').run(drop.id);
  if (keep.phase === 'prospect' && drop.phase !== 'prospect') transitionPhase(db, keep, drop.phase, `merge with ${drop.email}`, atMs);
  writeEvent(db, {
    contactId: keep.id,
    name: '$merged',
    properties: { contactId: drop.id, email: drop.email, externalId: drop.externalId, cause },
    timestamp: atMs,
    receivedAt: atMs,
  });
  keep.updatedAt = atMs;
}
