// `kairos report lifecycle [--persona KEY] [--from ISO] [--to ISO] [--json]`: the lifecycle dashboard's figures for scripts.
import type { Command } from 'commander';
import { lifecycleReportInput, type LifecycleReport } from '../../shared/reports/lifecycle.ts';
import type { Config } from '../config.ts';
import { lifecycleReport, UnknownPersonaError } from '../reports/lifecycle.ts';
import { CliError, describeZodError, withWorkspace, type CliIo } from './program.ts';

const DEFAULT_DAYS = 90;
const DAY_MS = 86_400_000;

function timeOption(name: string, value: string | undefined): Date | null {
  if (value === undefined) return null;
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) throw new CliError(`--${name}: "${value}" is not an ISO-8601 time such as 2026-12-01T00:00:00Z.`);
  return at;
}

/** The period asked for: --from/--to, each defaulting so that the period is the 90 days up to now. */
export function periodOf(opts: { from?: string; to?: string }, nowMs: number): { from: string; to: string } {
  const to = timeOption('to', opts.to) ?? new Date(nowMs);
  const from = timeOption('from', opts.from) ?? new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
  if (from.getTime() >= to.getTime()) throw new CliError(`--to: the period must end after it starts (--from ${from.toISOString()}, --to ${to.toISOString()}).`);
  return { from: from.toISOString(), to: to.toISOString() };
}

const pad = (s: string | number, width: number) => String(s).padStart(width);
const flowName = (f: { from: string | null; to: string }) => `${f.from ?? '(new)'} → ${f.to}`;

/** The readable form: contacts per phase per persona, then the transitions of the period, then the rest in short. */
export function formatReport(r: LifecycleReport): string[] {
  const lines: string[] = [];
  lines.push(`Lifecycle ${r.persona ? `of persona ${r.persona}` : 'of all contacts'}, ${r.period.firstDay ?? r.period.from} to ${r.period.lastDay ?? r.period.to}`);
  lines.push('');
  const phases = r.phases.map((p) => p.phase);
  const nameWidth = Math.max(8, ...r.personas.map((p) => p.name.length), 'All'.length);
  const widths = phases.map((p) => Math.max(p.length, 6));
  lines.push(`Contacts per phase now`);
  lines.push(`${'persona'.padEnd(nameWidth)}  ${phases.map((p, i) => pad(p, widths[i]!)).join('  ')}`);
  for (const p of r.personas) lines.push(`${p.name.padEnd(nameWidth)}  ${phases.map((ph, i) => pad(p.phases[ph] ?? 0, widths[i]!)).join('  ')}`);
  if (r.persona === null) lines.push(`${'All'.padEnd(nameWidth)}  ${r.phases.map((p, i) => pad(p.n, widths[i]!)).join('  ')}`);
  lines.push('');
  lines.push('Transitions in the period');
  if (r.flows.length === 0) lines.push('  none');
  const flowWidth = Math.max(0, ...r.flows.map((f) => flowName(f).length));
  for (const f of r.flows) lines.push(`  ${flowName(f).padEnd(flowWidth)}  ${pad(f.n, 7)}`);
  lines.push('');
  const days = (d: number | null) => (d === null ? 'no data' : `${d} days`);
  lines.push(`Median subscriber → first purchase: ${days(r.medians.subscriberToFirstPurchaseDays)} (${r.medians.firstPurchases} first purchases)`);
  lines.push(`Median customer → loyal: ${days(r.medians.customerToLoyalDays)} (${r.medians.becameLoyal} became loyal)`);
  lines.push(`Lapsed: ${r.lapsed}   Reactivated: ${r.reactivated}   Referrals: ${r.referrals}`);
  return lines;
}

export function addReportCommands(program: Command, config: Config, io: CliIo): void {
  const report = program.command('report').description('print report figures');
  report
    .command('lifecycle')
    .description('contacts per phase now and the phase-to-phase transitions of a period (default: the last 90 days), per persona')
    .option('--persona <key>', 'one persona only (default: all contacts, each persona broken out)')
    .option('--from <time>', 'start of the period, ISO-8601, inclusive (default: 90 days before --to)')
    .option('--to <time>', 'end of the period, ISO-8601, exclusive (default: now)')
    .option('--json', 'print the whole report as JSON (the dashboard\'s figures)')
    .action(async (opts: { persona?: string; from?: string; to?: string; json?: boolean }) => {
      const period = periodOf(opts, Date.now());
      const parsed = lifecycleReportInput.safeParse({ persona: opts.persona ?? null, ...period });
      if (!parsed.success) throw new CliError(`The report options are not valid:\n${describeZodError(parsed.error)}`);
      const result = await withWorkspace(config, async (ws) => {
        try {
          return lifecycleReport(ws.db, parsed.data);
        } catch (error) {
          if (error instanceof UnknownPersonaError) throw new CliError(`--${error.message}`);
          throw error;
        }
      });
      if (opts.json) io.out(JSON.stringify(result, null, 2));
      else for (const line of formatReport(result)) io.out(line);
    });
}
