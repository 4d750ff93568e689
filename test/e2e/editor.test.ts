// The journey editor end to end: from the matrix to a published opt-in journey, then a file round trip.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { screenshot, type RunningServer, createOwnerThroughSetup, serverAndBrowserPerFile } from './harness.ts';

let server: RunningServer;
let browser: Browser;

serverAndBrowserPerFile((running) => ({ server, browser } = running));

const node = (page: Page, id: string) => page.getByTestId(`node-${id}`);
const problems = (page: Page) => page.getByRole('region', { name: 'Problems' });

/** The nodes and edges on the canvas, as sorted ids and "from → to" pairs. */
async function canvasGraph(page: Page): Promise<{ nodes: string[]; edges: string[] }> {
  const nodes = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
  const edges = await page
    .locator('[aria-roledescription="edge"]')
    .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-source')} → ${e.getAttribute('data-target')}`));
  return { nodes: nodes.sort(), edges: edges.sort() };
}

/** Drags a connection from a node's output handle to another node's input handle, as a marketer would. */
async function connect(page: Page, from: string, output: string, to: string): Promise<void> {
  const source = node(page, from).locator(`.react-flow__handle.source[data-handleid="${output}"]`);
  const target = node(page, to).locator('.react-flow__handle.target');
  await dragBetween(page, source, target);
}

async function dragBetween(page: Page, a: Locator, b: Locator): Promise<void> {
  const start = (await a.boundingBox())!;
  const end = (await b.boundingBox())!;
  await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
  await page.mouse.down();
  await page.mouse.move(end.x + end.width / 2, end.y + end.height / 2, { steps: 12 });
  await page.mouse.up();
}

async function waitSaved(page: Page): Promise<void> {
  await page.getByText('Saved', { exact: true }).waitFor();
}

test('from the matrix to a published opt-in journey, reloaded, exported and imported again', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  page.setDefaultTimeout(10_000);

  // A new workspace: create the owner, which signs in.
  await createOwnerThroughSetup(page, server.url);

  // From the matrix: the opt-in journey of the bargain hunters opens in the editor with its starter graph,
  // whose emails use the starter templates, so it has nothing to fix.
  await page.getByRole('link', { name: 'Create journey: Opt-in, Bargain hunter' }).click();
  await page.waitForURL(/\/journeys\/[0-9a-f-]{36}$/);
  const journeyUrl = page.url();
  await page.getByRole('heading', { name: 'Opt-in · Bargain hunter', level: 1 }).waitFor();
  // Named after its cell, the journey says so once: the header does not repeat the name as its moment and persona.
  await expect(page.getByText('Opt-in · Bargain hunter', { exact: true }).count()).resolves.toBe(1);
  await node(page, 'clicked_welcome').waitFor();
  // A condition's name wraps instead of being cut: "Clicked the welcome email?" fits whole.
  const nameBox = node(page, 'clicked_welcome').getByText('Clicked the welcome email?', { exact: true });
  expect(await nameBox.evaluate((e) => e.scrollHeight <= e.clientHeight && e.scrollWidth <= e.clientWidth)).toBe(true);
  expect((await canvasGraph(page)).nodes).toEqual(
    ['clicked_welcome', 'exit', 'second_welcome', 'set_engaged', 'set_subscriber', 'trigger', 'wait_2d', 'welcome'].sort(),
  );
  await problems(page).getByText('No problems: this journey can be published.').waitFor();
  await expect(node(page, 'second_welcome').innerText()).resolves.toContain('Second welcome');
  await screenshot(page, 'editor-01-starter');

  // Drag a wait from the palette onto the canvas: it is added, selected, and flagged as not connected yet.
  const pane = page.locator('[data-journey-canvas] .react-flow__pane');
  const paneBox = (await pane.boundingBox())!;
  // Empty canvas below the undo/redo tools in the top-left corner: a click there clears the selection.
  const emptySpot = { position: { x: 40, y: 120 } };
  await page.getByRole('button', { name: 'Add Wait', exact: true }).dragTo(pane, { targetPosition: { x: paneBox.width - 150, y: paneBox.height * 0.42 } });
  const newWait = page.locator('.react-flow__node-wait:not([data-id="wait_2d"])');
  await newWait.waitFor();
  const waitId = (await newWait.getAttribute('data-id'))!;
  const settings = page.getByRole('region', { name: 'Step settings' });
  await settings.getByRole('heading', { name: 'Wait' }).waitFor();
  await problems(page).getByRole('button', { name: /No path from the trigger reaches wait/ }).waitFor();

  // Connect it: contacts who did not click wait before the second welcome. The "no" output had an edge:
  // the new one replaces it.
  await connect(page, 'clicked_welcome', 'no', waitId);
  await connect(page, waitId, 'next', 'second_welcome');
  let graph = await canvasGraph(page);
  expect(graph.edges).toContain(`clicked_welcome → ${waitId}`);
  expect(graph.edges).toContain(`${waitId} → second_welcome`);
  expect(graph.edges).not.toContain('clicked_welcome → second_welcome');
  await problems(page).getByText('No problems: this journey can be published.').waitFor();
  await screenshot(page, 'editor-02-wait-connected');

  // Click to add an email after the selected step: it goes between "set phase engaged" and the exit,
  // and has no template yet, which the canvas and the problem list say.
  await node(page, 'set_engaged').click();
  await page.getByRole('button', { name: 'Add Email', exact: true }).click();
  const newEmail = page.locator('.react-flow__node-email:not([data-id="welcome"]):not([data-id="second_welcome"])');
  await newEmail.waitFor();
  const emailId = (await newEmail.getAttribute('data-id'))!;
  graph = await canvasGraph(page);
  expect(graph.edges).toEqual(expect.arrayContaining([`set_engaged → ${emailId}`, `${emailId} → exit`]));
  const noTemplate = problems(page).getByRole('button', { name: 'Email: Choose an email template.' });
  await noTemplate.waitFor();
  await expect(node(page, emailId).getAttribute('data-invalid')).resolves.toBe('true');
  await expect(node(page, emailId).innerText()).resolves.toContain('Needs setup');

  // The header counts the problem, and a click on the count shows it: the email is selected.
  await pane.click(emptySpot);
  await page.getByRole('button', { name: '1 problem', exact: true }).click();
  await expect.poll(() => node(page, emailId).getAttribute('data-selected')).toBe('true');

  // So does a click on the problem in the list, which opens the email in the side panel, where the template is picked.
  await pane.click(emptySpot);
  await expect.poll(() => node(page, emailId).getAttribute('data-selected')).toBeNull();
  await noTemplate.click();
  await settings.getByRole('heading', { name: 'Email' }).waitFor();
  await expect(node(page, emailId).getAttribute('data-selected')).resolves.toBe('true');
  await settings.getByText('Choose an email template.').waitFor();
  await screenshot(page, 'editor-03-email-problem');
  await settings.getByLabel('Template', { exact: true }).click();
  await page.getByRole('option', { name: 'First communication: our best side' }).click();
  await problems(page).getByText('No problems: this journey can be published.').waitFor();
  await page.getByText('No problems', { exact: true }).waitFor();
  await expect(node(page, emailId).innerText()).resolves.toContain('First communication: our best side');
  await screenshot(page, 'editor-04-fixed');

  // Undo brings the problem back, redo fixes it again: with the toolbar, then with the keyboard on the canvas.
  await page.getByRole('button', { name: 'Undo' }).click();
  await noTemplate.waitFor();
  await page.getByRole('button', { name: 'Redo' }).click();
  await problems(page).getByText('No problems: this journey can be published.').waitFor();
  await pane.click(emptySpot);
  await page.keyboard.press('Control+z');
  await noTemplate.waitFor();
  await page.keyboard.press('Control+Shift+z');
  await problems(page).getByText('No problems: this journey can be published.').waitFor();

  // Publish: version 1 goes live.
  await waitSaved(page);
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  // Publishing asks first, with what will happen: who enters from now on and when the first email goes out.
  const confirm = page.getByRole('dialog', { name: 'Publish this journey' });
  await confirm.getByText('Contacts enter once when they confirm their subscription from now on', { exact: false }).waitFor();
  await confirm.getByText(/^The first email, “Welcome”, goes out as soon as a contact enters/).waitFor();
  await screenshot(page, 'editor-04b-publish-confirm');
  await confirm.getByRole('button', { name: 'Publish and go live' }).click();
  await page.getByText('Version 1 published').waitFor();
  await page.getByText('Live', { exact: true }).first().waitFor();
  await page.getByText('v1', { exact: true }).waitFor();
  graph = await canvasGraph(page);
  expect(graph.nodes).toEqual(
    ['clicked_welcome', 'exit', 'second_welcome', 'set_engaged', 'set_subscriber', 'trigger', 'wait_2d', 'welcome', waitId, emailId].sort(),
  );
  await screenshot(page, 'editor-05-published');
  // The minimap stays off the canvas until asked for (it covered steps in the corner where toasts show).
  await expect(page.locator('.react-flow__minimap').count()).resolves.toBe(0);
  await page.getByRole('button', { name: 'Minimap', exact: true }).click();
  await page.locator('.react-flow__minimap').waitFor();
  await page.getByRole('button', { name: 'Minimap', exact: true }).click();
  await page.locator('.react-flow__minimap').waitFor({ state: 'detached' });

  // Reload: the same graph, live at version 1, with version 1 in the history.
  await page.reload();
  await node(page, 'clicked_welcome').waitFor();
  expect(await canvasGraph(page)).toEqual(graph);
  await expect(node(page, emailId).innerText()).resolves.toContain('First communication: our best side');
  await page.getByText('v1', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Publish changes' }).waitFor();
  // The version history is in the header's More menu, which the keyboard opens on its first item and walks.
  await page.getByRole('button', { name: 'More journey actions' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('menu').waitFor();
  await expect(page.getByRole('menu').getByRole('menuitem').allInnerTexts()).resolves.toEqual(['Version history', 'Export file', 'Duplicate…', 'Archive…']);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Version history');
  await page.keyboard.press('Enter');
  const versions = page.getByRole('list', { name: 'Published versions' });
  await versions.getByText('Version 1').waitFor();
  await versions.getByText('Current').waitFor();
  await screenshot(page, 'editor-06-history');
  await page.keyboard.press('Escape');

  // Export downloads the journey file.
  await page.getByRole('button', { name: 'More journey actions' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Export file' }).click()]);
  expect(download.suggestedFilename()).toBe('opt-in-bargain-hunter.kairos.json');
  const file = path.join(tmpdir(), `kairos-e2e-${Date.now()}.kairos.json`);
  await download.saveAs(file);
  const exported = JSON.parse(readFileSync(file, 'utf8')) as { kairos: string; name: string; graph: { nodes: { id: string }[] } };
  expect(exported.kairos).toBe('journey');
  expect(exported.graph.nodes.map((n) => n.id).sort()).toEqual(graph.nodes);

  // Import it from the Journeys page: a new draft journey with the same graph opens.
  await page.getByRole('link', { name: 'All journeys' }).click();
  await page.getByRole('heading', { name: 'Journeys', level: 1 }).waitFor();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Import file' }).click()]);
  await chooser.setFiles(file);
  await page.waitForURL((url) => /\/journeys\/[0-9a-f-]{36}$/.test(url.pathname) && url.href !== journeyUrl);
  await node(page, 'clicked_welcome').waitFor();
  expect(await canvasGraph(page)).toEqual(graph);
  await page.getByText('Draft', { exact: true }).first().waitFor();
  await page.getByRole('button', { name: 'Publish', exact: true }).waitFor();
  await screenshot(page, 'editor-07-imported');

  // Both journeys are listed.
  await page.getByRole('link', { name: 'All journeys' }).click();
  const table = page.getByRole('table', { name: 'Journeys' });
  await table.getByRole('link', { name: 'Opt-in · Bargain hunter' }).nth(1).waitFor();
  await expect(table.getByRole('link', { name: 'Opt-in · Bargain hunter' }).count()).resolves.toBe(2);
  await table.getByText('v1', { exact: true }).waitFor();
  await screenshot(page, 'editor-08-journeys');
}, 120_000);
