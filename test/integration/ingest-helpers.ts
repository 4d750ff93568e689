// Builders for ingestion tests: the real app on a loopback port over a fresh workspace, a write key, and counts of
// what was stored.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { Clock } from '../../server/clock.ts';
import { createApiKey } from '../../server/contacts/apiKeys.ts';
import { createApp } from '../../server/http/app.ts';
import { freshWorkspace, projectRoot, type FreshWorkspace } from './helpers.ts';

export interface IngestServer extends FreshWorkspace {
  url: string;
  writeKey: string;
  close(): Promise<void>;
}

export async function startIngestServer(clock?: Clock): Promise<IngestServer> {
  const fresh = freshWorkspace();
  const app = createApp({ db: fresh.ws.db, auth: fresh.ws.auth, clock: clock ?? fresh.ws.clock, clientDir: `${projectRoot}/dist/client` });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const { key } = createApiKey(fresh.ws.db, fresh.ws.clock, { name: 'test' });
  return {
    ...fresh,
    url: `http://127.0.0.1:${port}`,
    writeKey: key,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      fresh.cleanup();
    },
  };
}

export function basicAuth(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

/** POSTs JSON (optionally gzipped) to an ingestion path and returns status and parsed body. */
export async function post(
  srv: IngestServer,
  path: string,
  body: unknown,
  options: { key?: string | null; gzip?: boolean; raw?: string | Buffer } = {},
): Promise<{ status: number; body: { success?: boolean; message?: string } }> {
  // No body at all (undefined) is an empty request, gzipped or not: JSON.stringify gives undefined for it.
  const text = options.raw ?? JSON.stringify(body) ?? '';
  const payload = options.gzip ? new Uint8Array(gzipSync(text)) : typeof text === 'string' ? text : new Uint8Array(text);
  const key = options.key === undefined ? srv.writeKey : options.key;
  const res = await fetch(`${srv.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key !== null ? { authorization: basicAuth(key) } : {}),
      ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
    },
    body: payload,
  });
  const answer = await res.text();
  let parsed: { success?: boolean; message?: string } = {};
  try {
    parsed = JSON.parse(answer);
  } catch {
    parsed = { message: answer };
  }
  return { status: res.status, body: parsed };
}

const COUNTED = ['contacts', 'events', 'phase_history', 'contact_aliases', 'unresolved_calls', 'contact_search_terms'] as const;

/** Row counts of everything ingestion writes: a refused call must leave them all unchanged. */
export function storedCounts(srv: FreshWorkspace): Record<(typeof COUNTED)[number], number> {
  return Object.fromEntries(COUNTED.map((t) => [t, srv.ws.db.get<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${t}`))!.n])) as Record<(typeof COUNTED)[number], number>;
}
