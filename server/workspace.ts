// Prepares DATA_DIR exactly the same way for the server and the CLI: database, migrations, starter content, auth.
import { createAuth, type Auth } from './auth/auth.ts';
import { systemClock, type Clock } from './clock.ts';
import { resolveSecret, type Config } from './config.ts';
import { applyMigrations, databaseFile, openDatabase, type Db } from './db/client.ts';
import { loadStarterContent } from './db/starterContent.ts';
import { loadStarterTemplates } from './mail/starterTemplates.ts';
import { ensureExperiments } from './experiments/sync.ts';

export interface Workspace {
  config: Config;
  db: Db;
  auth: Auth;
  clock: Clock;
  /** Signs sessions, links and webhooks. */
  secret: string;
  close(): void;
}

export function openWorkspace(config: Config, clock: Clock = systemClock): Workspace {
  const secret = resolveSecret(config);
  const db = openDatabase(databaseFile(config.dataDir));
  applyMigrations(db);
  loadStarterContent(db);
  loadStarterTemplates(db);
  // Journeys published before experiments were kept get theirs, counting from now.
  ensureExperiments(db.$client, clock.now().getTime());
  const auth = createAuth({ db, secret, publicUrl: config.publicUrl, port: config.port });
  return { config, db, auth, clock, secret, close: () => db.$client.close() };
}
