// Mail held by quiet hours says why and until when, and `kairos tick --now T` releases what was held until before T:
// the delivery pass runs on the tick's clock and sends through a development SMTP server into the Inbox.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { updateTraits } from '../../server/contacts/contacts.ts';
import { journeyFigures } from '../../server/executor/figures.ts';
import { callerFor, freshWorkspace, kairos, makeUser, type FreshWorkspace } from './helpers.ts';
import { mailWorld, messageRow, queueMessage, subscribedContact } from './mail-helpers.ts';

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

it('lists a held email with why and until when, and lets an admin (only) send it now', async () => {
  const world = await mailWorld({ now: EVENING });
  try {
    const contactId = subscribedContact(world, 'tester@example.com');
    world.db.$client.prepare(`UPDATE contacts SET timezone = 'Europe/Berlin' WHERE id = ?`).run(contactId);
    const messageId = queueMessage(world, contactId, { templateId: 'welcome' });
    expect((await world.mail.delivery.runOnce()).outcomes.deferred).toBe(1);

    const admin = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'admin'), world.clock);
    const marketer = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'marketer'), world.clock);
    const held = await marketer.inbox.held();
    expect(held.total).toBe(1);
    expect(held.items[0]).toMatchObject({
      messageId,
      email: 'tester@example.com',
      reason: 'quiet_hours',
      description: "held by quiet hours until tomorrow 08:00 in the contact's zone (Europe/Berlin)",
    });
    expect((await marketer.inbox.held({ contactId })).total).toBe(1);
    // The email step's figures on the canvas say so too.
    expect(journeyFigures(world.db, 'j1', world.clock.now().getTime()).nodes.welcome).toMatchObject({ held: 1 });

    await expect(marketer.inbox.sendHeldNow({ messageId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await admin.inbox.sendHeldNow({ messageId })).toEqual({ outcome: 'sent' });
    expect(messageRow(world.db, messageId).status).toBe('sent');
    expect(world.smtp.received.map((r) => r.recipients)).toEqual([['tester@example.com']]);
    expect((await marketer.inbox.held()).total).toBe(0);
    await expect(admin.inbox.sendHeldNow({ messageId })).rejects.toMatchObject({ code: 'CONFLICT' });
  } finally {
    await world.cleanup();
  }
});
