// Send at the contact's best hour, from the executor through delivery to a real SMTP server: the hour of the week the
// contact opens most in their own zone (Tokyo and New York, across DST changes), their persona's when they have too
// little history, the reason on the contact's page; quiet hours still hold the email at delivery.
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createExecutor } from '../../server/executor/executor.ts';
import { heldByNode, heldEmails } from '../../server/mail/held.ts';
import { readSendingSettings, writeSendingSettings } from '../../server/mail/settings.ts';
import { addContact, addEvent, exit, graph, liveJourney, messagesOf, onEvent } from './executorBuilders.ts';
import { callerFor, makeUser } from './helpers.ts';
import { mailWorld, messageRow, type MailWorld } from './mail-helpers.ts';

let world: MailWorld;
afterEach(async () => world?.cleanup());

const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();

/** order_completed → a newsletter at the contact's best hour within N hours → exit */
function bestHourJourney(withinHours: number) {
  return graph(
    [onEvent('order_completed'), { id: 'news', kind: 'email', config: { templateId: 'welcome', sendAt: { mode: 'best_hour', withinHours } } }, exit()],
    ['t:next>news', 'news:next>x'],
  );
}

/** Emails the contact was sent and opened at these moments (their own history). */
function opened(contactId: string, times: number[]): void {
  const insert = world.db.$client.prepare(`INSERT INTO messages (id, contact_id, template_id, data, category, status, next_attempt_at, sent_at, first_opened_at, open_count, created_at)
    VALUES (?, ?, 'welcome', '{}', 'marketing', 'sent', ?, ?, ?, 1, ?)`);
  for (const t of times) insert.run(randomUUID(), contactId, t - 60_000, t - 60_000, t, t - 60_000);
}

/** `count` opens within a quarter of an hour of the same local time on consecutive weeks, the last at `lastIso`. */
function weekly(lastIso: string, zone: string, count: number): number[] {
  const last = DateTime.fromISO(lastIso, { zone });
  return Array.from({ length: count }, (_, i) => last.minus({ weeks: i }).plus({ minutes: (i % 5) * 3 }).toMillis());
}

/** Enrols the contact now and returns their best-hour message as queued. */
function enrolAndQueue(contactId: string) {
  addEvent(world.db, contactId, 'order_completed', { order_id: randomUUID() }, world.clock.now());
  createExecutor({ db: world.db, clock: world.clock }).tick();
  const message = messagesOf(world.db, contactId).find((m) => m.nodeId === 'news');
  if (!message) throw new Error('the newsletter was not queued');
  return { ...message, bestHour: message.data.bestHour as { at: number; source: string; zone: string; reason: string } };
}

describe('send at the best hour', () => {
  it("schedules at the next 09:00 in Tokyo for opens that cluster there, and the same history lands elsewhere for a New York contact", async () => {
    // Monday 16 March 2026, noon in Tokyo; Sunday 23:00 in New York, a week after its change to summer time.
    world = await mailWorld({ now: '2026-03-16T03:00:00Z' });
    liveJourney(world.db, world.clock, bestHourJourney(48));
    // Six Tuesdays of January and February at 09:00-09:15 in Tokyo: 00:00 UTC, Monday 19:00 in New York's winter time.
    const history = weekly('2026-02-24T09:00', 'Asia/Tokyo', 6);
    const tokyo = addContact(world.db, { email: 'tokyo@example.com', timezone: 'Asia/Tokyo', subscription: 'subscribed' });
    const newYork = addContact(world.db, { email: 'ny@example.com', timezone: 'America/New_York', subscription: 'subscribed' });
    opened(tokyo, history);
    opened(newYork, history);

    const inTokyo = enrolAndQueue(tokyo);
    const tokyoNine = local('2026-03-17T09:00', 'Asia/Tokyo');
    expect(inTokyo.nextAttemptAt.getTime()).toBe(tokyoNine);
    expect(inTokyo.bestHour).toEqual({
      at: tokyoNine,
      source: 'contact',
      zone: 'Asia/Tokyo',
      reason: 'Tuesday 9:00 in Asia/Tokyo — this contact opened or clicked most often then (6 of 6 engagements).',
    });

    // The same instants are 19:00 on Mondays in New York (winter time); the hour stays 19:00 in summer time: an hour
    // earlier in UTC than Tokyo's 09:00.
    const inNewYork = enrolAndQueue(newYork);
    const newYorkSeven = local('2026-03-16T19:00', 'America/New_York');
    expect(inNewYork.nextAttemptAt.getTime()).toBe(newYorkSeven);
    expect(newYorkSeven).toBe(tokyoNine - 60 * 60_000);
    expect(inNewYork.bestHour.reason).toBe('Monday 19:00 in America/New_York — this contact opened or clicked most often then (6 of 6 engagements).');

    // The contact's page says when and why; the canvas does not count a scheduled email as held.
    const page = heldEmails(world.db, world.clock.now().getTime(), { contactId: tokyo });
    expect(page.items.map((h) => h.description)).toEqual(['scheduled for tomorrow 09:00 (Asia/Tokyo): this contact opened or clicked most often then (6 of 6 engagements).']);
    expect(heldByNode(world.db, inTokyo.journeyId!, world.clock.now().getTime())).toEqual({});

    // Nothing goes before its hour; each goes at its own.
    expect((await world.mail.delivery.runOnce()).claimed).toBe(0);
    world.clock.set(new Date(newYorkSeven));
    await world.mail.delivery.runOnce();
    expect(world.smtp.to('ny@example.com')).toHaveLength(1);
    expect(world.smtp.to('tokyo@example.com')).toHaveLength(0);
    world.clock.set(new Date(tokyoNine));
    await world.mail.delivery.runOnce();
    expect(world.smtp.to('tokyo@example.com')).toHaveLength(1);
    expect(messageRow(world.db, inTokyo.id)).toMatchObject({ status: 'sent', sentAt: tokyoNine, error: null });
  });

  it('is what the simulator shows for a picked contact: the same time, and why', async () => {
    world = await mailWorld({ now: '2026-03-16T03:00:00Z' });
    const journey = bestHourJourney(48);
    liveJourney(world.db, world.clock, journey);
    const tokyo = addContact(world.db, { email: 'tokyo@example.com', timezone: 'Asia/Tokyo', subscription: 'subscribed' });
    opened(tokyo, weekly('2026-02-24T09:00', 'Asia/Tokyo', 6));
    const marketer = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'marketer'), world.clock);

    const simulated = await marketer.journeys.simulate({
      graph: journey,
      contactId: tokyo,
      start: world.clock.now(),
      events: [{ name: 'order_completed', at: world.clock.now(), properties: {} }],
    });
    if (!simulated.ok) throw new Error('the simulation did not run');
    const queued = enrolAndQueue(tokyo);
    expect(simulated.emails.map((e) => e.scheduled)).toEqual([{ at: queued.nextAttemptAt.getTime(), source: 'contact', reason: queued.bestHour.reason }]);

    // A described contact has no history of their own: the audience's decides (here: the one Tokyo contact's, too few).
    const described = await marketer.journeys.simulate({
      graph: journey,
      contact: { email: 'new@example.com', timezone: 'Asia/Tokyo' },
      start: world.clock.now(),
      events: [{ name: 'order_completed', at: world.clock.now(), properties: {} }],
    });
    expect(described.ok && described.emails[0]!.scheduled).toMatchObject({ source: 'none', reason: 'no engagement history yet: sent now.' });
  });

  it('lands on the right local hour when the window spans the change to summer time', async () => {
    // Saturday 28 March 2026, noon in Paris; clocks go from 02:00 to 03:00 on Sunday morning.
    world = await mailWorld({ now: '2026-03-28T11:00:00Z' });
    liveJourney(world.db, world.clock, bestHourJourney(72));
    const paris = addContact(world.db, { email: 'paris@example.com', timezone: 'Europe/Paris', subscription: 'subscribed' });
    // Mondays at 09:00 in Paris in winter time (08:00 UTC).
    opened(paris, weekly('2026-03-23T09:00', 'Europe/Paris', 6));

    const message = enrolAndQueue(paris);
    // Monday 30 March 09:00 in summer time is 07:00 UTC, not the 08:00 UTC of the winter opens.
    expect(message.nextAttemptAt.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(message.bestHour.reason).toMatch(/^Monday 9:00 in Europe\/Paris — /);
  });

  it("falls back to the persona's hours when the contact has too little history of their own", async () => {
    world = await mailWorld({ now: '2026-05-11T10:00:00Z' }); // Monday 12:00 in Berlin
    liveJourney(world.db, world.clock, bestHourJourney(48));
    const ana = addContact(world.db, { email: 'ana@example.com', timezone: 'Europe/Berlin', personaKey: 'loyalist', subscription: 'subscribed' });
    opened(ana, weekly('2026-05-04T10:00', 'Europe/Berlin', 2)); // two of her own: too few to decide
    // Other loyalists open on Tuesdays at 18:00 in their zone, 24 times in all; a bargain hunter at 07:00.
    for (const [i, zone] of ['Europe/Berlin', 'Europe/Lisbon', 'Asia/Tokyo'].entries()) {
      const member = addContact(world.db, { email: `loyal${i}@example.com`, timezone: zone, personaKey: 'loyalist', subscription: 'subscribed' });
      opened(member, weekly('2026-05-05T18:00', zone, 8));
    }
    const hunter = addContact(world.db, { email: 'hunter@example.com', timezone: 'Europe/Berlin', personaKey: 'bargain_hunter', subscription: 'subscribed' });
    opened(hunter, weekly('2026-05-05T07:00', 'Europe/Berlin', 30));

    const message = enrolAndQueue(ana);
    expect(message.nextAttemptAt.getTime()).toBe(local('2026-05-12T18:00', 'Europe/Berlin'));
    expect(message.bestHour).toMatchObject({ source: 'persona' });
    expect(message.bestHour.reason).toBe(
      "Tuesday 18:00 in Europe/Berlin — their persona's best hour (24 of 26 engagements); this contact has 2 of the 5 opens and clicks needed.",
    );
  });

  it('sends now, and says so, when nobody has history yet', async () => {
    world = await mailWorld({ now: '2026-05-11T10:00:00Z' });
    liveJourney(world.db, world.clock, bestHourJourney(24));
    const bo = addContact(world.db, { email: 'bo@example.com', timezone: 'Europe/Berlin', subscription: 'subscribed' });
    const message = enrolAndQueue(bo);
    expect(message.nextAttemptAt.getTime()).toBe(world.clock.now().getTime());
    expect(message.bestHour).toMatchObject({ source: 'none', reason: 'no engagement history yet: sent now.' });
    expect(message.error).toBeNull();
    await world.mail.delivery.runOnce();
    expect(world.smtp.to('bo@example.com')).toHaveLength(1);
  });

  it('is still held by quiet hours at delivery when they changed after it was scheduled', async () => {
    world = await mailWorld({ now: '2026-03-16T03:00:00Z' });
    liveJourney(world.db, world.clock, bestHourJourney(48));
    const tokyo = addContact(world.db, { email: 'tokyo@example.com', timezone: 'Asia/Tokyo', subscription: 'subscribed' });
    opened(tokyo, weekly('2026-02-24T09:00', 'Asia/Tokyo', 6));
    const message = enrolAndQueue(tokyo);
    const tokyoNine = local('2026-03-17T09:00', 'Asia/Tokyo');
    expect(message.nextAttemptAt.getTime()).toBe(tokyoNine);

    // An admin moves the end of quiet hours to 09:30; at 09:00 the delivery loop holds the email until then.
    writeSendingSettings(world.db, { ...readSendingSettings(world.db), quietHours: { enabled: true, start: '21:00', end: '09:30' } });
    world.clock.set(new Date(tokyoNine));
    expect((await world.mail.delivery.runOnce()).outcomes).toMatchObject({ deferred: 1, sent: 0 });
    const held = messageRow(world.db, message.id);
    expect(held).toMatchObject({ status: 'queued', nextAttemptAt: tokyoNine + 30 * 60_000 });
    expect(heldEmails(world.db, tokyoNine, { contactId: tokyo }).items[0]!.description).toBe("held by quiet hours until 09:30 in the contact's zone (Asia/Tokyo)");

    world.clock.set(new Date(tokyoNine + 30 * 60_000));
    await world.mail.delivery.runOnce();
    expect(world.smtp.to('tokyo@example.com')).toHaveLength(1);
  });
});
