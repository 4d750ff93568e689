// The Deliverability page end to end in Chromium: empty before anything is sent; then, after a month of mail from a
// sending domain and a few bounces and a complaint received by the real inbound SMTP listener (INBOUND_SMTP_PORT), it
// draws each domain's daily rates with the providers' limits as reference lines, says in a sentence which limit is
// crossed, lists the report that changed nothing, and the bounced contact's timeline says what happened; axe-core finds
// no serious or critical violation.
import { AxeBuilder } from '@axe-core/playwright';
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { databaseFile } from '../../server/db/client.ts';
import { timeOrderedId } from '../../server/ids.ts';
import { verpAddress } from '../../server/mail/inbound/verp.ts';
import { createOwnerThroughSetup, freePort, screenshot, serverAndBrowserPerFile, type RunningServer } from './harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const DAY = 86_400_000;
const FROM_DOMAIN = 'shop.example';
const BOUNCE_DOMAIN = 'bounces.shop.example';
const inboundPort = await freePort();

let server: RunningServer;
let browser: Browser;
serverAndBrowserPerFile((running) => ({ server, browser } = running), { INBOUND_SMTP_PORT: String(inboundPort), EXECUTOR_INTERVAL_SECONDS: '59' });

async function seriousViolations(page: Page, where: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `[${where}] ${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary ?? v.help}`));
}

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, `../integration/fixtures/inbound/${name}.eml`), 'latin1');

/** A sample report retold about one of our messages, as its VERP address and Message-ID name it. */
function sampleAbout(name: string, messageId: string, secret: string, recipient?: [string, string]): string {
  let source = fixture(name)
    .replace(/bounce\+m_[0-9a-z]{26}\.[0-9a-z]{16}@bounces\.example\.com/g, verpAddress(messageId, BOUNCE_DOMAIN, secret))
    .replace(/<m_[0-9a-z]{26}@/g, `<${messageId}@`);
  if (recipient) source = source.replaceAll(recipient[0], recipient[1]);
  return source;
}

interface Seeded {
  bounced: { id: string; messageId: string }[];
  complained: { id: string; messageId: string };
}

/**
 * What a month of sending leaves behind, written as the delivery loop writes it: the sending domain (checked, all
 * records in place), contacts, the emails sent to them today, and the daily domain counters of the last 30 days
 * (a bad last week: bounces and complaints above the limits).
 */
function seedMonth(now: number): Seeded {
  const db = new Database(databaseFile(server.dataDir), { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    const records = ['dkim', 'spf', 'dmarc'].map((purpose) => ({ purpose, name: FROM_DOMAIN, status: 'ok', found: 'v=…', message: 'Published as it should be.' }));
    db.prepare(`INSERT INTO sending_domains (id, domain, bounce_domain, keys, last_check, created_at) VALUES ('d_shop', ?, ?, '[]', ?, ?)`).run(
      FROM_DOMAIN,
      BOUNCE_DOMAIN,
      JSON.stringify({ at: now - 3_600_000, ok: true, records }),
      now - 40 * DAY,
    );
    const today = Math.floor(now / DAY);
    const count = db.prepare(`INSERT INTO daily_counts (metric, day, persona_key, key, n) VALUES (?, ?, '', ?, ?)`);
    for (let d = 29; d >= 0; d--) {
      count.run('domain_sent', today - d, FROM_DOMAIN, 150 + ((d * 37) % 60));
      count.run('domain_sent', today - d, 'shop.example.com', 20);
      const bounced = d <= 6 ? 4 + (d % 3) : d % 4 === 0 ? 1 : 0;
      if (bounced) count.run('domain_bounced', today - d, FROM_DOMAIN, bounced);
      if (d >= 1 && d <= 4) count.run('domain_complained', today - d, FROM_DOMAIN, 1);
    }
    const contact = db.prepare(`INSERT INTO contacts (id, email, subscription, consent_at, consent_source, phase) VALUES (?, ?, 'subscribed', ?, 'test', 'subscriber')`);
    const message = db.prepare(`INSERT INTO messages (id, contact_id, template_id, template_version, category, status, next_attempt_at, sent_at, message_id_header, subject, created_at)
      VALUES (?, ?, 'welcome', 1, 'marketing', 'sent', ?, ?, ?, 'Welcome to Kairos Shop', ?)`);
    const sent = (email: string) => {
      const id = timeOrderedId('c_', now);
      const messageId = timeOrderedId('m_', now);
      contact.run(id, email, now - 2 * DAY);
      message.run(messageId, id, now - DAY, now - DAY, `<${messageId}@${FROM_DOMAIN}>`, now - DAY);
      return { id, messageId };
    };
    return { bounced: ['ana.lopez@example.net', 'carl.b@example.net', 'dora.f@example.net'].map(sent), complained: sent('dana.k@yahoo.example') };
  } finally {
    db.close();
  }
}

async function deliver(raw: string, to: string, from = ''): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: inboundPort, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ envelope: { from, to: [to] }, raw });
  } finally {
    transport.close();
  }
}

test('the deliverability page shows each domain against the limits after bounces and a complaint arrive', { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await createOwnerThroughSetup(page, server.url);

  // Before anything is sent: an empty page that says what would fill it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deliverability' }).click();
  await page.getByRole('heading', { name: 'Deliverability', level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'No sending domain yet' }).waitFor();
  await page.getByText('None in the last 30 days: every bounce and complaint that arrived was tied to an email Kairos sent.').waitFor();
  await screenshot(page, 'deliverability-00-empty');
  expect(await seriousViolations(page, 'deliverability, empty'), 'serious or critical axe violations').toEqual([]);

  // A month of mail, then today's reports through the real inbound SMTP listener.
  const seeded = seedMonth(Date.now());
  const secret = readFileSync(path.join(server.dataDir, 'secret'), 'utf8').trim();
  const emails = ['ana.lopez@example.net', 'carl.b@example.net', 'dora.f@example.net'];
  for (const [i, b] of seeded.bounced.entries()) {
    await deliver(sampleAbout('postfix-hard-bounce', b.messageId, secret, ['ana.lopez@example.net', emails[i]!]), verpAddress(b.messageId, BOUNCE_DOMAIN, secret));
  }
  await deliver(sampleAbout('arf-abuse-complaint', seeded.complained.messageId, secret), `fbl@${BOUNCE_DOMAIN}`, 'feedback@arf.mail.yahoo.example');
  await deliver(fixture('out-of-office'), `bounce+anything@${BOUNCE_DOMAIN}`);
  // Outside the bounce domains the listener refuses the recipient.
  await expect(deliver(fixture('postfix-hard-bounce'), 'ana.lopez@example.net')).rejects.toMatchObject({ responseCode: 550 });

  await page.reload();
  const shop = page.getByRole('region', { name: FROM_DOMAIN });
  await shop.waitFor();
  await shop.getByText('Authenticated').waitFor();
  // Over both limits in the last 7 days, said in words.
  await shop.getByText(/^Bounces were [\d.]+% of sent mail over the last 7 days, at or above the 2% mailbox providers tolerate/).waitFor();
  await shop.getByText(/^Complaints were [\d.]+% of sent mail over the last 7 days, at or above the 0\.3% Gmail and Yahoo allow/).waitFor();
  const figures = shop.getByRole('table', { name: `Sent, bounces and complaints of ${FROM_DOMAIN}` });
  await expect(figures.getByRole('row', { name: /^Last 7 days/ }).innerText()).resolves.toMatch(/over the limit/);

  // The chart: two rate lines and the two limits as reference lines, labelled.
  const chart = shop.getByRole('figure', { name: `Daily bounce and complaint rates, ${FROM_DOMAIN}` });
  await chart.locator('.recharts-line').first().waitFor();
  expect(await chart.locator('.recharts-line').count()).toBe(2);
  expect(await chart.locator('.recharts-reference-line').count()).toBe(2);
  await chart.getByText('Bounce limit 2%').waitFor();
  await chart.getByText('Complaint limit 0.3%').waitFor();
  expect(await chart.locator('.recharts-line-curve').first().getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+/);
  await expect(chart.getByText(/^Over 30 days: [\d,]+ sent, bounce rate [\d.]+% \(limit 2%\)/).innerText()).resolves.toBeTruthy();

  // Mail from a domain no sending domain covers is counted too.
  await page.getByRole('region', { name: 'Other domains' }).getByText(/Mail From shop\.example\.com: no sending domain covers these/).waitFor();
  // The out-of-office reply changed nothing, and says why.
  const unapplied = page.getByRole('region', { name: 'Reports that changed nothing' });
  await unapplied.getByText(/^1 in the last 30 days/).waitFor();
  await unapplied.getByRole('cell', { name: 'an automatic reply (Auto-Submitted: auto-replied), not a report' }).waitFor();
  await page.mouse.move(0, 0);
  await screenshot(page, 'deliverability-01-domains');
  expect(await seriousViolations(page, 'deliverability'), 'serious or critical axe violations').toEqual([]);

  // The same figures as a table, on demand.
  await chart.getByRole('button', { name: 'Show data as table' }).click();
  await expect(chart.getByRole('table').locator('tbody tr').count()).resolves.toBe(30);
  await screenshot(page, 'deliverability-02-table');

  // The bounced contact's timeline says what happened in words.
  await page.goto(`${server.url}/contacts/${seeded.bounced[0]!.id}`);
  const timeline = page.getByLabel('Events');
  await timeline.getByText('An email bounced: this address does not take mail').waitFor();
  await timeline.getByText('“Welcome” · the mailbox does not exist (5.1.1) · address suppressed, nothing more is sent to it').waitFor();
  await page.goto(`${server.url}/contacts/${seeded.complained.id}`);
  await page.getByLabel('Events').getByText('Marked an email as spam').waitFor();
  await screenshot(page, 'deliverability-03-contact-complaint');
  await context.close();
});

test('a marketer does not see the page in the navigation, and opening it says who may', { timeout: 60_000 }, async () => {
  await promisify(execFile)(path.join(ROOT, 'node_modules/.bin/tsx'), ['server/cli.ts', 'users', 'create', '--email', 'mia@example.com', '--password', 'correct horse battery', '--role', 'marketer', '--name', 'Mia Marketer'], {
    cwd: ROOT,
    env: { ...process.env, VITEST: '', DATA_DIR: server.dataDir, LOG_LEVEL: 'warn' },
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.url}/sign-in`);
  await page.getByRole('textbox', { name: 'Email' }).fill('mia@example.com');
  await page.getByRole('textbox', { name: 'Password' }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Inbox' }).waitFor();
  expect(await nav.getByRole('link', { name: 'Deliverability' }).count()).toBe(0);
  await page.goto(`${server.url}/deliverability`);
  await page.getByText('This needs the admin or manager role; you are signed in as marketer.').waitFor();
  await context.close();
});
