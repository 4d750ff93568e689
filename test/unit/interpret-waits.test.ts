// Waiting: for a while, until a local time of day (right across daylight-saving changes), relative to a date
// trait, and for an event (with filters, correlation and a timeout).
import { describe, expect, it } from 'vitest';
import { nextLocalTime } from '../../shared/journey/interpret.ts';
import {
  awaitEvent,
  compile,
  contact,
  DAY,
  enrolAndAdvance,
  event,
  eventTrigger,
  exitNode,
  expectFailedWith,
  HOUR,
  link,
  localMs,
  manualTrigger,
  notifyNode,
  path,
  resume,
  sendEmail,
  utc,
  visited,
  waitFor,
  waitRelative,
  waitUntil,
  wallClock,
} from './interpret-builders.ts';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';

describe('wait for a duration', () => {
  const graph = compile([manualTrigger(), waitFor('pause', 2, 'hours'), sendEmail('after'), exitNode()], path('start', 'pause', 'after', 'end'));
  const now = utc('2025-05-05T12:00');

  it('waits until now + the duration', () => {
    const result = enrolAndAdvance(graph, now);

    expect(result.state).toMatchObject({ nodeId: 'pause', status: 'waiting', wakeAt: now + 2 * HOUR, awaiting: null });
    expect(result.effects).toEqual([]);
  });

  it('makes no progress before the wake-up time', () => {
    const waiting = enrolAndAdvance(graph, now).state;

    const early = resume(graph, waiting, now + 2 * HOUR - 1);

    expect(early.state).toEqual(waiting);
    expect(early.effects).toEqual([]);
    expect(early.steps).toEqual([]);
  });

  it('goes on at the wake-up time', () => {
    const waiting = enrolAndAdvance(graph, now).state;

    const result = resume(graph, waiting, now + 2 * HOUR);

    expect(result.steps[0]).toMatchObject({ nodeId: 'pause', outcome: 'waited' });
    expect(result.effects.map((e) => e.nodeId)).toEqual(['after']);
    expect(result.state.status).toBe('completed');
  });

  it.each([
    [{ amount: 30, unit: 'minutes' as const }, 30 * 60_000],
    [{ amount: 3, unit: 'days' as const }, 3 * DAY],
    [{ amount: 2, unit: 'weeks' as const }, 14 * DAY],
  ])('waits %o', (duration, ms) => {
    const g = compile([manualTrigger(), waitFor('pause', duration.amount, duration.unit), exitNode()], path('start', 'pause', 'end'));

    expect(enrolAndAdvance(g, now).state.wakeAt).toBe(now + ms);
  });
});

describe('wait until a time of day in the contact’s time zone', () => {
  const weekdays = compile([manualTrigger(), waitUntil('morning', '09:00', ['mon', 'tue', 'wed', 'thu', 'fri']), sendEmail('hello'), exitNode()], path('start', 'morning', 'hello', 'end'));
  const berliner = contact({ timezone: BERLIN });

  it('from a Friday 10:00 wakes on Monday 09:00 Berlin time', () => {
    const friday = localMs('2025-05-09T10:00', BERLIN);

    const result = enrolAndAdvance(weekdays, friday, { contact: berliner });

    expect(result.state.status).toBe('waiting');
    expect(wallClock(result.state.wakeAt!, BERLIN)).toBe('Mon 2025-05-12 09:00');
  });

  it('waits for later the same day when the time has not come yet', () => {
    const result = enrolAndAdvance(weekdays, localMs('2025-05-07T06:30', BERLIN), { contact: berliner });

    expect(wallClock(result.state.wakeAt!, BERLIN)).toBe('Wed 2025-05-07 09:00');
  });

  it('does not move before the wake-up and sends at it', () => {
    const waiting = enrolAndAdvance(weekdays, localMs('2025-05-09T10:00', BERLIN), { contact: berliner }).state;

    const early = resume(weekdays, waiting, localMs('2025-05-12T08:59', BERLIN), { contact: berliner });
    const onTime = resume(weekdays, waiting, waiting.wakeAt!, { contact: berliner });

    expect(early.state).toEqual(waiting);
    expect(onTime.effects.map((e) => e.nodeId)).toEqual(['hello']);
    expect(onTime.state.status).toBe('completed');
  });

  it('uses the default time zone for a contact without one', () => {
    const now = utc('2025-05-07T12:00'); // 08:00 in New York, 14:00 in Berlin

    const inNewYork = enrolAndAdvance(weekdays, now, { contact: contact({ timezone: null }), defaultTimezone: NEW_YORK });
    const inUtc = enrolAndAdvance(weekdays, now, { contact: contact({ timezone: null }) });

    expect(wallClock(inNewYork.state.wakeAt!, NEW_YORK)).toBe('Wed 2025-05-07 09:00');
    expect(wallClock(inUtc.state.wakeAt!, 'UTC')).toBe('Thu 2025-05-08 09:00');
  });

  it('uses the default time zone for a contact whose time zone is unknown', () => {
    const now = utc('2025-05-07T12:00');

    const result = enrolAndAdvance(weekdays, now, { contact: contact({ timezone: 'Mars/Olympus_Mons' }), defaultTimezone: NEW_YORK });

    expect(wallClock(result.state.wakeAt!, NEW_YORK)).toBe('Wed 2025-05-07 09:00');
  });

  it('prefers the contact’s own zone over the default', () => {
    const result = enrolAndAdvance(weekdays, utc('2025-05-07T12:00'), { contact: berliner, defaultTimezone: NEW_YORK });

    expect(wallClock(result.state.wakeAt!, BERLIN)).toBe('Thu 2025-05-08 09:00');
  });

  // The last Sundays of March and October (Europe/Berlin changes then) and New York's own change days
  // (second Sunday of March, first Sunday of November). Across each, the wake-up stays at 09:00 on the wall.
  const changeDays = {
    [BERLIN]: ['2025-03-30', '2025-10-26', '2024-03-31', '2024-10-27'],
    [NEW_YORK]: ['2025-03-30', '2025-10-26', '2025-03-09', '2025-11-02', '2024-03-10', '2024-11-03'],
  };
  const daily = compile([manualTrigger(), waitUntil('morning', '09:00'), sendEmail('hello'), exitNode()], path('start', 'morning', 'hello', 'end'));

  for (const [zone, sundays] of Object.entries(changeDays)) {
    describe(`in ${zone}`, () => {
      it.each(sundays)('wakes at 09:00 local on the day before, the day of and the day after %s', (sunday) => {
        const person = contact({ timezone: zone });
        const d = (offset: number) => localMs(`${sunday}T12:00`, zone) + offset * DAY; // noon keeps clear of the change hour
        const dateOf = (ms: number) => wallClock(ms, zone).slice(4, 14);

        for (const [from, expectedDay] of [
          [localMs(`${dateOf(d(-2))}T10:00`, zone), dateOf(d(-1))], // Friday 10:00 → Saturday 09:00
          [localMs(`${dateOf(d(-1))}T10:00`, zone), sunday], // Saturday 10:00 → Sunday 09:00
          [localMs(`${sunday}T10:00`, zone), dateOf(d(1))], // Sunday 10:00 → Monday 09:00
          [localMs(`${sunday}T00:30`, zone), sunday], // just after midnight, before the change → the same Sunday
        ] as const) {
          const result = enrolAndAdvance(daily, from, { contact: person });
          expect(wallClock(result.state.wakeAt!, zone), `from ${wallClock(from, zone)}`).toMatch(new RegExp(`^\\w{3} ${expectedDay} 09:00$`));
        }
      });
    });
  }

  it('across a change, a daily 09:00 wait is 23 or 25 hours long in real time, not 24', () => {
    // Berlin springs forward on 2025-03-30 and falls back on 2025-10-26.
    const spring = nextLocalTime(localMs('2025-03-29T09:00', BERLIN) + 1, BERLIN, '09:00', ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
    const autumn = nextLocalTime(localMs('2025-10-25T09:00', BERLIN) + 1, BERLIN, '09:00', ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

    expect(spring - localMs('2025-03-29T09:00', BERLIN)).toBe(23 * HOUR);
    expect(autumn - localMs('2025-10-25T09:00', BERLIN)).toBe(25 * HOUR);
  });
});

describe('nextLocalTime', () => {
  const everyDay = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

  it('keeps the minutes', () => {
    expect(wallClock(nextLocalTime(localMs('2025-05-07T09:31', BERLIN), BERLIN, '09:30', everyDay), BERLIN)).toBe('Thu 2025-05-08 09:30');
  });

  it('finds the one allowed weekday up to a week ahead', () => {
    const sundayNoon = localMs('2025-05-11T12:00', NEW_YORK);

    expect(wallClock(nextLocalTime(sundayNoon, NEW_YORK, '08:00', ['sun']), NEW_YORK)).toBe('Sun 2025-05-18 08:00');
    expect(wallClock(nextLocalTime(sundayNoon, NEW_YORK, '13:00', ['sun']), NEW_YORK)).toBe('Sun 2025-05-11 13:00');
  });

  it('handles a zone far from UTC whose date differs from the UTC date', () => {
    // 2025-05-07 20:00 UTC is already Thursday 08:00 in Auckland.
    expect(wallClock(nextLocalTime(utc('2025-05-07T20:00'), 'Pacific/Auckland', '09:00', ['thu']), 'Pacific/Auckland')).toBe('Thu 2025-05-08 09:00');
  });
});

describe('wait relative to a date trait', () => {
  const graph = compile(
    [manualTrigger(), waitRelative('before_renewal', 'renewal_date', 3, 'days', 'before'), sendEmail('renewal_reminder'), exitNode()],
    path('start', 'before_renewal', 'renewal_reminder', 'end'),
  );

  it('waits until 3 days before the date at 09:00 local', () => {
    const result = enrolAndAdvance(graph, localMs('2025-06-01T12:00', BERLIN), { contact: contact({ timezone: BERLIN, traits: { renewal_date: '2025-06-10' } }) });

    expect(result.state.status).toBe('waiting');
    expect(wallClock(result.state.wakeAt!, BERLIN)).toBe('Sat 2025-06-07 09:00');
  });

  it('counts days on the wall clock across a daylight-saving change', () => {
    // Berlin springs forward on 2025-03-30: three days before 2025-04-01 is still 09:00.
    const result = enrolAndAdvance(graph, localMs('2025-03-20T12:00', BERLIN), { contact: contact({ timezone: BERLIN, traits: { renewal_date: '2025-04-01' } }) });

    expect(wallClock(result.state.wakeAt!, BERLIN)).toBe('Sat 2025-03-29 09:00');
  });

  it('reads the time of day and a dot path, and can wait after the date', () => {
    const g = compile(
      [manualTrigger(), waitRelative('after_birthday', 'profile.birthday', 2, 'weeks', 'after', '18:30'), exitNode()],
      path('start', 'after_birthday', 'end'),
    );

    const result = enrolAndAdvance(g, localMs('2025-06-01T12:00', NEW_YORK), { contact: contact({ timezone: NEW_YORK, traits: { profile: { birthday: '2025-06-10' } } }) });

    expect(wallClock(result.state.wakeAt!, NEW_YORK)).toBe('Tue 2025-06-24 18:30');
  });

  it('goes on at once when the moment has already passed', () => {
    const result = enrolAndAdvance(graph, localMs('2025-06-09T12:00', BERLIN), { contact: contact({ timezone: BERLIN, traits: { renewal_date: '2025-06-10' } }) });

    expect(result.steps.find((s) => s.nodeId === 'before_renewal')?.outcome).toBe('no wait needed');
    expect(result.effects.map((e) => e.nodeId)).toEqual(['renewal_reminder']);
    expect(result.state.status).toBe('completed');
  });

  it.each([
    ['missing', {}],
    ['empty', { renewal_date: '' }],
    ['not a date', { renewal_date: 'next spring' }],
  ])('fails the enrollment, naming the trait, when the trait is %s', (_, traits) => {
    const result = enrolAndAdvance(graph, utc('2025-06-01T12:00'), { contact: contact({ traits }) });

    expectFailedWith(result, 'renewal_date');
    expect(result.effects).toEqual([]);
  });
});

describe('wait for an event', () => {
  const cartJourney = compile(
    [
      eventTrigger('cart_abandoned', { entryKeyProperty: 'cart_id' }),
      awaitEvent('await_order', 'order_completed', {
        filters: [{ property: 'total', operator: 'greater_than', value: 0 }],
        correlate: { eventProperty: 'cart_id', entryProperty: 'cart_id' },
        timeout: { amount: 2, unit: 'days' },
      }),
      sendEmail('thanks'),
      sendEmail('reminder'),
      exitNode('end_bought'),
      exitNode('end_lost'),
    ],
    [link('start', 'next', 'await_order'), link('await_order', 'matched', 'thanks'), link('await_order', 'timeout', 'reminder'), link('thanks', 'next', 'end_bought'), link('reminder', 'next', 'end_lost')],
  );
  const now = utc('2025-05-05T12:00');
  const entry = event('cart_abandoned', { cart_id: 'cart-7' }, now);
  const waiting = () => enrolAndAdvance(cartJourney, now, { entry }).state;

  it('waits with the awaited event set and the timeout as wake-up', () => {
    const state = waiting();

    expect(state).toMatchObject({
      nodeId: 'await_order',
      status: 'waiting',
      wakeAt: now + 2 * DAY,
      awaiting: { event: 'order_completed', filters: [{ property: 'total', operator: 'greater_than', value: 0 }], correlate: { property: 'cart_id', value: 'cart-7' } },
    });
  });

  it('takes "matched" for the event with the entry event’s cart id', () => {
    const result = resume(cartJourney, waiting(), now + HOUR, { event: event('order_completed', { cart_id: 'cart-7', total: 40 }, now + HOUR) });

    expect(result.steps[0]).toMatchObject({ nodeId: 'await_order', outcome: 'matched' });
    expect(result.effects.map((e) => e.nodeId)).toEqual(['thanks']);
    expect(result.state.status).toBe('completed');
  });

  it('matches a correlated value that arrives as a number against the same value as a string', () => {
    const state = enrolAndAdvance(cartJourney, now, { entry: event('cart_abandoned', { cart_id: '42' }, now) }).state;

    const result = resume(cartJourney, state, now + HOUR, { event: event('order_completed', { cart_id: 42, total: 40 }) });

    expect(result.steps[0]?.outcome).toBe('matched');
  });

  it.each([
    ['another event', event('cart_viewed', { cart_id: 'cart-7', total: 40 })],
    ['the filters are not met', event('order_completed', { cart_id: 'cart-7', total: 0 })],
    ['another cart', event('order_completed', { cart_id: 'cart-8', total: 40 })],
    ['no cart id', event('order_completed', { total: 40 })],
  ])('keeps waiting for %s', (_, incoming) => {
    const state = waiting();

    const result = resume(cartJourney, state, now + HOUR, { event: incoming });

    expect(result.state).toEqual(state);
    expect(result.effects).toEqual([]);
    expect(result.steps).toEqual([]);
  });

  it('takes "timeout" at the wake-up time', () => {
    const state = waiting();

    const early = resume(cartJourney, state, now + 2 * DAY - 1);
    const late = resume(cartJourney, state, now + 2 * DAY);

    expect(early.state).toEqual(state);
    expect(late.steps[0]).toMatchObject({ nodeId: 'await_order', outcome: 'timeout' });
    expect(late.effects.map((e) => e.nodeId)).toEqual(['reminder']);
    expect(late.state).toMatchObject({ status: 'completed', awaiting: null });
  });

  it('prefers the matching event over the timeout when both are due', () => {
    const result = resume(cartJourney, waiting(), now + 3 * DAY, { event: event('order_completed', { cart_id: 'cart-7', total: 10 }) });

    expect(result.steps[0]?.outcome).toBe('matched');
  });

  it('without correlation, any event of that name and filters matches', () => {
    const g = compile(
      [manualTrigger(), awaitEvent('await_click', 'email_clicked'), exitNode('yes_end'), exitNode('no_end')],
      [link('start', 'next', 'await_click'), link('await_click', 'matched', 'yes_end'), link('await_click', 'timeout', 'no_end')],
    );
    const state = enrolAndAdvance(g, now).state;

    expect(state.awaiting).toEqual({ event: 'email_clicked', filters: [], correlate: null });
    expect(visited(resume(g, state, now + 1, { event: event('email_clicked', { anything: 1 }) }))).toEqual(['await_click', 'yes_end']);
  });

  it('an enrollment waiting for time ignores incoming events', () => {
    const g = compile([manualTrigger(), waitFor('pause', 1), exitNode()], path('start', 'pause', 'end'));
    const state = enrolAndAdvance(g, now).state;

    expect(resume(g, state, now + HOUR, { event: event('order_completed', {}) }).state).toEqual(state);
  });
});

// A loop that sends a daily digest at 09:00: the contact wakes at 09:00, gets the digest and comes back to
// the wait at the same instant. It must then wait for tomorrow's 09:00, not pass again.
describe('a daily 09:00 loop', () => {
  const graph = compile([manualTrigger(), waitUntil('morning', '09:00'), sendEmail('digest')], [...path('start', 'morning', 'digest'), link('digest', 'next', 'morning')]);
  const person = contact({ timezone: BERLIN });

  it('advanced exactly at its wake-up, sends one digest and waits for the next morning', () => {
    const first = enrolAndAdvance(graph, localMs('2025-05-07T08:00', BERLIN), { contact: person });
    expect(wallClock(first.state.wakeAt!, BERLIN)).toBe('Wed 2025-05-07 09:00');

    const woken = resume(graph, first.state, first.state.wakeAt!, { contact: person });

    expect(woken.effects.filter((e) => e.type === 'send_email')).toHaveLength(1);
    expect(woken.state.status).toBe('waiting');
    expect(wallClock(woken.state.wakeAt!, BERLIN)).toBe('Thu 2025-05-08 09:00');
  });

  it('advanced a little after its wake-up, does the same', () => {
    const first = enrolAndAdvance(graph, localMs('2025-05-07T08:00', BERLIN), { contact: person });

    const woken = resume(graph, first.state, first.state.wakeAt! + 3_000, { contact: person });

    expect(woken.effects.filter((e) => e.type === 'send_email')).toHaveLength(1);
    expect(wallClock(woken.state.wakeAt!, BERLIN)).toBe('Thu 2025-05-08 09:00');
  });
});

// A reminder loop keyed to a date trait: once the date has passed, coming back to the wait must not let the
// contact run round the loop within one advance.
describe('a loop through a wait relative to a date trait', () => {
  it('does not send the email of the loop twice in one advance', () => {
    const graph = compile(
      [manualTrigger(), waitRelative('before_renewal', 'renewal_date', 1, 'days', 'before'), sendEmail('renewal_reminder')],
      [...path('start', 'before_renewal', 'renewal_reminder'), link('renewal_reminder', 'next', 'before_renewal')],
    );
    const person = contact({ timezone: BERLIN, traits: { renewal_date: '2025-06-10' } });
    const first = enrolAndAdvance(graph, localMs('2025-06-01T12:00', BERLIN), { contact: person });
    expect(wallClock(first.state.wakeAt!, BERLIN)).toBe('Mon 2025-06-09 09:00');

    const woken = resume(graph, first.state, first.state.wakeAt!, { contact: person });

    expect(woken.effects.filter((e) => e.type === 'send_email')).toHaveLength(1);
    expect(woken.steps.length).toBeLessThanOrEqual(graph.nodes.size);
    expect(woken.state.error ?? '').not.toMatch(/looped/);
  });
});

describe('a loop whose waits have all passed', () => {
  it('stops at the first step it would repeat, before its effect goes out a second time', () => {
    // notify → wait until 3 days before the renewal → email → wait until 1 day before it → back to notify.
    // With the renewal already past, neither wait waits: the loop would go round in one call.
    const graph = compile(
      [manualTrigger(), notifyNode('tell'), waitRelative('early', 'renewal', 3, 'days', 'before'), sendEmail('mail'), waitRelative('late', 'renewal', 1, 'days', 'before')],
      [link('start', 'next', 'tell'), link('tell', 'next', 'early'), link('early', 'next', 'mail'), link('mail', 'next', 'late'), link('late', 'next', 'tell')],
    );
    const result = enrolAndAdvance(graph, utc('2025-05-05T12:00'), { contact: contact({ traits: { renewal: '2025-01-01' } }) });
    expect(result.state.status).toBe('failed');
    expect(result.state.nodeId).toBe('tell');
    expect(result.state.error).toContain('came back to this step without waiting');
    expect(result.effects.map((e) => e.nodeId)).toEqual(['tell', 'mail']);
  });
});
