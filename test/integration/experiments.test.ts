// Experiments end to end on a real SQLite file with an injected clock: a journey with a split and a holdout, contacts
// driven through by the executor, goal events → the report's counts match the enrollments; shipping a variant
// publishes the expected version; a marketer may look but not decide.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { createExecutor } from '../../server/executor/executor.ts';
import { journeyFigures } from '../../server/executor/figures.ts';
import { experimentDetails, experimentReportOf, listExperiments } from '../../server/experiments/report.ts';
import { countExperimentBounce } from '../../server/experiments/tracker.ts';
import { createJourney, publishJourney, publishPreview } from '../../server/journeys/service.ts';
import type { EnrollmentState } from '../../shared/journey/interpret.ts';
import { addContact, addEvent, enrollmentsOf, graph, messagesOf, onEvent } from './executorBuilders.ts';
import { callerFor, freshWorkspace, makeUser, type FreshWorkspace } from './helpers.ts';

const DAY = 86_400_000;
let fresh: FreshWorkspace;
let clock: ReturnType<typeof fixedClock>;
let db: FreshWorkspace['ws']['db'];

beforeEach(() => {
  fresh = freshWorkspace();
  db = fresh.ws.db;
  clock = fixedClock('2026-11-02T08:00:00Z');
});
afterEach(() => fresh.cleanup());

const splitNode = {
  id: 'subject',
  kind: 'split' as const,
  name: 'Subject test',
  config: {
    variants: [
      { key: 'a', label: 'A', weight: 50, holdout: false },
      { key: 'b', label: 'B', weight: 50, holdout: false },
    ],
    experiment: { hypothesis: 'A founder note converts better', metric: { kind: 'goal' }, minimumEffect: 10, guardrails: ['unsubscribes'] },
  },
};

function experimentJourney(holdoutPercent: number | null = 10) {
  return graph(
    [
      onEvent('signed_up'),
      structuredClone(splitNode),
      { id: 'mail_a', kind: 'email', config: { templateId: 'nurture' } },
      { id: 'mail_b', kind: 'email', config: { templateId: 'nurture_founder_note' } },
      { id: 'xa', kind: 'exit' },
      { id: 'xb', kind: 'exit' },
    ],
    ['t:next>subject', 'subject:a>mail_a', 'subject:b>mail_b', 'mail_a:next>xa', 'mail_b:next>xb'],
    { goal: { event: 'order_completed', filters: [], windowDays: 14, exitOnGoal: false }, holdout: holdoutPercent ? { percent: holdoutPercent } : null },
  );
}

function publish(g = experimentJourney()): string {
  const { id } = createJourney(db, clock, { moment: 'first_communication', personaKey: null, name: 'Welcome test', graph: g });
  publishJourney(db, clock, { id, publishedBy: 'test' });
  return id;
}

const byNode = (journeyId: string, nodeId: string) => listExperiments(db.$client, clock.now().getTime(), { journeyId }).find((x) => x.nodeId === nodeId)!;

describe('experiments', () => {
  it('counts every assignment and every conversion of a split and of the journey holdout as the enrollments show them', () => {
    const journeyId = publish();
    const running = listExperiments(db.$client, clock.now().getTime(), { journeyId });
    expect(running.map((x) => [x.kind, x.nodeId, x.status]).sort()).toEqual([['holdout', '$holdout', 'running'], ['split', 'subject', 'running']]);

    const executor = createExecutor({ db, clock });
    const people = Array.from({ length: 600 }, () => addContact(db));
    for (const id of people) addEvent(db, id, 'signed_up', {}, clock.now());
    executor.tick();

    const runs = enrollmentsOf(db, journeyId);
    expect(runs).toHaveLength(600);
    const arm = new Map(runs.map((r) => [r.contactId, r.state as EnrollmentState]));
    const held = people.filter((c) => arm.get(c)!.variants.$holdout === 'holdout');
    const treated = people.filter((c) => arm.get(c)!.variants.$holdout === 'journey');
    const inA = treated.filter((c) => arm.get(c)!.variants.subject === 'a');
    const inB = treated.filter((c) => arm.get(c)!.variants.subject === 'b');
    expect(held.length + inA.length + inB.length).toBe(600);
    expect(held.length).toBeGreaterThan(30);
    // The canvas counts them all as entering; only the treated take the trigger's output.
    const figures = journeyFigures(db, journeyId);
    expect(figures.nodes.t).toMatchObject({ entered: 600, waiting: held.length });
    expect(figures.edges['t:next']).toBe(treated.length);
    expect(Object.keys(figures.edges).filter((e) => e.startsWith('t:'))).toEqual(['t:next']);
    // Held out: enrolled, waiting for the goal window, sent nothing.
    for (const c of held) expect(messagesOf(db, c)).toEqual([]);
    for (const c of inA) expect(messagesOf(db, c).map((m) => m.templateId)).toEqual(['nurture']);

    // Every third of A converts, every second of B, every fifth held out; one conversion after the window is not counted.
    clock.advance(2 * DAY);
    const converters = [...inA.filter((_, i) => i % 3 === 0), ...inB.filter((_, i) => i % 2 === 0), ...held.filter((_, i) => i % 5 === 0)];
    for (const c of converters) addEvent(db, c, 'order_completed', { revenue: 40 }, clock.now());
    addEvent(db, inA[1]!, 'order_completed', {}, new Date(clock.now().getTime() + 20 * DAY));
    executor.tick();

    const split = experimentReportOf(db.$client, byNode(journeyId, 'subject').id, clock.now().getTime());
    expect(split.metric).toBe('converted');
    expect(split.arms.map((a) => [a.key, a.n, a.conversions])).toEqual([
      ['a', inA.length, Math.ceil(inA.length / 3)],
      ['b', inB.length, Math.ceil(inB.length / 2)],
    ]);
    expect(split.arms[1]!.rate).toBeCloseTo(Math.ceil(inB.length / 2) / inB.length, 10);
    expect(split.comparisons).toHaveLength(1);
    expect(split.comparisons[0]).toMatchObject({ arm: 'b', control: 'a' });
    expect(split.comparisons[0]!.diff).toBeGreaterThan(0);
    expect(split.srm.flagged).toBe(false);
    const details = experimentDetails(db.$client, byNode(journeyId, 'subject').id, clock.now().getTime());
    expect(details.minimumDetectableEffect).toBeGreaterThan(0);
    expect(details.series.at(-1)!.arms.map((a) => a.n)).toEqual([inA.length, inB.length]);
    expect(details.series.reduce((s, p) => s + (p.assigned.a ?? 0) + (p.assigned.b ?? 0), 0)).toBe(inA.length + inB.length);

    const holdout = experimentReportOf(db.$client, byNode(journeyId, '$holdout').id, clock.now().getTime());
    expect(holdout.arms.map((a) => [a.key, a.n, a.conversions])).toEqual([
      ['holdout', held.length, Math.ceil(held.length / 5)],
      ['journey', treated.length, Math.ceil(inA.length / 3) + Math.ceil(inB.length / 2)],
    ]);
    expect(holdout.comparisons[0]).toMatchObject({ arm: 'journey', control: 'holdout' });

    // The held-out runs complete at the end of the goal window, still having received nothing.
    clock.advance(13 * DAY);
    executor.tick();
    const heldRuns = enrollmentsOf(db, journeyId).filter((r) => held.includes(r.contactId));
    expect(new Set(heldRuns.map((r) => r.status))).toEqual(new Set(['completed']));
    for (const c of held) expect(messagesOf(db, c)).toEqual([]);
    // One step-count row per kind of outcome, not one per contact's release time.
    const triggerOutcomes = db.$client.prepare(`SELECT outcome FROM journey_step_counts WHERE journey_id = ? AND node_id = 't' ORDER BY outcome`).all(journeyId);
    expect(triggerOutcomes).toEqual([{ outcome: 'held out' }, { outcome: 'next' }, { outcome: 'released' }]);
  });

  it('counts an assignment once, even when the contact comes back into the journey', () => {
    const g = experimentJourney(null);
    g.settings.reentry = 'every_time';
    const journeyId = publish(g);
    const executor = createExecutor({ db, clock });
    const ana = addContact(db);
    addEvent(db, ana, 'signed_up', {}, clock.now());
    executor.tick();
    clock.advance(DAY);
    addEvent(db, ana, 'signed_up', {}, clock.now());
    executor.tick();
    expect(enrollmentsOf(db, journeyId)).toHaveLength(2);
    const report = experimentReportOf(db.$client, byNode(journeyId, 'subject').id, clock.now().getTime());
    expect(report.arms.reduce((s, a) => s + a.n, 0)).toBe(1);
  });

  it('ships a variant as a new version that sends everyone down it, recorded with who decided and on what figures', async () => {
    const journeyId = publish(experimentJourney(null));
    const executor = createExecutor({ db, clock });
    for (let i = 0; i < 40; i++) addEvent(db, addContact(db), 'signed_up', {}, clock.now());
    executor.tick();
    const experiment = byNode(journeyId, 'subject');

    const marketer = callerFor(fresh.ws, await makeUser(fresh.ws, 'marketer'));
    await expect(marketer.experiments.ship({ id: experiment.id, arm: 'b' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(marketer.experiments.stop({ id: experiment.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // Marketers see.
    expect((await marketer.experiments.get({ id: experiment.id })).report.arms.reduce((s, a) => s + a.n, 0)).toBe(40);

    const managerUser = await makeUser(fresh.ws, 'manager', { name: 'Mia Manager' });
    const manager = callerFor(fresh.ws, managerUser);
    await expect(manager.experiments.ship({ id: experiment.id, arm: 'z' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('no variant "z"') });
    const { version } = await manager.experiments.ship({ id: experiment.id, arm: 'b' });
    expect(version).toBe(2);

    const journey = await manager.journeys.get({ id: journeyId });
    expect(journey.currentVersion).toBe(2);
    const v2 = db.$client.prepare(`SELECT graph FROM journey_versions WHERE journey_id = ? AND version = 2`).get(journeyId) as { graph: string };
    const split = (JSON.parse(v2.graph) as { nodes: { id: string; config: { variants: { key: string; weight: number }[] } }[] }).nodes.find((n) => n.id === 'subject')!;
    expect(split.config.variants.map((v) => [v.key, v.weight])).toEqual([['a', 0], ['b', 100]]);
    // The draft got the same weights, so the next publish keeps the decision.
    expect((journey.graph.nodes.find((n) => n.id === 'subject')!.config as { variants: { weight: number }[] }).variants.map((v) => v.weight)).toEqual([0, 100]);

    const details = experimentDetails(db.$client, experiment.id, clock.now().getTime());
    expect(details.experiment).toMatchObject({ status: 'shipped', shippedArm: 'b' });
    const shipped = details.history.find((h) => h.action === 'shipped')!;
    expect(shipped).toMatchObject({ userName: 'Mia Manager', arm: 'b', version: 2 });
    expect(shipped.figures!.arms.reduce((s, a) => s + a.n, 0)).toBe(40);
    // A one-armed split is no experiment: nothing new started.
    expect(listExperiments(db.$client, clock.now().getTime(), { journeyId }).filter((x) => x.status === 'running')).toEqual([]);

    // Everyone arriving now takes B.
    const later = Array.from({ length: 20 }, () => addContact(db));
    for (const c of later) addEvent(db, c, 'signed_up', {}, clock.now());
    executor.tick();
    for (const c of later) expect(messagesOf(db, c).map((m) => m.templateId)).toEqual(['nurture_founder_note']);

    await expect(manager.experiments.ship({ id: experiment.id, arm: 'a' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('stops an experiment: its figures freeze on that day while the split goes on dividing contacts', async () => {
    const journeyId = publish(experimentJourney(null));
    const executor = createExecutor({ db, clock });
    for (let i = 0; i < 10; i++) addEvent(db, addContact(db), 'signed_up', {}, clock.now());
    executor.tick();
    const experiment = byNode(journeyId, 'subject');
    const manager = callerFor(fresh.ws, await makeUser(fresh.ws, 'manager'));
    await manager.experiments.stop({ id: experiment.id, note: 'Seen enough' });
    clock.advance(2 * DAY);
    for (let i = 0; i < 10; i++) addEvent(db, addContact(db), 'signed_up', {}, clock.now());
    executor.tick();
    const details = experimentDetails(db.$client, experiment.id, clock.now().getTime());
    expect(details.experiment.status).toBe('stopped');
    expect(details.report.arms.reduce((s, a) => s + a.n, 0)).toBe(10);
    expect(details.history.at(-1)).toMatchObject({ action: 'stopped', note: 'Seen enough' });
    expect(details.report.verdict).toEqual({ kind: 'inconclusive', text: 'No reliable difference was found before it was stopped.' });
    expect(details.experiment).toMatchObject({ journeyStatus: 'live', journeyVersion: 1 });
    await expect(manager.experiments.stop({ id: experiment.id })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('measures a chosen event, revenue and clicks only within N days after assignment, and counts guardrails', () => {
    const executor = createExecutor({ db, clock });
    const journeyWith = (experiment: Record<string, unknown>) => {
      const g = experimentJourney(null);
      (g.nodes[1]!.config as { experiment: Record<string, unknown> }).experiment = experiment;
      return publish(g);
    };
    const eventJourney = journeyWith({ metric: { kind: 'event', event: 'trial_started', withinDays: 3 }, guardrails: ['unsubscribes'] });
    const revenueJourney = journeyWith({ metric: { kind: 'revenue', event: 'order_completed', withinDays: 30 }, guardrails: [] });
    const clickJourney = journeyWith({ metric: { kind: 'clicked', withinDays: 7 }, guardrails: ['bounces'] });

    const [early, late, spender, clicker, otherClick, quitter] = Array.from({ length: 6 }, () => addContact(db));
    addEvent(db, early!, 'trial_started', {}, clock.now()); // before the contact enters the split: not an outcome
    for (const c of [early, late, spender, clicker, otherClick, quitter]) addEvent(db, c!, 'signed_up', {}, clock.now());
    clock.advance(1000);
    executor.tick();

    clock.advance(DAY);
    addEvent(db, early!, 'trial_started', {}, clock.now()); // day 1: counted
    addEvent(db, spender!, 'order_completed', { revenue: 30 }, clock.now());
    addEvent(db, spender!, 'order_completed', { revenue: 12.5 }, clock.now());
    addEvent(db, late!, 'order_completed', { revenue: 'n/a' }, clock.now()); // not a number: no revenue
    const branchMail = messagesOf(db, clicker!).find((m) => m.journeyId === clickJourney)!;
    addEvent(db, clicker!, '$email_clicked', { journeyId: clickJourney, nodeId: branchMail.nodeId, messageId: branchMail.id }, clock.now());
    const otherMail = messagesOf(db, otherClick!).find((m) => m.journeyId === eventJourney)!;
    addEvent(db, otherClick!, '$email_clicked', { journeyId: eventJourney, nodeId: otherMail.nodeId, messageId: otherMail.id }, clock.now()); // another journey's email
    addEvent(db, quitter!, '$unsubscribed', { source: 'unsubscribe_link' }, clock.now());
    clock.advance(4 * DAY);
    addEvent(db, late!, 'trial_started', {}, clock.now()); // day 5: outside the 3-day window
    executor.tick();

    const now = clock.now().getTime();
    const arms = (r: ReturnType<typeof experimentReportOf>) => Object.fromEntries(r.arms.map((a) => [a.key, a]));
    const countsOf = (journeyId: string) => {
      const r = experimentReportOf(db.$client, byNode(journeyId, 'subject').id, now);
      return r.arms.reduce((s, a) => s + a.conversions, 0);
    };
    expect(countsOf(eventJourney)).toBe(1);
    expect(countsOf(clickJourney)).toBe(1);

    const revenue = experimentReportOf(db.$client, byNode(revenueJourney, 'subject').id, now);
    expect(revenue.metric).toBe('revenue');
    const spenderArm = (enrollmentsOf(db, revenueJourney).find((r) => r.contactId === spender)!.state as EnrollmentState).variants.subject!;
    const a = arms(revenue)[spenderArm]!;
    expect(a.conversions).toBe(1);
    expect(a.rate).toBeCloseTo(42.5 / a.n, 10);
    // Arms are drawn from random contact ids: the other arm may have nobody, and then no mean.
    for (const other of revenue.arms.filter((x) => x.key !== spenderArm)) expect(other.rate).toBe(other.n > 0 ? 0 : null);

    const guarded = experimentDetails(db.$client, byNode(eventJourney, 'subject').id, now);
    expect(guarded.guardrails).toHaveLength(1);
    expect(guarded.guardrails[0]!.label).toBe('unsubscribes');
    expect(guarded.guardrails[0]!.arms.reduce((s, x) => s + x.count, 0)).toBe(1);
  });

  it('counts a bounce of a branch email toward the bounce guardrail, once', () => {
    const journeyId = publish(experimentJourney(null));
    const executor = createExecutor({ db, clock });
    const bo = addContact(db);
    addEvent(db, bo, 'signed_up', {}, clock.now());
    executor.tick();
    const message = messagesOf(db, bo)[0]!;
    countExperimentBounce(db.$client, message.id, clock.now().getTime());
    countExperimentBounce(db.$client, message.id, clock.now().getTime());
    const experiment = byNode(journeyId, 'subject');
    // This journey guards unsubscribes only: the bounce is not counted; a second journey guards bounces.
    expect(experimentDetails(db.$client, experiment.id, clock.now().getTime()).guardrails.map((g) => g.label)).toEqual(['unsubscribes']);
    const g = experimentJourney(null);
    (g.nodes[1]!.config as { experiment: Record<string, unknown> }).experiment = { guardrails: ['bounces'] };
    const bouncing = publish(g);
    const cy = addContact(db);
    addEvent(db, cy, 'signed_up', {}, clock.now());
    executor.tick();
    const mail = messagesOf(db, cy).find((m) => m.journeyId === bouncing)!;
    countExperimentBounce(db.$client, mail.id, clock.now().getTime());
    countExperimentBounce(db.$client, mail.id, clock.now().getTime());
    const details = experimentDetails(db.$client, byNode(bouncing, 'subject').id, clock.now().getTime());
    expect(details.guardrails[0]!.label).toBe('bounces');
    expect(details.guardrails[0]!.arms.reduce((s, x) => s + x.count, 0)).toBe(1);
  });

  it('counts a goal only for the run the contact was assigned in, within its window', () => {
    const g = experimentJourney(null);
    g.settings.reentry = 'every_time';
    const journeyId = publish(g);
    const executor = createExecutor({ db, clock });
    const ana = addContact(db);
    addEvent(db, ana, 'signed_up', {}, clock.now());
    executor.tick();
    // Back 40 days later (a second run, same arm kept by the hash) and converts then: outside the first run's window.
    clock.advance(40 * DAY);
    addEvent(db, ana, 'signed_up', {}, clock.now());
    executor.tick();
    clock.advance(DAY);
    addEvent(db, ana, 'order_completed', {}, clock.now());
    executor.tick();
    expect(enrollmentsOf(db, journeyId).filter((r) => r.goalReachedAt !== null)).toHaveLength(1);
    const report = experimentReportOf(db.$client, byNode(journeyId, 'subject').id, clock.now().getTime());
    expect(report.arms.reduce((s, a) => s + a.conversions, 0)).toBe(0);
  });

  it('a stopped split stays stopped through a later version, unless the version changes what it measures', async () => {
    const journeyId = publish(experimentJourney(null));
    const first = byNode(journeyId, 'subject');
    const manager = callerFor(fresh.ws, await makeUser(fresh.ws, 'manager'));
    await manager.experiments.stop({ id: first.id });
    const g = experimentJourney(null);
    (g.nodes[1]!.config as { experiment: { hypothesis: string } }).experiment.hypothesis = 'Reworded';
    fresh.ws.db.$client.prepare(`UPDATE journeys SET draft_graph = ? WHERE id = ?`).run(JSON.stringify(g), journeyId);
    expect(publishPreview(db, journeyId).experiments).toEqual([]);
    publishJourney(db, clock, { id: journeyId, publishedBy: 'test' });
    expect(listExperiments(db.$client, clock.now().getTime(), { journeyId }).map((x) => x.status)).toEqual(['stopped']);
    // A changed goal filter is a change of what is measured: a new experiment.
    g.settings.goal = { event: 'order_completed', filters: [{ property: 'total', operator: 'greater_than', value: 50 }], windowDays: 14, exitOnGoal: false };
    fresh.ws.db.$client.prepare(`UPDATE journeys SET draft_graph = ? WHERE id = ?`).run(JSON.stringify(g), journeyId);
    publishJourney(db, clock, { id: journeyId, publishedBy: 'test' });
    expect(listExperiments(db.$client, clock.now().getTime(), { journeyId }).map((x) => x.status).sort()).toEqual(['running', 'stopped']);
  });

  it('shipping moves only the current version’s runs: runs left on an older version stay where they are', async () => {
    const withWait = (extra: boolean) =>
      graph(
        [
          onEvent('signed_up'),
          ...(extra ? [{ id: 'pause', kind: 'wait' as const, config: { mode: 'duration', duration: { amount: 3, unit: 'days' } } }] : []),
          structuredClone(splitNode),
          { id: 'mail_a', kind: 'email', config: { templateId: 'nurture' } },
          { id: 'mail_b', kind: 'email', config: { templateId: 'nurture_founder_note' } },
          { id: 'xa', kind: 'exit' },
          { id: 'xb', kind: 'exit' },
        ],
        [extra ? 't:next>pause' : 't:next>subject', ...(extra ? ['pause:next>subject'] : []), 'subject:a>mail_a', 'subject:b>mail_b', 'mail_a:next>xa', 'mail_b:next>xb'],
        { goal: { event: 'order_completed', filters: [], windowDays: 14, exitOnGoal: false } },
      );
    const journeyId = publish(withWait(true));
    const executor = createExecutor({ db, clock });
    const early = addContact(db);
    addEvent(db, early, 'signed_up', {}, clock.now());
    executor.tick();
    expect(enrollmentsOf(db, journeyId)[0]).toMatchObject({ version: 1, nodeId: 'pause', status: 'waiting' });
    // Version 2 drops the wait; the early run stays on version 1 (migration "stay").
    fresh.ws.db.$client.prepare(`UPDATE journeys SET draft_graph = ? WHERE id = ?`).run(JSON.stringify(withWait(false)), journeyId);
    publishJourney(db, clock, { id: journeyId, publishedBy: 'test', migration: 'stay' });
    const manager = callerFor(fresh.ws, await makeUser(fresh.ws, 'manager'));
    await manager.experiments.ship({ id: byNode(journeyId, 'subject').id, arm: 'b' });
    expect(enrollmentsOf(db, journeyId)[0]).toMatchObject({ version: 1, nodeId: 'pause', status: 'waiting' });
  });

  it('starts a new experiment when a version changes the design, and keeps it when only the hypothesis changes', () => {
    const journeyId = publish(experimentJourney(null));
    const first = byNode(journeyId, 'subject');
    const g = experimentJourney(null);
    (g.nodes[1]!.config as { experiment: { hypothesis: string } }).experiment.hypothesis = 'Reworded';
    fresh.ws.db.$client.prepare(`UPDATE journeys SET draft_graph = ? WHERE id = ?`).run(JSON.stringify(g), journeyId);
    publishJourney(db, clock, { id: journeyId, publishedBy: 'test' });
    expect(byNode(journeyId, 'subject')).toMatchObject({ id: first.id, status: 'running', hypothesis: 'Reworded' });

    (g.nodes[1]!.config as { experiment: { minimumEffect: number } }).experiment.minimumEffect = 20;
    g.settings.holdout = { percent: 5 };
    fresh.ws.db.$client.prepare(`UPDATE journeys SET draft_graph = ? WHERE id = ?`).run(JSON.stringify(g), journeyId);
    // The publish dialog says so before it happens.
    expect(publishPreview(db, journeyId).experiments).toEqual([
      { nodeId: 'subject', name: 'Subject test', change: 'restart' },
      { nodeId: '$holdout', name: 'Journey holdout', change: 'start' },
    ]);
    publishJourney(db, clock, { id: journeyId, publishedBy: 'test' });
    const all = listExperiments(db.$client, clock.now().getTime(), { journeyId });
    expect(all.find((x) => x.id === first.id)!.status).toBe('stopped');
    expect(all.filter((x) => x.status === 'running' && x.kind === 'split').map((x) => x.minimumEffect)).toEqual([0.2]);
    expect(publishPreview(db, journeyId).experiments).toEqual([]);
  });
});
