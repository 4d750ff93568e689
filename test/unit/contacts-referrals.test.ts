// Referrals as pure rules: the shape of a code and its link, when a confirmed referral counts, and the built-in rule that
// makes a referrer an advocate whatever the workspace lists as referral events.
import { describe, expect, test } from 'vitest';
import { DEFAULT_LIFECYCLE_SETTINGS as S, countsAsActivity, eventRole, phaseAfterEvent } from '../../shared/contacts/lifecycle.ts';
import { decideReferral, formatReferralCode, parseReferralCode, REFERRAL_CONVERTED_EVENT, referralUrlFor } from '../../shared/contacts/referrals.ts';
import { PHASE_KEYS } from '../../shared/lifecycle/phases.ts';

describe('referral_converted', () => {
  test('makes an advocate from any other phase, also when the workspace lists no referral events', () => {
    const none = { ...S, referralEvents: [] };
    for (const phase of PHASE_KEYS.filter((p) => p !== 'advocate')) {
      expect(phaseAfterEvent(none, phase, { name: REFERRAL_CONVERTED_EVENT }, 0)).toEqual({ to: 'advocate', cause: 'rule: referral (referral_converted)' });
    }
    expect(phaseAfterEvent(none, 'advocate', { name: REFERRAL_CONVERTED_EVENT }, 0)).toBeNull();
  });

  test('stays a referral when a workspace lists it as something else, and is no activity of the referrer', () => {
    expect(eventRole({ ...S, purchaseEvents: [REFERRAL_CONVERTED_EVENT], engagementEvents: [REFERRAL_CONVERTED_EVENT] }, REFERRAL_CONVERTED_EVENT)).toBe('advocacy');
    expect(countsAsActivity(S, REFERRAL_CONVERTED_EVENT)).toBe(false);
    // Without the built-in rule, an event the workspace does not list changes nothing.
    expect(phaseAfterEvent({ ...S, referralEvents: [] }, 'loyal', { name: 'referral_sent' }, 0)).toBeNull();
  });
});

describe('referral codes and links', () => {
  test('a code is the contact id and a signature; anything else is not shaped like one', () => {
    const code = formatReferralCode('c_0123abc', 'AbCdEf_-1234');
    expect(code).toBe('c_0123abc.AbCdEf_-1234');
    expect(parseReferralCode(code)).toEqual({ contactId: 'c_0123abc', signature: 'AbCdEf_-1234' });
    expect(parseReferralCode(` ${code} `)).toEqual({ contactId: 'c_0123abc', signature: 'AbCdEf_-1234' });
    for (const junk of [undefined, 7, '', 'c_0123abc', '.AbCdEf_-1234', 'c_0123abc.', 'c_01 23.AbCdEf_-1234', 'c_0123abc.short', `c_0123abc.${'x'.repeat(200)}`, 'a/b.AbCdEf_-1234']) {
      expect(parseReferralCode(junk)).toBeNull();
    }
  });

  test('the link is the hosted subscribe form with the code, whatever the public URL ends with', () => {
    expect(referralUrlFor('https://shop.example.com/', 'c_1.AbCdEf_-1234')).toBe('https://shop.example.com/subscribe?ref=c_1.AbCdEf_-1234');
    expect(referralUrlFor('https://shop.example.com/kairos', 'c_1.AbCdEf_-1234')).toBe('https://shop.example.com/kairos/subscribe?ref=c_1.AbCdEf_-1234');
  });
});

describe('when a referral counts', () => {
  const base = { referrerId: 'c_ana', contactId: 'c_ben', referrerExists: true, alreadyReferredBy: null, confirmedBefore: false };
  test('a new subscriber through a friend\'s link counts', () => {
    expect(decideReferral(base)).toEqual({ count: true });
  });
  test('never for oneself, never twice, never for an old subscriber coming back, never for a referrer who is gone', () => {
    expect(decideReferral({ ...base, referrerId: 'c_ben' })).toEqual({ count: false, reason: 'self' });
    expect(decideReferral({ ...base, alreadyReferredBy: 'c_ana' })).toEqual({ count: false, reason: 'already_referred' });
    expect(decideReferral({ ...base, alreadyReferredBy: 'c_cleo' })).toEqual({ count: false, reason: 'already_referred' });
    expect(decideReferral({ ...base, confirmedBefore: true })).toEqual({ count: false, reason: 'subscribed_before' });
    expect(decideReferral({ ...base, referrerExists: false })).toEqual({ count: false, reason: 'referrer_unknown' });
  });
});
