// Experiment settings in the editor end to end: a marketer sets a split's hypothesis, metric and minimum effect by
// keyboard and switches the journey holdout on, all in the draft; once live with traffic, the split shows its running
// experiment and the header the holdout's effect; a manager, whose editor is read-only, saves a split's settings on
// their own, which publishes a version with only those changed.
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Locator, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { holdoutEffect } from '../../client/editor/experiments/experiments.ts';
import { createOwnerThroughSetup, screenshot, serverAndBrowserPerFile, type RunningServer } from './harness.ts';

const PASSWORD = 'correct horse battery';

let server: RunningServer;
let browser: Browser;

// The executor ticks every second, so contacts enter the live journey while the test waits.
serverAndBrowserPerFile((running) => ({ server, browser } = running), { EXECUTOR_INTERVAL_SECONDS: '1' });

const node = (page: Page, id: string) => page.getByTestId(`node-${id}`);
const stepSettings = (page: Page) => page.getByRole('region', { name: 'Step settings' });
const journeySettings = (page: Page) => page.getByRole('region', { name: 'Journey settings' });
const experimentSection = (page: Page) => stepSettings(page).getByRole('region', { name: 'Experiment' });

/** A tRPC call through a signed-in page (its cookies), for set-up and for reading back what was saved. */
async function trpc<T>(page: Page, procedure: string, input: unknown, kind: 'query' | 'mutation' = 'query'): Promise<T> {
  const res =
    kind === 'query'
      ? await page.request.get(`${server.url}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`)
      : await page.request.post(`${server.url}/trpc/${procedure}`, { data: input });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { result: { data: T } }).result.data;
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${server.url}/sign-in`);
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Lifecycle', level: 1 }).waitFor();
}

async function newSignedInPage(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await signIn(page, email);
  return page;
}

/** What has the keyboard focus: its accessible label, or the text of the label of the field. */
async function focusedLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    return (el?.getAttribute('aria-label') ?? el?.labels?.[0]?.textContent ?? el?.textContent ?? '').trim();
  });
}

/** Presses Tab until the focused field's label starts with `label`, as a keyboard user would. */
async function tabTo(page: Page, label: string): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const now = await focusedLabel(page);
    if (now.startsWith(label)) return;
    seen.push(now);
  }
  throw new Error(`Tab never reached "${label}"; it went through: ${seen.join(' | ')}`);
}

/** Picks an option of the focused select with the arrow keys and Enter. */
async function chooseByKeyboard(page: Page, option: string): Promise<void> {
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('ArrowDown');
    const active = page.locator('[role="option"][data-combobox-selected]');
    if ((await active.count()) === 1 && (await active.innerText()).trim() === option) {
      await page.keyboard.press('Enter');
      return;
    }
  }
  throw new Error(`The arrow keys never reached the option "${option}"`);
}

/** Replaces what the focused field holds with `text`, by keyboard. */
async function retype(page: Page, text: string): Promise<void> {
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(text);
}

/** Every critical or serious axe-core violation of WCAG 2.1 A and AA inside `selector`, as "rule: element" lines. */
async function seriousViolations(page: Page, selector: string): Promise<string[]> {
  const results = await new AxeBuilder({ page: page as never }).include(selector).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`));
}

async function waitSaved(page: Page): Promise<void> {
  await page.getByText('Saved', { exact: true }).waitFor();
}

/** A photo with `at` at the top (or the bottom) of its scrolled panel, so what follows (or precedes) it shows too. */
async function shoot(page: Page, at: Locator, name: string, block: 'start' | 'end' = 'start'): Promise<void> {
  await at.evaluate((el, b) => el.scrollIntoView({ block: b }), block);
  await screenshot(page, name);
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

/** The shop's backend over the event API. */
async function sendEvent(key: string, type: 'identify' | 'track', body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${server.url}/v1/${type}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.text()).toBe(200);
}

type Draft = { revision: number; status: string; currentVersion: number | null; graph: { nodes: { id: string; config: Record<string, unknown> }[]; settings: Record<string, unknown> } };
type Experiment = { id: string; nodeId: string; status: string; minimumEffect: number; contacts: { key: string; n: number }[]; verdict: { text: string } };

const splitExperimentOf = (draft: Draft) => draft.graph.nodes.find((n) => n.id === 'welcome_split')!.config.experiment;

let journeyId = '';

test('a marketer sets a split experiment by keyboard and switches the holdout on; live, the split and the header show their experiments', { timeout: 240_000 }, async () => {
  const owner = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  owner.setDefaultTimeout(10_000);
  await createOwnerThroughSetup(owner, server.url);
  for (const [name, role] of [['Mia Marketer', 'marketer'], ['Max Manager', 'manager']] as const) {
    await trpc(owner, 'users.create', { name, email: `${role}@example.com`, password: PASSWORD, role }, 'mutation');
  }
  const apiKey = (await trpc<{ key: string }>(owner, 'apiKeys.create', { name: 'e2e' }, 'mutation')).key;

  // The marketer opens the first-communication journey of the bargain hunters: its starter graph has a split.
  const page = await newSignedInPage('marketer@example.com');
  await page.getByRole('link', { name: 'Create journey: First communication, Bargain hunter' }).click();
  await page.waitForURL(/\/journeys\/[0-9a-f-]{36}$/);
  journeyId = page.url().split('/').pop()!;
  await node(page, 'welcome_split').click();
  await stepSettings(page).getByRole('heading', { name: 'Split' }).waitFor();
  const section = experimentSection(page);
  // Left on "Default", the metric says what it measures in this journey: its goal.
  await section.getByText('Default: Reached the journey goal (order_completed) within 30 days').waitFor();
  await expect(section.getByRole('checkbox', { name: 'Unsubscribe rate' }).isChecked()).resolves.toBe(true);
  await expect(section.getByRole('checkbox', { name: 'Bounce rate' }).isChecked()).resolves.toBe(true);

  // By keyboard from the step's name: the hypothesis, an event within 14 days, a 15% minimum effect.
  await stepSettings(page).getByLabel('Name on the canvas').focus();
  await tabTo(page, 'Hypothesis');
  await retype(page, 'A note from the founder makes more bargain hunters book a demo.');
  await tabTo(page, 'Primary metric');
  await chooseByKeyboard(page, 'An event within N days');
  // The event's field appears empty, and the schema says what is missing.
  await section.getByRole('textbox', { name: 'Event', exact: true }).waitFor();
  await tabTo(page, 'Event');
  await page.keyboard.type('demo_booked');
  await tabTo(page, 'Within');
  await retype(page, '14');
  await tabTo(page, 'Minimum effect of interest');
  await retype(page, '15');
  await page.keyboard.press('Tab');
  await section.getByText('Changing the metric, the minimum effect or the guardrails of a running experiment starts a new one', { exact: false }).waitFor();
  await waitSaved(page);
  await shoot(page, section.getByRole('heading', { name: 'Experiment' }), 'experiment-01-split-panel');
  expect(await seriousViolations(page, '[data-step-settings]')).toEqual([]);

  // The saved draft holds them, the guardrails left as they were.
  let draft = await trpc<Draft>(page, 'journeys.get', { id: journeyId });
  expect(splitExperimentOf(draft)).toEqual({
    hypothesis: 'A note from the founder makes more bargain hunters book a demo.',
    metric: { kind: 'event', event: 'demo_booked', withinDays: 14 },
    minimumEffect: 15,
    guardrails: ['unsubscribes', 'bounces'],
  });

  // A minimum effect the schema refuses shows the schema's own words at the field.
  await section.getByLabel('Minimum effect of interest').focus();
  await retype(page, '0');
  await section.getByText('At least 1%.').waitFor();
  await retype(page, '15');
  await expect(section.getByText('At least 1%.').count()).resolves.toBe(0);

  // The journey's settings: the holdout switches on by keyboard, at 5% by default, set to 20%.
  await page.locator('[data-journey-canvas] .react-flow__pane').click({ position: { x: 40, y: 120 } });
  const settings = journeySettings(page);
  const holdout = settings.getByRole('switch', { name: 'Hold out a share of entering contacts' });
  await holdout.focus();
  await page.keyboard.press('Space');
  await expect(holdout.isChecked()).resolves.toBe(true);
  const share = settings.getByLabel('Share held out');
  await expect(share.inputValue()).resolves.toBe('5%');
  await share.focus();
  await retype(page, '20');
  await page.keyboard.press('Tab');
  await settings.getByText('They are enrolled and followed for the goal but receive nothing', { exact: false }).waitFor();
  await waitSaved(page);
  await shoot(page, settings.getByRole('heading', { name: 'Journey settings' }), 'experiment-02-holdout-setting');
  expect(await seriousViolations(page, '[aria-label="Journey settings"]')).toEqual([]);
  draft = await trpc<Draft>(page, 'journeys.get', { id: journeyId });
  expect(draft.graph.settings.holdout).toEqual({ percent: 20 });

  // Without a goal the holdout has nothing to measure: the panel and the problem list say so; the goal back, all is well.
  const goal = settings.getByRole('switch', { name: 'Track a goal' });
  await goal.click();
  await settings.getByRole('alert').getByText('The holdout measures the journey goal, but the journey has no goal', { exact: false }).waitFor();
  await page.getByRole('region', { name: 'Problems' }).getByRole('button', { name: /The holdout measures the journey goal/ }).waitFor();
  await shoot(page, settings.getByRole('heading', { name: 'Journey settings' }), 'experiment-03-holdout-needs-goal');
  await goal.click();
  await page.getByRole('region', { name: 'Problems' }).getByText('No problems: this journey can be published.').waitFor();

  // Live: the split and the holdout are experiments from the first version on.
  await waitSaved(page);
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('dialog', { name: 'Publish this journey' }).getByRole('button', { name: 'Publish and go live' }).click();
  await page.getByText('Version 1 published').waitFor();
  const experiments = () => trpc<Experiment[]>(page, 'experiments.list', { journeyId });
  await until(experiments, (list) => list.length === 2, 'a split experiment and a holdout experiment');

  // Traffic: bargain hunters subscribe, a few of them buy; every entering contact is in the journey or held out.
  const emails = Array.from({ length: 40 }, (_, i) => `shopper${i}@example.com`);
  for (const email of emails) await sendEvent(apiKey, 'identify', { userId: email, traits: { email, consent: 'subscribed', persona: 'bargain_hunter' } });
  const holdoutOf = (list: Experiment[]) => list.find((x) => x.nodeId === '$holdout')!;
  await until(experiments, (list) => holdoutOf(list).contacts.reduce((sum, c) => sum + c.n, 0) === emails.length, 'everyone assigned in or out');
  const buyers = emails.filter((_, i) => i % 3 === 0);
  for (const email of buyers) await sendEvent(apiKey, 'track', { userId: email, event: 'order_completed', properties: { revenue: 40 } });
  const list = await experiments();
  const holdoutReport = () => trpc<{ report: Parameters<typeof holdoutEffect>[0] }>(page, 'experiments.get', { id: holdoutOf(list).id }).then((d) => d.report);
  const report = await until(holdoutReport, (r) => r.arms.reduce((sum, a) => sum + a.conversions, 0) === buyers.length, 'the buyers counted as converted');
  const expected = holdoutEffect(report)!.text;
  // Nobody has reached the split yet (it comes after three days and a weekday morning): it shows its experiment at zero.
  const splitExperiment = (await experiments()).find((x) => x.nodeId === 'welcome_split')!;

  await page.reload();
  await node(page, 'welcome_split').click();
  const running = experimentSection(page).getByTestId('split-experiment');
  await running.getByText('Running since today').waitFor();
  await running.getByText('Contacts so far: A: our best side 0 · B: founder note 0').waitFor();
  await running.getByText(splitExperiment.verdict.text).waitFor();
  await expect(running.getByRole('link', { name: 'Open experiment' }).getAttribute('href')).resolves.toBe(`/experiments/${splitExperiment.id}`);
  await shoot(page, experimentSection(page).getByRole('heading', { name: 'Experiment' }), 'experiment-04-split-running');

  // The header shows what the journey adds, with the verdict one click away.
  const summary = page.getByTestId('holdout-summary');
  expect(expected).toMatch(/^With the journey \d+(\.\d)?% converted vs \d+(\.\d)?% held out$/);
  await expect.poll(() => summary.getAttribute('aria-label')).toBe(`Journey holdout: ${expected}`);
  await summary.click();
  const effect = page.getByRole('dialog').getByTestId('holdout-effect');
  await effect.getByText(expected, { exact: true }).waitFor();
  await effect.getByText(holdoutOf(await experiments()).verdict.text).waitFor();
  await expect(effect.getByRole('link', { name: 'Open experiment' }).getAttribute('href')).resolves.toBe(`/experiments/${holdoutOf(list).id}`);
  // The photo once the popover's opening transition has ended.
  await expect.poll(() => page.getByRole('dialog').evaluate((el) => el.getAnimations({ subtree: true }).length === 0 && getComputedStyle(el).opacity === '1')).toBe(true);
  await screenshot(page, 'experiment-05-holdout-effect');
  expect(await seriousViolations(page, '[data-testid="holdout-effect"]')).toEqual([]);
  await page.keyboard.press('Escape');
  await page.context().close();
  await owner.close();
});

test("a manager saves a live split's experiment settings on their own: a new version with only those changed", { timeout: 120_000 }, async () => {
  const page = await newSignedInPage('manager@example.com');
  await page.goto(`${server.url}/journeys/${journeyId}`);
  await node(page, 'welcome_split').click();
  await page.getByText('You can look at this journey and pause or resume it', { exact: false }).waitFor();
  const section = experimentSection(page);
  // The variants are locked for a manager; the experiment's settings are not.
  await expect(stepSettings(page).getByRole('textbox', { name: 'Variant 1', exact: true }).isDisabled()).resolves.toBe(true);
  const save = section.getByRole('button', { name: 'Save experiment settings' });
  await expect(save.isDisabled()).resolves.toBe(true);
  await section.getByText('Publishes a new version with only these settings changed.').waitFor();
  const before = await trpc<Experiment[]>(page, 'experiments.list', { journeyId });
  const runningBefore = before.find((x) => x.nodeId === 'welcome_split' && x.status === 'running')!;

  await section.getByLabel('Minimum effect of interest').focus();
  await retype(page, '20');
  await page.keyboard.press('Tab');
  // A change to what is measured restarts the experiment, and the panel says so before saving.
  await section.getByText('Saving starts a new experiment', { exact: false }).waitFor();
  // Not saved yet, it stays so when the split is opened again.
  await page.locator('[data-journey-canvas] .react-flow__pane').click({ position: { x: 40, y: 120 } });
  await node(page, 'welcome_split').click();
  await expect(section.getByLabel('Minimum effect of interest').inputValue()).resolves.toBe('20% lift');
  await expect(save.isEnabled()).resolves.toBe(true);
  await shoot(page, section.getByText('Publishes a new version with only these settings changed.'), 'experiment-06-manager-panel', 'end');
  await save.click();
  await page.getByText('Version 2 published').waitFor();
  await expect(save.isDisabled()).resolves.toBe(true);

  const draft = await trpc<Draft>(page, 'journeys.get', { id: journeyId });
  expect(draft.currentVersion).toBe(2);
  expect(splitExperimentOf(draft)).toMatchObject({ minimumEffect: 20, metric: { kind: 'event', event: 'demo_booked', withinDays: 14 } });
  const after = await trpc<Experiment[]>(page, 'experiments.list', { journeyId });
  expect(after.find((x) => x.id === runningBefore.id)!.status).toBe('stopped');
  expect(after.find((x) => x.nodeId === 'welcome_split' && x.status === 'running')).toMatchObject({ minimumEffect: 0.2 });

  // The journey's settings are the marketer's; the holdout's result shows there too.
  await page.locator('[data-journey-canvas] .react-flow__pane').click({ position: { x: 40, y: 120 } });
  const settings = journeySettings(page);
  await expect(settings.getByRole('switch', { name: 'Hold out a share of entering contacts' }).isDisabled()).resolves.toBe(true);
  await settings.getByTestId('holdout-effect').getByText(/^With the journey \d+(\.\d)?% converted vs \d+(\.\d)?% held out$/).waitFor();
  await shoot(page, settings.getByTestId('holdout-effect'), 'experiment-07-holdout-in-settings', 'end');
  await page.context().close();
});
