// The executor's cron job: created stopped, started by server/index.ts, stopped on SIGTERM.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.ts';
import type { Executor, TickReport } from './executor.ts';

function busy(r: TickReport): boolean {
  return r.events + r.enrolled + r.advanced + r.exited + r.failed > 0;
}

export function scheduleExecutor(executor: Executor, intervalSeconds: number, log: Logger): ScheduledTask {
  return cron.createTask(
    `*/${intervalSeconds} * * * * *`,
    () => {
      try {
        const report = executor.tick();
        if (busy(report)) log.info(report, 'executor tick');
      } catch (error) {
        // A tick's own failure is logged and the next tick tries again; the process keeps running.
        log.error({ err: error }, 'executor tick failed');
      }
    },
    { name: 'executor', noOverlap: true },
  );
}
