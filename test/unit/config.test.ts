// Configuration from the environment: defaults, every bad value named, and the generated secret.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, resolveSecret, type Config, type ConfigResult } from '../../server/config.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LONG_SECRET = 'a-secret-that-is-long-enough-0123456789';

function configOf(result: ConfigResult): Config {
  if (!result.ok) throw new Error(`expected a valid config, got: ${result.errors.join('; ')}`);
  return result.config;
}

function errorsOf(result: ConfigResult): string[] {
  if (result.ok) throw new Error('expected the config to be refused');
  return result.errors;
}

describe('loadConfig', () => {
  it('uses the defaults when nothing is set', () => {
    const config = configOf(loadConfig({}, '/srv/kairos'));
    expect(config).toEqual({
      port: 3000,
      dataDir: '/srv/kairos/data',
      publicUrl: 'http://localhost:3000',
      smtpUrl: undefined,
      executorIntervalSeconds: 5,
      secret: undefined,
      dnsServers: undefined,
    });
  });

  it('resolves a relative DATA_DIR against the working directory', () => {
    expect(configOf(loadConfig({ DATA_DIR: 'state/kairos' }, '/srv')).dataDir).toBe('/srv/state/kairos');
    expect(configOf(loadConfig({ DATA_DIR: '/var/lib/kairos' }, '/srv')).dataDir).toBe('/var/lib/kairos');
  });

  it('builds the default PUBLIC_URL from the given PORT', () => {
    const config = configOf(loadConfig({ PORT: '8080' }));
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('http://localhost:8080');
  });

  it('strips the trailing slash of PUBLIC_URL', () => {
    expect(configOf(loadConfig({ PUBLIC_URL: 'https://kairos.example.com/' })).publicUrl).toBe(
      'https://kairos.example.com',
    );
  });

  it('takes INBOUND_SMTP_PORT as a port, and names a bad one', () => {
    expect(configOf(loadConfig({ INBOUND_SMTP_PORT: '2525' })).inboundSmtpPort).toBe(2525);
    expect(configOf(loadConfig({})).inboundSmtpPort).toBeUndefined();
    for (const bad of ['0', '70000', 'smtp', '25.5']) {
      expect(errorsOf(loadConfig({ INBOUND_SMTP_PORT: bad }))).toEqual([
        `INBOUND_SMTP_PORT="${bad}": must be a whole number between 1 and 65535 (25 for the MX of your bounce domain, or a port it forwards to)`,
      ]);
    }
  });

  it('accepts SMTP_URL and SECRET as given', () => {
    const config = configOf(loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.com:465', SECRET: LONG_SECRET }));
    expect(config.smtpUrl).toBe('smtps://u:p@mail.example.com:465');
    expect(config.secret).toBe(LONG_SECRET);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '0'],
    ['PUBLIC_URL', 'ftp://x'],
    ['PUBLIC_URL', 'not a url'],
    ['SMTP_URL', 'http://x'],
  ])('refuses %s=%s and names it', (name, value) => {
    const errors = errorsOf(loadConfig({ [name]: value }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`${name}=`);
    expect(errors[0]).toContain(value);
  });

  it('refuses a short SECRET without printing it', () => {
    const errors = errorsOf(loadConfig({ SECRET: 'too-short' }));
    expect(errors).toEqual([expect.stringContaining('SECRET=<hidden>: must be at least 32 characters')]);
    expect(errors[0]).not.toContain('too-short');
  });

  it('does not print the credentials of a bad SMTP_URL', () => {
    const errors = errorsOf(loadConfig({ SMTP_URL: 'http://user:hunter2@mail.example.com' }));
    expect(errors[0]).toContain('SMTP_URL=');
    expect(errors[0]).not.toContain('hunter2');
  });

  it('reports every bad value at once', () => {
    const errors = errorsOf(loadConfig({ PORT: 'abc', PUBLIC_URL: 'ftp://x', SMTP_URL: 'http://x', SECRET: 'short' }));
    const named = errors.map((e) => e.split('=')[0]).sort();
    expect(named).toEqual(['PORT', 'PUBLIC_URL', 'SECRET', 'SMTP_URL']);
  });

  it('takes the executor interval in seconds and refuses one cron cannot express', () => {
    expect(configOf(loadConfig({ EXECUTOR_INTERVAL_SECONDS: '2' })).executorIntervalSeconds).toBe(2);
    for (const bad of ['0', '60', 'fast']) {
      const errors = errorsOf(loadConfig({ EXECUTOR_INTERVAL_SECONDS: bad }));
      expect(errors).toEqual([expect.stringContaining(`EXECUTOR_INTERVAL_SECONDS="${bad}": must be a whole number of seconds between 1 and 59`)]);
    }
  });

  it('takes DNS_SERVERS as a list of addresses with optional ports, in order', () => {
    expect(configOf(loadConfig({ DNS_SERVERS: '127.0.0.1:53, 1.1.1.1,[::1]:5353,2606:4700::1111' })).dnsServers).toEqual([
      '127.0.0.1:53',
      '1.1.1.1',
      '[::1]:5353',
      '2606:4700::1111',
    ]);
  });

  it.each(['dns.example.com', '1.1.1.1:99999', '1.1.1.1:', '::1:53x', ',', '[1.1.1.1]:53'])('refuses DNS_SERVERS=%s and says what it takes', (bad) => {
    const errors = errorsOf(loadConfig({ DNS_SERVERS: bad }));
    expect(errors).toEqual([expect.stringContaining(`DNS_SERVERS=${JSON.stringify(bad)}: must be DNS server IP addresses separated by commas`)]);
  });

  it('treats empty strings as unset', () => {
    const config = configOf(loadConfig({ PORT: '', DATA_DIR: '', PUBLIC_URL: '', SMTP_URL: '', SECRET: '', DNS_SERVERS: '' }, '/srv'));
    expect(config).toEqual({
      port: 3000,
      dataDir: '/srv/data',
      publicUrl: 'http://localhost:3000',
      smtpUrl: undefined,
      executorIntervalSeconds: 5,
      secret: undefined,
      dnsServers: undefined,
    });
  });
});

describe('resolveSecret', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function tempDataDir(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kairos-secret-'));
    dirs.push(dir);
    return path.join(dir, 'data');
  }

  it('generates a secret into DATA_DIR/secret, readable only by its owner', () => {
    const config = configOf(loadConfig({ DATA_DIR: tempDataDir() }));
    const secret = resolveSecret(config);
    const file = path.join(config.dataDir, 'secret');
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, 'utf8').trim()).toBe(secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('reuses the generated secret on the next start', () => {
    const config = configOf(loadConfig({ DATA_DIR: tempDataDir() }));
    const first = resolveSecret(config);
    expect(resolveSecret(config)).toBe(first);
  });

  it('prefers SECRET from the environment and writes no file', () => {
    const dataDir = tempDataDir();
    const generated = resolveSecret(configOf(loadConfig({ DATA_DIR: dataDir })));
    const config = configOf(loadConfig({ DATA_DIR: dataDir, SECRET: LONG_SECRET }));
    expect(resolveSecret(config)).toBe(LONG_SECRET);
    expect(readFileSync(path.join(dataDir, 'secret'), 'utf8').trim()).toBe(generated);
  });
});

describe('an entry point with a bad configuration', () => {
  it('exits with code 1 and names the bad variable', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--help'], {
      cwd: projectRoot,
      env: { ...process.env, PORT: 'abc' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('PORT="abc"');
  });
});
