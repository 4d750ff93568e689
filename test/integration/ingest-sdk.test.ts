// The Segment and RudderStack Node SDKs, unchanged, pointed at Kairos: what they send is stored.
import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { contacts, events } from '../../server/db/schema.ts';
import { startIngestServer, type IngestServer } from './ingest-helpers.ts';

let srv: IngestServer;
beforeEach(async () => {
  srv = await startIngestServer();
});
afterEach(() => srv.close());

function contactByEmail(email: string) {
  return srv.ws.db.select().from(contacts).where(eq(contacts.email, email)).get();
}
function eventNames(contactId: string) {
  return srv.ws.db.select().from(events).where(eq(events.contactId, contactId)).orderBy(asc(events.id)).all().map((e) => e.name);
}

test('@segment/analytics-node: identify and track arrive as a contact with traits and events', async () => {
  const analytics = new Analytics({ writeKey: srv.writeKey, host: srv.url, flushAt: 10, flushInterval: 50, maxRetries: 0 });
  const errors: unknown[] = [];
  analytics.on('error', (e) => errors.push(e));
  analytics.identify({ userId: 'u-1', traits: { email: 'Ana@Example.com', firstName: 'Ana', lastName: 'Lima', plan: 'b2b' } });
  analytics.track({ userId: 'u-1', event: 'order_completed', properties: { order_id: 'o-1', total: 42 }, timestamp: new Date('2025-01-02T03:04:05Z') });
  analytics.page({ userId: 'u-1', name: 'Pricing' });
  await analytics.closeAndFlush({ timeout: 5000 });

  expect(errors).toEqual([]);
  const ana = contactByEmail('ana@example.com');
  expect(ana).toMatchObject({ externalId: 'u-1', name: 'Ana Lima', traits: { firstName: 'Ana', lastName: 'Lima', plan: 'b2b' }, phase: 'customer' });
  expect(eventNames(ana!.id)).toEqual(['$identify', 'order_completed', '$phase_entered', '$page']);
  const order = srv.ws.db.select().from(events).where(eq(events.name, 'order_completed')).get()!;
  expect(order.properties).toEqual({ order_id: 'o-1', total: 42 });
  expect(order.messageId).toMatch(/.+/);
});

test('@rudderstack/rudder-sdk-node (gzipped batches): identify, track, alias and group are stored', async () => {
  const client = new RudderAnalytics(srv.writeKey, { dataPlaneUrl: srv.url, flushAt: 20, flushInterval: 50, retryCount: 0, logLevel: 'error' });
  client.identify({ userId: 'r-1', traits: { email: 'ben@example.com', name: 'Ben Okafor' } });
  client.track({ userId: 'r-1', event: 'viewed_pricing', properties: { plan: 'pro' } });
  client.group({ userId: 'r-1', groupId: 'acme', traits: { name: 'Acme' } });
  client.alias({ previousId: 'r-1', userId: 'r-1-new' });
  await client.flush();

  const ben = contactByEmail('ben@example.com');
  expect(ben).toMatchObject({ externalId: 'r-1-new', name: 'Ben Okafor' });
  expect(eventNames(ben!.id)).toEqual(['$identify', 'viewed_pricing', '$group', '$alias']);
});
