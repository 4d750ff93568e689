// The Segment spec as Kairos reads it: validation that names the field, the event each call becomes, and time.
import { describe, expect, test } from 'vitest';
import { callEvent, callTime, consentIntent, parseBatch, parseSingleCall } from '../../shared/contacts/segment.ts';
import { displayName, mergeTraits, searchTerms } from '../../shared/contacts/traits.ts';

const ok = (r: ReturnType<typeof parseSingleCall>) => {
  if (!r.ok) throw new Error(r.error);
  return r.calls[0]!;
};

describe('parsing', () => {
  test('the path gives the type; numeric ids become strings; unknown fields are allowed', () => {
    const call = ok(parseSingleCall('track', { type: 'identify', userId: 42, event: 'x', integrations: { All: true }, _metadata: {} }));
    expect(call).toMatchObject({ type: 'track', userId: '42', event: 'x' });
  });

  test('refusals name the field, with the batch index', () => {
    expect(parseSingleCall('group', { userId: 'u' })).toEqual({ ok: false, error: 'groupId: is required' });
    expect(parseSingleCall('alias', { userId: 'u' })).toEqual({ ok: false, error: 'previousId: is required' });
    expect(parseSingleCall('identify', { anonymousId: 'a', traits: 'plan=b2b' })).toEqual({ ok: false, error: 'traits: must be an object' });
    expect(parseSingleCall('track', { userId: 'u', event: 'x', context: { traits: { email: 'nope' } } })).toEqual({
      ok: false,
      error: 'context.traits.email: must be an email address such as ana@example.com',
    });
    expect(parseBatch({ batch: [{ type: 'page', userId: 'u' }, { type: 'identify', traits: {} }] })).toEqual({
      ok: false,
      error: 'batch[1].userId: userId or anonymousId is required',
    });
    expect(parseBatch([])).toEqual({ ok: false, error: 'body: must be a JSON object with a batch list' });
  });

  test('batch-level context and sentAt reach every call', () => {
    const parsed = parseBatch({ sentAt: '2025-01-01T00:00:10Z', context: { ip: '1.2.3.4' }, batch: [{ type: 'track', userId: 'u', event: 'x' }] });
    expect(parsed.ok && parsed.calls[0]).toMatchObject({ sentAt: Date.parse('2025-01-01T00:00:10Z'), context: { ip: '1.2.3.4' } });
  });
});

describe('time', () => {
  const received = Date.parse('2025-06-01T12:00:00Z');
  test('no timestamp: when received; a timestamp alone: as sent; with sentAt: clock skew corrected', () => {
    expect(callTime(ok(parseSingleCall('track', { userId: 'u', event: 'x' })), received)).toBe(received);
    expect(callTime(ok(parseSingleCall('track', { userId: 'u', event: 'x', timestamp: '2024-01-01T00:00:00Z' })), received)).toBe(Date.parse('2024-01-01T00:00:00Z'));
    const skewed = ok(parseSingleCall('track', { userId: 'u', event: 'x', timestamp: '2025-06-01T13:00:00Z', sentAt: '2025-06-01T13:00:30Z' }));
    expect(callTime(skewed, received)).toBe(received - 30_000);
  });
});

describe('what a call becomes', () => {
  test('track by its name; the others as Kairos events', () => {
    expect(callEvent(ok(parseSingleCall('track', { userId: 'u', event: 'order_completed', properties: { total: 3 } })))).toEqual({ name: 'order_completed', properties: { total: 3 } });
    expect(callEvent(ok(parseSingleCall('page', { userId: 'u', name: 'Pricing', properties: { path: '/pricing' } })))).toEqual({ name: '$page', properties: { path: '/pricing', name: 'Pricing' } });
    expect(callEvent(ok(parseSingleCall('identify', { userId: 'u', traits: { plan: 'x' } })))).toEqual({ name: '$identify', properties: { traits: { plan: 'x' } } });
  });

  test('consent only from the explicit consent trait', () => {
    expect(consentIntent({})).toEqual({ ok: true, intent: null });
    expect(consentIntent({ consent: true })).toEqual({ ok: true, intent: 'pending' });
    expect(consentIntent({ consent: 'Subscribed' })).toEqual({ ok: true, intent: 'subscribed' });
    expect(consentIntent({ consent: false })).toEqual({ ok: true, intent: 'unsubscribed' });
    expect(consentIntent({ consent: 'sure' })).toEqual({ ok: false });
  });
});

describe('traits', () => {
  test('identify merges; null removes; email and consent stay out of traits', () => {
    expect(mergeTraits({ plan: 'a', city: 'Porto' }, { plan: 'b', city: null, email: 'x@example.com', consent: true })).toEqual({ plan: 'b' });
  });
  test('display name and search terms, without accents', () => {
    expect(displayName({ firstName: 'Léa', last_name: 'Moreau' })).toBe('Léa Moreau');
    expect(displayName({ name: '  ', firstName: '' })).toBeNull();
    expect(searchTerms('lea@example.com', "Léa O'Brien-Moreau")).toEqual(['lea@example.com', 'lea', 'o', 'brien', 'moreau']);
  });
});
