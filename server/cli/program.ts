// The admin command line: commands run against DATA_DIR, prepared exactly as `npm start` prepares it.
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { newUserSchema } from '../../shared/accounts.ts';
import { ROLES } from '../../shared/roles.ts';
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
