// Webhook nodes: a signed JSON POST to a real HTTP server on loopback, retried on 5xx, given up on 4xx.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { createExecutor } from '../../server/executor/executor.ts';
import { deliverWebhooks, signWebhook, SIGNATURE_HEADER } from '../../server/executor/webhooks.ts';
import { addContact, addEvent, exit, graph, liveJourney, onEvent } from './executorBuilders.ts';
import { freshWorkspace, TEST_SECRET, type FreshWorkspace } from './helpers.ts';

let fresh: FreshWorkspace;
let server: Server;
let received: { headers: IncomingMessage['headers']; body: string }[];
let answers: number[];

beforeEach(async () => {
  fresh = freshWorkspace();
  received = [];
  answers = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterEach(async () => {
  await new Promise((r) => server.close(r));
  fresh.cleanup();
});

function setup() {
  const clock = fixedClock('2026-11-02T08:00:00Z');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  liveJourney(fresh.ws.db, clock, graph([onEvent('order_completed'), { id: 'hook', kind: 'webhook', config: { url } }, exit()], ['t:next>hook', 'hook:next>x']));
  const contact = addContact(fresh.ws.db, { email: 'ana@example.com' });
  addEvent(fresh.ws.db, contact, 'order_completed', { order_id: 'o1' }, clock.now());
  createExecutor({ db: fresh.ws.db, clock }).tick();
  const deliver = () => deliverWebhooks({ db: fresh.ws.db, clock, secret: TEST_SECRET, random: () => 0.5 });
  const calls = () => fresh.ws.db.$client.prepare(`SELECT status, attempts, response_status AS responseStatus, last_error AS lastError FROM webhook_calls`).all();
  return { clock, deliver, calls };
}

it('POSTs the contact and the entering event as JSON, signed with an HMAC of the body', async () => {
  const { deliver, calls } = setup();
  expect(await deliver()).toEqual({ delivered: 1, retried: 0, failed: 0 });
  expect(received).toHaveLength(1);
  const [call] = received;
  const body = JSON.parse(call!.body);
  expect(body.contact.email).toBe('ana@example.com');
  expect(body.event).toMatchObject({ name: 'order_completed', properties: { order_id: 'o1' } });
  const timestamp = call!.headers['x-kairos-timestamp'] as string;
  expect(call!.headers[SIGNATURE_HEADER]).toBe(signWebhook(TEST_SECRET, timestamp, call!.body));
  expect(call!.headers[SIGNATURE_HEADER]).not.toBe(signWebhook('another-secret-another-secret-12345', timestamp, call!.body));
  expect(calls()).toEqual([{ status: 'done', attempts: 1, responseStatus: 200, lastError: null }]);
  // Delivered once: a second pass sends nothing.
  expect(await deliver()).toEqual({ delivered: 0, retried: 0, failed: 0 });
});

it('retries a 5xx after a backoff and stops at a 4xx', async () => {
  const { clock, deliver, calls } = setup();
  answers.push(503);
  expect(await deliver()).toEqual({ delivered: 0, retried: 1, failed: 0 });
  expect(await deliver()).toEqual({ delivered: 0, retried: 0, failed: 0 }); // not due yet
  clock.advance(30_000);
  answers.push(400);
  expect(await deliver()).toEqual({ delivered: 0, retried: 0, failed: 1 });
  expect(calls()).toEqual([{ status: 'failed', attempts: 2, responseStatus: 400, lastError: 'HTTP 400' }]);
  expect(received).toHaveLength(2);
});

it('retries when the receiver cannot be reached', async () => {
  const { deliver, calls } = setup();
  await new Promise((r) => server.close(r));
  expect(await deliver()).toEqual({ delivered: 0, retried: 1, failed: 0 });
  expect(calls()).toEqual([expect.objectContaining({ status: 'queued', attempts: 1, responseStatus: null })]);
  server = createServer((_req, res) => res.end()).listen(0);
});
