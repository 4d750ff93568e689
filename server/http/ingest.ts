// The event API in the Segment spec (POST /v1/identify, track, page, screen, group, alias, batch), so Segment and
// RudderStack server SDKs work unchanged. Checks in order: write key (401), size (413), payload (400); a refused call
// stores nothing.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { CALL_TYPES, MAX_BATCH_BYTES, MAX_CALL_BYTES, parseBatch, parseSingleCall, type ParseResult } from '../../shared/contacts/segment.ts';
import type { Clock } from '../clock.ts';
import { writeKeyVerifier } from '../contacts/apiKeys.ts';
import { ingestQueue } from '../contacts/ingest.ts';
import type { Db } from '../db/client.ts';
import { log } from '../log.ts';

function refuse(res: Response, status: number, message: string): void {
  res.status(status).json({ success: false, message });
}

/** The write key is the user name of HTTP Basic auth, as the Segment SDKs send it. */
function writeKeyOf(req: Request): string | null {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  return user || null;
}

/** Body parser errors as the caller should see them: too large is 413, anything unreadable is 400. */
function bodyErrors(limitLabel: string) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const e = error as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') return refuse(res, 413, `The request is larger than ${limitLabel}, the limit of the Segment spec.`);
    if (e.type === 'encoding.unsupported') return refuse(res, 415, 'Content-Encoding must be gzip, deflate or none.');
    if (e.status && e.status >= 400 && e.status < 500) return refuse(res, 400, `The body could not be read: ${e.message ?? 'malformed'}.`);
    next(error);
  };
}

export function ingestRouter({ db, clock }: { db: Db; clock: Clock }): Router {
  const router = express.Router();
  const verify = writeKeyVerifier(db, clock);
  const ingest = ingestQueue(db, clock);

  const requireWriteKey = (req: Request, res: Response, next: NextFunction) => {
    const key = writeKeyOf(req);
    if (!key) {
      res.setHeader('WWW-Authenticate', 'Basic realm="kairos"');
      return refuse(res, 401, 'Send a write key as the user name of HTTP Basic auth (make one in Settings → API keys).');
    }
    if (!verify(key)) return refuse(res, 401, 'This write key is unknown or was revoked.');
    next();
  };

  // Compressed bodies are inflated (the SDKs gzip); the limit counts the inflated bytes, as Segment's does.
  const body = (limit: number) => express.raw({ type: () => true, limit, inflate: true });

  const handle = (parse: (body: unknown, bodyBytes: number) => ParseResult) => async (req: Request, res: Response) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      return refuse(res, 400, raw.length === 0 ? 'body: is empty; send a JSON object' : 'body: is not valid JSON');
    }
    const parsed = parse(payload, raw.length);
    if (!parsed.ok) return refuse(res, 400, parsed.error);
    const result = await ingest(parsed.calls, { ip: req.ip ?? null });
    if (parsed.calls.length > 1) log.debug({ ...result, calls: parsed.calls.length }, 'batch ingested');
    res.json({ success: true });
  };

  router.post('/batch', requireWriteKey, body(MAX_BATCH_BYTES), handle(parseBatch), bodyErrors('500 KB'));
  router.post('/import', requireWriteKey, body(MAX_BATCH_BYTES), handle(parseBatch), bodyErrors('500 KB'));
  for (const type of CALL_TYPES) {
    router.post(`/${type}`, requireWriteKey, body(MAX_CALL_BYTES), handle((b) => parseSingleCall(type, b)), bodyErrors('32 KB'));
  }
  return router;
}
