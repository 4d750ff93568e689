// The admin command line as an admin runs it: a real process against a DATA_DIR.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByEmail } from '../../server/auth/users.ts';
import { loadConfig } from '../../server/config.ts';
import { openWorkspace } from '../../server/workspace.ts';
import { kairos, tempDir, type Run } from './helpers.ts';

const dirs: Array<{ dir: string; cleanup(): void }> = [];
function dataDir(): string {
  const made = tempDir('kairos-cli-');
  dirs.push(made);
  return made.dir;
}
afterAll(() => {
  for (const made of dirs.splice(0)) made.cleanup();
});

// Each process costs about a second, so the commands that do not depend on each other start together.
let badRole: Promise<Run>;
let help: Promise<Run>;
beforeAll(() => {
  badRole = kairos(['users', 'create', '--email', 'c@d.co', '--password', 'longenough1', '--role', 'owner'], dataDir());
  help = kairos(['--help'], dataDir());
});

describe('kairos users create', () => {
  const dir = dataDir();
  const email = 'a@b.co';
  const password = 'longenough1';

  it('prepares a fresh DATA_DIR itself and creates a user who can sign in', async () => {
    const run = await kairos(['users', 'create', '--email', email, '--password', password, '--role', 'manager'], dir);
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    const userId = run.stdout.trim().split('\n').at(-1);

    // Opened as the server opens it: same DATA_DIR, the secret the CLI generated into DATA_DIR/secret.
    const config = loadConfig({ DATA_DIR: dir });
    if (!config.ok) throw new Error(config.errors.join('; '));
    const ws = openWorkspace(config.config);
    try {
      expect(findUserByEmail(ws.db, email)).toMatchObject({ id: userId, role: 'manager' });
      const signedIn = await ws.auth.api.signInEmail({ body: { email, password } });
      expect(signedIn.user.id).toBe(userId);
    } finally {
      ws.close();
    }
  });

  it('refuses a taken email with a clear message', async () => {
    const run = await kairos(['users', 'create', '--email', 'A@B.co', '--password', password, '--role', 'admin'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('a@b.co already exists');
  });

  it('refuses an unknown role and names --role', async () => {
    const run = await badRole;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--role');
  });

  it('lists the users command in --help', async () => {
    const run = await help;
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\s+users\b/m);
  });
});
