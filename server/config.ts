// Configuration from the environment, validated at start: every bad value is named with what is wrong.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

export interface Config {
  port: number;
  dataDir: string;
  publicUrl: string;
  smtpUrl: string | undefined;
  /** Seconds between executor ticks (1–59). */
  executorIntervalSeconds: number;
  /** Set when SECRET is given; otherwise resolveSecret() reads or creates DATA_DIR/secret. */
  secret: string | undefined;
  /** DNS_SERVERS: the resolvers "Check DNS" asks (`1.1.1.1`, `127.0.0.1:53`, `[::1]:53`), in order; unset, the system's. */
  dnsServers: string[] | undefined;
  /** INBOUND_SMTP_PORT: where the inbound SMTP listener takes bounces and complaints for the bounce domains; unset, none runs. */
  inboundSmtpPort: number | undefined;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

const MIN_SECRET_LENGTH = 32;

/**
 * One DNS server as node:dns's setServers takes it: an IPv4 or IPv6 address, with a port as `1.2.3.4:53` or `[::1]:53`.
 * Names are refused: the resolver itself cannot be looked up by name.
 */
function isDnsServer(entry: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  const v4WithPort = /^([^:]+):(\d+)$/.exec(entry);
  const [address, port] = bracketed ? [bracketed[1]!, bracketed[2]] : v4WithPort ? [v4WithPort[1]!, v4WithPort[2]] : [entry, undefined];
  if (bracketed ? isIP(address) !== 6 : isIP(address) === 0) return false;
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

const envSchema = z.object({
  PORT: z
    .string()
    .regex(/^\d+$/, 'must be a whole number between 1 and 65535')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 65535, 'must be a whole number between 1 and 65535')
    .optional(),
  DATA_DIR: z.string().min(1, 'must not be empty').optional(),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL such as https://kairos.example.com' })
    .optional(),
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL such as smtp://user:pass@mail.example.com:587' })
    .optional(),
  EXECUTOR_INTERVAL_SECONDS: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of seconds between 1 and 59')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 59, 'must be a whole number of seconds between 1 and 59')
    .optional(),
  INBOUND_SMTP_PORT: z
    .string()
    .regex(/^\d+$/, 'must be a whole number between 1 and 65535 (25 for the MX of your bounce domain, or a port it forwards to)')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 65535, 'must be a whole number between 1 and 65535 (25 for the MX of your bounce domain, or a port it forwards to)')
    .optional(),
  SECRET: z
    .string()
    .min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters (or leave it unset to have one generated)`)
    .optional(),
  DNS_SERVERS: z
    .string()
    .transform((list) => list.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
    .refine(
      (servers) => servers.length > 0 && servers.every(isDnsServer),
      'must be DNS server IP addresses separated by commas, each with an optional port, such as 127.0.0.1:53,1.1.1.1 or [::1]:53',
    )
    .optional(),
});

/** The value as an error message may show it: secrets hidden, credentials stripped from URLs. */
function shownValue(name: string, value: string | undefined): string {
  if (name === 'SECRET') return '<hidden>';
  return JSON.stringify(value?.replace(/\/\/[^/@]*@/, '//***@'));
}

/** Reads the environment; an empty variable counts as unset. Pure: touches no files. */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): ConfigResult {
  const present = Object.fromEntries(
    Object.keys(envSchema.shape)
      .map((key) => [key, env[key]?.trim()])
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return `${name}=${shownValue(name, present[name])}: ${issue.message}`;
      }),
    };
  }
  const port = parsed.data.PORT ?? 3000;
  return {
    ok: true,
    config: {
      port,
      dataDir: path.resolve(cwd, parsed.data.DATA_DIR ?? './data'),
      publicUrl: (parsed.data.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
      smtpUrl: parsed.data.SMTP_URL,
      executorIntervalSeconds: parsed.data.EXECUTOR_INTERVAL_SECONDS ?? 5,
      secret: parsed.data.SECRET,
      dnsServers: parsed.data.DNS_SERVERS,
      inboundSmtpPort: parsed.data.INBOUND_SMTP_PORT,
    },
  };
}

/** The configured SECRET, or the one generated once into DATA_DIR/secret (mode 600) and reused after. */
export function resolveSecret(config: Config): string {
  if (config.secret) return config.secret;
  mkdirSync(config.dataDir, { recursive: true });
  const file = path.join(config.dataDir, 'secret');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= MIN_SECRET_LENGTH) return stored;
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

/** For entry points: the config, or every problem on stderr and exit code 1. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  const result = loadConfig(env);
  if (result.ok) return result.config;
  process.stderr.write(
    `Kairos cannot start: the configuration is invalid.\n${result.errors.map((e) => `  - ${e}`).join('\n')}\n`,
  );
  process.exit(1);
}
