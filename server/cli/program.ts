// The admin command line: commands run against DATA_DIR, prepared exactly as `npm start` prepares it.
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { newUserSchema } from '../../shared/accounts.ts';
import { journeyNameSchema } from '../../shared/journey/file.ts';
import { formatIssue } from '../../shared/journey/validate.ts';
import { MOMENT_KEYS, momentKeySchema } from '../../shared/lifecycle/moments.ts';
import { ROLES } from '../../shared/roles.ts';
import { readFileSync } from 'node:fs';
import * as journeys from '../journeys/service.ts';
import { createUser, UserInputError } from '../auth/users.ts';
import type { Config } from '../config.ts';
import { openWorkspace, type Workspace } from '../workspace.ts';

/** A failure the user can act on: printed to stderr as it is, exit code 1. */
export class CliError extends Error {}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `  --${issue.path.join('.')}: ${issue.message}`).join('\n');
}

async function withWorkspace<T>(config: Config, run: (ws: Workspace) => Promise<T>): Promise<T> {
  const ws = openWorkspace(config);
  try {
    return await run(ws);
  } finally {
    ws.close();
  }
}

export function buildProgram(config: Config, io: CliIo): Command {
  const program = new Command('kairos')
    .description('Kairos admin commands. They use DATA_DIR (default ./data) and may run while the server runs.')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    .showHelpAfterError('(run with --help to list the commands)');

  const users = program.command('users').description('workspace users');
  users
    .command('create')
    .description('create a user who can sign in')
    .requiredOption('--email <email>', 'email address, used to sign in')
    .requiredOption('--password <password>', 'password, at least 8 characters')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--name <name>', 'display name (default: the part of the email before @)')
    .action(async (opts: { email: string; password: string; role: string; name?: string }) => {
      const parsed = newUserSchema.safeParse({ ...opts, name: opts.name ?? opts.email.split('@')[0] ?? opts.email });
      if (!parsed.success) throw new CliError(`Cannot create the user:\n${describeZodError(parsed.error)}`);
      const created = await withWorkspace(config, (ws) => createUser(ws.db, ws.auth, parsed.data));
      io.out(`Created ${parsed.data.role} ${created.email}`);
      io.out(created.id);
    });

  addJourneyCommands(program, config, io);
  return program;
}

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

function addJourneyCommands(program: Command, config: Config, io: CliIo): void {
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

/** Runs the command line; returns the exit code instead of exiting, so tests can call it too. */
export async function runCli(argv: string[], config: Config, io: CliIo): Promise<number> {
  const program = buildProgram(config, io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    if (error instanceof CliError || error instanceof UserInputError) {
      io.err(error.message);
      return 1;
    }
    io.err(`Unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
