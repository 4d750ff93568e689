// `kairos experiments list|report --json` as a script runs them: real processes against a DATA_DIR whose journey has a
// split that contacts went through, answering in the shape issue 13 promises.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createExecutor } from '../../server/executor/executor.ts';
import { createJourney, publishJourney } from '../../server/journeys/service.ts';
import { openWorkspace } from '../../server/workspace.ts';
import { addContact, addEvent, graph, onEvent } from './executorBuilders.ts';
import { kairos, tempDir, testConfig, type Run } from './helpers.ts';

const made = tempDir('kairos-experiments-cli-');
const PROCESS_MS = 120_000;
let experimentId = '';
let perArm: Record<string, number> = {};
const runs: Record<string, Promise<Run>> = {};

beforeAll(() => {
  const ws = openWorkspace(testConfig(made.dir));
  try {
    const g = graph(
      [
        onEvent('signed_up'),
        { id: 'ab', kind: 'split', config: { variants: [{ key: 'a', label: 'A', weight: 50 }, { key: 'b', label: 'B', weight: 50 }], experiment: { minimumEffect: 20 } } },
        { id: 'mail_a', kind: 'email', config: { templateId: 'nurture' } },
        { id: 'mail_b', kind: 'email', config: { templateId: 'nurture_founder_note' } },
        { id: 'x', kind: 'exit' },
      ],
      ['t:next>ab', 'ab:a>mail_a', 'ab:b>mail_b', 'mail_a:next>x', 'mail_b:next>x'],
      { goal: { event: 'order_completed', filters: [], windowDays: 14, exitOnGoal: false } },
    );
    const { id } = createJourney(ws.db, ws.clock, { moment: 'first_communication', personaKey: null, name: 'CLI test', graph: g });
    publishJourney(ws.db, ws.clock, { id, publishedBy: 'test' });
    for (let i = 0; i < 30; i++) addEvent(ws.db, addContact(ws.db), 'signed_up', {}, ws.clock.now());
    createExecutor({ db: ws.db, clock: ws.clock }).tick();
    const sqlite = ws.db.$client;
    experimentId = (sqlite.prepare(`SELECT id FROM experiments`).get() as { id: string }).id;
    perArm = Object.fromEntries(
      (sqlite.prepare(`SELECT json_extract(state, '$.variants.ab') AS arm, count(*) AS n FROM enrollments GROUP BY arm`).all() as { arm: string; n: number }[]).map((r) => [r.arm, r.n]),
    );
  } finally {
    ws.close();
  }
  runs.list = kairos(['experiments', 'list', '--json'], made.dir);
  runs.report = kairos(['experiments', 'report', experimentId, '--json'], made.dir);
  runs.text = kairos(['experiments', 'report', experimentId], made.dir);
  runs.unknown = kairos(['experiments', 'report', 'x_nope'], made.dir);
});
afterAll(() => made.cleanup());

it('lists the experiments as JSON with status and contacts per arm', async () => {
  const run = await runs.list!;
  expect(run.code, run.stderr).toBe(0);
  const list = JSON.parse(run.stdout) as { id: string; status: string; nodeId: string; contacts: { key: string; n: number }[] }[];
  expect(list).toHaveLength(1);
  expect(list[0]).toMatchObject({ id: experimentId, status: 'running', nodeId: 'ab' });
  expect(Object.fromEntries(list[0]!.contacts.map((c) => [c.key, c.n]))).toEqual(perArm);
}, PROCESS_MS);

it('prints the report in the promised shape, rates as fractions', async () => {
  const run = await runs.report!;
  expect(run.code, run.stderr).toBe(0);
  const r = JSON.parse(run.stdout);
  expect(Object.keys(r).sort()).toEqual(['arms', 'comparisons', 'id', 'journeyId', 'metric', 'needed', 'srm', 'verdict'].sort());
  expect(r.metric).toBe('converted');
  expect(r.arms.map((a: { key: string }) => a.key)).toEqual(['a', 'b']);
  for (const a of r.arms) {
    expect(Object.keys(a).sort()).toEqual(['ci', 'conversions', 'key', 'n', 'name', 'rate', 'weight'].sort());
    expect(a.n).toBe(perArm[a.key]);
    expect(a.conversions).toBe(0);
    expect(a.rate).toBe(0);
  }
  expect(Object.keys(r.comparisons[0]).sort()).toEqual(['arm', 'ci', 'control', 'diff', 'pAdjusted', 'pFixed', 'pSequential', 'probabilityBest', 'relativeLift'].sort());
  expect(r.comparisons[0]).toMatchObject({ arm: 'b', control: 'a' });
  expect(Object.keys(r.srm).sort()).toEqual(['flagged', 'p']);
  expect(Object.keys(r.needed)).toEqual(['perArm']);
  expect(r.verdict.kind).toBe('inconclusive');
}, PROCESS_MS);

it('prints a readable report, and a clear error for an unknown id', async () => {
  const text = await runs.text!;
  expect(text.code, text.stderr).toBe(0);
  expect(text.stdout).toContain('Verdict: No reliable difference yet');
  const unknown = await runs.unknown!;
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('There is no experiment "x_nope".');
}, PROCESS_MS);
