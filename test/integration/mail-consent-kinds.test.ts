// Transactional vs marketing journey mail, from the executor through delivery to a real SMTP server: a receipt reaches
// every known contact that is not suppressed, a newsletter only subscribed ones, a suppressed address nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unsubscribe } from '../../server/contacts/consent.ts';
import { createExecutor } from '../../server/executor/executor.ts';
import { suppress } from '../../server/mail/settings.ts';
import { addContact, addEvent, exit, graph, liveJourney, messagesOf, onEvent } from './executorBuilders.ts';
import { mailWorld, type MailWorld } from './mail-helpers.ts';

let world: MailWorld;
beforeEach(async () => {
  world = await mailWorld({ now: '2026-05-12T12:00:00Z' });
});
afterEach(async () => world?.cleanup());

/** order_completed → receipt (transactional) → newsletter (marketing) → exit */
function orderJourney() {
  return graph(
    [
      onEvent('order_completed'),
      { id: 'receipt', kind: 'email', config: { templateId: 'first_purchase_thanks', category: 'transactional' } },
      { id: 'news', kind: 'email', config: { templateId: 'nurture', category: 'marketing' } },
      exit(),
    ],
    ['t:next>receipt', 'receipt:next>news', 'news:next>x'],
  );
}

describe('journey mail by kind', () => {
  it('sends the receipt to never-subscribed, unsubscribed, pending and subscribed contacts, the newsletter only to the subscribed one, and nothing to a suppressed address', async () => {
    const { db, clock } = world;
    liveJourney(db, clock, orderJourney());
    const people = {
      none: addContact(db, { email: 'none@example.com', subscription: 'none' }),
      unsubscribed: addContact(db, { email: 'gone@example.com', subscription: 'subscribed' }),
      pending: addContact(db, { email: 'pending@example.com', subscription: 'pending' }),
      subscribed: addContact(db, { email: 'sub@example.com', subscription: 'subscribed' }),
      bounced: addContact(db, { email: 'bounced@example.com', subscription: 'subscribed' }),
      complained: addContact(db, { email: 'complained@example.com', subscription: 'none' }),
    };
    unsubscribe(db, clock, people.unsubscribed, { source: 'test' });
    suppress(db, clock, 'bounced@example.com', 'hard_bounce', '550 no such user');
    suppress(db, clock, 'complained@example.com', 'complaint', 'feedback loop');
    for (const id of Object.values(people)) addEvent(db, id, 'order_completed', { order_id: `o-${id.slice(0, 4)}` }, clock.now());

    const executor = createExecutor({ db, clock });
    expect(executor.tick()).toMatchObject({ enrolled: 6, messagesQueued: 12, failed: 0 });
    const report = await world.mail.delivery.runOnce();
    expect(report.outcomes).toMatchObject({ sent: 5, suppressed: 7 });

    const subjects = (address: string) => world.smtp.to(address).map((r) => r.parsed.subject ?? '');
    const receipt = /^Thank you for your order/;
    for (const address of ['none@example.com', 'gone@example.com', 'pending@example.com']) {
      expect(subjects(address)).toEqual([expect.stringMatching(receipt)]);
    }
    expect(subjects('sub@example.com')).toHaveLength(2);
    expect(subjects('sub@example.com').filter((s) => receipt.test(s))).toHaveLength(1);
    expect(subjects('bounced@example.com')).toEqual([]);
    expect(subjects('complained@example.com')).toEqual([]);

    // What the contact page shows: each email that did not go out says why.
    const outcome = (contactId: string) =>
      Object.fromEntries(messagesOf(db, contactId).map((m) => [m.nodeId, m.status === 'suppressed' ? `suppressed: ${m.error}` : m.status]));
    expect(outcome(people.none)).toEqual({ receipt: 'sent', news: 'suppressed: marketing email not sent: the contact is never subscribed' });
    expect(outcome(people.unsubscribed)).toEqual({ receipt: 'sent', news: 'suppressed: marketing email not sent: the contact is unsubscribed' });
    expect(outcome(people.pending)).toEqual({ receipt: 'sent', news: 'suppressed: marketing email not sent: the contact is pending (not yet confirmed)' });
    expect(outcome(people.subscribed)).toEqual({ receipt: 'sent', news: 'sent' });
    expect(outcome(people.bounced)).toEqual({ receipt: 'suppressed: address suppressed (hard_bounce)', news: 'suppressed: address suppressed (hard_bounce)' });
    expect(outcome(people.complained)).toEqual({ receipt: 'suppressed: address suppressed (complaint)', news: 'suppressed: address suppressed (complaint)' });
  });

  it('sends a receipt to a contact who unsubscribed after it was queued, without List-Unsubscribe', async () => {
    const { db, clock } = world;
    liveJourney(db, clock, orderJourney());
    const ana = addContact(db, { email: 'ana@example.com', subscription: 'subscribed' });
    addEvent(db, ana, 'order_completed', { order_id: 'o1' }, clock.now());
    createExecutor({ db, clock }).tick();
    unsubscribe(db, clock, ana, { source: 'test' });

    await world.mail.delivery.runOnce();
    const [mail, ...more] = world.smtp.to('ana@example.com');
    expect(more).toEqual([]);
    expect(mail!.parsed.subject).toMatch(/^Thank you for your order/);
    expect(mail!.parsed.headerLines.some((h) => h.key === 'list-unsubscribe')).toBe(false);
  });
});
