// Mail held by quiet hours says why and until when, and `kairos tick --now T` releases what was held until before T:
// the delivery pass runs on the tick's clock and sends through a development SMTP server into the Inbox.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { updateTraits } from '../../server/contacts/contacts.ts';
import { freshWorkspace, kairos, type FreshWorkspace } from './helpers.ts';
import { messageRow, queueMessage, subscribedContact } from './mail-helpers.ts';

let fresh: FreshWorkspace;
beforeEach(() => {
  fresh = freshWorkspace();
});
afterEach(() => fresh.cleanup());

// 22:30 in Berlin (CET, UTC+1): inside the default quiet hours, 21:00 to 08:00 in the contact's zone.
const EVENING = '2026-12-03T21:30:00Z';
const NEXT_MORNING = '2026-12-04T07:05:00Z'; // 08:05 in Berlin

it('holds marketing mail overnight with the reason, then tick --now the next morning sends it into the Inbox', async () => {
  const { db } = fresh.ws;
  const clock = fixedClock(EVENING);
  const contactId = subscribedContact({ db, clock }, 'night.owl@example.com');
  db.$client.prepare(`UPDATE contacts SET timezone = 'Europe/Berlin' WHERE id = ?`).run(contactId);
  updateTraits(db, clock, contactId, { first_name: 'Nora' });
  const messageId = queueMessage({ db, clock }, contactId, { templateId: 'welcome' });

  const evening = await kairos(['tick', '--now', EVENING], fresh.dir);
  expect(evening.stderr).toBe('');
  expect(evening.stdout).toContain('emails: 0 sent, 1 held');
  const held = messageRow(db, messageId);
  expect(held.status).toBe('queued');
  expect(held.error).toBe('waiting: quiet hours until 2026-12-04T07:00:00.000Z');

  const morning = await kairos(['tick', '--now', NEXT_MORNING], fresh.dir);
  expect(morning.stdout).toContain('emails: 1 sent, 0 held');
  expect(messageRow(db, messageId).status).toBe('sent');
  const inbox = db.$client.prepare(`SELECT subject FROM captured_emails WHERE recipient = ?`).all('night.owl@example.com') as { subject: string }[];
  expect(inbox).toHaveLength(1);
});
