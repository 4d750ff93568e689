// The living demo: a small cohort lives through 30 virtual days on a fresh DATA_DIR through the real code paths,
// and what it leaves behind adds up: phases, transitions, journeys, referrals, the Inbox; the same seed gives the
// same figures; a second run adds a cohort and leaves the first alone; it refuses to run with SMTP_URL set.
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli/program.ts';
import { fixedClock } from '../../server/clock.ts';
import { DEMO_RUNS_KEY } from '../../server/demo/run.ts';
import { demoSummary, type DemoSummary } from '../../server/demo/summary.ts';
import { requestSubscription } from '../../server/mail/consent.ts';
import { openWorkspace, type Workspace } from '../../server/workspace.ts';
import { PHASE_KEYS } from '../../shared/lifecycle/phases.ts';
import { MOMENT_KEYS } from '../../shared/lifecycle/moments.ts';
import type { LifecycleReport } from '../../shared/reports/lifecycle.ts';
import { tempDir, testConfig, workspacePerTest } from './helpers.ts';

const dirs: { cleanup(): void }[] = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));

async function demo(dir: string, args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['demo', ...args], testConfig(dir, env), { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

function withWorkspace<T>(dir: string, read: (ws: Workspace) => T): T {
  const ws = openWorkspace(testConfig(dir));
  try {
    return read(ws);
  } finally {
    ws.close();
  }
}

const ARGS = ['--contacts', '200', '--days', '30', '--seed', 'integration'];

describe('a small demo on a fresh DATA_DIR', () => {
  const first = tempDir('kairos-demo-');
  const twin = tempDir('kairos-demo-twin-');
  dirs.push(first, twin);
  let summary: DemoSummary;

  it('runs and prints its summary', { timeout: 90_000 }, async () => {
    const started = performance.now();
    const result = await demo(first.dir, ARGS);
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.out.join('\n')).toMatch(/Cohort 1: \d+ contacts/);
    expect(result.out.join('\n')).toMatch(/Welcome split, variant A: \d+ entered/);
    summary = withWorkspace(first.dir, (ws) => demoSummary(ws.db, 1));
    expect(summary.contacts).toBeGreaterThanOrEqual(200);
    console.info(`demo 200 contacts × 30 days: ${Math.round(performance.now() - started)} ms`, JSON.stringify(summary));
  });

  it('leaves every contact in exactly one phase, each phase count the sum of its recorded transitions', () => {
    withWorkspace(first.dir, ({ db }) => {
      const sql = db.$client;
      const contacts = sql.prepare(`SELECT id, phase FROM contacts WHERE json_extract(traits, '$.demo_cohort') = 1`).all() as { id: string; phase: string }[];
      expect(contacts.length).toBe(summary.contacts);
      for (const c of contacts) expect(PHASE_KEYS).toContain(c.phase);
      // Everyone starts a prospect; each transition takes one from its `from` phase to its `to` phase.
      const counts = Object.fromEntries(PHASE_KEYS.map((p) => [p, 0])) as Record<string, number>;
      counts.prospect = contacts.length;
      const flows = sql
        .prepare(`SELECT coalesce(from_phase, 'prospect') AS f, to_phase AS t, count(*) AS n FROM phase_history
          WHERE contact_id IN (SELECT id FROM contacts WHERE json_extract(traits, '$.demo_cohort') = 1) GROUP BY f, t`)
        .all() as { f: string; t: string; n: number }[];
      for (const { f, t, n } of flows) {
        counts[f]! -= n;
        counts[t]! += n;
      }
      const stored = Object.fromEntries(PHASE_KEYS.map((p) => [p, contacts.filter((c) => c.phase === p).length]));
      expect(counts).toEqual(stored);
      // And per contact: the last transition recorded is where the contact is.
      const last = sql.prepare(`SELECT to_phase AS phase FROM phase_history WHERE contact_id = ? ORDER BY at DESC, id DESC LIMIT 1`);
      for (const c of contacts) expect((last.get(c.id) as { phase: string } | undefined)?.phase ?? 'prospect').toBe(c.phase);
      // The lifecycle moved: subscribers, customers, loyal customers, lapsed ones.
      for (const phase of ['engaged', 'customer', 'loyal', 'lapsed'] as const) expect(stored[phase], phase).toBeGreaterThan(0);
    });
  });

  it('takes contacts through every moment\'s journey, with the welcome split sending them down both variants', () => {
    withWorkspace(first.dir, ({ db }) => {
      const perMoment = db.$client
        .prepare(`SELECT j.moment AS moment, count(DISTINCT e.contact_id) AS n FROM enrollments e JOIN journeys j ON j.id = e.journey_id GROUP BY j.moment`)
        .all() as { moment: string; n: number }[];
      const entered = Object.fromEntries(perMoment.map((r) => [r.moment, r.n]));
      for (const moment of MOMENT_KEYS) expect(entered[moment] ?? 0, moment).toBeGreaterThan(0);
      expect(summary.split.map((v) => v.variant)).toEqual(['a', 'b']);
      for (const v of summary.split) expect(v.entered).toBeGreaterThan(20);
    });
  });

  it('records the referral chain: the referred contact names its referrer, who got referral_converted', () => {
    withWorkspace(first.dir, ({ db }) => {
      const chain = db.$client
        .prepare(`SELECT c.id, c.referred_by AS referrer, (SELECT count(*) FROM events e WHERE e.contact_id = c.referred_by AND e.name = 'referral_converted') AS converted
          FROM contacts c WHERE c.referred_by IS NOT NULL`)
        .all() as { id: string; referrer: string; converted: number }[];
      expect(chain.length).toBeGreaterThan(0);
      expect(chain.length).toBe(summary.referrals);
      for (const link of chain) {
        expect(link.referrer).not.toBe(link.id);
        expect(link.converted).toBeGreaterThan(0);
      }
    });
  });

  it('puts its emails in the Inbox, addressed to the cohort, with opens and clicks counted through the tracking links', () => {
    withWorkspace(first.dir, ({ db }) => {
      const sql = db.$client;
      const inbox = sql.prepare(`SELECT recipient, subject FROM captured_emails`).all() as { recipient: string; subject: string }[];
      // Every sent email is in the Inbox (hot-lead notices to sales are counted with their lead).
      expect(inbox.length).toBe(Math.min(summary.emailsSent, 5000));
      expect(inbox.filter((m) => /\.c1n\d+@example\.(com|org)$/.test(m.recipient)).length).toBeGreaterThan(0);
      for (const m of inbox) expect(m.recipient).toMatch(/@example\.(com|org)$/);
      expect(summary.opened).toBeGreaterThan(0);
      expect(summary.clicked).toBeGreaterThan(0);
      const engagement = sql.prepare(`SELECT count(*) AS n FROM events WHERE name IN ('$email_opened', '$email_clicked')`).get() as { n: number };
      expect(engagement.n).toBe(summary.opened + summary.clicked);
    });
  });

  it('agrees with `kairos report lifecycle --json` over its period: phases now, transitions, personas, referrals', async () => {
    const run = withWorkspace(first.dir, ({ db }) => (db.$client.prepare(`SELECT value FROM settings WHERE key = ?`).get(DEMO_RUNS_KEY) as { value: string }).value);
    const { from, to } = (JSON.parse(run) as { from: string; to: string }[])[0]!;
    // The last tick runs at the period's end: one hour more takes in what it did.
    const until = new Date(Date.parse(to) + 3_600_000).toISOString();
    const out: string[] = [];
    const code = await runCli(['report', 'lifecycle', '--json', '--from', from, '--to', until], testConfig(first.dir), { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect(code).toBe(0);
    const report = JSON.parse(out.join('\n')) as LifecycleReport;
    withWorkspace(first.dir, ({ db }) => {
      const sql = db.$client;
      const now = Object.fromEntries((sql.prepare(`SELECT phase, count(*) AS n FROM contacts GROUP BY phase`).all() as { phase: string; n: number }[]).map((r) => [r.phase, r.n]));
      expect(Object.fromEntries(report.phases.map((p) => [p.phase, p.n]))).toEqual(Object.fromEntries(PHASE_KEYS.map((p) => [p, now[p] ?? 0])));
      const flows = sql
        .prepare(`SELECT from_phase AS f, to_phase AS t, count(*) AS n FROM phase_history WHERE at >= ? AND at < ? GROUP BY f, t`)
        .all(Date.parse(from), Date.parse(until)) as { f: string | null; t: string; n: number }[];
      const byKey = (list: { from: string | null; to: string; n: number }[]) => Object.fromEntries(list.map((x) => [`${x.from}>${x.to}`, x.n]));
      expect(byKey(report.flows.filter((f) => f.from !== null))).toEqual(byKey(flows.map((x) => ({ from: x.f, to: x.t, n: x.n }))));
      // A new contact's first phase is counted as a flow into prospect.
      const created = (sql.prepare(`SELECT count(*) AS n FROM contacts`).get() as { n: number }).n;
      expect(report.flows.find((f) => f.from === null && f.to === 'prospect')?.n).toBe(created);
      const perPersona = sql.prepare(`SELECT persona_key AS persona, phase, count(*) AS n FROM contacts GROUP BY persona_key, phase`).all() as { persona: string | null; phase: string; n: number }[];
      for (const persona of report.personas) {
        const expected = Object.fromEntries(PHASE_KEYS.map((p) => [p, perPersona.find((r) => r.persona === persona.key && r.phase === p)?.n ?? 0]));
        expect(persona.phases, String(persona.key)).toEqual(expected);
        // Every contact of the persona came in during the period: its flows into prospect count them all.
        const total = Object.values(expected).reduce((a, b) => a + b, 0);
        expect(persona.flows.find((f) => f.from === null && f.to === 'prospect')?.n ?? 0, String(persona.key)).toBe(total);
      }
      expect(report.referrals).toBe(summary.referrals);
    });
  });

  it('gives the same figures for the same seed on another fresh DATA_DIR', { timeout: 90_000 }, async () => {
    const result = await demo(twin.dir, ARGS);
    expect(result.code).toBe(0);
    expect(withWorkspace(twin.dir, (ws) => demoSummary(ws.db, 1))).toEqual(summary);
  });

  it('adds a second cohort on a second run, with new addresses, and leaves the first as it was', { timeout: 60_000 }, async () => {
    const before = withWorkspace(first.dir, (ws) => demoSummary(ws.db, 1));
    const again = await demo(first.dir, ['--contacts', '30', '--days', '7', '--seed', 'integration']);
    expect(again.code).toBe(0);
    expect(again.out.join('\n')).toMatch(/Cohort 2: /);
    // The starter journeys were published once: the second run finds them live.
    expect(again.out.join('\n')).not.toMatch(/Published/);
    withWorkspace(first.dir, (ws) => {
      expect(demoSummary(ws.db, 1)).toEqual(before);
      const second = demoSummary(ws.db, 2);
      expect(second.contacts).toBeGreaterThanOrEqual(30);
      const emails = ws.db.$client.prepare(`SELECT email FROM contacts WHERE json_extract(traits, '$.demo_cohort') = 2`).all() as { email: string }[];
      for (const { email } of emails) expect(email).toMatch(/\.c2n\d+@example\.(com|org)$/);
    });
  });
});

describe('the demo refuses', () => {
  const open = workspacePerTest();

  it('to run when SMTP_URL is set, with a clear message, exit code 1 and nothing created', async () => {
    const { dir } = open();
    const result = await demo(dir, ['--contacts', '10', '--days', '3'], { SMTP_URL: 'smtp://user:pass@mail.example.com:587' });
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toMatch(/SMTP_URL is set/);
    withWorkspace(dir, ({ db }) => {
      expect((db.$client.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n).toBe(0);
      expect((db.$client.prepare(`SELECT count(*) AS n FROM journeys`).get() as { n: number }).n).toBe(0);
    });
  });

  it('bad options, naming the option', async () => {
    const { dir } = open();
    const result = await demo(dir, ['--contacts', 'many']);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toMatch(/--contacts: "many" must be a whole number/);
  });
});

describe('the subscribe request the demo makes', () => {
  const open = workspacePerTest();

  it('creates a new contact with the persona its traits name (the persona event refers to the stored contact)', () => {
    const { ws } = open();
    const clock = fixedClock('2026-11-02T09:00:00Z');
    const result = requestSubscription(ws.db, clock, { email: 'new.person@example.com', traits: { persona: 'researcher', first_name: 'Ana' } }, { source: 'subscribe_form', ip: null });
    const row = ws.db.$client.prepare('SELECT persona_key AS persona, subscription FROM contacts WHERE id = ?').get(result.contactId);
    expect(row).toEqual({ persona: 'researcher', subscription: 'pending' });
    const events = ws.db.$client.prepare('SELECT name FROM events WHERE contact_id = ? ORDER BY id').all(result.contactId) as { name: string }[];
    expect(events.map((e) => e.name)).toContain('$persona_entered');
    // Its first phase counts for the persona it came with, so each persona's flows add up to its contacts.
    const firsts = ws.db.$client.prepare(`SELECT persona_key AS persona, n FROM daily_counts WHERE metric = 'phase_flow' AND key = '>prospect'`).all();
    expect(firsts).toEqual([{ persona: 'researcher', n: 1 }]);
  });
});
