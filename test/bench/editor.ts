// Bench group `editor`: a 300-node journey in the editor in Chromium — load to interactive, then drag and pan frames.
import type { Page } from 'playwright-core';
import { launchBrowser, startServer } from '../e2e/harness.ts';
import { bigJourney } from '../unit/editor-builders.ts';
import type { Figure } from './run.ts';

const SIZE = Number(process.env.BENCH_EDITOR_NODES ?? 300);

// Page scripts are strings: tsx would wrap functions passed to the page with helpers the page does not have.
const START_FRAMES = `(() => {
  window.__frames = [];
  window.__recording = true;
  const tick = (t) => { window.__frames.push(t); if (window.__recording) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;
const STOP_FRAMES = `(() => { window.__recording = false; return window.__frames; })()`;
/** The editor is interactive when the nodes in view are rendered and measured (React Flow shows them). */
const EDITOR_READY = `(() => {
  const nodes = [...document.querySelectorAll('.react-flow__node')];
  return nodes.length > 0 && document.querySelectorAll('.react-flow__edge').length > 0 && nodes.every((el) => el.style.visibility !== 'hidden');
})()`;

/** Frame gaps (ms) while \`act\` runs: what a marketer perceives as lag. */
async function frameGaps(page: Page, act: () => Promise<void>): Promise<number[]> {
  await page.evaluate(START_FRAMES);
  await act();
  const frames = (await page.evaluate(STOP_FRAMES)) as number[];
  return frames.slice(1).map((t, i) => t - frames[i]!);
}

function median(values: number[]): number {
  return percentile(values, 50);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function dragBy(page: Page, x: number, y: number, dx: number, dy: number): Promise<void> {
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= 30; i++) await page.mouse.move(x + (dx * i) / 30, y + (dy * i) / 30);
  await page.mouse.up();
}

export async function run(report: (f: Figure) => void): Promise<void> {
  const [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(30_000);
    await page.goto(server.url);
    await page.waitForURL('**/setup');
    await page.getByLabel('Your name').fill('Bench Owner');
    await page.getByRole('textbox', { name: 'Email' }).fill('bench@example.com');
    await page.getByRole('textbox', { name: 'Password' }).fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account and sign in' }).click();
    await page.getByRole('heading', { name: 'Lifecycle', level: 1 }).waitFor();

    const { graph, layout } = bigJourney(SIZE);
    const file = { kairos: 'journey', format: 1, name: `Bench · ${graph.nodes.length} nodes`, moment: 'first_communication', persona: null, graph, layout };
    const id = (await page.evaluate(
      `fetch('/trpc/journeys.importFile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(JSON.stringify({ file }))} })
        .then((res) => res.json()).then((json) => json.result.data.id)`,
    )) as string;

    // Load to interactive, from navigation start; the machine may be shared, so the median of a few loads,
    // beside the same measure for a plain page of the app.
    const loads: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(`${server.url}/journeys/${id}`);
      await page.waitForFunction(EDITOR_READY, null, { polling: 'raf' });
      loads.push((await page.evaluate('performance.now()')) as number);
    }
    const rendered = (await page.evaluate(`document.querySelectorAll('.react-flow__node').length`)) as number;
    const baseline: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(`${server.url}/personas`);
      await page.getByRole('heading', { name: 'Bargain hunter' }).waitFor();
      baseline.push((await page.evaluate('performance.now()')) as number);
    }
    report({
      name: 'editor.load_300_nodes',
      value: median(loads),
      unit: 'ms',
      note: `${graph.nodes.length} nodes (${rendered} in view rendered), min ${Math.min(...loads).toFixed(0)} ms, goal < 1000 ms`,
    });
    report({ name: 'editor.load_baseline_page', value: median(baseline), unit: 'ms', note: 'the Personas page on the same server, for comparison' });

    await page.goto(`${server.url}/journeys/${id}`);
    await page.waitForFunction(EDITOR_READY, null, { polling: 'raf' });

    // Drag one node across the canvas.
    const box = (await page.getByTestId('node-check_0').boundingBox())!;
    const drag = await frameGaps(page, () => dragBy(page, box.x + 40, box.y + 12, 240, 120));
    report({ name: 'editor.drag_frame_p95', value: percentile(drag, 95), unit: 'ms', note: `max ${Math.max(...drag).toFixed(0)} ms over ${drag.length} frames` });

    // Pan the whole canvas.
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    const pan = await frameGaps(page, () => dragBy(page, pane.x + 30, pane.y + pane.height - 30, 300, -400));
    report({ name: 'editor.pan_frame_p95', value: percentile(pan, 95), unit: 'ms', note: `max ${Math.max(...pan).toFixed(0)} ms over ${pan.length} frames` });
  } finally {
    await browser.close();
    await server.stop();
  }
}
