// A new workspace end to end: create the owner, sign in, read the lifecycle matrix, sign out.
import type { Browser } from 'playwright-core';
import { expect, test } from 'vitest';
import { screenshot, type RunningServer, serverAndBrowserPerFile } from './harness.ts';

let server: RunningServer;
let browser: Browser;

serverAndBrowserPerFile((running) => ({ server, browser } = running));

test('owner set-up, matrix, sign-out and the sign-in guard', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(8_000);

  // A fresh workspace asks for its owner first.
  await page.goto(server.url);
  await page.waitForURL('**/setup');
  await page.getByRole('heading', { name: 'Create the owner account' }).waitFor();
  await screenshot(page, 'foundation-01-setup');

  // Refused input is named, and nothing is created.
  await page.getByLabel('Your name').fill('Ana Owner');
  await page.getByRole('textbox', { name: 'Email' }).fill('not-an-email');
  await page.getByRole('textbox', { name: 'Password' }).fill('short');
  await page.getByRole('button', { name: 'Create account and sign in' }).click();
  await page.getByText('Email must be an email address').waitFor();
  await page.getByText('Password must be at least 8 characters').waitFor();

  await page.getByRole('textbox', { name: 'Email' }).fill('ana@example.com');
  await page.getByRole('textbox', { name: 'Password' }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account and sign in' }).click();

  // Signed in, the home page is the lifecycle matrix.
  await page.getByRole('heading', { name: 'Lifecycle', level: 1 }).waitFor();
  const matrix = page.getByRole('table', { name: 'Lifecycle matrix' });
  const rowHeaders = await matrix.getByRole('rowheader').allInnerTexts();
  expect(rowHeaders.map((t) => t.split('\n')[0])).toEqual([
    'Opt-in',
    'First communication',
    'First purchase',
    'Reactivation',
    'Advocacy',
  ]);
  expect(rowHeaders[0]).toContain('Win consent');
  const columnHeaders = (await matrix.getByRole('columnheader').allInnerTexts()).map((t) => t.trim());
  expect(columnHeaders).toEqual(['Moment', 'All personas', 'Bargain hunter', 'Researcher', 'Loyalist']);
  // Every cell is empty on a new workspace and offers to create its journey.
  await expect(matrix.getByRole('link', { name: /^Create journey/ }).count()).resolves.toBe(5 * 4);
  await screenshot(page, 'foundation-02-lifecycle');

  // Every section is reachable from the navigation.
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const section of ['Journeys', 'Templates', 'Contacts', 'Personas', 'Experiments', 'Inbox', 'Settings']) {
    await nav.getByRole('link', { name: section }).click();
    await page.getByRole('heading', { name: section, level: 1 }).waitFor();
  }
  // Settings lists the owner as admin.
  await page.getByRole('table', { name: 'Users' }).getByText('ana@example.com').waitFor();
  await expect(page.getByRole('table', { name: 'Users' }).getByLabel('Role of ana@example.com').inputValue()).resolves.toBe('Admin');
  await screenshot(page, 'foundation-03-settings');

  // Sign out, then a protected page sends us to sign-in, and back after signing in.
  await page.getByRole('button', { name: /^Account:/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL('**/sign-in');
  await page.goto(`${server.url}/personas`);
  await page.waitForURL('**/sign-in?next=%2Fpersonas');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await screenshot(page, 'foundation-04-sign-in');

  await page.getByRole('textbox', { name: 'Email' }).fill('ana@example.com');
  await page.getByRole('textbox', { name: 'Password' }).fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Wrong email or password.').waitFor();

  await page.getByRole('textbox', { name: 'Password' }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/personas');
  await page.getByRole('heading', { name: 'Bargain hunter' }).waitFor();
});
