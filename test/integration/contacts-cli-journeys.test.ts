// `kairos contacts import` is quiet by default; --start-journeys lets the contacts enter live journeys, and says how many
// will; --dry-run says it without importing. Run as `npm run kairos -- …` runs it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createJourney, publishJourney } from '../../server/journeys/service.ts';
import { openWorkspace } from '../../server/workspace.ts';
import { kairos, tempDir, testConfig } from './helpers.ts';

/** Each command is a fresh process that compiles the server (seconds on a busy machine). */
const CLI_TIMEOUT = 240_000;

let dir: { dir: string; cleanup(): void };
beforeAll(() => {
  dir = tempDir();
  const ws = openWorkspace(testConfig(dir.dir));
  const { id } = createJourney(ws.db, ws.clock, { moment: 'opt_in', personaKey: null, name: 'Opt-in' });
  publishJourney(ws.db, ws.clock, { id, publishedBy: 'test' });
  ws.close();
});
afterAll(() => dir.cleanup());

const csv = (name: string, rows: string[]) => {
  const file = path.join(dir.dir, name);
  writeFileSync(file, ['email,newsletter', ...rows].join('\n'));
  return file;
};
const line = (stdout: string, prefix: string) => stdout.split('\n').find((l) => l.startsWith(prefix));

test(
  'a plain import starts no journey; --dry-run counts who would enter; --start-journeys lets exactly them in',
  async () => {
    const quiet = await kairos(['contacts', 'import', csv('quiet.csv', ['ana@example.com,yes', 'ben@example.com,yes'])], dir.dir);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toContain('Imported 2 contacts (2 new, 0 updated).');
    expect(quiet.stdout).toContain('Quiet import: no contact enters a journey (--start-journeys lets them).');
    const first = await kairos(['tick', '--no-deliver'], dir.dir);
    expect(first.code, first.stderr).toBe(0);
    expect(line(first.stdout, 'enrolled:')).toBe('enrolled: 0');

    const more = csv('more.csv', ['cy@example.com,yes', 'dee@example.com,yes', 'eve@example.com,']);
    const dry = await kairos(['contacts', 'import', more, '--start-journeys', '--dry-run'], dir.dir);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Dry run: 3 contacts would be imported; nothing was written.');
    expect(dry.stdout).toContain('With --start-journeys: 2 contacts would enter live journeys: Opt-in (all) 2.');
    expect((await kairos(['contacts', 'get', 'cy@example.com'], dir.dir)).code).toBe(1);

    const started = await kairos(['contacts', 'import', more, '--start-journeys'], dir.dir);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain("2 contacts will enter live journeys: Opt-in (all) 2. (at the executor's next tick)");
    const second = await kairos(['tick', '--no-deliver'], dir.dir);
    expect(line(second.stdout, 'enrolled:')).toBe('enrolled: 2');
  },
  CLI_TIMEOUT * 3,
);
