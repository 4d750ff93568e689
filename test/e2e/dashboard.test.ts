// The lifecycle dashboard end to end in Chromium, after a small demo: its charts show non-zero figures, a click on a
// Sankey flow (and Enter on the flow's link in the table view) lands on the Contacts page filtered to exactly the
// contacts who made the phase changes that flow counted (checked against phase_history), the matrix cells show their
// journeys' figures, and axe-core finds no serious or critical violation (WCAG 2.0/2.1 A and AA).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AxeBuilder } from '@axe-core/playwright';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { databaseFile } from '../../server/db/client.ts';
import { createOwnerThroughSetup, screenshot, serverAndBrowserPerFile, type RunningServer } from './harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const dataDir = mkdtempSync(path.join(tmpdir(), 'kairos-e2e-dashboard-'));

let server: RunningServer;
let browser: Browser;

// The demo runs before the server starts on the same DATA_DIR (the demo's own advice: stop the server first).
beforeAll(async () => {
  await promisify(execFile)(path.join(ROOT, 'node_modules/.bin/tsx'), ['server/cli.ts', 'demo', '--contacts', '120', '--days', '30', '--seed', '12'], {
    cwd: ROOT,
    env: { ...process.env, VITEST: '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    maxBuffer: 16 * 1024 * 1024,
  });
}, 180_000);
// A long executor interval: no tick moves a contact between reading a flow and reading its contacts.
serverAndBrowserPerFile((running) => ({ server, browser } = running), { DATA_DIR: dataDir, EXECUTOR_INTERVAL_SECONDS: '59' });
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function seriousViolations(page: Page, where: string): Promise<string[]> {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity));
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `[${where}] ${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary ?? v.help}`));
}

/** The figure a chart is named by. */
const figure = (page: Page, name: string) => page.getByRole('figure', { name });

/**
 * What phase_history says about one flow in the period the page's URL names: the phase changes (what the Sankey
 * counts) and the contacts who made them (what the Contacts page must list).
 */
function recorded(url: URL): { changes: number; contacts: string[] } {
  const [from, to] = url.searchParams.get('moved')!.split('>');
  const db = new Database(databaseFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare('SELECT contact_id AS id FROM phase_history WHERE from_phase = ? AND to_phase = ? AND at >= ? AND at < ?')
      .all(from, to, Date.parse(url.searchParams.get('from')!), Date.parse(url.searchParams.get('to')!)) as { id: string }[];
    return { changes: rows.length, contacts: [...new Set(rows.map((r) => `/contacts/${r.id}`))].sort() };
  } finally {
    db.close();
  }
}

/** Every contact the Contacts page lists, page by page. */
async function allListedContacts(page: Page): Promise<string[]> {
  const seen: string[] = [];
  for (;;) {
    const table = page.getByRole('table', { name: 'Contacts' });
    await table.locator('tbody tr').first().waitFor();
    await page.waitForFunction(() => document.querySelector('table[aria-label="Contacts"]')?.getAttribute('aria-busy') !== 'true');
    seen.push(...(await table.locator('tbody tr td:first-child a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''))));
    const next = page.getByRole('button', { name: 'Next' });
    if (await next.isDisabled()) return seen;
    const firstBefore = await table.locator('tbody tr td:first-child a').first().innerText();
    await next.click();
    await page.waitForFunction(
      (before) => document.querySelector('table[aria-label="Contacts"] tbody tr td:first-child a')?.textContent !== before,
      firstBefore,
    );
  }
}

test('after a demo the dashboard shows the lifecycle moving, and a flow leads to exactly its contacts', { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await createOwnerThroughSetup(page, server.url);

  // The matrix: each live journey's figures and the persona's contacts in the moment's phases, and a way to the dashboard.
  const matrix = page.getByRole('table', { name: 'Lifecycle matrix' });
  await matrix.getByText(/\d+ in journey now · (\d+(\.\d)?% converted|no entries yet)/).first().waitFor();
  expect(await matrix.getByText(/^[\d,]+ contacts? in /).count()).toBeGreaterThan(0);
  await screenshot(page, 'dashboard-00-matrix');
  await page.getByRole('link', { name: 'Lifecycle dashboard' }).click();
  await page.getByRole('heading', { name: 'Lifecycle dashboard', level: 1 }).waitFor();

  // Every chart is there, named, summed up, with non-zero figures.
  for (const name of ['Flows between phases', 'Contacts per phase now', 'Phase entries per week', 'Referrals per persona']) await figure(page, name).waitFor();
  await expect(figure(page, 'Contacts per phase now').getByText(/^[\d,]+ contacts now; the most in /).innerText()).resolves.toMatch(/^[1-9]/);
  await expect(figure(page, 'Flows between phases').getByText(/phase changes in the period; the largest/).innerText()).resolves.toMatch(/^[1-9]/);
  await expect(figure(page, 'Phase entries per week').getByText(/phase entries over/).innerText()).resolves.toMatch(/^[1-9]/);
  expect(await page.locator('path[data-flow]').count()).toBeGreaterThan(3);
  expect(await figure(page, 'Contacts per phase now').locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
  expect(await figure(page, 'Phase entries per week').locator('.recharts-area-area').count()).toBeGreaterThan(0);
  const journeys = page.getByRole('table', { name: 'Journeys per moment' });
  await journeys.getByRole('link', { name: /Opt-in/ }).first().waitFor();
  await page.getByRole('table', { name: 'Email performance per template' }).getByRole('link', { name: 'Welcome', exact: true }).waitFor();
  await page.mouse.move(0, 0);
  await screenshot(page, 'dashboard-01-overview');
  expect(await seriousViolations(page, 'dashboard'), 'serious or critical axe violations').toEqual([]);

  // The flows as a table: each with its count and a link to its contacts.
  const flows = figure(page, 'Flows between phases');
  await flows.getByRole('button', { name: 'Show data as table' }).click();
  const rows = flows.getByRole('table', { name: 'Flows between phases' }).locator('tbody tr');
  const counted = new Map<string, number>();
  for (const row of await rows.all()) {
    const [from, to, n] = await row.locator('td').allInnerTexts();
    counted.set(`${from}>${to}`, Number(n!.replace(/,/g, '')));
  }
  expect(counted.get('Subscriber>Engaged')).toBeGreaterThan(0);
  await screenshot(page, 'dashboard-02-flows-table');
  expect(await seriousViolations(page, 'dashboard, flows as a table'), 'serious or critical axe violations').toEqual([]);

  // By keyboard: focus a flow's link in the table and press Enter.
  const link = flows.getByRole('link', { name: 'See who moved from Subscriber to Engaged' });
  await link.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/contacts\?moved=subscriber%3Eengaged&from=/);
  const chip = page.getByText(/^Moved from Subscriber to Engaged between \d+ \w+ \d{4} and \d+ \w+ \d{4}$/);
  await chip.waitFor();
  const byKeyboard = await allListedContacts(page);
  const subscriberToEngaged = recorded(new URL(page.url()));
  expect(subscriberToEngaged.changes).toBe(counted.get('Subscriber>Engaged'));
  expect([...byKeyboard].sort()).toEqual(subscriberToEngaged.contacts);
  // Nobody becomes engaged from subscriber twice: here the rows are exactly as many as the flow counted.
  expect(byKeyboard).toHaveLength(counted.get('Subscriber>Engaged')!);

  // By mouse: back on the dashboard, click the Sankey's Customer → Lapsed flow (or the largest after Subscriber → Engaged).
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('heading', { name: 'Lifecycle dashboard', level: 1 }).waitFor();
  const [target] = [...counted.entries()].filter(([key]) => key !== 'Subscriber>Engaged' && !key.startsWith('New contact')).sort((a, b) => (a[0] === 'Customer>Lapsed' ? -1 : b[0] === 'Customer>Lapsed' ? 1 : b[1] - a[1]));
  const [fromLabel, toLabel] = target![0].split('>');
  const key = `${fromLabel!.toLowerCase()}>${toLabel!.toLowerCase()}`;
  await page.locator(`path[data-flow="${key}"]`).hover();
  await page.getByText(`${fromLabel} → ${toLabel}`).waitFor();
  await screenshot(page, 'dashboard-03-flow-tooltip');
  await page.locator(`path[data-flow="${key}"]`).click();
  await page.waitForURL((url) => url.pathname === '/contacts' && url.searchParams.get('moved') === key);
  await page.getByText(new RegExp(`^Moved from ${fromLabel} to ${toLabel} between`)).waitFor();
  const byMouse = await allListedContacts(page);
  // The Sankey counts phase changes; a contact who lapsed twice is one row, listed once.
  const clicked = recorded(new URL(page.url()));
  expect(clicked.changes).toBe(target![1]);
  expect([...byMouse].sort()).toEqual(clicked.contacts);
  await screenshot(page, 'dashboard-04-contacts-filtered');

  // The chip says it in words and can be removed: every contact is listed again.
  const filteredCount = await page.getByText(/ of [\d,]+ contacts?$/).innerText();
  await page.getByRole('button', { name: new RegExp(`^Remove filter: Moved from ${fromLabel} to ${toLabel}`) }).click();
  await page.waitForURL((url) => url.pathname === '/contacts' && !url.searchParams.has('moved'));
  await page.waitForFunction((before) => !document.body.innerText.includes(before), filteredCount);
  await expect(page.getByText(/ of [\d,]+ contacts?$/).innerText()).resolves.toMatch(/ of 1\d\d contacts$/);

  // One persona over custom dates: the figures narrow, the period is said in words, and the URL keeps both.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  const allChanges = Number((await flows.getByText(/phase changes in the period/).innerText()).split(' ')[0]!.replace(/,/g, ''));
  await page.getByRole('combobox', { name: 'Persona' }).click();
  await page.getByRole('option', { name: 'Researcher' }).click();
  await page.getByRole('radiogroup', { name: 'Period' }).getByText('Custom', { exact: true }).click();
  await page.getByLabel('From').fill('2026-11-01');
  await page.getByLabel('To (included)').fill('2026-11-30');
  await page.getByRole('button', { name: 'Apply dates' }).click();
  await page.waitForURL((url) => url.searchParams.get('persona') === 'researcher' && url.searchParams.get('from') === '2026-11-01' && url.searchParams.get('to') === '2026-11-30');
  await page.getByText('2026-11-01 to 2026-11-30 (UTC)').waitFor();
  await page.waitForFunction(() => document.querySelector('[aria-busy="true"]') === null);
  const researcherChanges = Number((await flows.getByText(/phase changes in the period/).innerText()).split(' ')[0]!.replace(/,/g, ''));
  expect(researcherChanges).toBeGreaterThan(0);
  expect(researcherChanges).toBeLessThan(allChanges);
  await page.mouse.move(0, 0);
  await screenshot(page, 'dashboard-05-persona-custom-period');
  await context.close();
});
