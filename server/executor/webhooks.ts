// Delivers the calls of webhook nodes: JSON POSTs signed with an HMAC of the body, retried with backoff.
import { createHmac, randomInt } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { log as defaultLog, type Logger } from '../log.ts';

export const SIGNATURE_HEADER = 'x-kairos-signature';
export const MAX_WEBHOOK_ATTEMPTS = 8;

/** `sha256=<hex>` over "<timestamp>.<body>", so a receiver can also refuse replays of old calls. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Exponential backoff with full jitter: 30 s, 1 min, 2 min … capped at 1 h. */
export function webhookBackoffMs(attempt: number, random: () => number = () => randomInt(1_000_000) / 1_000_000): number {
  const base = Math.min(30_000 * 2 ** (attempt - 1), 3_600_000);
  return Math.round(base / 2 + random() * (base / 2));
}

export interface WebhookDeliveryOptions {
  db: Db;
  clock: Clock;
  secret: string;
  log?: Logger;
  timeoutMs?: number;
  batchSize?: number;
  random?: () => number;
}

interface Call {
  id: string;
  url: string;
  payload: string;
  attempts: number;
}

export interface WebhookReport {
  delivered: number;
  retried: number;
  failed: number;
}

/** One pass: claims due calls under a lease (so a crash mid-call retries it), sends them, records the outcome. */
export async function deliverWebhooks(options: WebhookDeliveryOptions): Promise<WebhookReport> {
  const { db, clock, secret } = options;
  const log = options.log ?? defaultLog;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const sqlite = db.$client;
  const now = clock.now().getTime();
  const leaseUntil = Date.now() + timeoutMs * 3;
  const claim = sqlite.transaction(() => {
    const due = sqlite
      .prepare(
        `SELECT id, url, payload, attempts FROM webhook_calls
         WHERE (status = 'queued' AND next_attempt_at <= ?) OR (status = 'sending' AND lease_until < ?)
         ORDER BY next_attempt_at LIMIT ?`,
      )
      .all(now, Date.now(), options.batchSize ?? 50) as Call[];
    const mark = sqlite.prepare(`UPDATE webhook_calls SET status = 'sending', lease_until = ? WHERE id = ?`);
    for (const call of due) mark.run(leaseUntil, call.id);
    return due;
  });
  const calls = claim();
  const report: WebhookReport = { delivered: 0, retried: 0, failed: 0 };
  const done = sqlite.prepare(`UPDATE webhook_calls SET status = 'done', attempts = ?, lease_until = NULL, response_status = ?, last_error = NULL WHERE id = ?`);
  const retry = sqlite.prepare(`UPDATE webhook_calls SET status = 'queued', attempts = ?, next_attempt_at = ?, lease_until = NULL, response_status = ?, last_error = ? WHERE id = ?`);
  const fail = sqlite.prepare(`UPDATE webhook_calls SET status = 'failed', attempts = ?, lease_until = NULL, response_status = ?, last_error = ? WHERE id = ?`);

  await Promise.all(
    calls.map(async (call) => {
      const attempt = call.attempts + 1;
      const timestamp = String(Math.floor(now / 1000));
      let status: number | null = null;
      let error: string;
      try {
        const response = await fetch(call.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Kairos-Webhook/1',
            'x-kairos-delivery': call.id,
            'x-kairos-timestamp': timestamp,
            [SIGNATURE_HEADER]: signWebhook(secret, timestamp, call.payload),
          },
          body: call.payload,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = response.status;
        await response.body?.cancel();
        if (status >= 200 && status < 300) {
          done.run(attempt, status, call.id);
          report.delivered++;
          return;
        }
        error = `HTTP ${status}`;
      } catch (e) {
        error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      }
      // 4xx means the receiver refuses this call; only timeouts and rate limits are worth another try.
      const permanent = status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429;
      if (permanent || attempt >= MAX_WEBHOOK_ATTEMPTS) {
        fail.run(attempt, status, error, call.id);
        report.failed++;
        log.warn({ webhookCallId: call.id, url: call.url, attempt, error }, 'webhook failed');
      } else {
        retry.run(attempt, now + webhookBackoffMs(attempt, options.random), status, error, call.id);
        report.retried++;
      }
    }),
  );
  return report;
}
