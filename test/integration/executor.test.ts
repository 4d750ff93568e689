// The executor on a real SQLite file with an injected clock: weeks of journey time in milliseconds.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { contacts, enrollments, journeys, phaseHistory } from '../../server/db/schema.ts';
import { createExecutor } from '../../server/executor/executor.ts';
import { changeStatus } from '../../server/journeys/service.ts';
import { contactJourneys, journeyFigures } from '../../server/executor/figures.ts';
import { addContact, addEvent, email, enrollmentsOf, exit, graph, liveJourney, messagesOf, onEvent, pathOf, publishVersion, waitDays } from './executorBuilders.ts';
import { freshWorkspace, type FreshWorkspace } from './helpers.ts';

const DAY = 86_400_000;
let fresh: FreshWorkspace;
let clock: ReturnType<typeof fixedClock>;
let db: FreshWorkspace['ws']['db'];
let executor: ReturnType<typeof createExecutor>;

beforeEach(() => {
  fresh = freshWorkspace();
  db = fresh.ws.db;
  clock = fixedClock('2026-11-02T08:00:00Z');
  executor = createExecutor({ db, clock });
});
afterEach(() => fresh.cleanup());

/** trigger(order_completed) → thanks → wait 7 days → review ask → exit */
function thankYouJourney(settings = {}) {
  return graph(
    [onEvent('order_completed'), email('thanks'), waitDays('week', 7), email('review'), exit()],
    ['t:next>thanks', 'thanks:next>week', 'week:next>review', 'review:next>x'],
    settings,
  );
}

describe('executor', () => {
  it('enrols from an event, queues the first email, waits, and continues when the wait is over', () => {
    const journey = liveJourney(db, clock, thankYouJourney());
    const ana = addContact(db);
    addEvent(db, ana, 'order_completed', { order_id: 'o1' }, clock.now());

    const first = executor.tick();
    expect(first).toMatchObject({ events: 1, enrolled: 1, messagesQueued: 1, failed: 0 });
    const [run] = enrollmentsOf(db, journey);
    expect(run).toMatchObject({ status: 'waiting', nodeId: 'week', wakeAt: clock.now().getTime() + 7 * DAY });
    expect(messagesOf(db, ana).map((m) => [m.templateId, m.status, m.category])).toEqual([['thanks', 'queued', 'marketing']]);

    clock.advance(7 * DAY - 1);
    expect(executor.tick().advanced).toBe(0);
    clock.advance(1);
    expect(executor.tick()).toMatchObject({ advanced: 1, messagesQueued: 1 });
    expect(enrollmentsOf(db, journey)[0]).toMatchObject({ status: 'completed', nodeId: 'x' });
    expect(messagesOf(db, ana).map((m) => m.templateId).sort()).toEqual(['review', 'thanks']);
    expect(pathOf(db, run!.id)).toEqual(['t:next', 'thanks:next', 'week:waiting', 'week:waited', 'review:next', 'x:completed']);
  });

  it('never queues a second message for a step, however often it ticks', () => {
    liveJourney(db, clock, thankYouJourney());
    const ana = addContact(db);
    addEvent(db, ana, 'order_completed', {}, clock.now());
    for (let i = 0; i < 3; i++) executor.tick();
    expect(messagesOf(db, ana)).toHaveLength(1);
  });

  it('respects the persona scope of a journey', () => {
    const journey = liveJourney(db, clock, thankYouJourney(), 'loyalist');
    const loyal = addContact(db, { personaKey: 'loyalist' });
    const hunter = addContact(db, { personaKey: 'bargain_hunter' });
    addEvent(db, loyal, 'order_completed', {}, clock.now());
    addEvent(db, hunter, 'order_completed', {}, clock.now());
    executor.tick();
    expect(enrollmentsOf(db, journey).map((e) => e.contactId)).toEqual([loyal]);
  });

  describe('re-entry policies', () => {
    it('once: a contact enters a journey one time only', () => {
      const journey = liveJourney(db, clock, thankYouJourney({ reentry: 'once' }));
      const ana = addContact(db);
      addEvent(db, ana, 'order_completed', {}, clock.now());
      executor.tick();
      clock.advance(30 * DAY);
      executor.tick();
      addEvent(db, ana, 'order_completed', {}, clock.now());
      executor.tick();
      expect(enrollmentsOf(db, journey)).toHaveLength(1);
    });

    it('after_exit: again only once the previous run has ended', () => {
      const journey = liveJourney(db, clock, thankYouJourney({ reentry: 'after_exit' }));
      const ana = addContact(db);
      addEvent(db, ana, 'order_completed', {}, clock.now());
      addEvent(db, ana, 'order_completed', {}, clock.now());
      executor.tick();
      expect(enrollmentsOf(db, journey)).toHaveLength(1);
      clock.advance(7 * DAY);
      executor.tick();
      addEvent(db, ana, 'order_completed', {}, clock.now());
      executor.tick();
      expect(enrollmentsOf(db, journey).map((e) => e.status).sort()).toEqual(['completed', 'waiting']);
    });

    it('every_time with an entry key: one cart enrols once, two orders run side by side', () => {
      const g = thankYouJourney({ reentry: 'every_time' });
      g.nodes[0]!.config = { on: 'event', event: 'order_completed', filters: [], entryKeyProperty: 'order_id' };
      const journey = liveJourney(db, clock, g);
      const ana = addContact(db);
      addEvent(db, ana, 'order_completed', { order_id: 'o1' }, clock.now());
      addEvent(db, ana, 'order_completed', { order_id: 'o1' }, clock.now());
      addEvent(db, ana, 'order_completed', { order_id: 'o2' }, clock.now());
      executor.tick();
      expect(enrollmentsOf(db, journey).map((e) => e.entryKey).sort()).toEqual(['k:o1', 'k:o2']);
      expect(messagesOf(db, ana)).toHaveLength(2);
    });
  });

  it('waits for the order of the same cart, or times out', () => {
    const g = graph(
      [
        { id: 't', kind: 'trigger', config: { on: 'event', event: 'cart_abandoned', filters: [], entryKeyProperty: 'cart_id' } },
        { id: 'await', kind: 'wait_for_event', config: { event: 'order_completed', filters: [], correlate: { eventProperty: 'cart_id', entryProperty: 'cart_id' }, timeout: { amount: 1, unit: 'days' } } },
        email('nudge'),
        exit(),
      ],
      ['t:next>await', 'await:matched>x', 'await:timeout>nudge', 'nudge:next>x'],
      { reentry: 'every_time' },
    );
    const journey = liveJourney(db, clock, g);
    const buyer = addContact(db);
    const browser = addContact(db);
    addEvent(db, buyer, 'cart_abandoned', { cart_id: 'c1' }, clock.now());
    addEvent(db, browser, 'cart_abandoned', { cart_id: 'c2' }, clock.now());
    executor.tick();
    clock.advance(3_600_000);
    // An order of another cart does not count; the order of this cart does.
    addEvent(db, buyer, 'order_completed', { cart_id: 'other' }, clock.now());
    executor.tick();
    expect(enrollmentsOf(db, journey).find((e) => e.contactId === buyer)!.status).toBe('waiting');
    addEvent(db, buyer, 'order_completed', { cart_id: 'c1' }, clock.now());
    expect(executor.tick().resumed).toBe(1);
    clock.advance(DAY);
    executor.tick();
    const byContact = new Map(enrollmentsOf(db, journey).map((e) => [e.contactId, e]));
    expect(pathOf(db, byContact.get(buyer)!.id)).toContain('await:matched');
    expect(messagesOf(db, buyer)).toHaveLength(0);
    expect(pathOf(db, byContact.get(browser)!.id)).toContain('await:timeout');
    expect(messagesOf(db, browser).map((m) => m.templateId)).toEqual(['nudge']);
  });

  it('resumes a run waiting on an older version for an event the current version no longer waits for', () => {
    const v1 = graph(
      [
        onEvent('trial_started'),
        { id: 'await', kind: 'wait_for_event', config: { event: 'plan_chosen', filters: [], timeout: { amount: 7, unit: 'days' } } },
        email('welcome_paid'),
        exit(),
      ],
      ['t:next>await', 'await:matched>welcome_paid', 'await:timeout>x', 'welcome_paid:next>x'],
    );
    const journey = liveJourney(db, clock, v1);
    const contact = addContact(db);
    addEvent(db, contact, 'trial_started', {}, clock.now());
    executor.tick();
    // Version 2 drops the wait; the contact stays on version 1, still waiting for plan_chosen.
    publishVersion(db, clock, journey, graph([onEvent('trial_started'), email('welcome_paid'), exit()], ['t:next>welcome_paid', 'welcome_paid:next>x']), 2, 'stay');
    clock.advance(3_600_000);
    // Events no journey cares about are passed over without a look-up; they change nothing.
    addEvent(db, contact, 'viewed_pricing', {}, clock.now());
    expect(executor.tick()).toMatchObject({ events: 1, resumed: 0, advanced: 0 });
    addEvent(db, contact, 'plan_chosen', {}, clock.now());
    expect(executor.tick().resumed).toBe(1);
    const [run] = enrollmentsOf(db, journey);
    expect(run).toMatchObject({ version: 1, status: 'completed' });
    expect(pathOf(db, run!.id)).toContain('await:matched');
    expect(messagesOf(db, contact).map((m) => m.templateId)).toEqual(['welcome_paid']);
  });

  it('keeps contacts on the version they entered; a new version takes new contacts', () => {
    const journey = liveJourney(db, clock, thankYouJourney());
    const early = addContact(db);
    addEvent(db, early, 'order_completed', {}, clock.now());
    executor.tick();
    const v2 = thankYouJourney();
    v2.nodes[3] = email('review', 'review_v2');
    publishVersion(db, clock, journey, v2, 2, 'stay');
    const late = addContact(db);
    addEvent(db, late, 'order_completed', {}, clock.now());
    executor.tick();
    clock.advance(7 * DAY);
    executor.tick();
    const templates = (c: string) => messagesOf(db, c).map((m) => m.templateId).sort();
    expect(templates(early)).toEqual(['review', 'thanks']);
    expect(templates(late)).toEqual(['review_v2', 'thanks']);
  });

  it('moves contacts to the same node of a new version, or exits them, as the marketer chose', () => {
    const moved = liveJourney(db, clock, thankYouJourney());
    const exited = liveJourney(db, clock, thankYouJourney());
    const ana = addContact(db);
    addEvent(db, ana, 'order_completed', {}, clock.now());
    executor.tick();
    const v2 = thankYouJourney();
    v2.nodes[3] = email('review', 'review_v2');
    publishVersion(db, clock, moved, v2, 2, 'same_node');
    publishVersion(db, clock, exited, v2, 2, 'exit');
    clock.advance(7 * DAY);
    executor.tick();
    expect(enrollmentsOf(db, moved)[0]).toMatchObject({ version: 2, status: 'completed' });
    expect(enrollmentsOf(db, exited)[0]).toMatchObject({ version: 1, status: 'exited' });
    expect(messagesOf(db, ana).map((m) => `${m.journeyId === moved ? 'moved' : 'exited'}:${m.templateId}`).sort()).toEqual([
      'exited:thanks',
      'moved:review_v2',
      'moved:thanks',
    ]);
  });

  it('holds contacts of a paused journey where they are and continues them on resume; archiving exits them', () => {
    const journey = liveJourney(db, clock, thankYouJourney());
    const archived = liveJourney(db, clock, thankYouJourney());
    const ana = addContact(db);
    addEvent(db, ana, 'order_completed', {}, clock.now());
    executor.tick();
    changeStatus(db, clock, journey, 'pause');
    changeStatus(db, clock, archived, 'archive');
    clock.advance(10 * DAY);
    executor.tick();
    expect(enrollmentsOf(db, journey)[0]).toMatchObject({ status: 'waiting', nodeId: 'week' });
    changeStatus(db, clock, journey, 'resume');
    executor.tick();
    expect(enrollmentsOf(db, journey)[0]).toMatchObject({ status: 'completed' });
    expect(enrollmentsOf(db, archived)[0]).toMatchObject({ status: 'exited' });
    expect(messagesOf(db, ana).filter((m) => m.journeyId === archived).map((m) => m.templateId)).toEqual(['thanks']);
  });

  it('counts a conversion within the window, exits on goal when asked, and exits on exit events', () => {
    const goal = { event: 'order_completed', filters: [], windowDays: 10, exitOnGoal: true };
    const g = graph([onEvent('signed_up'), email('hello'), waitDays('w', 20), email('again'), exit()], ['t:next>hello', 'hello:next>w', 'w:next>again', 'again:next>x'], { goal, exitEvents: ['unsubscribed_all'] });
    const journey = liveJourney(db, clock, g);
    const buyer = addContact(db);
    const late = addContact(db);
    const leaver = addContact(db);
    for (const c of [buyer, late, leaver]) addEvent(db, c, 'signed_up', {}, clock.now());
    executor.tick();
    clock.advance(3 * DAY);
    addEvent(db, buyer, 'order_completed', {}, clock.now());
    addEvent(db, leaver, 'unsubscribed_all', {}, clock.now());
    expect(executor.tick()).toMatchObject({ converted: 1, exited: 2 });
    clock.advance(9 * DAY);
    addEvent(db, late, 'order_completed', {}, clock.now()); // day 12: outside the 10-day window
    executor.tick();
    const byContact = new Map(enrollmentsOf(db, journey).map((e) => [e.contactId, e]));
    expect(byContact.get(buyer)).toMatchObject({ status: 'exited' });
    expect(byContact.get(buyer)!.goalReachedAt).not.toBeNull();
    expect(byContact.get(leaver)).toMatchObject({ status: 'exited', goalReachedAt: null });
    expect(byContact.get(late)).toMatchObject({ status: 'waiting', goalReachedAt: null });
  });

  it('applies phase changes with history and starts journeys that trigger on the new phase', () => {
    const setCustomer = graph([onEvent('order_completed'), { id: 'p', kind: 'set_phase', config: { phase: 'customer' } }, exit()], ['t:next>p', 'p:next>x']);
    const onboarding = graph([{ id: 't', kind: 'trigger', config: { on: 'phase_entered', phase: 'customer' } }, email('welcome_customer'), exit()], ['t:next>welcome_customer', 'welcome_customer:next>x']);
    liveJourney(db, clock, setCustomer);
    const onboardingId = liveJourney(db, clock, onboarding);
    const ana = addContact(db, { phase: 'subscriber' });
    addEvent(db, ana, 'order_completed', {}, clock.now());
    executor.tick();
    expect(db.select().from(contacts).where(eq(contacts.id, ana)).get()!.phase).toBe('customer');
    const history = db.select().from(phaseHistory).where(eq(phaseHistory.contactId, ana)).all();
    expect(history.map((h) => [h.fromPhase, h.toPhase, h.cause.split(':')[0]])).toEqual([['subscriber', 'customer', 'journey']]);
    // The $phase_entered event it wrote started the onboarding journey within the same tick.
    expect(enrollmentsOf(db, onboardingId)).toHaveLength(1);
    expect(messagesOf(db, ana).map((m) => m.templateId)).toEqual(['welcome_customer']);
  });

  it('fails one enrollment with its error visible and carries on with the others', () => {
    const g = graph(
      [onEvent('renewal_due'), { id: 'before', kind: 'wait', config: { mode: 'relative_to_trait', trait: 'renewal_date', offset: { amount: 3, unit: 'days' }, direction: 'before', time: '09:00' } }, email('reminder'), exit()],
      ['t:next>before', 'before:next>reminder', 'reminder:next>x'],
    );
    const journey = liveJourney(db, clock, g);
    const noDate = addContact(db);
    const withDate = addContact(db, { traits: { renewal_date: '2026-12-20' }, timezone: 'Europe/Berlin' });
    addEvent(db, noDate, 'renewal_due', {}, clock.now());
    addEvent(db, withDate, 'renewal_due', {}, clock.now());
    expect(executor.tick()).toMatchObject({ enrolled: 2, failed: 1 });
    const byContact = new Map(enrollmentsOf(db, journey).map((e) => [e.contactId, e]));
    expect(byContact.get(noDate)).toMatchObject({ status: 'failed' });
    expect(byContact.get(noDate)!.error).toContain('renewal_date');
    // 3 days before 20 December at 09:00 Berlin (UTC+1) is 17 December 08:00 UTC.
    expect(byContact.get(withDate)).toMatchObject({ status: 'waiting', wakeAt: Date.parse('2026-12-17T08:00:00Z') });
  });

  it('isolates a run that throws: that enrollment fails with the error, the rest of its batch advances', () => {
    const healthy = liveJourney(db, clock, thankYouJourney());
    const broken = liveJourney(db, clock, thankYouJourney());
    const ana = addContact(db);
    addEvent(db, ana, 'order_completed', {}, clock.now());
    executor.tick();
    // Version 1 of one journey becomes unreadable (say, hand-edited), after its contacts entered.
    db.$client.prepare(`UPDATE journey_versions SET graph = '{"nodes":[],"edges":[]}' WHERE journey_id = ?`).run(broken);
    const fresh = createExecutor({ db, clock });
    clock.advance(7 * DAY);
    const report = fresh.tick();
    expect(report).toMatchObject({ failed: 1, advanced: 1 });
    expect(enrollmentsOf(db, healthy)[0]).toMatchObject({ status: 'completed' });
    const failed = enrollmentsOf(db, broken)[0]!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('not runnable');
    expect(pathOf(db, failed.id).at(-1)).toBe('week:failed:');
  });

  it('keeps the figures equal to the step log when a run is rolled back after its steps were logged', () => {
    const healthy = liveJourney(db, clock, thankYouJourney());
    const broken = liveJourney(db, clock, graph([onEvent('order_completed'), email('boom'), exit()], ['t:next>boom', 'boom:next>x']));
    // Queuing this journey's email fails (a constraint, a full disk), after the run's steps were logged.
    db.$client.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON messages WHEN NEW.template_id = 'boom' BEGIN SELECT RAISE(ABORT, 'boom refused'); END`);
    const ana = addContact(db);
    addEvent(db, ana, 'order_completed', {}, clock.now());
    expect(executor.tick()).toMatchObject({ enrolled: 2, failed: 1 });
    expect(enrollmentsOf(db, broken)[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('boom refused') });
    const logged = (db.$client.prepare(`SELECT count(*) AS n FROM step_log, json_each(step_log.steps)`).get() as { n: number }).n;
    const counted = (db.$client.prepare(`SELECT coalesce(sum(n), 0) AS n FROM journey_step_counts`).get() as { n: number }).n;
    expect(counted).toBe(logged);
    expect(journeyFigures(db, healthy).nodes.thanks).toMatchObject({ entered: 1, passed: 1 });
    // The failed run's path stops at its entry, with the error; nothing of the rolled-back steps is counted.
    expect(pathOf(db, enrollmentsOf(db, broken)[0]!.id)).toEqual(['t:failed:']);
    expect(journeyFigures(db, broken).nodes).toEqual({ t: { entered: 0, waiting: 0, passed: 0, held: 0 } });
  });

  it('counts per node and per edge what contacts did, and lists a contact\'s runs with their paths', () => {
    const g = graph(
      [onEvent('order_completed'), { id: 'big', kind: 'condition', config: { rules: [{ type: 'trait', trait: 'spend', operator: 'greater_than', value: 100 }] } }, email('vip'), waitDays('w', 2), email('thanks'), exit()],
      ['t:next>big', 'big:yes>vip', 'big:no>w', 'vip:next>w', 'w:next>thanks', 'thanks:next>x'],
      { goal: { event: 'order_completed', filters: [], windowDays: 30, exitOnGoal: false } },
    );
    const journey = liveJourney(db, clock, g);
    const spenders = [addContact(db, { traits: { spend: 500 } }), addContact(db, { traits: { spend: 150 } })];
    const savers = [addContact(db, { traits: { spend: 10 } })];
    for (const c of [...spenders, ...savers]) addEvent(db, c, 'order_completed', {}, clock.now());
    executor.tick();
    clock.advance(2 * 86_400_000);
    addEvent(db, savers[0]!, 'order_completed', {}, clock.now()); // a second order: the goal
    executor.tick();

    const f = journeyFigures(db, journey);
    expect(f).toMatchObject({ enrolled: 3, converted: 1 });
    expect(f.nodes.big).toEqual({ entered: 3, waiting: 0, passed: 3, held: 0 });
    expect(f.edges['big:yes']).toBe(2);
    expect(f.edges['big:no']).toBe(1);
    expect(f.nodes.w).toEqual({ entered: 3, waiting: 0, passed: 3, held: 0 });
    expect(f.nodes.x!.entered).toBe(3);

    const runs = contactJourneys(db, savers[0]!);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.goalReachedAt).not.toBeNull();
    expect(runs[0]!.path.map((p) => p.nodeId)).toEqual(['t', 'big', 'w', 'w', 'thanks', 'x']);
  });

  it('never ticks twice at once: a second executor on the same database is turned away', () => {
    const other = createExecutor({ db, clock });
    // Simulate the other process holding the lease by letting it acquire and not release.
    db.$client.prepare(`INSERT INTO executor_locks (name, holder, lease_until) VALUES ('tick', 'someone-else', ?)`).run(Date.now() + 60_000);
    expect(other.tick().skipped).toBe('another process is ticking');
    db.$client.prepare(`UPDATE executor_locks SET lease_until = ?`).run(Date.now() - 1);
    expect(other.tick().skipped).toBeNull();
    expect(db.select().from(journeys).all()).toHaveLength(0);
    expect(db.select().from(enrollments).all()).toHaveLength(0);
  });
});
