// better-auth: email + password sign-in, sessions in SQLite, roles through its admin plugin.
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { admin } from 'better-auth/plugins';
import { adminAc, userAc } from 'better-auth/plugins/admin/access';
import type { Db } from '../db/client.ts';
import * as schema from '../db/schema.ts';

export interface AuthOptions {
  db: Db;
  secret: string;
  publicUrl: string;
  port: number;
}

/** PUBLIC_URL plus the loopback spellings of the port, so http://127.0.0.1:PORT is not refused as a foreign origin. */
export function trustedOrigins(publicUrl: string, port: number): string[] {
  const loopback = ['localhost', '127.0.0.1', '[::1]'].map((host) => `http://${host}:${port}`);
  return [...new Set([new URL(publicUrl).origin, ...loopback])];
}

export function createAuth({ db, secret, publicUrl, port }: AuthOptions) {
  return betterAuth({
    appName: 'Kairos',
    baseURL: publicUrl,
    basePath: '/api/auth',
    secret,
    trustedOrigins: trustedOrigins(publicUrl, port),
    database: drizzleAdapter(db, { provider: 'sqlite', schema }),
    // Accounts are made by the owner set-up, by admins in Settings and by the CLI, never by open sign-up.
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8 },
    session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    plugins: [
      admin({
        // Kairos decides what each role may do in its tRPC middleware; better-auth only knows who is admin.
        roles: { admin: adminAc, marketer: userAc, manager: userAc },
        adminRoles: ['admin'],
        defaultRole: 'marketer',
      }),
    ],
    telemetry: { enabled: false },
    // better-auth skips the Origin check when NODE_ENV=test; Kairos checks it everywhere, so tests see production.
    advanced: { disableOriginCheck: false },
  });
}

export type Auth = ReturnType<typeof createAuth>;
