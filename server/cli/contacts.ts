// `kairos contacts …`: look a contact up, import a CSV file.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { emailSchema } from '../../shared/accounts.ts';
import { IMPORT_FIELDS, columnTargetSchema, type ColumnMapping, type ImportMode } from '../../shared/contacts/csv.ts';
import type { Config } from '../config.ts';
import { ImportError, forgetUpload, previewImport, registerFile, startImport } from '../contacts/import.ts';
import { describeEntries } from '../../shared/journey/entries.ts';
import { contactExport } from '../contacts/query.ts';
import { CliError, withWorkspace, type CliIo } from './program.ts';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Applies `--map "Column=target"` overrides to the suggested mapping. */
function applyOverrides(columns: string[], suggested: ColumnMapping, overrides: string[]): ColumnMapping {
  const mapping = [...suggested];
  for (const override of overrides) {
    const eq = override.lastIndexOf('=');
    const column = override.slice(0, eq).trim();
    const target = columnTargetSchema.safeParse(override.slice(eq + 1).trim());
    const index = columns.findIndex((c) => c === column);
    if (eq <= 0 || index === -1) throw new CliError(`--map ${override}: the file has no column "${column}"; its columns are ${columns.join(', ')}.`);
    if (!target.success) throw new CliError(`--map ${override}: use one of ${IMPORT_FIELDS.join(', ')}, ignore, or trait:<name>.`);
    mapping[index] = target.data;
  }
  return mapping;
}

export function addContactCommands(program: Command, config: Config, io: CliIo): void {
  const cmd = program.command('contacts').description('contacts: look up, import');

  cmd
    .command('get')
    .description('print a contact as JSON: traits, persona, phase, subscription and its events')
    .argument('<email>', 'the contact’s email address')
    .action(async (email: string) => {
      const address = emailSchema.safeParse(email);
      if (!address.success) throw new CliError(`"${email}" is not an email address.`);
      const found = await withWorkspace(config, async (ws) => contactExport(ws.db, address.data));
      if (!found) throw new CliError(`No contact with the email ${address.data}.`);
      io.out(JSON.stringify(found, null, 2));
    });

  cmd
    .command('import')
    .description('import contacts from a CSV file with a header line; prints per-row errors with line numbers')
    .argument('<file>', 'path of the CSV file')
    .option('--map <column=target>', `map a column (repeatable): a field (${IMPORT_FIELDS.join(', ')}), ignore, or trait:<name>; other columns are guessed from their names`, collect, [])
    .option('--valid-rows-only', 'import the valid rows and skip the others (default: all or nothing)', false)
    .option('--start-journeys', 'let the imported contacts enter live journeys (default: a quiet import, which starts none)', false)
    .option('--dry-run', 'import nothing: print how many rows would be written and who would enter which live journey', false)
    .action(async (file: string, opts: { map: string[]; validRowsOnly: boolean; startJourneys: boolean; dryRun: boolean }) => {
      if (!existsSync(file)) throw new CliError(`No file at ${file}.`);
      const mode: ImportMode = opts.validRowsOnly ? 'valid_rows' : 'all_or_nothing';
      const outcome = await withWorkspace(config, async (ws) => {
        try {
          const upload = await registerFile(ws.db, ws.clock, { fileName: path.basename(file), filePath: path.resolve(file), createdBy: 'cli' });
          const mapping = applyOverrides(upload.columns, upload.suggested, opts.map);
          io.out(`Columns: ${upload.columns.map((c, i) => `${c} → ${mapping[i]}`).join(', ')}`);
          if (opts.dryRun) {
            try {
              return { dryRun: true as const, preview: await previewImport(ws.db, ws.clock, upload.id, { mapping, mode }) };
            } finally {
              forgetUpload(ws.db, upload.id);
            }
          }
          return { dryRun: false as const, job: await startImport(ws.db, ws.clock, upload.id, { mapping, mode, startJourneys: opts.startJourneys, removeFileAfter: false }) };
        } catch (error) {
          if (error instanceof ImportError) throw new CliError(error.message);
          throw error;
        }
      });
      if (outcome.dryRun) {
        const p = outcome.preview;
        if (p.refused) throw new CliError(`${p.errorCount} rows have problems, so nothing would be imported; run without --dry-run to see them, or add --valid-rows-only.`);
        io.out(`Dry run: ${p.rows} contacts would be imported${p.errorCount ? `, ${p.errorCount} rows skipped` : ''}; nothing was written.`);
        io.out(`With --start-journeys: ${describeEntries(p.journeys, 'would')}`);
        return;
      }
      const job = outcome.job;
      for (const e of job.errors) io.err(`line ${e.line}${e.column ? ` (${e.column})` : ''}: ${e.message}`);
      if (job.errorCount > job.errors.length) io.err(`… and ${job.errorCount - job.errors.length} more errors`);
      if (job.status === 'done') {
        io.out(`Imported ${job.rowsWritten} contacts (${job.created} new, ${job.updated} updated)${job.errorCount ? `; skipped ${job.errorCount} rows with errors` : ''}.`);
        if (job.message) io.out(job.message);
        io.out(job.journeys ? `${describeEntries(job.journeys, 'will')} (at the executor's next tick)` : 'Quiet import: no contact enters a journey (--start-journeys lets them).');
        return;
      }
      throw new CliError(job.message ?? 'The import failed.');
    });
}
