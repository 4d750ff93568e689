// Property filters (shared/journey/filters.ts): reading dot paths and comparing as the design says.
import { describe, expect, it } from 'vitest';
import { compare, matchesFilters, readPath } from '../../shared/journey/filters.ts';

describe('readPath', () => {
  const source = { plan: 'pro', address: { city: 'Berlin', geo: { lat: 52.5 } }, nothing: null, zero: 0, list: ['a'] };

  it.each([
    ['plan', 'pro'],
    ['address.city', 'Berlin'],
    ['address.geo.lat', 52.5],
    ['zero', 0],
    ['nothing', null],
    ['missing', undefined],
    ['address.street', undefined],
    ['nothing.deeper', undefined],
    ['plan.length', undefined], // a string is not an object to walk into
    ['list.0', 'a'],
  ])('%s → %o', (p, expected) => {
    expect(readPath(source, p)).toEqual(expected);
  });
});

describe('compare', () => {
  it.each([
    // equals and not_equals: numerically when both sides are numbers or numeric strings, else as text
    ['equals', 42, 42, true],
    ['equals', '42', 42, true],
    ['equals', 42, '42', true],
    ['equals', ' 42 ', 42, true],
    ['equals', '42.50', 42.5, true],
    ['equals', 'pro', 'pro', true],
    ['equals', 'Pro', 'pro', false],
    ['equals', true, 'true', true],
    ['equals', '', 0, false],
    ['equals', undefined, '', false], // a missing property is not the empty text
    ['not_equals', undefined, '', true],
    ['not_equals', 'free', 'pro', true],
    ['not_equals', '42', 42, false],
    ['not_equals', undefined, 'pro', true],
    // contains: case-insensitive in text, exact item in a list
    ['contains', 'Hello World', 'world', true],
    ['contains', 'Hello', 'bye', false],
    ['contains', ['a', 'b'], 'b', true],
    ['contains', [1, 2], '2', true],
    ['contains', ['abc'], 'b', false],
    ['contains', 42, '4', false],
    ['contains', undefined, 'x', false],
    // greater_than and less_than: numbers only
    ['greater_than', 10, 9, true],
    ['greater_than', '10', '9', true],
    ['greater_than', 9, 9, false],
    ['greater_than', 'ten', 9, false],
    ['greater_than', undefined, 0, false],
    ['greater_than', '', -1, false],
    ['less_than', '9', '10', true],
    ['less_than', 10, 10, false],
    ['less_than', null, 1, false],
    // exists and not_exists: set and not empty
    ['exists', 'x', undefined, true],
    ['exists', 0, undefined, true],
    ['exists', false, undefined, true],
    ['exists', '', undefined, false],
    ['exists', null, undefined, false],
    ['exists', undefined, undefined, false],
    ['not_exists', undefined, undefined, true],
    ['not_exists', '', undefined, true],
    ['not_exists', 0, undefined, false],
  ] as const)('%s(%o, %o) → %s', (operator, actual, expected, result) => {
    expect(compare(actual, operator, expected)).toBe(result);
  });
});

describe('matchesFilters', () => {
  const order = { total: '120', currency: 'EUR', items: ['sku-1', 'sku-2'], customer: { tier: 'gold' } };

  it('matches with no filters', () => {
    expect(matchesFilters(order, [])).toBe(true);
  });

  it('needs every filter to hold', () => {
    const filters = [
      { property: 'total', operator: 'greater_than' as const, value: 100 },
      { property: 'customer.tier', operator: 'equals' as const, value: 'gold' },
      { property: 'items', operator: 'contains' as const, value: 'sku-2' },
    ];

    expect(matchesFilters(order, filters)).toBe(true);
    expect(matchesFilters({ ...order, customer: { tier: 'silver' } }, filters)).toBe(false);
    expect(matchesFilters({ ...order, total: 99 }, filters)).toBe(false);
  });

  it('a filter on a missing property holds only for not_exists and not_equals', () => {
    expect(matchesFilters({}, [{ property: 'coupon', operator: 'not_exists' }])).toBe(true);
    expect(matchesFilters({}, [{ property: 'coupon', operator: 'not_equals', value: 'X' }])).toBe(true);
    expect(matchesFilters({}, [{ property: 'coupon', operator: 'equals', value: 'X' }])).toBe(false);
    expect(matchesFilters({}, [{ property: 'coupon', operator: 'exists' }])).toBe(false);
  });
});
