// `kairos tick [--now ISO]`: one executor tick, for scripts and tests; prints what it did.
import type { Command } from 'commander';
import { fixedClock } from '../clock.ts';
import type { Config } from '../config.ts';
import { createExecutor } from '../executor/executor.ts';
import { CliError, withWorkspace, type CliIo } from './program.ts';

export function addTickCommand(program: Command, config: Config, io: CliIo): void {
  program
    .command('tick')
    .description('run one executor tick now (or at --now, an ISO-8601 time) and print what it did')
    .option('--now <time>', 'the time the tick runs at, e.g. 2026-12-01T09:00:00Z')
    .action(async (opts: { now?: string }) => {
      const now = opts.now ? new Date(opts.now) : new Date();
      if (Number.isNaN(now.getTime())) throw new CliError(`--now: "${opts.now}" is not an ISO-8601 time such as 2026-12-01T09:00:00Z.`);
      const report = await withWorkspace(config, async (ws) => createExecutor({ db: ws.db, clock: fixedClock(now) }).tick());
      if (report.skipped) throw new CliError(`Tick skipped: ${report.skipped}.`);
      io.out(`Tick at ${now.toISOString()}`);
      const { skipped: _skipped, ...figures } = report;
      for (const [name, value] of Object.entries(figures)) io.out(`${name}: ${value}`);
    });
}
