// Lifecycle and persona rules as pure functions: any phase may follow any other, and the first matching persona wins.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DEFAULT_LIFECYCLE_SETTINGS as S, lapseCutoff, phaseAfterConfirmation, phaseAfterEvent } from '../../shared/contacts/lifecycle.ts';
import { decidePersona, matchesRuleSet, type PersonaRuleSet } from '../../shared/contacts/personaRules.ts';
import { PHASE_KEYS } from '../../shared/lifecycle/phases.ts';

describe('lifecycle', () => {
  test('purchases: first → customer, second → loyal, also from lapsed; loyal and advocates stay', () => {
    expect(phaseAfterEvent(S, 'prospect', { name: 'order_completed' }, 1)).toEqual({ to: 'customer', cause: 'rule: first purchase (order_completed)' });
    expect(phaseAfterEvent(S, 'customer', { name: 'order_completed' }, 2)?.to).toBe('loyal');
    expect(phaseAfterEvent(S, 'lapsed', { name: 'order_completed' }, 5)?.to).toBe('loyal');
    expect(phaseAfterEvent(S, 'advocate', { name: 'order_completed' }, 5)).toBeNull();
    expect(phaseAfterEvent(S, 'customer', { name: 'order_completed' }, 1)).toBeNull();
  });

  test('referral or review → advocate; engagement → engaged; a lapsed contact comes back', () => {
    expect(phaseAfterEvent(S, 'loyal', { name: 'review_submitted' }, 0)).toEqual({ to: 'advocate', cause: 'rule: review (review_submitted)' });
    expect(phaseAfterEvent(S, 'subscriber', { name: '$email_clicked' }, 0)?.to).toBe('engaged');
    expect(phaseAfterEvent(S, 'customer', { name: '$email_clicked' }, 1)).toBeNull();
    expect(phaseAfterEvent(S, 'lapsed', { name: '$email_opened' }, 1)?.to).toBe('customer');
    expect(phaseAfterConfirmation('prospect')?.to).toBe('subscriber');
    expect(phaseAfterConfirmation('customer')).toBeNull();
    expect(lapseCutoff({ ...S, inactivityDays: 2 }, 3 * 86_400_000)).toBe(86_400_000);
  });

  test('property: a rule never "moves" a contact to the phase it is in, and other events change nothing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PHASE_KEYS), fc.constantFrom('order_completed', 'referral_sent', '$email_opened', 'viewed_product'), fc.nat(5), (phase, name, purchases) => {
        const change = phaseAfterEvent(S, phase, { name }, purchases);
        if (change) expect(change.to).not.toBe(phase);
        if (name === 'viewed_product') expect(change).toBeNull();
      }),
    );
  });
});

describe('personas', () => {
  const none = { countEvents: () => 0 };
  const b2b: PersonaRuleSet = { match: 'all', conditions: [{ type: 'trait', trait: 'company.size', operator: 'greater_than', value: 10 }] };
  const buyer: PersonaRuleSet = { match: 'any', conditions: [{ type: 'event_count', event: 'order_completed', comparison: 'at_least', count: 3 }] };

  test('dot paths, numbers sent as strings, and no conditions means no match', () => {
    expect(matchesRuleSet(b2b, { company: { size: '25' } }, none)).toBe(true);
    expect(matchesRuleSet({ match: 'all', conditions: [] }, {}, none)).toBe(false);
  });

  test('first match by priority; an explicit persona trait (key or name) overrides; windows are asked for', () => {
    const candidates = [
      { key: 'b2b', name: 'B2B', rules: b2b },
      { key: 'buyer', name: 'Repeat buyer', rules: buyer },
    ];
    const asked: [string, number | null][] = [];
    const facts = { countEvents: (e: string, d: number | null) => (asked.push([e, d]), 4) };
    expect(decidePersona(candidates, { company: { size: 50 } }, facts)).toEqual({ key: 'b2b', source: 'rules' });
    expect(asked).toEqual([]);
    expect(decidePersona(candidates, {}, facts)).toEqual({ key: 'buyer', source: 'rules' });
    expect(asked).toEqual([['order_completed', null]]);
    expect(decidePersona(candidates, { company: { size: 50 }, persona: 'repeat BUYER' }, facts)).toEqual({ key: 'buyer', source: 'explicit' });
    expect(decidePersona(candidates, { persona: 'astronaut' }, none)).toEqual({ key: null, source: null });
  });
});
