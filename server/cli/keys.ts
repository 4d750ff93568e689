// `kairos keys …`: write keys for the event API.
import type { Command } from 'commander';
import { apiKeyNameSchema } from '../api/apiKeys.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../contacts/apiKeys.ts';
import type { Config } from '../config.ts';
import { CliError, withWorkspace, type CliIo } from './program.ts';

export function addKeyCommands(program: Command, config: Config, io: CliIo): void {
  const keys = program.command('keys').description('write keys for the event API (/v1/identify, /v1/track, /v1/batch…)');

  keys
    .command('create')
    .description('make a write key; prints it on the last line (it is shown only once)')
    .requiredOption('--name <name>', 'what the key is for, e.g. "shop backend"')
    .action(async (opts: { name: string }) => {
      const name = apiKeyNameSchema.safeParse(opts.name);
      if (!name.success) throw new CliError(`--name: ${name.error.issues[0]?.message}`);
      const created = await withWorkspace(config, async (ws) => createApiKey(ws.db, ws.clock, { name: name.data, createdBy: 'cli' }));
      io.out(`Created write key "${created.name}" (${created.id}). Keep it secret; it is not shown again:`);
      io.out(created.key);
    });

  keys
    .command('list')
    .description('list keys: id, status, prefix, name')
    .action(async () => {
      const rows = await withWorkspace(config, async (ws) => listApiKeys(ws.db));
      if (rows.length === 0) io.out('No write keys yet.');
      for (const k of rows) io.out([k.id, k.revokedAt ? 'revoked' : 'active', `${k.prefix}…`, k.name].join('\t'));
    });

  keys
    .command('revoke')
    .description('revoke a key: calls with it are refused from now on')
    .argument('<id>', 'key id, as `keys list` shows it')
    .action(async (id: string) => {
      const revoked = await withWorkspace(config, async (ws) => revokeApiKey(ws.db, ws.clock, id));
      if (!revoked) throw new CliError(`No active key with id ${id}.`);
      io.out(`Revoked ${id}.`);
    });
}
