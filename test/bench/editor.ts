// Bench group `editor`: a 300-node journey in the editor in Chromium — load to interactive, then drag and pan frames.
import type { Page } from 'playwright-core';
import { launchBrowser, startServer } from '../e2e/harness.ts';
import { bigJourney } from '../unit/editor-builders.ts';
import type { Figure } from './run.ts';

const SIZE = 300;

/** Frame gaps (ms) while `act` runs: what a marketer perceives as lag. */
async function frameGaps(page: Page, act: () => Promise<void>): Promise<number[]> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__frames = [];
    w.__recording = true;
    const tick = (t: number) => {
      w.__frames.push(t);
      if (w.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await act();
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__recording = false;
    return w.__frames;
  });
  return frames.slice(1).map((t, i) => t - frames[i]!);
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
    const id = await page.evaluate(async (body) => {
      const res = await fetch('/trpc/journeys.importFile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.json()) as { result?: { data: { id: string } }; error?: unknown };
      if (!json.result) throw new Error(JSON.stringify(json.error));
      return json.result.data.id;
    }, { file });

    // Load to interactive: from navigation start until every node is rendered and measured (visible).
    await page.goto(`${server.url}/journeys/${id}`);
    await page.waitForFunction(
      (n) => {
        const nodes = document.querySelectorAll('.react-flow__node');
        return nodes.length === n && [...nodes].every((el) => (el as HTMLElement).style.visibility !== 'hidden');
      },
      graph.nodes.length,
      { polling: 'raf' },
    );
    const loaded = await page.evaluate(() => performance.now());
    report({ name: 'editor.load_300_nodes', value: loaded, unit: 'ms', note: `${graph.nodes.length} nodes, goal < 1000 ms` });

    // Drag one node across the canvas.
    const box = (await page.getByTestId('node-check_2').boundingBox())!;
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
