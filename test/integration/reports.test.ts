// The lifecycle report through tRPC on a fresh workspace: after a scripted month (subscriptions, purchases, a journey
// with its emails, opens, a click, a bounce, an unsubscribe, a lapse and a return), every figure equals a direct count
// of the rows the real code paths wrote; anonymous callers are refused; no query scans events.
import { TRPCError } from '@trpc/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setPhase, recordEvent } from '../../server/contacts/contacts.ts';
import { createExecutor } from '../../server/executor/executor.ts';
import { unsubscribeFromLink } from '../../server/mail/consent.ts';
import { PUBLIC_PATHS } from '../../server/mail/links.ts';
import { recordClick, recordOpen } from '../../server/mail/tracking.ts';
import { REPORT_SQL } from '../../server/reports/lifecycle.ts';
import { MOMENT_PHASES } from '../../shared/lifecycle/moments.ts';
import { email, exit, graph, liveJourney, onEvent, waitDays } from './executorBuilders.ts';
import { callerFor, makeUser } from './helpers.ts';
import { header, mailWorld, subscribedContact, type MailWorld } from './mail-helpers.ts';

const DAY = 86_400_000;
const START = '2026-05-04T10:00:00Z';
const PERIOD = { from: '2026-05-04T00:00:00Z', to: '2026-06-01T00:00:00Z' };

let world: MailWorld;
beforeEach(async () => {
  world = await mailWorld({ now: START });
});
afterEach(async () => {
  await world.cleanup();
});

const at = (days: number) => world.clock.set(new Date(Date.parse(START) + days * DAY));
const all = <T>(sql: string, ...params: unknown[]) => world.db.$client.prepare(sql).all(...params) as T[];
const one = <T>(sql: string, ...params: unknown[]) => world.db.$client.prepare(sql).get(...params) as T;

/** The month: four contacts, one journey on first purchase with a welcome email, and what people do with it. */
async function scriptedMonth() {
  const { db, clock, mail, smtp } = world;
  const executor = createExecutor({ db, clock });
  const journeyId = liveJourney(db, clock, graph([onEvent('order_completed'), email('welcome'), waitDays('w', 7), exit()], ['t:next>welcome', 'welcome:next>w', 'w:next>x'], { goal: { event: 'order_completed', filters: [], windowDays: 30, exitOnGoal: false } }));
  const ada = subscribedContact(world, 'ada@example.com', { persona: 'researcher' });
  const ben = subscribedContact(world, 'ben@example.com', { persona: 'researcher' });
  const cy = subscribedContact(world, 'cy@example.com', { persona: 'loyalist' });
  const dee = subscribedContact(world, 'dee@example.org');
  smtp.refuse('dee@example.org', [550, '5.1.1 no such user']);

  at(3);
  recordEvent(db, clock, ada, { name: 'order_completed', properties: { order_id: 'o1' } });
  at(5);
  recordEvent(db, clock, ben, { name: 'order_completed', properties: { order_id: 'o2' } });
  recordEvent(db, clock, dee, { name: 'order_completed', properties: { order_id: 'o3' } });
  executor.tick();
  await mail.delivery.runOnce();

  // Ada opens twice and clicks; Ben unsubscribes with his email's List-Unsubscribe (one-click).
  const messageOf = (contactId: string) => one<{ id: string }>(`SELECT id FROM messages WHERE contact_id = ?`, contactId).id;
  const openToken = world.mail.links.openUrl(messageOf(ada)).split(PUBLIC_PATHS.open)[1]!.replace(/\.gif$/, '');
  at(6);
  expect(recordOpen(db, clock, mail.tokens, openToken)).toBe(true);
  recordOpen(db, clock, mail.tokens, openToken);
  recordClick(db, clock, mail.tokens, world.mail.links.clickUrl(messageOf(ada), 'https://shop.example.com/').split(PUBLIC_PATHS.click)[1]!);
  const listUnsubscribe = header(smtp.to('ben@example.com')[0]!, 'List-Unsubscribe')!;
  const unsubscribeToken = listUnsubscribe.slice(listUnsubscribe.indexOf(PUBLIC_PATHS.unsubscribe) + PUBLIC_PATHS.unsubscribe.length, -1);
  expect(unsubscribeFromLink(db, clock, mail.tokens, unsubscribeToken, { source: 'list_unsubscribe', ip: null })?.result.changed).toBe(true);

  // Cy lapses and comes back; Ada buys again (loyal, and the journey's goal).
  at(8);
  setPhase(db, clock, cy, 'lapsed', 'test: inactive');
  at(9);
  setPhase(db, clock, cy, 'customer', 'test: came back');
  at(10);
  recordEvent(db, clock, ada, { name: 'order_completed', properties: { order_id: 'o4' } });
  executor.tick();
  return { journeyId, ada, ben, cy, dee };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length / 2;
  return s.length % 2 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Transitions straight from phase_history and contact creations (every contact starts as a prospect). */
function directFlows(persona: string | null) {
  const scope = persona === null ? '' : 'AND c.persona_key = ?';
  const params = persona === null ? [] : [persona];
  const from = Date.parse(PERIOD.from);
  const to = Date.parse(PERIOD.to);
  const history = all<{ from: string | null; to: string; n: number }>(
    `SELECT h.from_phase AS "from", h.to_phase AS "to", count(*) AS n FROM phase_history h JOIN contacts c ON c.id = h.contact_id
     WHERE h.at >= ? AND h.at < ? ${scope} GROUP BY 1, 2`, from, to, ...params);
  const created = one<{ n: number }>(`SELECT count(*) AS n FROM contacts c WHERE created_at >= ? AND created_at < ? ${scope}`, from, to, ...params).n;
  return [...history, ...(created ? [{ from: null, to: 'prospect', n: created }] : [])].sort((a, b) => `${a.from}>${a.to}`.localeCompare(`${b.from}>${b.to}`));
}

const sorted = <T extends { from: string | null; to: string }>(flows: T[]) => [...flows].sort((a, b) => `${a.from}>${a.to}`.localeCompare(`${b.from}>${b.to}`));

describe('reports.lifecycle', () => {
  it('equals direct counts of contacts, transitions, durations, journeys and emails after a scripted month', async () => {
    const { journeyId } = await scriptedMonth();
    const caller = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'manager'), world.clock);
    const report = await caller.reports.lifecycle({ persona: null, ...PERIOD });

    // Contacts per phase now.
    const now = Object.fromEntries(all<{ phase: string; n: number }>(`SELECT phase, count(*) AS n FROM contacts GROUP BY phase`).map((r) => [r.phase, r.n]));
    expect(Object.fromEntries(report.phases.map((p) => [p.phase, p.n]))).toEqual({ prospect: 0, subscriber: 0, engaged: 0, customer: 0, loyal: 0, advocate: 0, lapsed: 0, ...now });
    expect(now).toEqual({ customer: 3, loyal: 1 });
    // Transitions: the rollups say what phase_history and the contacts say.
    expect(sorted(report.flows)).toEqual(directFlows(null));
    expect(report.flows).toContainEqual({ from: 'subscriber', to: 'lapsed', n: 1 });
    expect(report.flows).toContainEqual({ from: 'lapsed', to: 'customer', n: 1 });
    expect(report.lapsed).toBe(1);
    expect(report.reactivated).toBe(1);
    // Entries per week add up to the transitions.
    const weekly = report.entriesPerWeek.reduce((t, w) => t + Object.values(w.byPhase).reduce((a, b) => a + b, 0), 0);
    expect(weekly).toBe(report.flows.reduce((t, f) => t + f.n, 0));
    expect(report.entriesPerWeek.map((w) => w.weekStart)).toEqual(['2026-05-04', '2026-05-11', '2026-05-18', '2026-05-25']);

    // Durations from the history: subscriber → first purchase (3, 5, 5 days), customer → loyal (7 days).
    const firsts = all<{ days: number }>(`SELECT (min(CASE WHEN to_phase = 'customer' THEN at END) - min(CASE WHEN to_phase = 'subscriber' THEN at END)) / ${DAY} AS days
      FROM phase_history GROUP BY contact_id HAVING days IS NOT NULL`).map((r) => Math.floor(r.days));
    expect(report.medians).toEqual({ subscriberToFirstPurchaseDays: median(firsts), customerToLoyalDays: 7, firstPurchases: firsts.length, becameLoyal: 1 });
    expect(report.medians.subscriberToFirstPurchaseDays).toBe(5);

    // The journey: entered, in it now and converted, as the enrollments say.
    const runs = one<{ entered: number; open: number; converted: number }>(
      `SELECT count(*) AS entered, sum(status IN ('active', 'waiting')) AS open, count(goal_reached_at) AS converted FROM enrollments WHERE journey_id = ?`, journeyId);
    const moment = report.moments.find((m) => m.moment === 'first_purchase')!;
    expect(moment.phases).toEqual([...MOMENT_PHASES.first_purchase]);
    expect(moment.journeys).toEqual([expect.objectContaining({ id: journeyId, entered: runs.entered, inJourneyNow: runs.open, converted: runs.converted, conversionRate: runs.converted / runs.entered })]);
    // All three wait out the 7 days (the goal does not exit); Dee's email bounced, Ada reached the goal.
    expect(runs).toEqual({ entered: 3, open: 3, converted: 1 });

    // Email performance of the welcome template, as the messages say.
    const m = one<{ sent: number; delivered: number; bounced: number; opens: number; clicks: number }>(
      `SELECT count(*) AS sent, sum(status = 'sent') AS delivered, sum(status = 'failed') AS bounced, count(first_opened_at) AS opens, count(first_clicked_at) AS clicks
       FROM messages WHERE template_id = 'welcome'`);
    expect(report.templates).toEqual([
      { templateId: 'welcome', name: expect.any(String), sent: m.sent, delivered: m.delivered, uniqueOpens: m.opens, uniqueClicks: m.clicks, unsubscribes: 1, bounces: m.bounced, softBounces: 0, complaints: 0, clickRate: m.clicks / m.delivered },
    ]);
    expect(m).toEqual({ sent: 3, delivered: 2, bounced: 1, opens: 1, clicks: 1 });

    // Per persona: the contacts of each, and the transitions of its contacts (their persona never changed here).
    const researcher = report.personas.find((p) => p.key === 'researcher')!;
    expect(researcher.phases).toMatchObject({ customer: 1, loyal: 1 });
    expect(sorted(researcher.flows)).toEqual(directFlows('researcher'));
    expect(report.personas.find((p) => p.key === null)).toMatchObject({ name: 'No persona', phases: { customer: 1 } });
  });

  it('narrows every figure to one persona', async () => {
    const { journeyId } = await scriptedMonth();
    const caller = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'marketer'), world.clock);
    const report = await caller.reports.lifecycle({ persona: 'researcher', ...PERIOD });
    expect(report.persona).toBe('researcher');
    expect(report.phases.filter((p) => p.n > 0).map((p) => [p.phase, p.n])).toEqual([['customer', 1], ['loyal', 1]]);
    expect(sorted(report.flows)).toEqual(directFlows('researcher'));
    expect(report.lapsed).toBe(0);
    expect(report.personas.map((p) => p.key)).toEqual(['researcher']);
    const journey = report.moments.find((m) => m.moment === 'first_purchase')!.journeys[0]!;
    // Ada and Ben entered; Ada converted; Ben's run is still waiting (Ada's too: the goal does not exit).
    expect(journey).toMatchObject({ id: journeyId, entered: 2, converted: 1, conversionRate: 0.5, inJourneyNow: 2 });
    expect(report.templates[0]).toMatchObject({ sent: 2, delivered: 2, bounces: 0, uniqueOpens: 1, unsubscribes: 1 });
  });

  it('refuses anonymous callers, and names an unknown persona or a bad period', async () => {
    const anonymous = callerFor(world.fresh.ws, null);
    await expect(anonymous.reports.lifecycle({ persona: null, ...PERIOD })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const caller = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'marketer'));
    const unknown = await caller.reports.lifecycle({ persona: 'astronaut', ...PERIOD }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(TRPCError);
    expect(unknown).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('persona: there is no persona "astronaut"') });
    await expect(caller.reports.lifecycle({ persona: null, from: 'last week', to: PERIOD.to })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.reports.lifecycle({ persona: null, from: PERIOD.to, to: PERIOD.from })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('answers from indexes and rollups: no query plan scans events, phase history, messages, enrollments or rollups', () => {
    const scans: string[] = [];
    for (const [name, sql] of Object.entries(REPORT_SQL)) {
      const params = (sql.match(/\?/g) ?? []).map((_, i) => (i === 0 && /metric = \?/.test(sql) ? 'phase_flow' : 1));
      const plan = world.db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      for (const { detail } of plan) if (/^SCAN (events|phase_history|messages|enrollments|daily_counts|step_log)\b/.test(detail)) scans.push(`${name}: ${detail}`);
    }
    expect(scans).toEqual([]);
  });
});

describe('lifecycle.matrix figures', () => {
  it("gives each journey its key figures and each persona's contacts per phase", async () => {
    const { journeyId } = await scriptedMonth();
    const caller = callerFor(world.fresh.ws, await makeUser(world.fresh.ws, 'manager'), world.clock);
    const matrix = await caller.lifecycle.matrix();
    expect(matrix.journeys.find((j) => j.id === journeyId)!.figures).toEqual({ entered: 3, converted: 1, conversionRate: 1 / 3, inJourneyNow: 3 });
    const counts = all<{ personaKey: string | null; phase: string; n: number }>(`SELECT persona_key AS personaKey, phase, count(*) AS n FROM contacts GROUP BY 1, 2`);
    expect([...matrix.phaseCounts].sort((a, b) => `${a.personaKey}${a.phase}`.localeCompare(`${b.personaKey}${b.phase}`))).toEqual(
      counts.sort((a, b) => `${a.personaKey}${a.phase}`.localeCompare(`${b.personaKey}${b.phase}`)),
    );
    expect(matrix.momentPhases.reactivation).toEqual(['lapsed']);
  });
});
