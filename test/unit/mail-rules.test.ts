// Sending rules: quiet hours in the contact's local time (across midnight and DST), the rolling frequency cap, backoff, and who may receive what (transactional: any known contact; marketing: subscribed; nothing to a suppressed address).
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { CAP_WINDOW_MS, frequencyCapRelease, journeyConsentBlock, quietHoursRelease, retryDelayMs, sendDecision, type SendCheck } from '../../shared/mail/rules.ts';

const quiet = { enabled: true, start: '21:00', end: '08:00' };
const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();

describe('quiet hours', () => {
  it('lets mail out during the day', () => {
    const now = at('2025-03-10T14:00', 'Europe/Berlin');
    expect(quietHoursRelease(now, 'Europe/Berlin', quiet)).toBe(now);
  });

  it('holds mail after the start until the end the next morning, in local time', () => {
    expect(quietHoursRelease(at('2025-03-10T22:30', 'America/New_York'), 'America/New_York', quiet)).toBe(at('2025-03-11T08:00', 'America/New_York'));
  });

  it('holds mail after midnight until the same morning', () => {
    expect(quietHoursRelease(at('2025-03-11T03:15', 'Asia/Tokyo'), 'Asia/Tokyo', quiet)).toBe(at('2025-03-11T08:00', 'Asia/Tokyo'));
  });

  it('releases at 08:00 local on the night clocks change', () => {
    // Europe/Berlin springs forward at 02:00 on 2025-03-30: the night is an hour shorter, 08:00 is still 08:00.
    const release = quietHoursRelease(at('2025-03-29T23:00', 'Europe/Berlin'), 'Europe/Berlin', quiet);
    expect(DateTime.fromMillis(release, { zone: 'Europe/Berlin' }).toISO()).toBe('2025-03-30T08:00:00.000+02:00');
  });

  it('handles a window within one day, and is off when disabled', () => {
    const lunch = { enabled: true, start: '12:00', end: '13:30' };
    expect(quietHoursRelease(at('2025-03-10T12:10', 'UTC'), 'UTC', lunch)).toBe(at('2025-03-10T13:30', 'UTC'));
    expect(quietHoursRelease(at('2025-03-10T13:30', 'UTC'), 'UTC', lunch)).toBe(at('2025-03-10T13:30', 'UTC'));
    const now = at('2025-03-10T23:00', 'UTC');
    expect(quietHoursRelease(now, 'UTC', { ...quiet, enabled: false })).toBe(now);
  });

  it('never releases into the quiet window, for any time and zone', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2026, 0, 1) }), fc.constantFrom('UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Australia/Sydney', 'Asia/Kolkata'), (now, zone) => {
        const release = quietHoursRelease(now, zone, quiet);
        const local = DateTime.fromMillis(release, { zone });
        const minute = local.hour * 60 + local.minute;
        expect(release).toBeGreaterThanOrEqual(now);
        expect(minute >= 21 * 60 || minute < 8 * 60).toBe(false);
        expect(release - now).toBeLessThanOrEqual(11 * 60 * 60 * 1000 + 60 * 60 * 1000);
      }),
    );
  });
});

describe('frequency cap', () => {
  const now = Date.UTC(2025, 4, 10, 12);
  const day = 24 * 60 * 60 * 1000;

  it('allows mail below the cap, counting only the last 7 days', () => {
    expect(frequencyCapRelease(now, [now - day, now - 8 * day, now - 9 * day], 2)).toBe(now);
  });

  it('delays until the oldest counted send leaves the window', () => {
    expect(frequencyCapRelease(now, [now - 1 * day, now - 3 * day, now - 6 * day], 3)).toBe(now - 6 * day + CAP_WINDOW_MS + 1);
    expect(frequencyCapRelease(now, [now - 1 * day, now - 3 * day, now - 6 * day], 2)).toBe(now - 3 * day + CAP_WINDOW_MS + 1);
  });
});

describe('retry backoff', () => {
  it('grows exponentially with ±20 % jitter, capped at an hour, and is the same for the same message', () => {
    expect(retryDelayMs(1, 'm1')).toBeGreaterThanOrEqual(24_000);
    expect(retryDelayMs(1, 'm1')).toBeLessThanOrEqual(36_000);
    expect(retryDelayMs(3, 'm1')).toBeGreaterThanOrEqual(96_000);
    expect(retryDelayMs(3, 'm1')).toBeLessThanOrEqual(144_000);
    expect(retryDelayMs(20, 'm1')).toBeLessThanOrEqual(72 * 60_000);
    expect(retryDelayMs(2, 'abc')).toBe(retryDelayMs(2, 'abc'));
    const spread = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map((seed) => retryDelayMs(1, seed)));
    expect(spread.size).toBeGreaterThan(3);
  });
});

describe('who receives what', () => {
  const base: SendCheck = {
    category: 'marketing',
    purpose: 'journey',
    whenCapped: 'delay',
    subscription: 'subscribed',
    suppressed: null,
    timezone: 'UTC',
    quietHours: quiet,
    frequencyCap: { enabled: true, maxPerWeek: 2 },
    recentMarketingSends: [],
  };
  const noon = Date.UTC(2025, 4, 10, 12);
  const night = Date.UTC(2025, 4, 10, 23);

  it('sends marketing to a subscribed contact in the day', () => {
    expect(sendDecision(noon, base)).toEqual({ action: 'send' });
  });

  it('sends a pending contact the confirmation and transactional mail, no marketing', () => {
    expect(sendDecision(noon, { ...base, subscription: 'pending' })).toEqual({ action: 'suppress', reason: 'marketing email not sent: the contact is pending (not yet confirmed)' });
    expect(sendDecision(noon, { ...base, subscription: 'pending', category: 'transactional' })).toEqual({ action: 'send' });
    expect(sendDecision(night, { ...base, subscription: 'pending', category: 'transactional', purpose: 'confirmation' })).toEqual({ action: 'send' });
    expect(sendDecision(noon, { ...base, subscription: 'subscribed', category: 'transactional', purpose: 'confirmation' }).action).toBe('suppress');
  });

  it('sends transactional journey mail to any known contact, and marketing only to subscribed ones', () => {
    for (const subscription of ['none', 'unsubscribed', 'pending', 'subscribed']) {
      expect(sendDecision(night, { ...base, subscription, category: 'transactional' })).toEqual({ action: 'send' });
    }
    expect(sendDecision(noon, { ...base, subscription: 'unsubscribed' })).toEqual({ action: 'suppress', reason: 'marketing email not sent: the contact is unsubscribed' });
    expect(sendDecision(noon, { ...base, subscription: 'none' })).toEqual({ action: 'suppress', reason: 'marketing email not sent: the contact is never subscribed' });
    expect(journeyConsentBlock('marketing', 'subscribed')).toBeNull();
    expect(journeyConsentBlock('transactional', 'none')).toBeNull();
  });

  it('sends nothing to a suppressed address, whatever the kind and the subscription', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('marketing' as const, 'transactional' as const),
        fc.constantFrom('journey' as const, 'confirmation' as const),
        fc.constantFrom('none', 'unsubscribed', 'pending', 'subscribed'),
        fc.constantFrom('hard_bounce', 'complaint'),
        (category, purpose, subscription, reason) => {
          expect(sendDecision(noon, { ...base, category, purpose, subscription, suppressed: { reason } })).toEqual({ action: 'suppress', reason: `address suppressed (${reason})` });
        },
      ),
    );
  });

  it('lets transactional mail bypass quiet hours and the cap, never suppression', () => {
    const capped = { ...base, category: 'transactional' as const, recentMarketingSends: [noon - 1000, noon - 2000] };
    expect(sendDecision(night, capped)).toEqual({ action: 'send' });
    expect(sendDecision(night, { ...capped, suppressed: { reason: 'hard_bounce' } }).action).toBe('suppress');
    expect(sendDecision(night, { ...capped, purpose: 'confirmation', subscription: 'pending', suppressed: { reason: 'hard_bounce' } }).action).toBe('suppress');
  });

  it('delays marketing in quiet hours and over the cap; skips over the cap when the node says so', () => {
    expect(sendDecision(night, base)).toEqual({ action: 'defer', until: Date.UTC(2025, 4, 11, 8), reason: 'quiet_hours' });
    const full = { ...base, recentMarketingSends: [noon - 1000, noon - 2000] };
    expect(sendDecision(noon, full)).toEqual({ action: 'defer', until: noon - 2000 + CAP_WINDOW_MS + 1, reason: 'frequency_cap' });
    expect(sendDecision(noon, { ...full, whenCapped: 'skip' }).action).toBe('suppress');
    expect(sendDecision(noon, { ...full, frequencyCap: { enabled: false, maxPerWeek: 2 } })).toEqual({ action: 'send' });
  });
});
