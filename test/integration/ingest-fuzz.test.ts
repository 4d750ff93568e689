// Property: whatever arrives at the event API, the answer is never a 500, and a refused call stores nothing.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { post, startIngestServer, storedCounts, type IngestServer } from './ingest-helpers.ts';

let srv: IngestServer;
beforeAll(async () => {
  srv = await startIngestServer();
});
afterAll(() => srv.close());

const PATHS = ['/v1/identify', '/v1/track', '/v1/page', '/v1/screen', '/v1/group', '/v1/alias', '/v1/batch'] as const;

const junk = fc.oneof(fc.anything(), fc.string(), fc.integer(), fc.constant(null), fc.constant(''));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 30, arbitrary: arb }, { weight: 1, arbitrary: junk });
/** Mostly right, sometimes wrong in a way validation must name. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) => fc.oneof({ weight: 8, arbitrary: good }, { weight: 1, arbitrary: bad });
const isoDate = fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());

/** Calls that are mostly right, with any field possibly wrong: they reach deep into validation and storage. */
const call = fc.record(
  {
    type: maybe(mostly(fc.constantFrom('identify', 'track', 'page', 'screen', 'group', 'alias'), fc.constant('launch'))),
    userId: maybe(fc.oneof(fc.constantFrom('u1', 'u2', 'u3'), fc.integer({ min: 0, max: 5 }))),
    anonymousId: maybe(fc.constantFrom('a1', 'a2', 'a3')),
    previousId: maybe(fc.constantFrom('u1', 'a1', 'a2')),
    groupId: maybe(fc.constantFrom('g1', 'g2')),
    messageId: maybe(fc.constantFrom('m1', 'm2', 'm3', 'm4')),
    event: maybe(mostly(fc.constantFrom('order_completed', 'viewed_pricing', 'referral_sent'), fc.constantFrom('$phase_entered', ''))),
    traits: maybe(
      fc.record(
        {
          email: maybe(mostly(fc.constantFrom('f1@example.com', 'F2@Example.com', 'f3@example.com'), fc.constantFrom('bad@', 'x'))),
          consent: maybe(mostly(fc.constantFrom(true, false, 'pending', 'subscribed', 'unsubscribed'), fc.constant('maybe'))),
          persona: maybe(fc.constantFrom('researcher', 'nobody')),
          name: maybe(fc.string()),
          plan: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
    ),
    properties: maybe(fc.dictionary(fc.string(), fc.jsonValue())),
    context: maybe(fc.record({ ip: maybe(fc.ipV4()), traits: maybe(fc.record({ email: maybe(mostly(fc.constant('f4@example.com'), fc.constant('nope'))) })), timezone: maybe(fc.constantFrom('Europe/Berlin', 'Mars/Olympus')) }, { requiredKeys: [] })),
    timestamp: maybe(mostly(fc.oneof(isoDate, fc.constant('2025-01-01')), fc.constantFrom('soon', '99999-01-01T00:00:00Z'))),
    sentAt: maybe(isoDate),
  },
  { requiredKeys: ['type'] },
);

const body = fc.oneof(
  { weight: 4, arbitrary: call },
  { weight: 3, arbitrary: fc.record({ batch: maybe(fc.array(call, { maxLength: 5 })), sentAt: maybe(isoDate) }, { requiredKeys: ['batch'] }) },
  { weight: 1, arbitrary: junk },
);

const request = fc.record({
  path: fc.constantFrom(...PATHS),
  body,
  raw: fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constantFrom('{', '[]', 'null', '{"batch":')) }),
  key: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.string() }),
  gzip: fc.boolean(),
});

test('no 500, and nothing stored from a refused call', async () => {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const before = storedCounts(srv);
      const res = await post(srv, r.path, r.body, { key: r.key, gzip: r.gzip, raw: r.raw });
      expect([200, 400, 401, 413]).toContain(res.status);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status !== 200) {
        expect(res.body.message, JSON.stringify(r)).toEqual(expect.any(String));
        expect(storedCounts(srv)).toEqual(before);
      }
    }),
    { numRuns: 300 },
  );
  // The property ran through stored calls and every kind of refusal, not only one of them.
  expect(storedCounts(srv).events).toBeGreaterThan(0);
  expect([...statuses.keys()].sort()).toEqual([200, 400, 401]);
});
