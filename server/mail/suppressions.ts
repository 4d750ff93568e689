// Suppressions that end: one made for soft bounces lifts SOFT_BOUNCE_SUPPRESSION_DAYS after it was made (hard
// bounces, complaints and manual ones never do); a node-cron job created stopped, started by server/index.ts, stopped
// on SIGTERM.
import cron, { type ScheduledTask } from 'node-cron';
import { SOFT_BOUNCE_SUPPRESSION_DAYS } from '../../shared/mail/bounces.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../log.ts';

const DAY_MS = 86_400_000;

/** The time a soft-bounce suppression made at `createdAt` lifts. */
export const softBounceSuppressionEnds = (createdAt: number): number => createdAt + SOFT_BOUNCE_SUPPRESSION_DAYS * DAY_MS;

/**
 * Deletes the soft-bounce suppressions whose time is up, so the next send to those addresses goes out and the
 * suppression list in Settings no longer shows them; returns how many were lifted.
 */
export function liftExpiredSuppressions(db: Db, nowMs: number): number {
  return db.$client.prepare(`DELETE FROM suppressions WHERE reason = 'soft_bounces' AND created_at <= ?`).run(nowMs - SOFT_BOUNCE_SUPPRESSION_DAYS * DAY_MS).changes;
}

/** Every ten minutes: an address is sent to again at most ten minutes after its suppression ends. */
export function scheduleSuppressionExpiry(db: Db, clock: Clock, log: Logger): ScheduledTask {
  return cron.createTask(
    '*/10 * * * *',
    () => {
      try {
        const lifted = liftExpiredSuppressions(db, clock.now().getTime());
        if (lifted > 0) log.info({ lifted }, 'soft-bounce suppressions lifted');
      } catch (error) {
        log.error({ err: error }, 'lifting soft-bounce suppressions failed');
      }
    },
    { name: 'suppression-expiry', noOverlap: true },
  );
}
