// The event API's group commit: requests that arrive together share one transaction, yet one that fails to store
// is rolled back alone and answered with its error while the others are stored.
import { describe, expect, it } from 'vitest';
import { ingestQueue } from '../../server/contacts/ingest.ts';
import { parseBatch } from '../../shared/contacts/segment.ts';
import { workspacePerTest } from './helpers.ts';

const workspace = workspacePerTest();

function calls(user: string, event: string) {
  const parsed = parseBatch({
    batch: [
      { type: 'identify', userId: user, traits: { email: `${user}@example.com` }, messageId: `${user}-identify` },
      { type: 'track', userId: user, event, messageId: `${user}-${event}` },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.calls;
}

describe('ingestQueue', () => {
  it('stores the requests of one commit and rolls back only the one that fails', async () => {
    const { ws } = workspace();
    const sqlite = ws.db.$client;
    // A store-time failure a valid call can meet (a constraint, a full disk), made reproducible.
    sqlite.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON events WHEN NEW.name = 'boom' BEGIN SELECT RAISE(ABORT, 'boom refused'); END`);
    const ingest = ingestQueue(ws.db, ws.clock);

    // Queued in the same turn: they join one commit.
    const results = await Promise.allSettled([
      ingest(calls('ada', 'signed_up'), { ip: null }),
      ingest(calls('bob', 'boom'), { ip: null }),
      ingest(calls('cy', 'signed_up'), { ip: null }),
    ]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/boom refused/);
    expect(results[0]).toMatchObject({ value: { stored: 2, duplicates: 0 } });
    const emails = (sqlite.prepare(`SELECT email FROM contacts ORDER BY email`).all() as { email: string }[]).map((r) => r.email);
    expect(emails).toEqual(['ada@example.com', 'cy@example.com']);
    const events = sqlite.prepare(`SELECT message_id AS id FROM events WHERE message_id IS NOT NULL ORDER BY message_id`).all() as { id: string }[];
    expect(events.map((e) => e.id)).toEqual(['ada-identify', 'ada-signed_up', 'cy-identify', 'cy-signed_up']);

    // The refused request can be sent again once the cause is gone, and is stored then.
    sqlite.exec(`DROP TRIGGER refuse_boom`);
    await expect(ingest(calls('bob', 'boom'), { ip: null })).resolves.toMatchObject({ stored: 2 });
  });
});
