// The daily lapse check: contacts with no purchase or engagement for the workspace's inactivity window become
// `lapsed`; a node-cron job created stopped, started by server/index.ts, stopped on SIGTERM.
import cron, { type ScheduledTask } from 'node-cron';
import { LAPSING_PHASES, lapseCutoff } from '../../shared/contacts/lifecycle.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../log.ts';
import { getContact, saveContact } from './db.ts';
import { transitionPhase } from './phases.ts';
import { loadLifecycleSettings } from './rules.ts';

const CHUNK = 500;

/**
 * Marks every inactive contact lapsed, in chunks of 500 per transaction so ingestion is never held up for long.
 * Returns how many lapsed.
 */
export function markLapsed(db: Db, clock: Clock): number {
  const settings = loadLifecycleSettings(db);
  const now = clock.now().getTime();
  const cutoff = lapseCutoff(settings, now);
  const cause = `rule: no purchase or engagement for ${settings.inactivityDays} days`;
  // Served by contacts_phase_active_idx: one range scan per phase.
  const due = db.$client.prepare<[string, number, number], { id: string }>(
    'SELECT id FROM contacts WHERE phase = ? AND last_active_at < ? LIMIT ?',
  );
  let lapsed = 0;
  for (const phase of LAPSING_PHASES) {
    for (;;) {
      const ids = due.all(phase, cutoff, CHUNK);
      if (ids.length === 0) break;
      db.transaction(() => {
        for (const { id } of ids) {
          const contact = getContact(db, id)!;
          if (transitionPhase(db, contact, 'lapsed', cause, now)) saveContact(db, contact);
          lapsed += 1;
        }
      });
    }
  }
  return lapsed;
}

/** Runs every day at 03:15 server time; a failed run is logged and the next day's tries again. */
export function scheduleLapseCheck(db: Db, clock: Clock, log: Logger): ScheduledTask {
  return cron.createTask(
    '15 3 * * *',
    () => {
      try {
        const lapsed = markLapsed(db, clock);
        log.info({ lapsed }, 'lapse check');
      } catch (error) {
        log.error({ err: error }, 'lapse check failed');
      }
    },
    { name: 'lapse-check', noOverlap: true },
  );
}
