// `kairos tick [--now ISO]`: one executor tick and one delivery pass at that time, for scripts and tests; prints what
// they did. Delivery runs on the same clock, so mail held by quiet hours or the frequency cap until before --now goes
// out (through SMTP_URL, or into the Inbox through a development SMTP server of the command's own).
import type { Command } from 'commander';
import { fixedClock } from '../clock.ts';
import type { Config } from '../config.ts';
import { createExecutor } from '../executor/executor.ts';
import { startMail } from '../mail/runtime.ts';
import { CliError, withWorkspace, type CliIo } from './program.ts';

export function addTickCommand(program: Command, config: Config, io: CliIo): void {
  program
    .command('tick')
    .description('run one executor tick and one delivery pass now (or at --now, an ISO-8601 time) and print what they did')
    .option('--now <time>', 'the time the tick runs at, e.g. 2026-12-01T09:00:00Z')
    .option('--no-deliver', 'only the executor tick: leave queued mail to the server')
    .action(async (opts: { now?: string; deliver: boolean }) => {
      const now = opts.now ? new Date(opts.now) : new Date();
      if (Number.isNaN(now.getTime())) throw new CliError(`--now: "${opts.now}" is not an ISO-8601 time such as 2026-12-01T09:00:00Z.`);
      await withWorkspace(config, async (ws) => {
        const clock = fixedClock(now);
        const report = createExecutor({ db: ws.db, clock }).tick();
        if (report.skipped) throw new CliError(`Tick skipped: ${report.skipped}.`);
        io.out(`Tick at ${now.toISOString()}`);
        const { skipped: _skipped, ...figures } = report;
        for (const [name, value] of Object.entries(figures)) io.out(`${name}: ${value}`);
        if (!opts.deliver) return;
        const mail = await startMail({ db: ws.db, clock, secret: ws.secret, publicUrl: config.publicUrl, smtpUrl: config.smtpUrl, prepareInWorker: false, startLoop: false });
        try {
          const delivered = await mail.delivery.runOnce();
          const { outcomes } = delivered;
          io.out(`emails: ${outcomes.sent} sent, ${outcomes.deferred} held, ${outcomes.retry} to retry, ${outcomes.failed} failed, ${outcomes.suppressed} not sent (consent or suppression)`);
        } finally {
          await mail.stop();
        }
      });
    });
}
