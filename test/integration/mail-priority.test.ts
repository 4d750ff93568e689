// Journey priority under the frequency cap, from the executor through delivery to a real SMTP server: when two marketing
// emails compete for a contact's last slot, the higher-priority journey's goes and the other waits, never dropped
// (even where its node says skip), and the contact's page says why.
import { TRPCError } from '@trpc/server';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { CAP_WINDOW_MS } from '../../shared/mail/rules.ts';
import { DEFAULT_SENDING_SETTINGS } from '../../shared/mail/settings.ts';
import { createExecutor } from '../../server/executor/executor.ts';
import { heldEmails } from '../../server/mail/held.ts';
import { addContact, addEvent, exit, graph, liveJourney, messagesOf, onEvent } from './executorBuilders.ts';
import { callerFor, makeUser } from './helpers.ts';
import { mailWorld, messageRow, type MailWorld } from './mail-helpers.ts';

let world: MailWorld;
afterEach(async () => world?.cleanup());

/** One marketing email on order_completed; `whenCapped` as its node says. */
function orderEmail(templateId: string, whenCapped: 'delay' | 'skip') {
  return graph([onEvent('order_completed'), { id: 'mail', kind: 'email', config: { templateId, whenCapped } }, exit()], ['t:next>mail', 'mail:next>x']);
}

/** A cap of one marketing email per 7 days and no quiet hours: the one slot is all there is to compete for. */
async function cappedWorld() {
  world = await mailWorld({
    now: '2026-05-12T12:00:00Z',
    prepareInWorker: false,
    settings: { frequencyCap: { enabled: true, maxPerWeek: 1 }, quietHours: { ...DEFAULT_SENDING_SETTINGS.quietHours, enabled: false } },
  });
  const marketer = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'marketer'), world.clock);
  // The newsletter's journey is created first, so its email is queued and claimed first; its node skips capped mail.
  const newsletter = liveJourney(world.db, world.clock, orderEmail('nurture', 'skip'));
  const rescue = liveJourney(world.db, world.clock, orderEmail('welcome', 'delay'));
  await marketer.journeys.rename({ id: newsletter, name: 'Newsletter' });
  await marketer.journeys.rename({ id: rescue, name: 'Order follow-up' });
  await marketer.journeys.setPriority({ id: rescue, priority: 5 });
  const ana = addContact(world.db, { email: 'ana@example.com', subscription: 'subscribed' });
  addEvent(world.db, ana, 'order_completed', { order_id: randomUUID() }, world.clock.now());
  expect(createExecutor({ db: world.db, clock: world.clock }).tick()).toMatchObject({ enrolled: 2, messagesQueued: 2 });
  const byJourney = Object.fromEntries(messagesOf(world.db, ana).map((m) => [m.journeyId, m.id]));
  return { marketer, ana, newsletterMail: byJourney[newsletter]!, rescueMail: byJourney[rescue]! };
}

describe('journey priority under the frequency cap', () => {
  it('sends the priority-5 journey’s email in the last slot; the priority-3 one waits, says why, and goes when the cap frees', async () => {
    const { ana, newsletterMail, rescueMail } = await cappedWorld();
    const sentAt = world.clock.now().getTime();

    const report = await world.mail.delivery.runOnce();
    expect(report.outcomes).toMatchObject({ sent: 1, deferred: 1, suppressed: 0 });
    expect(messageRow(world.db, rescueMail).status).toBe('sent');
    const waiting = messageRow(world.db, newsletterMail);
    expect(waiting).toMatchObject({ status: 'queued', attempts: 0, nextAttemptAt: sentAt + CAP_WINDOW_MS + 1 });
    expect(world.smtp.to('ana@example.com').map((r) => r.parsed.subject)).toHaveLength(1);

    // The contact's page: which journey took the slot, and until when.
    const [held] = heldEmails(world.db, sentAt, { contactId: ana }).items;
    expect(held).toMatchObject({ journeyName: 'Newsletter', reason: 'priority' });
    expect(held!.description).toBe("waiting: the last email slot of the week went to “Order follow-up”, which has higher priority; until Tue 19 May 12:00 in the contact's zone (UTC)");

    // Not before the slot frees; then it goes, though its node says skip.
    world.clock.set(new Date(sentAt + CAP_WINDOW_MS));
    await world.mail.delivery.runOnce();
    expect(messageRow(world.db, newsletterMail).status).toBe('queued');
    world.clock.set(new Date(sentAt + CAP_WINDOW_MS + 1));
    await world.mail.delivery.runOnce();
    expect(messageRow(world.db, newsletterMail).status).toBe('sent');
    expect(world.smtp.to('ana@example.com')).toHaveLength(2);
  });

  it('holds the lower-priority email back even when it is claimed before the higher-priority one', async () => {
    const { newsletterMail, rescueMail } = await cappedWorld();
    // The newsletter became due a minute earlier, so a pass of one message claims it while the follow-up waits its turn.
    world.db.$client.prepare(`UPDATE messages SET next_attempt_at = next_attempt_at - 60000 WHERE id = ?`).run(newsletterMail);
    expect((await world.mail.delivery.runOnce(1)).outcomes).toMatchObject({ deferred: 1 });
    expect(messageRow(world.db, newsletterMail).error).toMatch(/^waiting: priority until .* — Order follow-up$/);
    expect((await world.mail.delivery.runOnce(1)).outcomes).toMatchObject({ sent: 1 });
    expect(messageRow(world.db, rescueMail).status).toBe('sent');
  });

  it('treats equal priorities as before: one takes the slot, the other is capped as its node says', async () => {
    const { marketer, newsletterMail, rescueMail } = await cappedWorld();
    const journeys = await marketer.journeys.list({});
    const followUp = journeys.find((j) => j.name === 'Order follow-up')!;
    expect(followUp.priority).toBe(5);
    expect(journeys.find((j) => j.name === 'Newsletter')!.priority).toBe(3);
    await marketer.journeys.setPriority({ id: followUp.id, priority: 3 });

    expect((await world.mail.delivery.runOnce()).outcomes.sent).toBe(1);
    const rows = [newsletterMail, rescueMail].map((id) => messageRow(world.db, id));
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(1);
    const other = rows.find((r) => r.status !== 'sent')!;
    expect(other.error).toMatch(/frequency cap/);
    expect(other.error).not.toMatch(/priority/);
  });
});

describe('setting a journey’s priority', () => {
  it('is for marketers, from 1 to 5', async () => {
    world = await mailWorld();
    const journey = liveJourney(world.db, world.clock, orderEmail('welcome', 'delay'));
    const marketer = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'marketer'), world.clock);
    const manager = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'manager'), world.clock);
    expect((await marketer.journeys.get({ id: journey })).priority).toBe(3);
    expect(await marketer.journeys.setPriority({ id: journey, priority: 1 })).toEqual({ id: journey, priority: 1 });
    expect((await marketer.journeys.get({ id: journey })).priority).toBe(1);
    await expect(marketer.journeys.setPriority({ id: journey, priority: 6 })).rejects.toThrow('Choose a priority from 1 (low) to 5 (urgent).');
    await expect(manager.journeys.setPriority({ id: journey, priority: 5 })).rejects.toBeInstanceOf(TRPCError);
    await expect(marketer.journeys.setPriority({ id: 'nope', priority: 5 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
