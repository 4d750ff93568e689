// condition: which way a contact goes, for each kind of predicate, and with "all" or "any" of the rules.
import { describe, expect, it } from 'vitest';
import type { ContactView } from '../../shared/journey/interpret.ts';
import { branch, compile, contact, DAY, enrolAndAdvance, exitNode, facts, link, manualTrigger, utc, type FakeFacts } from './interpret-builders.ts';

const NOW = utc('2025-05-05T12:00');

/** Runs trigger → condition(rules) → yes/no exits and tells which way the contact went. */
function decide(rules: Record<string, unknown>[], person: ContactView = contact(), factTable: FakeFacts = facts(), match: 'all' | 'any' = 'all'): 'yes' | 'no' {
  const graph = compile(
    [manualTrigger(), branch('check', rules, match), exitNode('yes_end'), exitNode('no_end')],
    [link('start', 'next', 'check'), link('check', 'yes', 'yes_end'), link('check', 'no', 'no_end')],
  );
  const result = enrolAndAdvance(graph, NOW, { contact: person, facts: factTable });
  const outcome = result.steps.find((s) => s.nodeId === 'check')?.outcome;
  expect(result.state.nodeId).toBe(outcome === 'yes' ? 'yes_end' : 'no_end');
  expect(result.state.status).toBe('completed');
  return outcome as 'yes' | 'no';
}

const trait = (name: string, operator: string, value?: unknown) => ({ type: 'trait', trait: name, operator, ...(value === undefined ? {} : { value }) });
const withTraits = (traits: Record<string, unknown>) => contact({ traits });

describe('trait rules', () => {
  it.each([
    // [traits, rule, expected]
    [{ plan: 'pro' }, trait('plan', 'equals', 'pro'), 'yes'],
    [{ plan: 'free' }, trait('plan', 'equals', 'pro'), 'no'],
    [{}, trait('plan', 'equals', 'pro'), 'no'],
    [{ plan: 'free' }, trait('plan', 'not_equals', 'pro'), 'yes'],
    [{ plan: 'pro' }, trait('plan', 'not_equals', 'pro'), 'no'],
    [{}, trait('plan', 'not_equals', 'pro'), 'yes'],
    [{ orders: '42' }, trait('orders', 'equals', 42), 'yes'],
    [{ orders: 42 }, trait('orders', 'equals', '42'), 'yes'],
    [{ orders: '42.0' }, trait('orders', 'equals', 42), 'yes'],
    [{ orders: '42' }, trait('orders', 'greater_than', 40), 'yes'],
    [{ orders: '10' }, trait('orders', 'greater_than', '9'), 'yes'], // numerically, not as text
    [{ orders: '10' }, trait('orders', 'less_than', '9'), 'no'],
    [{ orders: 3 }, trait('orders', 'less_than', 3), 'no'],
    [{ orders: 'many' }, trait('orders', 'greater_than', 1), 'no'],
    [{}, trait('orders', 'less_than', 1), 'no'],
    [{ address: { city: 'Berlin' } }, trait('address.city', 'equals', 'Berlin'), 'yes'],
    [{ bio: 'Loves Coffee' }, trait('bio', 'contains', 'coffee'), 'yes'],
    [{ bio: 'Loves tea' }, trait('bio', 'contains', 'coffee'), 'no'],
    [{ tags: ['vip', 'beta'] }, trait('tags', 'contains', 'vip'), 'yes'],
    [{ tags: ['vip', 'beta'] }, trait('tags', 'contains', 'vi'), 'no'],
    [{ vip: true }, trait('vip', 'equals', true), 'yes'],
    [{ vip: false }, trait('vip', 'equals', true), 'no'],
    [{ plan: 'pro' }, trait('plan', 'exists'), 'yes'],
    [{ plan: '' }, trait('plan', 'exists'), 'no'],
    [{ plan: null }, trait('plan', 'exists'), 'no'],
    [{}, trait('plan', 'not_exists'), 'yes'],
    [{ plan: 'pro' }, trait('plan', 'not_exists'), 'no'],
  ] as const)('%o with %o → %s', (traits, rule, expected) => {
    expect(decide([rule], withTraits(traits))).toBe(expected);
  });
});

describe('phase, persona and subscription rules', () => {
  it('phase: yes when the contact is in one of the phases', () => {
    const rule = { type: 'phase', phases: ['customer', 'loyal'] };

    expect(decide([rule], contact({ phase: 'loyal' }))).toBe('yes');
    expect(decide([rule], contact({ phase: 'lapsed' }))).toBe('no');
  });

  it('persona: yes when the contact has one of the personas, no without a persona', () => {
    const rule = { type: 'persona', personas: ['bargain_hunter', 'researcher'] };

    expect(decide([rule], contact({ personaKey: 'researcher' }))).toBe('yes');
    expect(decide([rule], contact({ personaKey: 'loyalist' }))).toBe('no');
    expect(decide([rule], contact({ personaKey: null }))).toBe('no');
  });

  it('subscription: yes when the status is the one asked for', () => {
    const rule = { type: 'subscription', status: 'pending' };

    expect(decide([rule], contact({ subscription: 'pending' }))).toBe('yes');
    expect(decide([rule], contact({ subscription: 'subscribed' }))).toBe('no');
  });
});

describe('event_count rules', () => {
  const purchases = (comparison: string, count: number, extra: Record<string, unknown> = {}) => ({ type: 'event_count', event: 'order_completed', comparison, count, ...extra });

  it('asks the facts for the count since now minus the window', () => {
    const f = facts({ counts: { order_completed: 2 } });
    const filters = [{ property: 'total', operator: 'greater_than', value: 50 }];

    decide([purchases('at_least', 1, { withinDays: 30, filters })], contact(), f);

    expect(f.countCalls).toEqual([{ name: 'order_completed', filters, sinceMs: NOW - 30 * DAY }]);
  });

  it('asks for all time without a window', () => {
    const f = facts();

    decide([purchases('at_least', 1)], contact(), f);

    expect(f.countCalls).toEqual([{ name: 'order_completed', filters: [], sinceMs: null }]);
  });

  it.each([
    ['at_least', 2, 2, 'yes'],
    ['at_least', 2, 1, 'no'],
    ['at_most', 2, 2, 'yes'],
    ['at_most', 2, 3, 'no'],
    ['exactly', 0, 0, 'yes'],
    ['exactly', 2, 3, 'no'],
    ['exactly', 2, 1, 'no'],
  ] as const)('%s %i with %i events → %s', (comparison, count, happened, expected) => {
    expect(decide([purchases(comparison, count, { withinDays: 7 })], contact(), facts({ counts: { order_completed: happened } }))).toBe(expected);
  });
});

describe('engagement rules', () => {
  it('asks whether the contact clicked a given email node', () => {
    const f = facts({ engaged: ['clicked:welcome'] });
    const graph = compile(
      [manualTrigger(), { id: 'welcome', kind: 'email', config: { templateId: 'welcome' } }, branch('check', [{ type: 'engagement', action: 'clicked', emailNodeId: 'welcome' }]), exitNode('yes_end'), exitNode('no_end')],
      [link('start', 'next', 'welcome'), link('welcome', 'next', 'check'), link('check', 'yes', 'yes_end'), link('check', 'no', 'no_end')],
    );

    const result = enrolAndAdvance(graph, NOW, { facts: f });

    expect(f.engagedCalls).toEqual([{ action: 'clicked', emailNodeId: 'welcome' }]);
    expect(result.state.nodeId).toBe('yes_end');
  });

  it('asks about any email of this journey without a node', () => {
    const opened = facts({ engaged: ['opened:any'] });
    const nothing = facts({ engaged: ['clicked:any'] });

    expect(decide([{ type: 'engagement', action: 'opened' }], contact(), opened)).toBe('yes');
    expect(opened.engagedCalls).toEqual([{ action: 'opened', emailNodeId: null }]);
    expect(decide([{ type: 'engagement', action: 'opened' }], contact(), nothing)).toBe('no');
  });
});

describe('match all or any', () => {
  const pro = trait('plan', 'equals', 'pro');
  const berlin = trait('city', 'equals', 'Berlin');

  it.each([
    ['all', { plan: 'pro', city: 'Berlin' }, 'yes'],
    ['all', { plan: 'pro', city: 'Paris' }, 'no'],
    ['all', { plan: 'free', city: 'Paris' }, 'no'],
    ['any', { plan: 'pro', city: 'Paris' }, 'yes'],
    ['any', { plan: 'free', city: 'Berlin' }, 'yes'],
    ['any', { plan: 'free', city: 'Paris' }, 'no'],
  ] as const)('%s of (plan = pro, city = Berlin) with %o → %s', (match, traits, expected) => {
    expect(decide([pro, berlin], withTraits(traits), facts(), match)).toBe(expected);
  });

  it('mixes kinds of rules', () => {
    const rules = [{ type: 'phase', phases: ['customer'] }, { type: 'subscription', status: 'subscribed' }, trait('plan', 'exists')];

    expect(decide(rules, contact({ phase: 'customer', subscription: 'subscribed', traits: { plan: 'pro' } }))).toBe('yes');
    expect(decide(rules, contact({ phase: 'customer', subscription: 'unsubscribed', traits: { plan: 'pro' } }))).toBe('no');
  });
});
