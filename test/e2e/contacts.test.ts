// Contacts end to end in Chromium: a write key from Settings feeds the event API, a CSV is imported through the UI
// (with a refused row), the list is filtered and searched, a contact's timeline is read, and persona rules are edited
// with their live count; her referral link brings a friend in.
import { AxeBuilder } from '@axe-core/playwright';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { databaseFile } from '../../server/db/client.ts';
import { createLinks } from '../../server/mail/links.ts';
import { createTokens } from '../../server/mail/tokens.ts';
import { screenshot, type RunningServer, createOwnerThroughSetup, serverAndBrowserPerFile } from './harness.ts';

let server: RunningServer;
let browser: Browser;

serverAndBrowserPerFile((running) => ({ server, browser } = running));

async function createOwner(page: Page) {
  await createOwnerThroughSetup(page, server.url);
}

async function sendEvents(writeKey: string) {
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const batch = [
    { type: 'identify', userId: 'shop-1', traits: { email: 'lea@example.com', firstName: 'Léa', lastName: 'Moreau', plan: 'b2b' }, timestamp: '2025-05-01T09:00:00Z' },
    { type: 'page', userId: 'shop-1', name: 'Pricing', timestamp: '2025-05-01T09:01:00Z' },
    { type: 'track', userId: 'shop-1', event: 'order_completed', properties: { order_id: 'A-1001', total: 129 }, timestamp: '2025-05-02T10:00:00Z' },
    { type: 'track', userId: 'shop-1', event: 'order_completed', properties: { order_id: 'A-1002', total: 49 }, timestamp: '2025-05-20T10:00:00Z' },
    { type: 'identify', userId: 'shop-1', traits: { consent: 'subscribed' }, timestamp: '2025-05-20T10:05:00Z' },
  ];
  const res = await fetch(`${server.url}/v1/batch`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
  expect(res.status).toBe(200);
}

/** The confirmation link the server emailed to an address, made from the secret it generated into DATA_DIR. */
function confirmationLink(email: string): string {
  const db = new Database(databaseFile(server.dataDir), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare(`SELECT c.id, m.data FROM contacts c JOIN messages m ON m.contact_id = c.id WHERE c.email = ? AND m.template_id = 'confirmation'`).get(email) as { id: string; data: string };
    const secret = readFileSync(path.join(server.dataDir, 'secret'), 'utf8').trim();
    return createLinks(server.url, createTokens(secret)).confirmUrl(row.id, (JSON.parse(row.data) as { issuedAt: number }).issuedAt);
  } finally {
    db.close();
  }
}

async function referralRoundTrip(page: Page) {
  const referrals = page.getByRole('region', { name: 'Referrals' });
  await referrals.getByText('No one yet').waitFor();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await referrals.getByRole('button', { name: 'Copy referral link' }).click();
  await page.getByText('Copied').waitFor();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(new RegExp(`^${server.url}/subscribe\\?ref=c_[0-9a-z]+\\.[A-Za-z0-9_-]{12}$`));
  await expect(referrals.getByRole('group', { name: 'Referral link' }).textContent()).resolves.toBe(link);

  // The friend in a browser of their own.
  const friend = await browser.newPage();
  await friend.goto(link);
  await friend.getByLabel('Email address').fill('max@example.com');
  await friend.getByLabel('First name').fill('Max');
  await friend.getByRole('button', { name: 'Subscribe' }).click();
  await friend.getByRole('heading', { name: 'Check your inbox' }).waitFor();
  await expect.poll(() => { try { return confirmationLink('max@example.com'); } catch { return null; } }, { timeout: 10_000 }).not.toBeNull();
  await friend.goto(confirmationLink('max@example.com'));
  await friend.getByRole('heading', { name: 'You are subscribed' }).waitFor();
  await friend.close();

  await page.reload();
  const referred = page.getByRole('table', { name: 'Referred contacts' });
  await referred.getByRole('link', { name: 'Max' }).waitFor();
  await referred.getByText('Subscribed').waitFor();
  await page.getByLabel('Phase history').getByText('Loyal → Advocate').waitFor();
  await page.getByLabel('Events').getByText('Referred max@example.com').waitFor();
  await page.getByRole('region', { name: 'Referrals' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'contacts-07b-referrals');
  const axe = await new AxeBuilder({ page }).include('[aria-labelledby="referrals-title"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).setLegacyMode(true).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  await referred.getByRole('link', { name: 'Max' }).click();
  await page.getByRole('heading', { name: 'Max', level: 1 }).waitFor();
  await page.getByRole('region', { name: 'Referrals' }).getByRole('link', { name: 'Léa Moreau' }).waitFor();
  await screenshot(page, 'contacts-07c-referred-by');
  await page.getByRole('region', { name: 'Referrals' }).getByRole('link', { name: 'Léa Moreau' }).click();
  await page.getByRole('heading', { name: 'Léa Moreau', level: 1 }).waitFor();
}

/**
 * The import's journey option: off by default; on, the dialog counts who would enter which live journey before the
 * import is confirmed. The journey (entered on becoming a subscriber, then straight out: no email, no phase) is live
 * for this step only; the file is then imported quiet.
 */
async function journeyOptionOfTheImport(page: Page) {
  const trpc = async (procedure: string, input: unknown) => {
    const res = await page.request.post(`${server.url}/trpc/${procedure}`, { data: input });
    expect(res.status(), await res.text()).toBe(200);
    return ((await res.json()) as { result: { data: { id: string } } }).result.data;
  };
  const graph = {
    nodes: [
      { id: 'trigger', kind: 'trigger', config: { on: 'phase_entered', phase: 'subscriber' } },
      { id: 'x', kind: 'exit', config: {} },
    ],
    edges: [{ from: 'trigger', output: 'next', to: 'x' }],
    settings: { reentry: 'once', goal: null, exitEvents: [] },
  };
  const { id } = await trpc('journeys.importFile', { file: { kairos: 'journey', format: 1, name: 'New subscribers', moment: 'opt_in', persona: null, graph }, publish: true });
  const option = page.getByRole('checkbox', { name: 'Let the imported contacts enter live journeys' });
  expect(await option.isChecked()).toBe(false);
  await option.check();
  await page.getByTestId('journey-preview').getByText('40 contacts would enter live journeys: New subscribers (all) 40.').waitFor();
  await page.getByRole('button', { name: 'Import and start journeys' }).waitFor();
  await page.getByTestId('journey-preview').scrollIntoViewIfNeeded();
  await screenshot(page, 'contacts-03b-import-journeys');
  await option.uncheck();
  await trpc('journeys.archive', { id });
}

test('write key, CSV import, filters, a contact’s timeline and persona rules', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(10_000);
  await createOwner(page);

  // An empty workspace says how contacts arrive.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
  await page.getByRole('heading', { name: 'No contacts yet' }).waitFor();
  await screenshot(page, 'contacts-01-empty');

  // Settings → API keys: make a key; it is shown once.
  await page.getByRole('link', { name: 'Get an API key' }).click();
  await page.getByRole('button', { name: 'Make key' }).click();
  await page.getByLabel('Name').fill('Shop backend');
  await page.getByRole('dialog').getByRole('button', { name: 'Make key' }).click();
  const key = (await page.getByLabel('Write key', { exact: true }).innerText()).trim();
  expect(key).toMatch(/^kw_/);
  await screenshot(page, 'contacts-02-new-key');
  await page.getByRole('button', { name: 'I have copied it' }).click();
  await page.getByRole('table', { name: 'API keys' }).getByText('Shop backend').waitFor();
  await sendEvents(key);

  // Import a CSV with one bad row, valid rows only.
  const dir = mkdtempSync(path.join(tmpdir(), 'kairos-e2e-csv-'));
  const file = path.join(dir, 'newsletter.csv');
  const rows = ['Email,First name,Last name,Plan,Newsletter'];
  for (let i = 1; i <= 60; i++) rows.push(`reader${i}@example.com,Reader,Number ${i},${i % 2 ? 'b2c' : 'b2b'},${i % 3 ? 'yes' : ''}`);
  rows.push('not-an-email,Bad,Row,b2c,yes');
  writeFileSync(file, `${rows.join('\n')}\n`);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
  await page.getByRole('table', { name: 'Contacts' }).getByText('Léa Moreau').waitFor();
  await page.getByRole('button', { name: 'Import CSV' }).click();
  await page.getByRole('dialog').locator('input[type="file"]').setInputFiles(file);
  await page.getByRole('button', { name: 'Upload and map columns' }).click();
  await page.getByRole('table', { name: 'Column mapping' }).waitFor();
  await expect(page.getByRole('combobox', { name: 'Import column Newsletter as' }).inputValue()).resolves.toBe('Consent (yes / no)');
  await page.getByLabel('Import the valid rows and list the others').check();
  await screenshot(page, 'contacts-03-mapping');
  await journeyOptionOfTheImport(page);
  await page.getByRole('button', { name: 'Import contacts' }).click();
  await page.getByText('Import finished').waitFor();
  await page.getByText('Imported 60 contacts: 60 new, 0 updated; 1 rows skipped.').waitFor();
  await page.getByText('No journey starts for them: this was a quiet import.').waitFor();
  const problems = page.getByRole('table', { name: 'Rows with problems' });
  await expect(problems.getByRole('row').nth(1).innerText()).resolves.toMatch(/62\s+Email\s+"not-an-email" is not an email address/);
  await screenshot(page, 'contacts-04-import-result');
  await page.getByRole('button', { name: 'Done' }).click();

  // 61 contacts, 50 to a page.
  await page.getByText('1–50 of 61 contacts').waitFor();
  await screenshot(page, 'contacts-05-list');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('51–61 of 61 contacts').waitFor();

  // Filters: subscribed readers are the 40 with "yes", plus Léa.
  await page.getByRole('combobox', { name: 'Subscription' }).click();
  await page.getByRole('option', { name: 'Subscribed', exact: true }).click();
  await page.getByText('1–41 of 41 contacts').waitFor();
  await page.getByRole('combobox', { name: 'Phase' }).click();
  await page.getByRole('option', { name: 'Loyal', exact: true }).click();
  await page.getByText('1–1 of 1 contact').waitFor();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByRole('textbox', { name: 'Search' }).fill('moreau');
  await page.getByText('1–1 of 1 contact').waitFor();
  await page.getByRole('textbox', { name: 'Search' }).fill('number 7');
  await page.getByText('1–1 of 1 contact').waitFor();
  await page.getByRole('textbox', { name: 'Search' }).fill('lea@');
  await page.getByText('1–1 of 1 contact').waitFor();
  await screenshot(page, 'contacts-06-search');

  // The contact: profile, traits, phase history, timeline.
  await page.getByRole('link', { name: 'Léa Moreau' }).click();
  await page.getByRole('heading', { name: 'Léa Moreau', level: 1 }).waitFor();
  const timeline = page.getByLabel('Events');
  await timeline.getByText('order_completed').first().waitFor();
  await timeline.getByText('Subscription confirmed').waitFor();
  await timeline.getByText('Viewed page Pricing').waitFor();
  await timeline.getByText('order_id: A-1002 · total: 49').waitFor();
  const history = page.getByLabel('Phase history');
  await history.getByText('Customer → Loyal').waitFor();
  await page.getByRole('table', { name: 'Traits' }).getByText('b2b').waitFor();
  await screenshot(page, 'contacts-07-detail');

  // Her referral link, copied from the page, brings a friend in; once he confirms, each page shows the other.
  await referralRoundTrip(page);

  // Persona rules with a live count, applied to the contacts on save.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Personas' }).click();
  await page.getByRole('button', { name: 'New persona' }).click();
  const drawer = page.getByRole('dialog');
  await drawer.getByRole('textbox', { name: 'Name' }).fill('B2B buyer');
  await drawer.getByRole('textbox', { name: 'Trait' }).fill('plan');
  await drawer.getByRole('textbox', { name: 'Value' }).fill('b2b');
  await drawer.getByText('These rules match 31 contacts now.').waitFor();
  await screenshot(page, 'contacts-08-persona-rules');
  await drawer.getByRole('button', { name: 'Create persona' }).click();
  await page.getByRole('region', { name: 'B2B buyer' }).getByText('31 contacts').waitFor();
  await screenshot(page, 'contacts-09-personas');

  // Settings → Lifecycle shows the rules.
  await page.goto(`${server.url}/settings?tab=lifecycle`);
  await page.getByLabel('Inactivity window (days)').waitFor();
  await expect(page.getByLabel('Inactivity window (days)').inputValue()).resolves.toBe('90');
  await screenshot(page, 'contacts-10-lifecycle-settings');
}, 120_000);
