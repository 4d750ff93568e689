// Journey priority under the frequency cap: when two marketing emails compete for a contact's last slot, the higher-priority journey's goes and the other waits, never dropped.
import { describe, expect, it } from 'vitest';
import { CAP_WINDOW_MS, capContestLoss, sendDecision, type CapContest, type SendCheck } from '../../shared/mail/rules.ts';
import { priorityLabel } from '../../shared/journey/priority.ts';

const noon = Date.UTC(2026, 4, 12, 12);
const HOUR = 3_600_000;

const base: SendCheck = {
  category: 'marketing',
  purpose: 'journey',
  whenCapped: 'delay',
  subscription: 'subscribed',
  suppressed: null,
  timezone: 'UTC',
  quietHours: { enabled: false, start: '21:00', end: '08:00' },
  frequencyCap: { enabled: true, maxPerWeek: 1 },
  recentMarketingSends: [],
};

function check(contest: Omit<CapContest, 'dueSince'> & { dueSince?: number }, overrides: Partial<SendCheck> = {}): SendCheck {
  return { ...base, recentMarketingSends: contest.sends.map((s) => s.at), contest: { dueSince: noon, ...contest }, ...overrides };
}

describe('the last slot of the cap', () => {
  it('waits for a higher-priority email that is due too, until the cap frees after it', () => {
    const decision = sendDecision(noon, check({ priority: 3, sends: [], due: [{ priority: 5, journey: 'Cart rescue' }] }));
    expect(decision).toEqual({ action: 'defer', until: noon + CAP_WINDOW_MS + 1, reason: 'priority', journey: 'Cart rescue' });
  });

  it('goes when it is the higher-priority one, or when the rivals are of the same or lower priority', () => {
    expect(sendDecision(noon, check({ priority: 5, sends: [], due: [{ priority: 3, journey: 'Newsletter' }] }))).toEqual({ action: 'send' });
    expect(sendDecision(noon, check({ priority: 3, sends: [], due: [{ priority: 3, journey: 'Newsletter' }] }))).toEqual({ action: 'send' });
  });

  it('is never dropped for losing the slot, even where its node says skip', () => {
    // The higher-priority email went a minute ago, while this one was already due: it took this one's slot.
    const lost = check({ priority: 3, dueSince: noon - HOUR, sends: [{ at: noon - 60_000, priority: 5, journey: 'Cart rescue' }], due: [] }, { whenCapped: 'skip' });
    expect(sendDecision(noon, lost)).toEqual({ action: 'defer', until: noon - 60_000 + CAP_WINDOW_MS + 1, reason: 'priority', journey: 'Cart rescue' });
  });

  it('is capped as usual when the contact had had enough before it was due, or enough without the rival', () => {
    // The higher-priority email went before this one was due: no competition, the node's skip applies.
    const before = check({ priority: 3, dueSince: noon, sends: [{ at: noon - HOUR, priority: 5, journey: 'Cart rescue' }], due: [] }, { whenCapped: 'skip' });
    expect(sendDecision(noon, before)).toMatchObject({ action: 'suppress' });
    // Two slots, both taken: one by the rival, one by an earlier email: without the rival it still would not fit.
    const full = check(
      { priority: 3, dueSince: noon - HOUR, sends: [{ at: noon - 2 * HOUR, priority: 3, journey: 'Welcome' }, { at: noon - 60_000, priority: 5, journey: 'Cart rescue' }], due: [] },
      { frequencyCap: { enabled: true, maxPerWeek: 1 } },
    );
    expect(sendDecision(noon, full)).toEqual({ action: 'defer', until: noon - 60_000 + CAP_WINDOW_MS + 1, reason: 'frequency_cap' });
  });

  it('leaves the slots the higher-priority emails do not need', () => {
    const roomy: CapContest = { priority: 2, dueSince: noon, sends: [], due: [{ priority: 4, journey: 'A' }] };
    expect(capContestLoss(noon, 2, roomy)).toBeNull();
    expect(capContestLoss(noon, 2, { ...roomy, due: [{ priority: 4, journey: 'A' }, { priority: 5, journey: 'B' }] })).toEqual({ until: noon + CAP_WINDOW_MS + 1, journey: 'B' });
  });

  it('changes nothing for transactional mail, an email an admin released, or without a cap', () => {
    const contest = { priority: 1, sends: [], due: [{ priority: 5, journey: 'Cart rescue' }] };
    expect(sendDecision(noon, check(contest, { category: 'transactional' }))).toEqual({ action: 'send' });
    expect(sendDecision(noon, check(contest, { released: true }))).toEqual({ action: 'send' });
    expect(sendDecision(noon, check(contest, { frequencyCap: { enabled: false, maxPerWeek: 1 } }))).toEqual({ action: 'send' });
  });

  it('still waits out quiet hours first', () => {
    const night = Date.UTC(2026, 4, 12, 23);
    const decision = sendDecision(night, check({ priority: 1, sends: [], due: [{ priority: 5, journey: 'Cart rescue' }] }, { quietHours: { enabled: true, start: '21:00', end: '08:00' } }));
    expect(decision).toMatchObject({ action: 'defer', reason: 'quiet_hours' });
  });
});

describe('priority labels', () => {
  it('read as the number and its word', () => {
    expect([1, 2, 3, 4, 5].map(priorityLabel)).toEqual(['1 · Low', '2 · Below normal', '3 · Normal', '4 · High', '5 · Urgent']);
    expect(priorityLabel(9)).toBe('9');
  });
});
