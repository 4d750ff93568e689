// A journey by keyboard: from an empty draft to a published trigger → email → exit without the mouse, each change
// announced, read back through the outline; focus states photographed, and axe-core run on the editor.
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Locator, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { createOwnerThroughSetup, screenshot, serverAndBrowserPerFile, type RunningServer } from './harness.ts';

let server: RunningServer;
let browser: Browser;

serverAndBrowserPerFile((running) => ({ server, browser } = running));

const announcer = (page: Page) => page.locator('[data-editor-announcer]');
const outline = (page: Page) => page.getByRole('region', { name: 'Outline' });

/** Signs in as the workspace's owner, creating the owner first when this is the file's first test to run. */
async function signIn(page: Page): Promise<void> {
  await page.goto(server.url);
  await page.waitForURL(/\/(setup|sign-in)$/);
  if (page.url().endsWith('/setup')) {
    await createOwnerThroughSetup(page, server.url);
    return;
  }
  await page.getByRole('textbox', { name: 'Email' }).fill('ana@example.com');
  await page.getByRole('textbox', { name: 'Password' }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Lifecycle', level: 1 }).waitFor();
}

/** What has the keyboard focus: its accessible label (or text) and, on the canvas, its node id. */
async function focused(page: Page): Promise<{ label: string; nodeId: string | null }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    return {
      label: (el?.getAttribute('aria-label') ?? el?.labels?.[0]?.textContent ?? el?.textContent ?? '').trim(),
      nodeId: el?.classList.contains('react-flow__node') ? el.getAttribute('data-id') : null,
    };
  });
}

/** Presses Tab (or Shift+Tab) until the focused element's label starts with `label`, as a keyboard user would. */
async function tabTo(page: Page, label: string | RegExp, options: { backwards?: boolean; max?: number } = {}): Promise<void> {
  const matches = (text: string) => (typeof label === 'string' ? text.startsWith(label) : label.test(text));
  const seen: string[] = [];
  for (let i = 0; i < (options.max ?? 40); i++) {
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
    const now = (await focused(page)).label;
    if (matches(now)) return;
    seen.push(now);
  }
  throw new Error(`Tab never reached "${label}"; it went through: ${seen.join(' | ')}`);
}

/** Waits for a dialog's opening transition to end, so its photo shows it as a user sees it. */
async function settled(dialog: Locator): Promise<void> {
  await dialog.waitFor();
  await expect.poll(() => dialog.evaluate((el) => el.getAnimations({ subtree: true }).length === 0 && getComputedStyle(el).opacity === '1')).toBe(true);
}

async function announced(page: Page, message: string): Promise<void> {
  await expect.poll(() => announcer(page).innerText().then((t) => t.trim()), { timeout: 5000 }).toBe(message);
}

async function nodeIdOfKind(page: Page, kind: string): Promise<string> {
  const el = page.locator(`.react-flow__node-${kind}`);
  await el.waitFor();
  return (await el.getAttribute('data-id'))!;
}

async function nodePosition(page: Page, id: string): Promise<{ x: number; y: number }> {
  const transform = await page.locator(`.react-flow__node[data-id="${id}"]`).evaluate((el) => (el as HTMLElement).style.transform);
  const [, x, y] = /translate\(([-\d.]+)px, ?([-\d.]+)px\)/.exec(transform) ?? [];
  return { x: Number(x), y: Number(y) };
}

/** Every critical or serious axe-core violation of WCAG 2.1 A and AA on the page, as "rule: element" lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page: page as never }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`));
}

test('an empty draft becomes a published trigger → email → exit by keyboard alone, and reads back through the outline', async () => {
  // axe-core's Playwright builder needs a page of an explicit context.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await signIn(page);

  // An empty draft, made through the API (the matrix starts a journey from its moment's starter graph).
  const journeyId = await page.evaluate(async () => {
    const post = async (procedure: string, input: unknown) => {
      const res = await fetch(`/trpc/${procedure}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
      if (!res.ok) throw new Error(`${procedure}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { result: { data: unknown } }).result.data;
    };
    const { id } = (await post('journeys.create', { moment: 'opt_in', personaKey: null, name: 'Keyboard welcome' })) as { id: string };
    await post('journeys.saveDraft', { id, revision: 1, graph: { nodes: [], edges: [], settings: { reentry: 'once', goal: null, exitEvents: [] } }, layout: {} });
    return id;
  });
  await page.goto(`${server.url}/journeys/${journeyId}`);
  await page.getByRole('heading', { name: 'Keyboard welcome', level: 1 }).waitFor();
  await page.locator('[data-journey-canvas] .react-flow').waitFor();
  expect(await page.locator('.react-flow__node').count()).toBe(0);
  // From here on the mouse is never used: every pointer press is counted, and none may happen.
  await page.evaluate(() => {
    (window as unknown as { pointerPresses: number }).pointerPresses = 0;
    document.addEventListener('pointerdown', () => (window as unknown as { pointerPresses: number }).pointerPresses++, true);
  });

  // A goes to the palette; Enter adds the step under the focus.
  await page.keyboard.press('a');
  expect((await focused(page)).label).toBe('Add Trigger');
  await screenshot(page, 'keyboard-01-palette-focus');
  await page.keyboard.press('Enter');
  await announced(page, 'Trigger step added, not connected yet');
  const triggerId = await nodeIdOfKind(page, 'trigger');

  // The next one follows the selected trigger, connected to it.
  await page.keyboard.press('ArrowDown');
  expect((await focused(page)).label).toBe('Add Email');
  await page.keyboard.press('Enter');
  await announced(page, 'Email step added after Trigger');
  const emailId = await nodeIdOfKind(page, 'email');
  await expect.poll(() => page.locator(`[aria-label="Connection Trigger → Email"]`).count()).toBe(1);

  // A wait by mistake, after the email: F goes to it on the canvas, Delete removes it and the focus goes back to the email.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  expect((await focused(page)).label).toBe('Add Wait');
  await page.keyboard.press('Enter');
  await announced(page, 'Wait step added after Email');
  const waitId = await nodeIdOfKind(page, 'wait');
  await page.keyboard.press('f');
  await expect.poll(async () => (await focused(page)).nodeId).toBe(waitId);
  expect((await focused(page)).label).toBe('Wait step, selected');
  // A screen reader hears, after the step's name, which keys work on it.
  const description = await page.evaluate(() => {
    const id = document.activeElement?.getAttribute('aria-describedby');
    return id ? document.getElementById(id)?.textContent : null;
  });
  expect(description).toContain('C connects it to another step, E edits it, Delete removes it. Press ? for every key.');
  await screenshot(page, 'keyboard-02-step-focus');
  await page.keyboard.press('Delete');
  await announced(page, 'Step deleted');
  await expect.poll(() => page.locator('.react-flow__node-wait').count()).toBe(0);
  await expect.poll(async () => (await focused(page)).nodeId).toBe(emailId);

  // Enter selects the focused email; Shift+arrows move it.
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId(`node-${emailId}`).getAttribute('data-selected')).toBe('true');
  await page.getByRole('region', { name: 'Step settings' }).getByRole('heading', { name: 'Email' }).waitFor();
  const before = await nodePosition(page, emailId);
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowDown');
  await expect.poll(() => nodePosition(page, emailId)).toEqual({ x: before.x + 40, y: before.y + 20 });

  // Escape clears the selection, so the exit added next stands on its own.
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByTestId(`node-${emailId}`).getAttribute('data-selected')).toBeNull();
  await page.keyboard.press('a');
  await page.keyboard.press('End');
  expect((await focused(page)).label).toBe('Add Exit');
  await page.keyboard.press('Enter');
  await announced(page, 'Exit step added, not connected yet');
  const exitId = await nodeIdOfKind(page, 'exit');

  // Tab into the canvas to the email, select it, and C connects it: the exit, which nothing leads to yet, is offered first.
  await tabTo(page, 'Email step');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId(`node-${emailId}`).getAttribute('data-selected')).toBe('true');
  await page.keyboard.press('c');
  const dialog = page.getByRole('dialog', { name: 'Connect Email to…' });
  await dialog.waitFor();
  await expect.poll(() => dialog.getByRole('radio', { name: 'Exit' }).isChecked()).toBe(true);
  expect(await dialog.getByRole('radio').count()).toBe(1);
  await expect.poll(async () => (await focused(page)).label).toBe('Exit');
  await settled(dialog);
  await screenshot(page, 'keyboard-03-connect-dialog');
  await page.keyboard.press('Enter');
  await announced(page, 'Connected Email → Exit');
  await dialog.waitFor({ state: 'detached' });
  await expect.poll(() => page.locator(`[aria-label="Connection Email → Exit"]`).count()).toBe(1);
  // The dialog hands the focus back to the email.
  await expect.poll(async () => (await focused(page)).nodeId).toBe(emailId);

  // A connection takes the focus too: Delete removes it (the focus goes to the step it came from), Ctrl+Z brings it back.
  await tabTo(page, 'Connection Email → Exit', { backwards: true, max: 6 });
  await screenshot(page, 'keyboard-03b-connection-focus');
  await page.keyboard.press('Delete');
  await announced(page, 'Connection deleted');
  await expect.poll(() => page.locator(`[aria-label="Connection Email → Exit"]`).count()).toBe(0);
  await expect.poll(async () => (await focused(page)).nodeId).toBe(emailId);
  await page.keyboard.press('Control+z');
  await announced(page, 'Undone');
  await expect.poll(() => page.locator(`[aria-label="Connection Email → Exit"]`).count()).toBe(1);
  // Deleting the connection selected it; Enter selects the email again, where the focus is.
  await expect.poll(async () => (await focused(page)).nodeId).toBe(emailId);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId(`node-${emailId}`).getAttribute('data-selected')).toBe('true');

  // E edits the email: its name, then the template from the list, by keyboard; Escape goes back to the step.
  await page.keyboard.press('e');
  const settings = page.getByRole('region', { name: 'Step settings' });
  await expect.poll(() => settings.getByLabel('Name on the canvas').evaluate((el) => el === document.activeElement)).toBe(true);
  await page.keyboard.type('Welcome');
  await page.keyboard.press('Tab');
  await expect.poll(() => settings.getByLabel('Template', { exact: true }).evaluate((el) => el === document.activeElement)).toBe(true);
  await screenshot(page, 'keyboard-04-settings-focus');
  await page.keyboard.type('our best side');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect.poll(() => settings.getByLabel('Template', { exact: true }).inputValue()).toBe('First communication: our best side');
  await page.getByRole('region', { name: 'Problems' }).getByText('No problems: this journey can be published.').waitFor();
  await page.keyboard.press('Escape');
  await expect.poll(async () => (await focused(page)).nodeId).toBe(emailId);
  expect((await focused(page)).label).toBe('Welcome, email step, selected');

  // The shortcut list opens with ?, and Escape closes it.
  await page.keyboard.press('?');
  const shortcuts = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await shortcuts.getByText('Connect the selected step to another step').waitFor();
  await settled(shortcuts);
  await screenshot(page, 'keyboard-05-shortcuts');
  await page.keyboard.press('Escape');
  await shortcuts.waitFor({ state: 'detached' });

  // Publish: from the palette, Shift+Tab reaches the header's Publish button.
  await page.keyboard.press('a');
  await tabTo(page, 'Publish', { backwards: true, max: 3 });
  await screenshot(page, 'keyboard-06-publish-focus');
  await page.keyboard.press('Enter');
  // Publishing asks first, saying what will happen; its button is reached by Tab inside the dialog.
  const confirm = page.getByRole('dialog', { name: 'Publish this journey' });
  await confirm.getByText('What happens when you publish').waitFor();
  await tabTo(page, 'Publish and go live', { max: 8 });
  await page.keyboard.press('Enter');
  await page.getByText('Version 1 published').waitFor();
  await page.getByText('Live', { exact: true }).first().waitFor();

  // O opens the outline: the journey in words, in order, with where each output leads.
  await page.keyboard.press('o');
  await outline(page).waitFor();
  const words = await outline(page).innerText();
  expect(words.split('\n').map((l) => l.trim()).filter(Boolean)).toEqual([
    'Outline',
    'Trigger',
    'What makes a contact enter this journey. Subscription confirmed.',
    'Next → Welcome',
    'EMAIL',
    'Welcome',
    'Send an email from a template. Template “First communication: our best side”.',
    'Next → Exit',
    'Exit',
    'The contact leaves the journey.',
  ]);

  // Where the email leads, in the outline, takes the focus to that step on the canvas, selected.
  await tabTo(page, /^Exit$/, { max: 60 });
  expect(await page.evaluate(() => document.activeElement?.closest('[data-journey-outline] li ul') !== null)).toBe(true);
  await screenshot(page, 'keyboard-07-outline-focus');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await focused(page)).nodeId).toBe(exitId);
  await expect.poll(() => page.getByTestId(`node-${exitId}`).getAttribute('data-selected')).toBe('true');
  await screenshot(page, 'keyboard-08-outline-to-step');

  // The editor with the outline open and a step selected has no serious or critical WCAG 2.1 AA violation.
  const violations = await seriousViolations(page);
  expect(violations, violations.join('\n')).toEqual([]);

  expect(await page.evaluate(() => (window as unknown as { pointerPresses: number }).pointerPresses)).toBe(0);

  // Read back after a reload: the published journey, through the outline (which stays open).
  await page.reload();
  await outline(page).waitFor();
  await expect.poll(() => outline(page).innerText()).toContain('Next → Exit');
  expect(await outline(page).innerText()).toBe(words);
  await page.getByText('v1', { exact: true }).waitFor();
  expect(triggerId).not.toBe(emailId);
  await context.close();
}, 120_000);

test('a condition’s output is reconnected by keyboard from the outline, and the outline follows: its branch, then what no longer is reached', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await signIn(page);
  const journeyId = await page.evaluate(async () => {
    const res = await fetch('/trpc/journeys.create', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ moment: 'opt_in', personaKey: null, name: 'Opt-in by keyboard' }),
    });
    return ((await res.json()) as { result: { data: { id: string } } }).result.data.id;
  });
  await page.goto(`${server.url}/journeys/${journeyId}`);
  await page.locator('.react-flow__node[data-id="clicked_welcome"]').waitFor();

  // The starter opt-in journey in words: the condition's branches nested under its outputs, the shared exit shown once.
  await page.keyboard.press('o');
  const branches = outline(page).getByRole('list', { name: 'Where Clicked the welcome email? leads' });
  await branches.waitFor();
  expect((await branches.innerText()).split('\n').map((l) => l.trim()).filter(Boolean)).toEqual([
    'Yes → Set phase',
    'Set phase',
    'Move the contact to a lifecycle phase. Phase → engaged (only forward).',
    'Next → Exit',
    'Exit',
    'The contact leaves the journey.',
    'No → Second welcome',
    'EMAIL',
    'Second welcome',
    'Send an email from a template. Template “Second welcome”.',
    'Next → Exit',
  ]);

  // The condition's name in the outline takes the focus to it on the canvas; C offers its outputs, then the steps.
  await tabTo(page, /^Clicked the welcome email\?$/, { max: 80 });
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await focused(page)).nodeId).toBe('clicked_welcome');
  await expect.poll(() => page.getByTestId('node-clicked_welcome').getAttribute('data-selected')).toBe('true');
  await page.keyboard.press('c');
  const dialog = page.getByRole('dialog', { name: 'Connect Clicked the welcome email? to…' });
  await settled(dialog);
  // The focus starts on the suggested step; Shift+Tab goes to the outputs, where Down picks "no".
  await page.keyboard.press('Shift+Tab');
  expect((await focused(page)).label).toMatch(/^Yes/);
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => dialog.getByRole('radio', { name: 'No' }).isChecked()).toBe(true);
  await page.keyboard.press('Tab');
  // Up from the first step wraps round to the last one, the exit.
  await page.keyboard.press('ArrowUp');
  await expect.poll(() => dialog.getByRole('radio', { name: 'Exit' }).isChecked()).toBe(true);
  await screenshot(page, 'keyboard-09-connect-output');
  await page.keyboard.press('Enter');
  await announced(page, 'Connected Clicked the welcome email? (no) → Exit');

  // The outline follows the store: "no" now leads to the exit, and the second welcome is no longer reached.
  await expect.poll(() => branches.innerText()).toContain('No → Exit');
  const unreached = outline(page).getByRole('heading', { name: 'Not reached from the trigger' });
  await unreached.waitFor();
  expect(await outline(page).innerText()).toMatch(/Not reached from the trigger\s+EMAIL\s+Second welcome/);
  await page.getByRole('region', { name: 'Problems' }).getByText(/No path from the trigger reaches/).waitFor();
  await context.close();
}, 120_000);
