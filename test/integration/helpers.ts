// Small builders for integration tests: a workspace on a fresh temp DATA_DIR, tRPC callers, users.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { appRouter } from '../../server/api/router.ts';
import { createCallerFactory, toSessionUser, type SessionUser } from '../../server/api/trpc.ts';
import { createUser } from '../../server/auth/users.ts';
import type { Clock } from '../../server/clock.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { openWorkspace, type Workspace } from '../../server/workspace.ts';
import type { Role } from '../../shared/roles.ts';

export const TEST_SECRET = 'kairos-integration-test-secret-0123456789';
export const TEST_PASSWORD = 'correct horse battery';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A temp directory removed by the returned cleanup. */
export function tempDir(prefix = 'kairos-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  const result = loadConfig({ DATA_DIR: dataDir, PORT: '3999', SECRET: TEST_SECRET, ...env });
  if (!result.ok) throw new Error(`test config is invalid: ${result.errors.join('; ')}`);
  return result.config;
}

export interface FreshWorkspace {
  ws: Workspace;
  dir: string;
  /** Closes the database and removes DATA_DIR. */
  cleanup(): void;
}

/** A migrated workspace with starter content on a new DATA_DIR. */
export function freshWorkspace(env: Record<string, string> = {}): FreshWorkspace {
  const { dir, cleanup } = tempDir();
  const ws = openWorkspace(testConfig(dir, env));
  return {
    ws,
    dir,
    cleanup: () => {
      if (ws.db.$client.open) ws.close();
      cleanup();
    },
  };
}

/** Fresh workspaces for the tests of one file: each is closed and its DATA_DIR removed after the test that opened it. */
export function workspacePerTest(): (env?: Record<string, string>) => FreshWorkspace {
  const open: FreshWorkspace[] = [];
  afterEach(() => {
    for (const fresh of open.splice(0).reverse()) fresh.cleanup();
  });
  return (env = {}) => {
    const fresh = freshWorkspace(env);
    open.push(fresh);
    return fresh;
  };
}

const createCaller = createCallerFactory(appRouter);

/** A tRPC caller as the given user, or anonymous with null. */
export function callerFor(ws: Workspace, user: SessionUser | null, clock: Clock = ws.clock) {
  return createCaller({ db: ws.db, auth: ws.auth, clock, user });
}

let userCount = 0;

/** Creates a user through the same path as Settings and the CLI, and returns them as a session user. */
export async function makeUser(
  ws: Workspace,
  role: Role,
  overrides: { email?: string; password?: string; name?: string } = {},
): Promise<SessionUser> {
  userCount += 1;
  const created = await createUser(ws.db, ws.auth, {
    email: overrides.email ?? `${role}${userCount}@example.com`,
    password: overrides.password ?? TEST_PASSWORD,
    name: overrides.name ?? `${role} ${userCount}`,
    role,
  });
  const sessionUser = toSessionUser(created);
  if (!sessionUser) throw new Error(`created user has no valid role: ${String(created.role)}`);
  return sessionUser;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `kairos <args>` (server/cli.ts under tsx, as `npm run kairos` does) with only DATA_DIR configured. */
export function kairos(args: string[], dataDir: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'server/cli.ts', ...args],
      { cwd: projectRoot, env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, LOG_LEVEL: 'silent' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

