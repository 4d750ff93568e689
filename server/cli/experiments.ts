// `kairos experiments list [--json]` and `kairos experiments report ID [--json]`: experiments for scripts.
import type { Command } from 'commander';
import type { ExperimentReport } from '../../shared/stats/index.ts';
import type { Config } from '../config.ts';
import { experimentReportOf, ExperimentNotFound, listExperiments } from '../experiments/report.ts';
import { CliError, withWorkspace, type CliIo } from './program.ts';

const percent = (x: number | null, digits = 1) => (x === null ? '—' : `${(x * 100).toFixed(digits)}%`);
const interval = (ci: [number, number] | null, fmt: (x: number) => string) => (ci ? `[${fmt(ci[0])}, ${fmt(ci[1])}]` : '—');
const pValue = (p: number | null) => (p === null ? '—' : p < 0.0001 ? '<0.0001' : p.toFixed(4));

/** The readable report: arms, comparisons, checks and the verdict. */
export function formatExperimentReport(r: ExperimentReport, revenue: boolean): string[] {
  const rate = (x: number | null) => (x === null ? '—' : revenue ? x.toFixed(2) : percent(x));
  const lines = [`Experiment ${r.id} (journey ${r.journeyId}), metric: ${r.metric}`, ''];
  const width = Math.max(4, ...r.arms.map((a) => a.key.length));
  lines.push(`${'arm'.padEnd(width)}  weight  contacts  conversions  ${revenue ? 'mean' : 'rate'}      95% interval`);
  for (const a of r.arms) {
    lines.push(`${a.key.padEnd(width)}  ${`${a.weight}%`.padStart(6)}  ${String(a.n).padStart(8)}  ${String(a.conversions).padStart(11)}  ${rate(a.rate).padEnd(8)}  ${interval(a.ci, (x) => rate(x))}`);
  }
  lines.push('');
  for (const c of r.comparisons) {
    const diff = (x: number) => (revenue ? x.toFixed(2) : percent(x, 2));
    lines.push(
      `${c.arm} vs ${c.control}: difference ${c.diff === null ? '—' : diff(c.diff)} ${interval(c.ci, diff)}, lift ${percent(c.relativeLift)}, ` +
        `p (always valid) ${pValue(c.pSequential)}, adjusted ${pValue(c.pAdjusted)}, fixed-horizon p ${pValue(c.pFixed)}, chance to be best ${percent(c.probabilityBest, 0)}`,
    );
  }
  lines.push(`Sample ratio check: p ${pValue(r.srm.p)}${r.srm.flagged ? ' — MISMATCH, results withheld' : ''}`);
  if (r.needed.perArm !== null) lines.push(`Contacts per arm still needed for the minimum effect: ${r.needed.perArm}`);
  lines.push('', `Verdict: ${r.verdict.text}`);
  return lines;
}

export function addExperimentCommands(program: Command, config: Config, io: CliIo): void {
  const experiments = program.command('experiments').description('list experiments and print their reports');
  experiments
    .command('list')
    .description('every experiment (each split of a published journey, each journey holdout) with its status and verdict')
    .option('--json', 'print the list as JSON')
    .action(async (opts: { json?: boolean }) => {
      const rows = await withWorkspace(config, async (ws) => listExperiments(ws.db.$client, ws.clock.now().getTime()));
      if (opts.json) {
        io.out(JSON.stringify(rows, null, 2));
        return;
      }
      if (rows.length === 0) {
        io.out('No experiments yet: add a Split to a journey (or a holdout in its settings) and publish it.');
        return;
      }
      for (const x of rows) {
        const contacts = x.contacts.map((a) => `${a.key} ${a.n}`).join(', ');
        io.out(`${x.id}  ${x.status.padEnd(8)} ${x.journeyName} › ${x.name}  (${x.daysRunning} days; ${contacts})`);
        io.out(`    ${x.verdict.text}`);
      }
    });
  experiments
    .command('report')
    .argument('<id>', 'the experiment id (see `experiments list`)')
    .description('the experiment\'s statistics: per arm, each variant against the control, sample ratio, power and the verdict')
    .option('--json', 'print the report as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const { report, revenue } = await withWorkspace(config, async (ws) => {
        try {
          const report = experimentReportOf(ws.db.$client, id, ws.clock.now().getTime());
          return { report, revenue: report.metric === 'revenue' };
        } catch (error) {
          if (error instanceof ExperimentNotFound) throw new CliError(`${error.message} Run \`npm run kairos -- experiments list\` to see the ids.`);
          throw error;
        }
      });
      if (opts.json) io.out(JSON.stringify(report, null, 2));
      else for (const line of formatExperimentReport(report, revenue)) io.out(line);
    });
}
