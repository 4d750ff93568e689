// The admin command line: commands run against DATA_DIR, prepared exactly as `npm start` prepares it.
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { UserInputError } from '../auth/users.ts';
import type { Config } from '../config.ts';
import { openWorkspace, type Workspace } from '../workspace.ts';
import { addContactCommands } from './contacts.ts';
import { addDemoCommand } from './demo.ts';
import { addJourneyCommands } from './journeys.ts';
import { addKeyCommands } from './keys.ts';
import { addReportCommands } from './report.ts';
import { addExperimentCommands } from './experiments.ts';
import { addTickCommand } from './tick.ts';
import { addUserCommands } from './users.ts';

/** A failure the user can act on: printed to stderr as it is, exit code 1. */
export class CliError extends Error {}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `  --${issue.path.join('.')}: ${issue.message}`).join('\n');
}

export async function withWorkspace<T>(config: Config, run: (ws: Workspace) => Promise<T>): Promise<T> {
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

  addUserCommands(program, config, io);
  addJourneyCommands(program, config, io);
  addContactCommands(program, config, io);
  addKeyCommands(program, config, io);
  addTickCommand(program, config, io);
  addReportCommands(program, config, io);
  addExperimentCommands(program, config, io);
  addDemoCommand(program, config, io);
  return program;
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
