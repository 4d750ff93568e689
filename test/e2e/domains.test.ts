// Sending domains end to end in Chromium against the real server, whose DNS_SERVERS points at a port nothing answers on:
// an admin adds the domain of the default sender in Settings → Sending, sees and copies its records, is refused a bad
// and a duplicate domain under the field, checks DNS and reads that DNS could not be reached, test-sends a template
// and finds it in the Inbox with its DKIM signatures among the headers, and removes the domain after confirming.
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { createOwnerThroughSetup, freePort, screenshot, serverAndBrowserPerFile, type RunningServer } from './harness.ts';

let server: RunningServer;
let browser: Browser;

// A loopback port nothing listens on: every lookup is refused, as on a machine without a network.
serverAndBrowserPerFile((running) => ({ server, browser } = running), { DNS_SERVERS: `127.0.0.1:${await freePort()}` });

const nav = (page: Page, label: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true });

async function openSending(page: Page): Promise<void> {
  await nav(page, 'Settings').click();
  await page.getByRole('tab', { name: 'Sending' }).click();
  await page.getByRole('heading', { name: 'Sending domains' }).waitFor();
}

/** A full-page screenshot from the top: scrolled, the fixed header would be drawn across the middle. */
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

/** Critical and serious axe findings (WCAG 2.x A and AA) inside the sending domains section. */
async function axeFindings(page: Page): Promise<string[]> {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity));
  const { violations } = await new AxeBuilder({ page }).include('section[aria-labelledby="sending-domains-title"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

test('add a sending domain, copy its records, check DNS offline, send a signed test email, remove the domain', { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await createOwnerThroughSetup(page, server.url, { name: 'Ada Admin', email: 'ada@example.com' });

  await openSending(page);
  const section = page.getByRole('region', { name: 'Sending domains' });
  await section.getByText('No sending domain yet').waitFor();
  await shot(page, 'domains-01-empty');

  // A bad domain is refused under the field, in the server's words.
  const domainField = section.getByRole('textbox', { name: 'Domain', exact: true });
  await domainField.fill('shop example');
  await section.getByRole('button', { name: 'Add domain' }).click();
  await section.getByText('Domain "shop example" is not a domain name: it contains a space').waitFor();
  await expect(domainField.getAttribute('aria-invalid')).resolves.toBe('true');
  await shot(page, 'domains-02-bad-domain');

  // The domain of the default sender (hello@shop.example.com): its card lists the four records, none checked yet.
  await domainField.fill('Shop.Example.com');
  await section.getByRole('button', { name: 'Add domain' }).click();
  const card = section.getByRole('region', { name: 'shop.example.com' });
  await card.getByText('Not checked yet').waitFor();
  await expect(domainField.inputValue()).resolves.toBe('');
  const records = card.getByRole('table', { name: 'DNS records for shop.example.com' });
  const rows = records.getByRole('row');
  await expect.poll(() => rows.count()).toBe(5);
  await expect(records.getByRole('row').nth(1).innerText()).resolves.toMatch(/^DKIM \(RSA\)\s+TXT\s+kairos1\._domainkey\.shop\.example\.com\s+v=DKIM1; k=rsa; p=MII/);
  await expect(records.getByRole('row').nth(2).innerText()).resolves.toMatch(/^DKIM \(Ed25519\)\s+TXT\s+kairos-ed1\._domainkey\.shop\.example\.com\s+v=DKIM1; k=ed25519; p=/);
  await records.getByText('_dmarc.shop.example.com', { exact: true }).waitFor();
  await expect(page.content()).resolves.not.toMatch(/PRIVATE KEY/);
  await shot(page, 'domains-03-records');

  // Copy buttons put the whole value on the clipboard.
  await records.getByRole('button', { name: 'Copy the value of the DKIM (Ed25519) record' }).click();
  await page.getByText('Copied', { exact: true }).waitFor();
  await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toMatch(/^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/);

  // The same domain again is refused under the field.
  await domainField.fill('shop.example.com');
  await section.getByRole('button', { name: 'Add domain' }).click();
  await section.getByText('Domain shop.example.com is already a sending domain — its records are listed below.').waitFor();

  // Check DNS, from the keyboard: DNS cannot be reached, and each record says so.
  await card.getByRole('button', { name: 'Check DNS' }).focus();
  await page.keyboard.press('Enter');
  await card.getByText('DNS not reached').waitFor();
  await card.getByRole('status').getByText(/^Could not reach DNS \(.+\) — check the server's network and try again\./).waitFor();
  await expect(records.getByText(/^Last check: Could not reach DNS/).count()).resolves.toBe(4);
  await expect(records.getByText('unreachable', { exact: true }).count()).resolves.toBe(4);
  await shot(page, 'domains-04-checked-offline');
  expect(await axeFindings(page)).toEqual([]);

  // A test send of the welcome template, from the default sender on that domain, arrives signed.
  await nav(page, 'Templates').click();
  await page.getByRole('heading', { name: 'Templates', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Welcome', exact: true }).click();
  await page.getByRole('heading', { name: 'Welcome', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Test send' }).click();
  const dialog = page.getByRole('dialog', { name: 'Send a test email' });
  await dialog.getByLabel('Send to').fill('qa@agency.example');
  await dialog.getByRole('button', { name: 'Send test' }).click();
  await page.getByText('Test email sent').waitFor();

  await nav(page, 'Inbox').click();
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
  await page.getByRole('navigation', { name: 'Recipients' }).getByText('qa@agency.example').click();
  await page.getByRole('list', { name: 'Emails' }).getByText(/^\[Test\] Welcome to Kairos Shop/).click();
  await page.getByRole('tab', { name: 'Headers' }).click();
  const headers = page.getByRole('table', { name: 'Headers' });
  await headers.getByText('DKIM-Signature', { exact: true }).first().waitFor();
  const signatures = await headers.getByRole('row').filter({ hasText: 'DKIM-Signature' }).allInnerTexts();
  expect(signatures.map((row) => /\bs=([a-z0-9-]+)/.exec(row)?.[1]).sort()).toEqual(['kairos-ed1', 'kairos1']);
  expect(signatures.every((row) => /\bd=shop\.example\.com\b/.test(row))).toBe(true);
  await shot(page, 'domains-05-inbox-signed');

  // Remove, after confirming: the empty state is back.
  await openSending(page);
  await card.getByRole('button', { name: 'Remove shop.example.com' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove shop.example.com?' });
  await confirm.getByText('goes out without a DKIM signature from now on').waitFor();
  await shot(page, 'domains-06-remove-confirm');
  await confirm.getByRole('button', { name: 'Remove domain' }).click();
  await section.getByText('No sending domain yet').waitFor();
  await expect(card.count()).resolves.toBe(0);

  await context.close();
});
