// `kairos report lifecycle` as a script runs it: a real process against a DATA_DIR that holds a few contacts' history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmSubscription } from '../../server/contacts/consent.ts';
import { findOrCreateContact, recordEvent, setPhase } from '../../server/contacts/contacts.ts';
import { openWorkspace } from '../../server/workspace.ts';
import type { LifecycleReport } from '../../shared/reports/lifecycle.ts';
import { kairos, tempDir, testConfig, type Run } from './helpers.ts';

const made = tempDir('kairos-report-cli-');
const dir = made.dir;
let direct: { phases: Record<string, number>; researcherPhases: Record<string, number>; transitions: number };

// Processes start slowly on a busy machine: each test waits for its own, up to this long.
const PROCESS_MS = 120_000;
const runs: Record<string, Promise<Run>> = {};
beforeAll(() => {
  // The history, written through the real write paths (system time: the default period is the last 90 days).
  const ws = openWorkspace(testConfig(dir));
  try {
    const people = [
      ['ada@example.com', 'researcher', 2],
      ['ben@example.com', 'researcher', 1],
      ['cy@example.com', 'loyalist', 0],
      ['dee@example.org', null, 1],
    ] as const;
    for (const [email, persona, orders] of people) {
      const { contact } = findOrCreateContact(ws.db, ws.clock, { email, traits: persona ? { persona } : {} });
      confirmSubscription(ws.db, ws.clock, contact.id, { source: 'test' });
      for (let i = 0; i < orders; i++) recordEvent(ws.db, ws.clock, contact.id, { name: 'order_completed', properties: { order_id: `${email}-${i}` } });
      if (orders === 0) setPhase(ws.db, ws.clock, contact.id, 'lapsed', 'test: inactive');
    }
    const sqlite = ws.db.$client;
    const count = (sql: string) => Object.fromEntries((sqlite.prepare(sql).all() as { phase: string; n: number }[]).map((r) => [r.phase, r.n]));
    direct = {
      phases: count(`SELECT phase, count(*) AS n FROM contacts GROUP BY phase`),
      researcherPhases: count(`SELECT phase, count(*) AS n FROM contacts WHERE persona_key = 'researcher' GROUP BY phase`),
      transitions: (sqlite.prepare(`SELECT count(*) AS n FROM phase_history`).get() as { n: number }).n,
    };
  } finally {
    ws.close();
  }
  // Each process costs about a second: the independent ones start together.
  runs.json = kairos(['report', 'lifecycle', '--json'], dir);
  runs.persona = kairos(['report', 'lifecycle', '--persona', 'researcher', '--from', '2020-01-01T00:00:00Z', '--to', '2100-01-01T00:00:00Z', '--json'], dir);
  runs.table = kairos(['report', 'lifecycle'], dir);
  runs.badFrom = kairos(['report', 'lifecycle', '--from', 'last tuesday'], dir);
  runs.badPersona = kairos(['report', 'lifecycle', '--persona', 'astronaut', '--json'], dir);
  runs.backwards = kairos(['report', 'lifecycle', '--from', '2026-12-01T00:00:00Z', '--to', '2026-11-01T00:00:00Z'], dir);
});
afterAll(() => made.cleanup());

const phasesOf = (r: LifecycleReport) => Object.fromEntries(r.phases.filter((p) => p.n > 0).map((p) => [p.phase, p.n]));
const phasesWithContacts = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));

describe('kairos report lifecycle', () => {
  it('prints, as JSON, contacts per phase per persona and the transitions of the last 90 days', async () => {
    const run = await runs.json!;
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(run.stdout) as LifecycleReport;
    expect(Date.parse(report.period.to) - Date.parse(report.period.from)).toBe(90 * 86_400_000);
    expect(Math.abs(Date.parse(report.period.to) - Date.now())).toBeLessThan(120_000);
    expect(phasesOf(report)).toEqual(direct.phases);
    expect(report.personas.find((p) => p.key === 'researcher')!.phases).toMatchObject(direct.researcherPhases);
    // Every transition of the history, and each contact's creation as a prospect.
    expect(report.flows.reduce((t, f) => t + f.n, 0)).toBe(direct.transitions + 4);
    expect(report.flows).toContainEqual({ from: 'subscriber', to: 'customer', n: 3 });
    expect(report.flows).toContainEqual({ from: 'customer', to: 'loyal', n: 1 });
    expect(report.lapsed).toBe(1);
  }, PROCESS_MS);

  it('narrows to one persona over a given period', async () => {
    const run = await runs.persona!;
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as LifecycleReport;
    expect(report.persona).toBe('researcher');
    expect(phasesOf(report)).toEqual(phasesWithContacts(direct.researcherPhases));
    expect(report.personas.map((p) => p.key)).toEqual(['researcher']);
    expect(report.flows).toContainEqual({ from: 'customer', to: 'loyal', n: 1 });
    expect(report.lapsed).toBe(0);
  }, PROCESS_MS);

  it('prints a readable table without --json', async () => {
    const run = await runs.table!;
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('persona'))).toMatch(/prospect\s+subscriber\s+engaged\s+customer\s+loyal\s+advocate\s+lapsed/);
    expect(lines.find((l) => l.startsWith('Researcher'))).toMatch(/^Researcher\s+0\s+0\s+0\s+1\s+1\s+0\s+0$/);
    expect(run.stdout).toMatch(/subscriber → customer\s+3/);
    expect(run.stdout).toContain('Lapsed: 1');
  }, PROCESS_MS);

  it('refuses a bad --from, an unknown --persona and a backwards period with a clear message and exit 1', async () => {
    const badFrom = await runs.badFrom!;
    expect(badFrom.code).toBe(1);
    expect(badFrom.stderr).toContain('--from: "last tuesday" is not an ISO-8601 time');
    const badPersona = await runs.badPersona!;
    expect(badPersona.code).toBe(1);
    expect(badPersona.stderr).toContain('--persona: there is no persona "astronaut"');
    expect(badPersona.stdout).toBe('');
    const backwards = await runs.backwards!;
    expect(backwards.code).toBe(1);
    expect(backwards.stderr).toContain('--to: the period must end after it starts');
  }, PROCESS_MS);
});
