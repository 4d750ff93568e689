// `npm run bench [-- group…]`: prints each figure on its own line, `<name>: <value> <unit>[, ratio <r>]`.
// Figures are printed, never asserted: speed targets are read by people, not by the test suite.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** One group of figures; each group lives in test/bench/<group>.ts and exports `run`. */
export const GROUPS = ['executor', 'mail', 'ingest', 'editor', 'report', 'experiments'] as const;
export type Group = (typeof GROUPS)[number];

export interface Figure {
  name: string;
  value: number;
  unit: string;
  ratio?: number;
  /** Extra context on the same line, e.g. "p99 12 ms". */
  note?: string;
}

export function formatFigure(f: Figure): string {
  const digits = f.value >= 100 ? 0 : f.value >= 10 ? 1 : 2;
  const ratio = f.ratio === undefined ? '' : `, ratio ${f.ratio.toFixed(2)}`;
  const note = f.note ? `, ${f.note}` : '';
  return `${f.name}: ${f.value.toFixed(digits)} ${f.unit}${ratio}${note}`;
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((g) => !(GROUPS as readonly string[]).includes(g));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown bench group: ${unknown.join(', ')}. Groups: ${GROUPS.join(', ')}.\n`);
    process.exit(1);
  }
  const groups = asked.length > 0 ? asked : [...GROUPS];
  let failed = false;
  for (const group of groups) {
    const file = path.join(import.meta.dirname, `${group}.ts`);
    if (!existsSync(file)) {
      process.stdout.write(`${group}: not measured yet (no test/bench/${group}.ts)\n`);
      continue;
    }
    try {
      const mod: { run(report: (f: Figure) => void): Promise<void> } = await import(pathToFileURL(file).href);
      await mod.run((f) => process.stdout.write(`${formatFigure(f)}\n`));
    } catch (error) {
      failed = true;
      process.stderr.write(`${group}: failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    }
  }
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
