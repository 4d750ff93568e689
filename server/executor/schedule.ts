// The executor's cron job: created stopped, started by server/index.ts, stopped on SIGTERM.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.ts';
import type { Executor, TickReport } from './executor.ts';

function busy(r: TickReport): boolean {
  return r.events + r.enrolled + r.advanced + r.exited + r.failed > 0;
}

/** Each run: one tick, then the outside calls the tick produced (webhooks). */
export function scheduleExecutor(executor: Executor, intervalSeconds: number, log: Logger, afterTick?: () => Promise<unknown>): ScheduledTask {
  return cron.createTask(
    `*/${intervalSeconds} * * * * *`,
    async () => {
      try {
        const report = executor.tick();
        if (busy(report)) log.info(report, 'executor tick');
        await afterTick?.();
      } catch (error) {
        // A tick's own failure is logged and the next tick tries again; the process keeps running.
        log.error({ err: error }, 'executor tick failed');
      }
    },
    { name: 'executor', noOverlap: true },
  );
}
