// The simulator and the figures end to end: a described contact simulated through the opt-in draft (path, the
// two-day wait with its wake-up, both emails, one rendered), then real traffic through the published journey and
// its figures on the nodes, the edges and the header.
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { formatInZone } from '../../client/editor/simulator/timeline.ts';
import { screenshot, type RunningServer, createOwnerThroughSetup, serverAndBrowserPerFile } from './harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DAY = 86_400_000;

let server: RunningServer;
let browser: Browser;

// The server's executor ticks every second, so contacts enter a live journey while the test waits.
serverAndBrowserPerFile((running) => ({ server, browser } = running), { EXECUTOR_INTERVAL_SECONDS: '1' });

const node = (page: Page, id: string) => page.getByTestId(`node-${id}`);

/** `npm run kairos -- …` against the server's DATA_DIR, as an operator would run it beside the server. */
function kairos(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'server/cli.ts', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: server.dataDir, LOG_LEVEL: 'silent' } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** One tick at a time in the future; the server's own executor may hold the tick lease for a moment. */
async function tickAt(at: Date): Promise<string> {
  let last = '';
  for (let attempt = 0; attempt < 10; attempt++) {
    const run = await kairos(['tick', '--now', at.toISOString()]);
    if (run.code === 0) return run.stdout;
    last = run.stderr;
    if (!/skipped/i.test(run.stderr)) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`kairos tick failed: ${last}`);
}

/** The event API, as the shop's backend calls it. */
async function identify(key: string, email: string, traits: Record<string, unknown> = {}): Promise<void> {
  const res = await fetch(`${server.url}/v1/identify`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userId: email, traits: { email, consent: 'subscribed', ...traits } }),
  });
  expect(res.status, await res.text()).toBe(200);
}

/** A tRPC query through the signed-in page, for waiting on the server (not for what the test asserts). */
async function trpcQuery<T>(page: Page, procedure: string, input: unknown): Promise<T> {
  return page.evaluate(
    async ([p, i]) => {
      const res = await fetch(`/trpc/${p}?input=${encodeURIComponent(JSON.stringify(i))}`);
      return ((await res.json()) as { result: { data: unknown } }).result.data;
    },
    [procedure, input] as const,
  ) as Promise<T>;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 500));
    value = await read();
  }
  return value;
}

type Figures = { enrolled: number; converted: number; nodes: Record<string, { entered: number; waiting: number; passed: number }>; edges: Record<string, number> };

test('simulate a contact through the opt-in journey and see the path; on a live journey with traffic, see the figures on the nodes', { timeout: 300_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
  page.setDefaultTimeout(15_000);

  // A new workspace: create the owner, which signs in.
  await createOwnerThroughSetup(page, server.url);

  // The opt-in journey for all personas, from the matrix: its starter graph is ready to run.
  await page.getByRole('link', { name: 'Create journey: Opt-in, All personas' }).click();
  await page.waitForURL(/\/journeys\/[0-9a-f-]{36}$/);
  const journeyId = new URL(page.url()).pathname.split('/').at(-1)!;
  await node(page, 'welcome').waitFor();
  await page.getByRole('region', { name: 'Problems' }).getByText('No problems: this journey can be published.').waitFor();

  // A draft shows no figures: nobody has been through it.
  await expect(page.getByTestId('figures-welcome').count()).resolves.toBe(0);
  await expect(page.getByTestId('journey-figures').count()).resolves.toBe(0);

  // Open the simulator and describe a contact in New York who enters on Monday 2 November 2026 at 09:00 their time.
  await page.getByRole('button', { name: 'Simulate' }).click();
  const drawer = page.getByRole('dialog', { name: /Simulate a contact/ });
  await expect(drawer.getByRole('radio', { name: 'Describe a contact' }).isChecked()).resolves.toBe(true);
  await drawer.getByRole('textbox', { name: 'Email' }).fill('ana.sim@example.com');
  await drawer.getByRole('textbox', { name: 'Value of trait 1' }).fill('Ana');
  await drawer.getByRole('button', { name: 'Add trait' }).click();
  await drawer.getByRole('textbox', { name: 'Name of trait 2' }).fill('plan');
  await drawer.getByRole('textbox', { name: 'Value of trait 2' }).fill('pro');
  const zone = drawer.getByLabel('Time zone');
  await zone.click();
  await zone.fill('New_York');
  await page.getByRole('option', { name: 'America/New_York' }).click();
  await drawer.getByLabel('Enters at').fill('2026-11-02T09:00');
  await drawer.getByText('In America/New_York time').waitFor();
  await screenshot(page, 'simulator-01-setup');

  await drawer.getByRole('button', { name: 'Run simulation' }).click();
  const steps = drawer.getByRole('list', { name: 'Simulated path' }).getByRole('listitem');
  await steps.first().waitFor();

  // The path: entered and welcomed at the start, two days' wait to Wednesday 09:00 New York time, then the second
  // welcome (nobody clicked), then the exit.
  const start = Date.parse('2026-11-02T14:00:00Z');
  const at = (ms: number) => formatInZone(ms, 'America/New_York', 'en-GB');
  const texts = await steps.allInnerTexts();
  const titles = texts.map((t) => t.split('\n')[0]);
  expect(titles).toEqual(['Subscription confirmed', 'Set phase', 'Welcome', 'Wait', 'Clicked the welcome email?', 'Second welcome', 'Exit', 'End of the run']);
  const item = (title: string) => texts[titles.indexOf(title)]!;
  expect(item('Welcome')).toContain(at(start));
  expect(item('Welcome')).toMatch(/Template\s+Welcome/);
  expect(item('Wait')).toContain('Waits 2 days');
  expect(item('Wait')).toContain(`Wakes up ${at(start + 2 * DAY)}`);
  expect(item('Clicked the welcome email?')).toContain('Took “no”');
  expect(item('Second welcome')).toContain(at(start + 2 * DAY));
  expect(item('Second welcome')).toMatch(/Template\s+Second welcome/);
  expect(item('End of the run')).toContain('Reached the exit');
  await drawer.getByText('Times in America/New_York.').waitFor();

  // The path is highlighted on the canvas, in order; the branch not taken is not.
  await expect(page.getByTestId('simulated-welcome').count()).resolves.toBe(1);
  await expect(page.getByTestId('simulated-second_welcome').count()).resolves.toBe(1);
  await expect(page.getByTestId('simulated-set_engaged').count()).resolves.toBe(0);
  await expect(node(page, 'wait_2d').getByLabel('On the simulated path, step 4').count()).resolves.toBe(1);
  await screenshot(page, 'simulator-02-path');

  // The welcome email renders on demand in a sandboxed frame, with the described contact's traits; nothing is sent.
  await steps.nth(titles.indexOf('Welcome')).getByRole('button', { name: 'Show email' }).click();
  const frame = drawer.locator('iframe[title="Welcome: rendered email"]');
  await frame.waitFor();
  await expect(frame.getAttribute('sandbox')).resolves.toBe('allow-popups allow-popups-to-escape-sandbox');
  await frame.contentFrame().getByText('Hi Ana, good to have you with us').waitFor();
  await drawer.getByText('Version 1 of “Welcome”, with the described contact’s data.').waitFor();
  await drawer.getByText(/^Subject:/).waitFor();
  await screenshot(page, 'simulator-03-email');

  // A draft that cannot run says why, each problem pointing at its step; undoing the change makes it run again.
  await page.getByRole('button', { name: 'Add Wait', exact: true }).click();
  const stray = page.locator('.react-flow__node-wait:not([data-id="wait_2d"])');
  await stray.waitFor();
  await drawer.getByRole('tab', { name: 'Contact and script' }).click();
  await drawer.getByRole('button', { name: 'Run simulation' }).click();
  const refused = drawer.getByRole('list', { name: 'Problems to fix' });
  await refused.getByText(/No path from the trigger reaches/).first().waitFor();
  await screenshot(page, 'simulator-03b-refused');
  await refused.getByRole('listitem').first().getByRole('button', { name: 'Wait' }).click();
  await expect(stray.locator('[data-testid^="node-"]').getAttribute('data-selected')).resolves.toBe('true');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(stray.count()).resolves.toBe(0);
  await drawer.getByRole('button', { name: 'Run simulation' }).click();
  await steps.first().waitFor();

  // A click on a step selects it on the canvas.
  await steps.nth(titles.indexOf('Wait')).getByRole('button', { name: 'Wait: show on the canvas' }).click();
  await expect(node(page, 'wait_2d').getAttribute('data-selected')).resolves.toBe('true');

  // Assuming clicks, the same contact takes the other branch: no second welcome.
  await drawer.getByRole('tab', { name: 'Contact and script' }).click();
  await drawer.getByRole('checkbox', { name: 'Clicks the emails' }).check();
  await drawer.getByRole('button', { name: 'Run simulation' }).click();
  await drawer.getByRole('list', { name: 'Simulated path' }).getByText('Took “yes”').waitFor();
  await expect(page.getByTestId('simulated-set_engaged').count()).resolves.toBe(1);
  await expect(page.getByTestId('simulated-second_welcome').count()).resolves.toBe(0);

  // Closing the simulator takes the path off the canvas.
  await page.getByRole('button', { name: 'Simulate' }).click();
  await drawer.waitFor({ state: 'hidden' });
  await expect(page.getByTestId('simulated-welcome').count()).resolves.toBe(0);

  // Publish: version 1 goes live, and figures appear at zero.
  await page.getByText(/^(Draft )?[Ss]aved$/).waitFor();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('dialog', { name: 'Publish this journey' }).getByRole('button', { name: 'Publish and go live' }).click();
  await page.getByText('Version 1 published').waitFor();
  await page.getByTestId('figures-welcome').waitFor();
  await expect(page.getByTestId('journey-figures').getAttribute('aria-label')).resolves.toBe('Journey figures: 0 enrolled, 0 converted');

  // Traffic: three contacts confirm their subscription through the event API; the executor takes them in, and a
  // tick three days later moves them past the wait to the second welcome and the exit.
  const key = await page.evaluate(async () => {
    const res = await fetch('/trpc/apiKeys.create', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'e2e' }) });
    return ((await res.json()) as { result: { data: { key: string } } }).result.data.key;
  });
  for (const name of ['ben', 'cleo', 'dan']) await identify(key, `${name}@example.com`, { first_name: name });
  const figures = () => trpcQuery<Figures>(page, 'journeys.figures', { id: journeyId });
  await until(figures, (f) => (f.nodes.wait_2d?.waiting ?? 0) === 3, 'three contacts waiting two days');
  const report = await tickAt(new Date(Date.now() + 3 * DAY));
  expect(report).toMatch(/Tick at/);
  await until(figures, (f) => (f.nodes.exit?.entered ?? 0) === 3, 'three contacts through the exit');

  // Two more confirm now: they wait at the two-day wait.
  for (const name of ['eve', 'finn']) await identify(key, `${name}@example.com`, { first_name: name });
  await until(figures, (f) => f.enrolled === 5 && (f.nodes.wait_2d?.waiting ?? 0) === 2, 'two more contacts waiting');

  // Reload the editor: the figures are on the nodes, the edges and in the header.
  await page.reload();
  await node(page, 'wait_2d').waitFor();
  const figuresOf = (id: string) => page.getByTestId(`figures-${id}`).getAttribute('aria-label');
  await expect(figuresOf('trigger')).resolves.toBe('Contacts: 5 entered, 0 waiting here now, 5 passed on');
  await expect(figuresOf('welcome')).resolves.toBe('Contacts: 5 entered, 0 waiting here now, 5 passed on');
  await expect(figuresOf('wait_2d')).resolves.toBe('Contacts: 5 entered, 2 waiting here now, 3 passed on');
  await expect(figuresOf('clicked_welcome')).resolves.toBe('Contacts: 3 entered, 0 waiting here now, 3 passed on');
  await expect(figuresOf('second_welcome')).resolves.toBe('Contacts: 3 entered, 0 waiting here now, 3 passed on');
  await expect(figuresOf('set_engaged')).resolves.toBe('Contacts: 0 entered, 0 waiting here now, 0 passed on');
  await expect(figuresOf('exit')).resolves.toBe('Contacts: 3 entered, 0 waiting here now, 0 passed on');
  expect((await page.getByTestId('figures-wait_2d').innerText()).replace(/\s+/g, ' ')).toBe('5 entered 2 waiting 3 passed');

  await expect(page.getByTestId('traffic-trigger:next').innerText()).resolves.toBe('5');
  await expect(page.getByTestId('traffic-wait_2d:next').innerText()).resolves.toBe('3');
  await expect(page.getByTestId('traffic-clicked_welcome:no').innerText()).resolves.toBe('3');
  await expect(page.getByTestId('traffic-clicked_welcome:yes').count()).resolves.toBe(0);
  // A band under each edge is as wide as its traffic; the branch nobody took has none.
  const band = (edge: string) => page.getByTestId(`band-${edge}`).evaluate((el) => Number.parseFloat(getComputedStyle(el).strokeWidth));
  expect(await band('trigger:next')).toBeGreaterThan(await band('wait_2d:next'));
  await expect(page.getByTestId('band-clicked_welcome:yes').count()).resolves.toBe(0);

  await expect(page.getByTestId('journey-figures').getAttribute('aria-label')).resolves.toBe('Journey figures: 5 enrolled, 0 converted (0%)');
  await screenshot(page, 'figures-01-live');

  // A stored contact, picked by search: the simulator runs the draft with its own data, and its email renders for it.
  await page.getByRole('button', { name: 'Simulate' }).click();
  await drawer.getByText('Pick a contact').click();
  await drawer.getByRole('combobox', { name: 'Contact', exact: true }).fill('eve');
  await page.getByRole('option', { name: 'eve@example.com' }).click();
  await drawer.getByRole('region', { name: 'Picked contact' }).getByText('subscribed', { exact: true }).waitFor();
  await drawer.getByText('In UTC time').waitFor();
  await drawer.getByRole('button', { name: 'Run simulation' }).click();
  const picked = drawer.getByRole('list', { name: 'Simulated path' }).getByRole('listitem');
  await picked.first().waitFor();
  expect((await picked.allInnerTexts()).map((t) => t.split('\n')[0])).toContain('Second welcome');
  await picked.filter({ hasText: 'Template Welcome' }).getByRole('button', { name: 'Show email' }).click();
  await drawer.locator('iframe[title="Welcome: rendered email"]').contentFrame().getByText('Hi eve, good to have you with us').waitFor();
  await screenshot(page, 'simulator-04-picked');

  // Escape closes the simulator, from the keyboard.
  await drawer.getByRole('button', { name: 'Run simulation' }).focus();
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'hidden' });

  // The contact page lists the contact's journeys and the path each took.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
  await page.getByRole('row', { name: /ben@example\.com/ }).getByRole('link').first().click();
  const run = page.getByRole('region', { name: 'Journeys' }).getByRole('listitem', { name: 'Opt-in · All personas, version 1: Completed' });
  await run.waitFor();
  const path = await run.getByRole('list', { name: 'Path through Opt-in · All personas' }).getByRole('listitem').allInnerTexts();
  expect(path.map((t) => t.split('\n')[0])).toEqual(['Subscription confirmed', 'Set phase', 'Welcome', 'Wait', 'Wait', 'Clicked the welcome email?', 'Second welcome', 'Exit']);
  expect(path[2]).toContain('Email queued');
  expect(path[3]).toContain('Waiting until');
  expect(path[5]).toContain('Took “no”');
  expect(path[7]).toContain('Completed the journey');
  await screenshot(page, 'contact-01-journeys');

  // The matrix shows the live journey in its cell instead of offering to create a second one; each persona's cell
  // says the all-personas journey covers it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Lifecycle' }).click();
  const matrix = page.getByRole('table', { name: 'Lifecycle matrix' });
  // The journey's own cell, and the three persona cells it covers, link to it.
  await matrix.getByRole('link', { name: 'Opt-in · All personas' }).first().waitFor();
  await expect(matrix.getByRole('link', { name: 'Opt-in · All personas' }).count()).resolves.toBe(4);
  await expect(matrix.getByRole('link', { name: 'Create journey: Opt-in, All personas' }).count()).resolves.toBe(0);
  await matrix.getByRole('link', { name: 'Create a persona journey: Opt-in, Bargain hunter' }).waitFor();
  await expect(matrix.getByText('Covered by').count()).resolves.toBe(3);
  await screenshot(page, 'matrix-01-live-cell');
});
