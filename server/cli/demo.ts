// `kairos demo [--contacts N] [--days D] [--seed S]` (also `npm run demo`): a synthetic cohort lives through D days
// of the lifecycle on DATA_DIR, so the dashboard, the journeys' figures and the experiments have something to show.
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import pino from 'pino';
import type { Config } from '../config.ts';
import { log as processLog } from '../log.ts';
import { DemoRefusal, demoRefusal, runDemo, type DemoResult } from '../demo/run.ts';
import { CliError, withWorkspace, type CliIo } from './program.ts';

const LIMITS = { contacts: [1, 100_000], days: [1, 365] } as const;

function wholeNumber(name: keyof typeof LIMITS, value: string): number {
  const [min, max] = LIMITS[name];
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new CliError(`--${name}: "${value}" must be a whole number from ${min} to ${max}.`);
  return n;
}

const pct = (part: number, whole: number) => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`);

/** The summary printed at the end: what the cohort came to, and how the welcome split's variants did. */
export function summaryLines(result: DemoResult): string[] {
  const s = result.summary;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const lines = [
    `Cohort ${result.cohort}: ${s.contacts} contacts from ${day(result.period.start)} to ${day(result.period.end)} (virtual time), in ${(result.elapsedMs / 1000).toFixed(1)} s.`,
  ];
  if (result.published.length > 0) lines.push(`Published ${result.published.length} starter journeys: ${result.published.map((j) => j.name).join('; ')}.`);
  if (result.inactivityWindow) {
    lines.push(`Lifecycle settings: the inactivity window is now ${result.inactivityWindow.to} days (was ${result.inactivityWindow.from}), so contacts lapse within the demo.`);
  }
  lines.push(`Contacts per phase: ${Object.entries(s.phases).map(([p, n]) => `${p} ${n}`).join(', ')}`);
  lines.push(`Subscriptions: ${Object.entries(s.subscriptions).map(([p, n]) => `${p} ${n}`).join(', ')}`);
  lines.push(`Emails sent: ${s.emailsSent}, opened: ${s.opened} (${pct(s.opened, s.emailsSent)}), clicked: ${s.clicked} (${pct(s.clicked, s.emailsSent)})`);
  lines.push(`Purchases: ${s.purchases}; referrals: ${s.referrals}`);
  if (s.split.length === 0) lines.push('Welcome split: no contact reached it (a live journey of your own covers first communication).');
  for (const v of s.split) lines.push(`Welcome split, variant ${v.variant.toUpperCase()}: ${v.entered} entered, ${v.converted} converted (${pct(v.converted, v.entered)})`);
  lines.push('Open Kairos (npm start) and look at the Lifecycle dashboard, the journeys and the Inbox.');
  return lines;
}

export function addDemoCommand(program: Command, config: Config, io: CliIo): void {
  program
    .command('demo')
    .description('simulate a synthetic population living through the starter journeys on DATA_DIR (stop the server first; never with SMTP_URL set)')
    .option('--contacts <n>', 'people who subscribe during the period (referred friends come on top)', '2000')
    .option('--days <d>', 'days of virtual time, ending at the last Monday 00:00 UTC', '90')
    .option('--seed <s>', 'the same seed gives the same figures on a fresh DATA_DIR', '1')
    .action(async (opts: { contacts: string; days: string; seed: string }) => {
      const contacts = wholeNumber('contacts', opts.contacts);
      const days = wholeNumber('days', opts.days);
      const refusal = demoRefusal(config);
      if (refusal) throw new CliError(refusal);
      // Thousands of emails and events: only warnings are logged (to stderr), so the summary stays readable.
      const level = process.env.LOG_LEVEL ?? 'warn';
      const log = pino({ level, base: undefined }, pino.destination(2));
      const previousLevel = processLog.level;
      processLog.level = level;
      const bar = process.stdout.isTTY
        ? new cliProgress.SingleBar(
            { format: 'demo [{bar}] {percentage}% | day {day}/{days} | {subscribers} subscribers | {emails} emails | {eta_formatted} left', hideCursor: true, clearOnComplete: true },
            cliProgress.Presets.shades_classic,
          )
        : null;
      try {
        const result = await withWorkspace(config, (ws) =>
          runDemo(ws, {
            contacts,
            days,
            seed: opts.seed,
            log,
            onProgress: (done, total, figures) => {
              if (!bar) return;
              if (done === 1) bar.start(total, 0, { day: 0, days, ...figures });
              bar.update(done, { day: Math.floor(done / 24), days, ...figures });
            },
          }),
        );
        bar?.stop();
        for (const line of summaryLines(result)) io.out(line);
      } catch (error) {
        bar?.stop();
        if (error instanceof DemoRefusal) throw new CliError(error.message);
        throw error;
      } finally {
        processLog.level = previousLevel;
      }
    });
}
