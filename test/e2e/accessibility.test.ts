// Accessibility end to end: axe-core (WCAG 2.0/2.1 A and AA rules) on every page and state a user reaches — each
// section of the navigation empty and with data, the journey editor with a step selected and with the simulator open,
// the template editor with its preview, the dialogs (publish, CSV import and its mapping), the contact page, sign-in and
// set-up, the public subscribe, confirm, preferences and unsubscribe pages — and on the HTML of every starter email.
// Any critical or serious violation fails the test, named with its rule, its element and the page it was found on.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { createTokens } from '../../server/mail/tokens.ts';
import { screenshot, type RunningServer, createOwnerThroughSetup, serverAndBrowserPerFile } from './harness.ts';

const SECRET = 'accessibility-e2e-secret-of-at-least-32-characters';
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let server: RunningServer;
let browser: Browser;

serverAndBrowserPerFile((running) => ({ server, browser } = running), { SECRET });

interface Finding {
  where: string;
  rule: string;
  impact: string;
  target: string;
  detail: string;
}

/** Waits until no finite animation or transition runs (a modal fading in has not its final colours yet). */
async function settled(page: Page): Promise<void> {
  // Two frames first: a transition that was just asked for (a dialog opening) is not running yet until a frame has
  // been drawn, and an empty list of animations would let axe read the dialog half faded in.
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  );
}

/** Runs axe on the page as it is now; returns its critical and serious violations, one per element. */
async function audit(page: Page, where: string): Promise<Finding[]> {
  await settled(page);
  // Violations only (passes are not collected), run in each frame without the extra page the default mode opens.
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).options({ resultTypes: ['violations'] }).setLegacyMode(true).analyze();
  const found: Finding[] = [];
  for (const v of violations) {
    if (v.impact !== 'critical' && v.impact !== 'serious') continue;
    for (const n of v.nodes) {
      const detail = [...n.any, ...n.all, ...n.none].map((c) => c.message).filter(Boolean)[0] ?? v.help;
      found.push({ where, rule: v.id, impact: v.impact, target: n.target.map(String).join(' '), detail });
    }
  }
  for (const f of found) console.log(`[${f.where}] ${f.rule} (${f.impact}): ${f.target} — ${f.detail}`);
  return found;
}

function report(findings: Finding[]): string {
  return findings.map((f) => `[${f.where}] ${f.rule}: ${f.target} — ${f.detail}`).join('\n');
}

async function expectNone(findings: Finding[]): Promise<void> {
  expect(report(findings), `${findings.length} serious or critical violations`).toBe('');
}

const nav = (page: Page, label: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true });

async function openSection(page: Page, label: string, heading = label): Promise<void> {
  await nav(page, label).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${server.url}/sign-in`);
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Lifecycle', level: 1 }).waitFor();
}

async function sendEvents(writeKey: string): Promise<void> {
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

const OWNER = { name: 'Ana Owner', email: 'ana@example.com' };

test('no serious or critical violation on any page of the app, empty and with data, nor in its dialogs', { timeout: 300_000 }, async () => {
  const findings: Finding[] = [];
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);

  // Set-up of a new workspace, then the app while it is still empty.
  await page.goto(server.url);
  await page.waitForURL('**/setup');
  await page.getByLabel('Your name').waitFor();
  findings.push(...(await audit(page, 'set-up')));
  await createOwnerThroughSetup(page, server.url, OWNER);
  await page.getByRole('link', { name: 'Create journey: Opt-in, All personas' }).waitFor();
  findings.push(...(await audit(page, 'lifecycle matrix, empty')));
  await openSection(page, 'Dashboard', 'Lifecycle dashboard');
  await page.getByRole('region', { name: 'Journeys per moment' }).waitFor();
  findings.push(...(await audit(page, 'dashboard, empty')));

  await openSection(page, 'Journeys');
  await page.getByRole('heading', { level: 2 }).first().waitFor();
  findings.push(...(await audit(page, 'journeys, empty')));
  await page.goto(`${server.url}/journeys/new?moment=opt_in&persona=all`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.getByRole('button').last().waitFor();
  findings.push(...(await audit(page, 'new journey')));

  await openSection(page, 'Templates');
  await page.getByRole('table', { name: 'Opt-in templates' }).waitFor();
  findings.push(...(await audit(page, 'templates')));
  await openSection(page, 'Contacts');
  await page.getByRole('heading', { name: 'No contacts yet' }).waitFor();
  findings.push(...(await audit(page, 'contacts, empty')));
  await openSection(page, 'Personas');
  await page.getByRole('button', { name: 'New persona' }).waitFor();
  findings.push(...(await audit(page, 'personas')));
  await openSection(page, 'Experiments');
  await page.getByRole('heading', { name: 'No experiments yet', level: 2 }).waitFor();
  findings.push(...(await audit(page, 'experiments, empty')));
  await openSection(page, 'Inbox');
  await page.getByRole('navigation', { name: 'Recipients' }).waitFor().catch(() => undefined);
  findings.push(...(await audit(page, 'inbox, empty')));

  // Settings, each tab; a new API key, whose dialog shows it once, feeds the event API below.
  await openSection(page, 'Settings');
  await page.getByRole('table').first().waitFor();
  findings.push(...(await audit(page, 'settings: users')));
  await page.getByRole('tab', { name: 'API keys' }).click();
  await page.getByRole('button', { name: 'Make key' }).waitFor();
  findings.push(...(await audit(page, 'settings: API keys, empty')));
  await page.getByRole('button', { name: 'Make key' }).click();
  await page.getByRole('dialog').getByLabel('Name').fill('Shop backend');
  findings.push(...(await audit(page, 'settings: new API key dialog')));
  await page.getByRole('dialog').getByRole('button', { name: 'Make key' }).click();
  const key = (await page.getByLabel('Write key', { exact: true }).innerText()).trim();
  findings.push(...(await audit(page, 'settings: API key shown once')));
  await page.getByRole('button', { name: 'I have copied it' }).click();
  await page.getByRole('table', { name: 'API keys' }).getByText('Shop backend').waitFor();
  findings.push(...(await audit(page, 'settings: API keys')));
  await page.getByRole('tab', { name: 'Lifecycle' }).click();
  await page.getByLabel('Inactivity window (days)').waitFor();
  findings.push(...(await audit(page, 'settings: lifecycle')));
  await page.getByRole('tab', { name: 'Sending' }).click();
  await page.getByRole('table', { name: 'Senders' }).waitFor();
  findings.push(...(await audit(page, 'settings: sending')));
  await sendEvents(key);

  // Contacts: the CSV import dialog, its column mapping and its result.
  const dir = mkdtempSync(path.join(tmpdir(), 'kairos-e2e-a11y-'));
  const file = path.join(dir, 'newsletter.csv');
  const rows = ['Email,First name,Last name,Plan,Newsletter'];
  for (let i = 1; i <= 12; i++) rows.push(`reader${i}@example.com,Reader,Number ${i},${i % 2 ? 'b2c' : 'b2b'},${i % 3 ? 'yes' : ''}`);
  rows.push('not-an-email,Bad,Row,b2c,yes');
  writeFileSync(file, `${rows.join('\n')}\n`);
  await openSection(page, 'Contacts');
  await page.getByRole('table', { name: 'Contacts' }).getByText('Léa Moreau').waitFor();
  await page.getByRole('button', { name: 'Import CSV' }).click();
  await page.getByRole('dialog').locator('input[type="file"]').waitFor({ state: 'attached' });
  findings.push(...(await audit(page, 'contacts: import dialog')));
  await page.getByRole('dialog').locator('input[type="file"]').setInputFiles(file);
  await page.getByRole('button', { name: 'Upload and map columns' }).click();
  await page.getByRole('table', { name: 'Column mapping' }).waitFor();
  findings.push(...(await audit(page, 'contacts: CSV column mapping')));
  await page.getByLabel('Import the valid rows and list the others').check();
  await page.getByRole('button', { name: 'Import contacts' }).click();
  await page.getByRole('table', { name: 'Rows with problems' }).waitFor();
  findings.push(...(await audit(page, 'contacts: import result')));
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByText('1–13 of 13 contacts').waitFor();
  findings.push(...(await audit(page, 'contacts, with data')));
  await page.getByRole('combobox', { name: 'Phase' }).click();
  await page.getByRole('option', { name: 'Loyal', exact: true }).waitFor();
  findings.push(...(await audit(page, 'contacts: filter open')));
  await page.keyboard.press('Escape');

  // The contact page.
  await page.getByRole('link', { name: 'Léa Moreau' }).click();
  await page.getByRole('heading', { name: 'Léa Moreau', level: 1 }).waitFor();
  await page.getByLabel('Events').getByText('order_completed').first().waitFor();
  findings.push(...(await audit(page, 'contact page')));

  // Personas: the rules drawer, then the page with a persona of the team's own.
  await openSection(page, 'Personas');
  await page.getByRole('button', { name: 'New persona' }).click();
  const drawer = page.getByRole('dialog');
  await drawer.getByRole('textbox', { name: 'Name' }).fill('B2B buyer');
  await drawer.getByRole('textbox', { name: 'Trait' }).fill('plan');
  await drawer.getByRole('textbox', { name: 'Value' }).fill('b2b');
  await drawer.getByText(/These rules match \d+ contacts? now\./).waitFor();
  findings.push(...(await audit(page, 'personas: rules drawer')));
  await drawer.getByRole('button', { name: 'Create persona' }).click();
  await page.getByRole('region', { name: 'B2B buyer' }).waitFor();
  await drawer.waitFor({ state: 'detached' });
  findings.push(...(await audit(page, 'personas, with data')));

  // The journey editor: a starter journey, a step selected, the simulator open with a run, publish and its dialogs.
  await openSection(page, 'Lifecycle');
  await page.getByRole('link', { name: 'Create journey: Opt-in, All personas' }).click();
  await page.waitForURL(/\/journeys\/[0-9a-f-]{36}$/);
  await page.getByTestId('node-welcome').waitFor();
  await page.getByRole('region', { name: 'Problems' }).getByText('No problems: this journey can be published.').waitFor();
  findings.push(...(await audit(page, 'journey editor')));
  await page.getByTestId('node-welcome').click();
  await page.getByRole('region', { name: 'Step settings' }).getByRole('heading', { name: 'Email' }).waitFor();
  findings.push(...(await audit(page, 'journey editor: step selected')));
  await screenshot(page, 'a11y-editor-selected');
  // The outline beside the canvas, and the list of keyboard shortcuts.
  await page.getByRole('button', { name: 'Outline', exact: true }).click();
  await page.locator('[data-journey-outline]').waitFor();
  findings.push(...(await audit(page, 'journey editor: outline')));
  await page.getByRole('button', { name: 'Outline', exact: true }).click();
  await page.locator('[data-journey-outline]').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  findings.push(...(await audit(page, 'journey editor: keyboard shortcuts')));
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'detached' });

  await page.getByRole('button', { name: 'Simulate' }).click();
  const simulator = page.getByRole('dialog', { name: /Simulate a contact/ });
  await simulator.getByRole('textbox', { name: 'Email' }).fill('ana.sim@example.com');
  findings.push(...(await audit(page, 'journey editor: simulator set-up')));
  await simulator.getByRole('button', { name: 'Run simulation' }).click();
  await simulator.getByRole('list', { name: 'Simulated path' }).getByRole('listitem').first().waitFor();
  findings.push(...(await audit(page, 'journey editor: simulated path')));
  await screenshot(page, 'a11y-editor-simulator');
  await page.keyboard.press('Escape');
  await simulator.waitFor({ state: 'detached' });

  await page.getByText('Saved', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  const firstPublish = page.getByRole('dialog', { name: 'Publish this journey' });
  await firstPublish.getByText('What happens when you publish').waitFor();
  findings.push(...(await audit(page, 'journey editor: publish, what happens')));
  await firstPublish.getByRole('button', { name: 'Publish and go live' }).click();
  await page.getByText('Version 1 published').waitFor();
  findings.push(...(await audit(page, 'journey editor: live')));
  // Publishing again asks where contacts in flight go; a step on its own cannot be published, and the refusal lists why.
  await page.locator('[data-journey-canvas] .react-flow__pane').click({ position: { x: 40, y: 120 } });
  await page.getByRole('button', { name: 'Add Wait', exact: true }).click();
  await page.getByRole('region', { name: 'Problems' }).getByRole('button', { name: /No path from the trigger reaches/ }).waitFor();
  await page.getByText('Saved', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Publish changes' }).click();
  const migration = page.getByRole('dialog', { name: 'Publish version 2' });
  await migration.getByText('What happens when you publish').waitFor();
  findings.push(...(await audit(page, 'journey editor: publish with contacts in flight')));
  await migration.getByRole('button', { name: 'Publish version 2' }).click();
  await page.getByRole('dialog', { name: 'This journey cannot be published yet' }).waitFor();
  findings.push(...(await audit(page, 'journey editor: publish refused')));
  await page.getByRole('button', { name: 'Fix the problems' }).click();
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.getByRole('region', { name: 'Problems' }).getByText('No problems: this journey can be published.').waitFor();
  await page.getByRole('button', { name: 'More journey actions' }).click();
  await page.getByRole('menuitem', { name: 'Version history' }).click();
  await page.getByRole('list', { name: 'Published versions' }).waitFor();
  findings.push(...(await audit(page, 'journey editor: version history')));
  await page.keyboard.press('Escape');

  // With data: the matrix and the journeys list.
  await openSection(page, 'Lifecycle');
  await page.getByRole('link', { name: 'Opt-in · All personas' }).first().waitFor();
  findings.push(...(await audit(page, 'lifecycle matrix, with data')));
  await screenshot(page, 'a11y-lifecycle');
  await openSection(page, 'Journeys');
  await page.getByRole('table', { name: 'Journeys' }).waitFor();
  findings.push(...(await audit(page, 'journeys, with data')));
  await openSection(page, 'Dashboard', 'Lifecycle dashboard');
  await page.getByRole('table', { name: 'Journeys per moment' }).waitFor();
  await page.getByRole('figure').first().waitFor();
  findings.push(...(await audit(page, 'dashboard, with data')));
  await screenshot(page, 'a11y-dashboard');
  // A chart's data as a table, its text alternative.
  await page.getByRole('button', { name: 'Show data as table' }).first().click();
  await page.getByRole('button', { name: 'Show chart' }).first().waitFor();
  findings.push(...(await audit(page, 'dashboard: chart as table')));

  // The template editor with its preview, and a partial.
  await openSection(page, 'Templates');
  await page.getByRole('link', { name: 'Welcome', exact: true }).click();
  await page.getByRole('heading', { name: 'Welcome', level: 1 }).waitFor();
  await page.frameLocator('iframe[title="Email preview"]').getByText('Hi Alex').first().waitFor();
  findings.push(...(await audit(page, 'template editor with preview')));
  await screenshot(page, 'a11y-template-editor');
  await page.getByRole('button', { name: 'Test send' }).click();
  await page.getByRole('dialog', { name: 'Send a test email' }).waitFor();
  findings.push(...(await audit(page, 'template editor: test send dialog')));
  await page.keyboard.press('Escape');
  await openSection(page, 'Templates');
  await screenshot(page, 'a11y-templates');
  await page.getByRole('link', { name: /^Footer/ }).click();
  await page.getByRole('heading', { name: 'Footer', level: 1 }).waitFor();
  await page.getByRole('textbox', { name: 'Footer (MJML with Liquid)' }).waitFor();
  findings.push(...(await audit(page, 'partial editor')));

  // The Inbox with an email open (a visitor subscribes through the hosted form).
  const visitor = await context.newPage();
  await visitor.goto(`${server.url}/subscribe`);
  await visitor.getByLabel('Email address').fill('lena@example.com');
  await visitor.getByRole('button', { name: 'Subscribe' }).click();
  await visitor.getByRole('heading', { name: 'Check your inbox' }).waitFor();
  await visitor.close();
  await openSection(page, 'Inbox');
  await page.getByRole('navigation', { name: 'Recipients' }).getByText('lena@example.com').waitFor();
  await page.getByRole('list', { name: 'Emails' }).getByText('Please confirm your subscription').first().click();
  await page.frameLocator('iframe[title^="Email: Please confirm"]').getByRole('link', { name: 'Yes, subscribe me' }).waitFor();
  findings.push(...(await audit(page, 'inbox, email open')));
  await screenshot(page, 'a11y-inbox');
  await page.getByRole('tab', { name: 'Headers' }).click();
  await page.getByRole('table', { name: 'Headers' }).waitFor();
  findings.push(...(await audit(page, 'inbox, headers')));

  // The account menu, and the page for an address that does not exist.
  await page.getByRole('button', { name: /^Account/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).waitFor();
  findings.push(...(await audit(page, 'account menu')));
  await page.keyboard.press('Escape');
  await page.goto(`${server.url}/no-such-page`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  findings.push(...(await audit(page, 'not found')));

  // At phone width: the navigation behind its button, the account button without its visible name.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${server.url}/contacts`);
  await page.getByRole('table', { name: 'Contacts' }).waitFor();
  await page.getByRole('button', { name: 'Account: Ana Owner' }).waitFor();
  findings.push(...(await audit(page, 'contacts, phone width')));
  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await nav(page, 'Templates').waitFor();
  findings.push(...(await audit(page, 'navigation open, phone width')));

  // Sign-in, in a context without a session.
  const anonymous = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const signInPage = await anonymous.newPage();
  await signInPage.goto(`${server.url}/sign-in`);
  await signInPage.getByRole('button', { name: 'Sign in' }).waitFor();
  findings.push(...(await audit(signInPage, 'sign-in')));
  await signInPage.getByRole('textbox', { name: 'Email' }).fill(OWNER.email);
  await signInPage.getByRole('textbox', { name: 'Password' }).fill('not the password');
  await signInPage.getByRole('button', { name: 'Sign in' }).click();
  await signInPage.getByRole('alert').waitFor();
  findings.push(...(await audit(signInPage, 'sign-in, refused')));
  await anonymous.close();

  await context.close();
  await expectNone(findings);
});

test('no serious or critical violation on the public pages contacts see', { timeout: 120_000 }, async () => {
  const findings: Finding[] = [];
  const context = await browser.newContext({ viewport: { width: 420, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);

  await page.goto(`${server.url}/subscribe`);
  findings.push(...(await audit(page, 'subscribe form')));
  await page.getByLabel('Email address').fill('not-an-email');
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await page.getByRole('alert').waitFor();
  findings.push(...(await audit(page, 'subscribe form, refused')));
  await page.getByLabel('Email address').fill('otto@example.com');
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
  findings.push(...(await audit(page, 'subscribe: check your inbox')));

  // The team's view of the contact gives its id, from which the links in its emails are made.
  const teamContext = await browser.newContext();
  const team = await teamContext.newPage();
  await signIn(team, OWNER.email);
  await team.goto(`${server.url}/contacts`);
  await team.getByRole('textbox', { name: 'Search' }).fill('otto@');
  await team.getByRole('link', { name: /otto@example\.com/ }).first().click();
  await team.waitForURL(/\/contacts\/[^/]+$/);
  const contactId = new URL(team.url()).pathname.split('/').at(-1)!;
  await teamContext.close();

  const tokens = createTokens(SECRET);
  await page.goto(`${server.url}/confirm/${tokens.sign('confirm', { c: contactId, i: Date.now() })}`);
  await page.getByRole('heading', { name: 'You are subscribed' }).waitFor();
  findings.push(...(await audit(page, 'confirm')));
  await page.goto(`${server.url}/confirm/not-a-token`);
  await page.getByRole('heading', { name: 'This link is not valid' }).waitFor();
  findings.push(...(await audit(page, 'confirm, invalid link')));

  const unsubscribe = tokens.sign('unsubscribe', { c: contactId });
  await page.goto(`${server.url}/preferences/${unsubscribe}`);
  await page.getByRole('heading', { name: 'Email preferences' }).waitFor();
  findings.push(...(await audit(page, 'preferences')));
  await page.goto(`${server.url}/u/${unsubscribe}`);
  await page.getByRole('button', { name: 'Unsubscribe from all marketing emails' }).click();
  await page.getByRole('status').waitFor();
  findings.push(...(await audit(page, 'unsubscribed')));
  await screenshot(page, 'a11y-public-unsubscribed');
  await context.close();
  await expectNone(findings);
});

test('no serious or critical violation in the HTML of any starter email', { timeout: 120_000 }, async () => {
  const findings: Finding[] = [];
  const context = await browser.newContext({ viewport: { width: 800, height: 900 } });
  const page = await context.newPage();
  await signIn(page, OWNER.email);
  // Each starter template rendered for the sample contact, as its preview and the Inbox show it.
  const rendered = await page.evaluate(async () => {
    const call = async (procedure: string, input: unknown, method: 'GET' | 'POST' = 'GET') => {
      const res = method === 'GET'
        ? await fetch(`/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`)
        : await fetch(`/trpc/${procedure}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
      return (await res.json()).result.data;
    };
    const { templates } = await call('templates.list', undefined);
    const out: Array<{ id: string; html: string }> = [];
    for (const t of templates as Array<{ id: string }>) {
      const { template, content } = await call('templates.get', { id: t.id });
      const preview = await call('templates.preview', { content, layout: template.layout, event: template.previewEvent }, 'POST');
      out.push({ id: t.id, html: preview.ok ? preview.html : '' });
    }
    return out;
  });
  expect(rendered.length).toBeGreaterThanOrEqual(13);
  for (const t of rendered) {
    expect(t.html, `${t.id} renders`).not.toBe('');
    await page.setContent(t.html, { waitUntil: 'load' });
    findings.push(...(await audit(page, `starter email ${t.id}`)));
  }
  await context.close();
  await expectNone(findings);
});
