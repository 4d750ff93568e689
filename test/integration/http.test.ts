// The real Express app on loopback: health, email sign-in through better-auth, and tRPC behind the session cookie.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseFile, openDatabase } from '../../server/db/client.ts';
import { createApp, type AppDeps } from '../../server/http/app.ts';
import type { Workspace } from '../../server/workspace.ts';
import { freshWorkspace, makeUser, tempDir, TEST_PASSWORD } from './helpers.ts';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Serves the app on a free loopback port and returns its base URL. */
async function serve(deps: Omit<AppDeps, 'clientDir'>): Promise<string> {
  const client = tempDir('kairos-client-');
  cleanups.push(client.cleanup);
  const app = createApp({ ...deps, clientDir: client.dir });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function servedWorkspace(): Promise<{ ws: Workspace; base: string }> {
  const fresh = freshWorkspace();
  cleanups.push(fresh.cleanup);
  const base = await serve({ db: fresh.ws.db, auth: fresh.ws.auth });
  return { ws: fresh.ws, base };
}

function signIn(ws: Workspace, base: string, email: string, password: string) {
  return fetch(`${base}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ws.config.publicUrl },
    body: JSON.stringify({ email, password }),
  });
}

/** The name=value pairs of the response's cookies, ready for a Cookie header. */
function cookieHeader(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
}

describe('GET /healthz', () => {
  it('answers 200 ok on a migrated database', async () => {
    const { base } = await servedWorkspace();
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers 503 when the database is not migrated', async () => {
    const fresh = freshWorkspace();
    cleanups.push(fresh.cleanup);
    const dir = tempDir();
    const db = openDatabase(databaseFile(dir.dir));
    cleanups.push(dir.cleanup, () => {
      db.$client.close();
    });
    const base = await serve({ db, auth: fresh.ws.auth });
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'unavailable' });
  });
});

describe('signing in over HTTP', () => {
  it('gives a session cookie that opens the tRPC API', async () => {
    const { ws, base } = await servedWorkspace();
    const marketer = await makeUser(ws, 'marketer');
    const signedIn = await signIn(ws, base, marketer.email, TEST_PASSWORD);
    expect(signedIn.status).toBe(200);
    const cookie = cookieHeader(signedIn);
    expect(cookie).not.toBe('');

    const matrix = await fetch(`${base}/trpc/lifecycle.matrix`, { headers: { cookie } });
    expect(matrix.status).toBe(200);
    const body = (await matrix.json()) as { result: { data: { moments: unknown[]; personas: unknown[] } } };
    expect(body.result.data.moments).toHaveLength(5);
    expect(body.result.data.personas).toHaveLength(3);
  });

  it('refuses the tRPC API without a session cookie', async () => {
    const { base } = await servedWorkspace();
    const response = await fetch(`${base}/trpc/lifecycle.matrix`);
    expect(response.status).toBe(401);
  });

  it('refuses a wrong password with 401 and no cookie', async () => {
    const { ws, base } = await servedWorkspace();
    const marketer = await makeUser(ws, 'marketer');
    const response = await signIn(ws, base, marketer.email, 'wrong password 123');
    expect(response.status).toBe(401);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('does not allow open sign-up', async () => {
    const { ws, base } = await servedWorkspace();
    const response = await fetch(`${base}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ws.config.publicUrl },
      body: JSON.stringify({ name: 'Walk In', email: 'walk-in@example.com', password: TEST_PASSWORD }),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.getSetCookie()).toEqual([]);
    const signInAttempt = await signIn(ws, base, 'walk-in@example.com', TEST_PASSWORD);
    expect(signInAttempt.status).toBe(401);
  });
});
