// The command line for contacts and keys, run as `npm run kairos -- …` runs it: a key made on the CLI works on the
// event API, a CSV imports with line-numbered errors, and a contact prints as JSON.
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApp } from '../../server/http/app.ts';
import { openWorkspace } from '../../server/workspace.ts';
import { kairos, projectRoot, tempDir, testConfig } from './helpers.ts';
import { basicAuth } from './ingest-helpers.ts';

/** Each command is a fresh process that compiles the server (seconds on a busy machine). */
const CLI_TIMEOUT = 120_000;

let dir: { dir: string; cleanup(): void };
beforeAll(() => {
  dir = tempDir();
});
afterAll(() => dir.cleanup());

test('keys create prints a key that the event API accepts; contacts get prints what it stored', async () => {
  const created = await kairos(['keys', 'create', '--name', 'shop backend'], dir.dir);
  expect(created.code, created.stderr).toBe(0);
  const key = created.stdout.trim().split('\n').at(-1)!;
  expect(key).toMatch(/^kw_[\w-]{40,}$/);

  const ws = openWorkspace(testConfig(dir.dir));
  const server = createApp({ db: ws.db, auth: ws.auth, clientDir: path.join(projectRoot, 'dist/client') }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const send = (p: string, body: unknown) =>
    fetch(`${url}${p}`, { method: 'POST', headers: { authorization: basicAuth(key), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  try {
    expect((await send('/v1/identify', { userId: 'u9', traits: { email: 'ivy@example.com', name: 'Ivy', plan: 'pro', consent: 'subscribed' } })).status).toBe(200);
    expect((await send('/v1/track', { userId: 'u9', event: 'order_completed', properties: { total: 30 }, timestamp: '2025-03-03T10:00:00Z' })).status).toBe(200);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    ws.close();
  }

  const got = await kairos(['contacts', 'get', 'IVY@example.com'], dir.dir);
  expect(got.code, got.stderr).toBe(0);
  const contact = JSON.parse(got.stdout);
  expect(contact).toMatchObject({
    email: 'ivy@example.com',
    externalId: 'u9',
    traits: { name: 'Ivy', plan: 'pro' },
    persona: null,
    phase: 'customer',
    subscription: { status: 'subscribed', source: 'api' },
  });
  expect(contact.events.map((e: { name: string }) => e.name)).toEqual(
    expect.arrayContaining(['$identify', '$subscription_confirmed', 'order_completed', '$phase_entered']),
  );
  expect(contact.events.find((e: { name: string }) => e.name === 'order_completed')).toMatchObject({ timestamp: '2025-03-03T10:00:00.000Z', properties: { total: 30 } });
  expect(contact.phaseHistory.map((h: { to: string }) => h.to)).toEqual(['subscriber', 'customer']);

  const missing = await kairos(['contacts', 'get', 'nobody@example.com'], dir.dir);
  expect(missing).toMatchObject({ code: 1, stderr: 'No contact with the email nobody@example.com.\n' });
}, CLI_TIMEOUT);

test('contacts import: all or nothing by default, --valid-rows-only to skip bad rows, --map to choose columns', async () => {
  const file = path.join(dir.dir, 'list.csv');
  writeFileSync(file, 'Mail,Given,Score\njo@example.com,Jo,7\nbroken,Kim,3\nlu@example.com,Lu,9\n');

  const refused = await kairos(['contacts', 'import', file, '--map', 'Given=first_name'], dir.dir);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('line 3 (Mail): "broken" is not an email address');
  expect(refused.stderr).toContain('1 row has problems, so nothing was imported');

  const partial = await kairos(['contacts', 'import', file, '--map', 'Given=first_name', '--valid-rows-only'], dir.dir);
  expect(partial.code, partial.stderr).toBe(0);
  expect(partial.stdout).toContain('Columns: Mail → email, Given → first_name, Score → trait:score');
  expect(partial.stdout).toContain('Imported 2 contacts (2 new, 0 updated); skipped 1 rows with errors.');

  const lu = JSON.parse((await kairos(['contacts', 'get', 'lu@example.com'], dir.dir)).stdout);
  expect(lu).toMatchObject({ name: 'Lu', traits: { firstName: 'Lu', score: '9' }, subscription: { status: 'none' } });

  const badMap = await kairos(['contacts', 'import', file, '--map', 'Nope=email'], dir.dir);
  expect(badMap).toMatchObject({ code: 1, stderr: expect.stringContaining('the file has no column "Nope"') });
}, CLI_TIMEOUT);
