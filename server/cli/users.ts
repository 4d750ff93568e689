// `kairos users …`: workspace accounts.
import type { Command } from 'commander';
import { newUserSchema } from '../../shared/accounts.ts';
import { ROLES } from '../../shared/roles.ts';
import { createUser } from '../auth/users.ts';
import type { Config } from '../config.ts';
import { CliError, describeZodError, withWorkspace, type CliIo } from './program.ts';

export function addUserCommands(program: Command, config: Config, io: CliIo): void {
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

}
