// `kairos journeys …`: list, create, export, import and publish journeys from scripts.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { journeyNameSchema } from '../../shared/journey/file.ts';
import { formatIssue } from '../../shared/journey/validate.ts';
import { MOMENT_KEYS, momentKeySchema } from '../../shared/lifecycle/moments.ts';
import type { Config } from '../config.ts';
import * as journeys from '../journeys/service.ts';
import type { Workspace } from '../workspace.ts';
import { CliError, withWorkspace, type CliIo } from './program.ts';

function journeyFailure(error: journeys.JourneyError): CliError {
  const list = error.validationIssues.map((issue) => `  - ${formatIssue(issue)}`);
  return new CliError([error.message, ...list].join('\n'));
}

/** Runs a journey operation on the workspace; its refusals become CLI errors with every problem listed. */
async function journeyCommand<T>(config: Config, operation: (ws: Workspace) => T): Promise<T> {
  return withWorkspace(config, async (ws) => {
    try {
      return operation(ws);
    } catch (error) {
      if (error instanceof journeys.JourneyError) throw journeyFailure(error);
      throw error;
    }
  });
}

export function addJourneyCommands(program: Command, config: Config, io: CliIo): void {
  const cmd = program.command('journeys').description('journeys: list, create, export, import, publish');

  cmd
    .command('list')
    .description('list journeys: id, status, published version, moment, persona, name')
    .action(async () => {
      const rows = await journeyCommand(config, (ws) => journeys.listJourneys(ws.db));
      if (rows.length === 0) io.out('No journeys yet.');
      for (const j of rows) {
        io.out([j.id, j.status, j.currentVersion ? `v${j.currentVersion}` : '-', j.moment, j.personaKey ?? 'all', j.name].join('\t'));
      }
    });

  cmd
    .command('create')
    .description("create a draft journey from the moment's starter graph; prints its id on the last line")
    .requiredOption('--moment <moment>', `one of ${MOMENT_KEYS.join(', ')}`)
    .requiredOption('--persona <key>', 'a persona key, or all')
    .requiredOption('--name <name>', 'the journey name')
    .action(async (opts: { moment: string; persona: string; name: string }) => {
      const moment = momentKeySchema.safeParse(opts.moment);
      if (!moment.success) throw new CliError(`--moment: "${opts.moment}" is not a moment; use one of ${MOMENT_KEYS.join(', ')}.`);
      const name = journeyNameSchema.safeParse(opts.name);
      if (!name.success) throw new CliError(`--name: ${name.error.issues[0]?.message}`);
      const personaKey = opts.persona === 'all' ? null : opts.persona;
      const { id } = await journeyCommand(config, (ws) =>
        journeys.createJourney(ws.db, ws.clock, { moment: moment.data, personaKey, name: name.data }),
      );
      io.out(`Created draft journey "${name.data}"`);
      io.out(id);
    });

  cmd
    .command('export')
    .description('print a journey as a JSON file on stdout')
    .argument('<id>', 'journey id')
    .action(async (id: string) => {
      const file = await journeyCommand(config, (ws) => journeys.exportJourney(ws.db, id));
      io.out(JSON.stringify(file, null, 2));
    });

  cmd
    .command('import')
    .description('import a journey file as a new draft; prints the new id on the last line')
    .argument('<file>', 'path of a journey JSON file')
    .option('--publish', 'publish it at once (refused, and nothing imported, when the graph is invalid)', false)
    .action(async (file: string, opts: { publish: boolean }) => {
      let content: unknown;
      try {
        content = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        const reason = error instanceof SyntaxError ? `it is not valid JSON (${error.message})` : (error as Error).message;
        throw new CliError(`Cannot read ${file}: ${reason}`);
      }
      const result = await journeyCommand(config, (ws) =>
        journeys.importJourney(ws.db, ws.clock, content, { publish: opts.publish, publishedBy: 'cli' }),
      );
      io.out(result.version ? `Imported and published version ${result.version}` : 'Imported as a draft');
      io.out(result.id);
    });

  cmd
    .command('publish')
    .description('publish the draft as a new version (refused with the list of problems when invalid)')
    .argument('<id>', 'journey id')
    .option('--migration <choice>', 'contacts in flight: stay, same_node or exit', 'stay')
    .action(async (id: string, opts: { migration: string }) => {
      const migration = z.enum(['stay', 'same_node', 'exit']).safeParse(opts.migration);
      if (!migration.success) throw new CliError(`--migration: "${opts.migration}" is not one of stay, same_node, exit.`);
      const { version } = await journeyCommand(config, (ws) =>
        journeys.publishJourney(ws.db, ws.clock, { id, migration: migration.data, publishedBy: 'cli' }),
      );
      io.out(`Published version ${version}`);
    });
}
