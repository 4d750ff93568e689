// Counting experiments as the executor works: a first assignment makes a member and counts it on the day; an outcome
// (the goal, the chosen event, revenue, a click in a branch email, an unsubscribe) is counted once per member, on the
// day it happened, and only inside the experiment's window after assignment. Writes go into the executor's batch
// transaction, so a batch that rolls back takes its counts with it.
import type Database from 'better-sqlite3';
import { DAY_MS, dayNumber, type ExperimentDesign } from '../../shared/experiments/design.ts';
import type { IncomingEvent } from '../../shared/journey/interpret.ts';

export interface RunningExperiment {
  id: string;
  journeyId: string;
  nodeId: string;
  startVersion: number;
  design: ExperimentDesign;
  arms: ReadonlySet<string>;
  windowMs: number;
  branchEmails: ReadonlySet<string>;
}

interface MemberRow {
  experimentId: string;
  arm: string;
  assignedAt: number;
  convertedAt: number | null;
  revenue: number;
  unsubscribedAt: number | null;
  bouncedAt: number | null;
}

export interface DailyDelta {
  assigned?: number;
  converted?: number;
  revenueSum?: number;
  revenueSumSquares?: number;
  unsubscribed?: number;
  bounced?: number;
}

const statementCache = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

function prepare(sqlite: Database.Database) {
  const p = (sql: string) => sqlite.prepare(sql);
  return {
    running: p(`SELECT id, journey_id AS journeyId, node_id AS nodeId, start_version AS startVersion, design FROM experiments WHERE status = 'running'`),
    insertMember: p(`INSERT OR IGNORE INTO experiment_members (contact_id, experiment_id, arm, enrollment_id, assigned_at) VALUES (?, ?, ?, ?, ?)`),
    members: p(`SELECT experiment_id AS experimentId, arm, assigned_at AS assignedAt, converted_at AS convertedAt, revenue,
      unsubscribed_at AS unsubscribedAt, bounced_at AS bouncedAt FROM experiment_members WHERE contact_id = ?`),
    member: p(`SELECT experiment_id AS experimentId, arm, enrollment_id AS enrollmentId, assigned_at AS assignedAt, converted_at AS convertedAt, revenue,
      unsubscribed_at AS unsubscribedAt, bounced_at AS bouncedAt FROM experiment_members WHERE contact_id = ? AND experiment_id = ?`),
    converted: p(`UPDATE experiment_members SET converted_at = ? WHERE contact_id = ? AND experiment_id = ? AND converted_at IS NULL`),
    revenue: p(`UPDATE experiment_members SET revenue = ?, converted_at = coalesce(converted_at, ?) WHERE contact_id = ? AND experiment_id = ?`),
    unsubscribed: p(`UPDATE experiment_members SET unsubscribed_at = ? WHERE contact_id = ? AND experiment_id = ? AND unsubscribed_at IS NULL`),
    bounced: p(`UPDATE experiment_members SET bounced_at = ? WHERE contact_id = ? AND experiment_id = ? AND bounced_at IS NULL`),
    daily: p(`INSERT INTO experiment_daily (experiment_id, arm, day, assigned, converted, revenue_sum, revenue_sum_squares, unsubscribed, bounced)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (experiment_id, arm, day) DO UPDATE SET assigned = assigned + excluded.assigned, converted = converted + excluded.converted,
        revenue_sum = revenue_sum + excluded.revenue_sum, revenue_sum_squares = revenue_sum_squares + excluded.revenue_sum_squares,
        unsubscribed = unsubscribed + excluded.unsubscribed, bounced = bounced + excluded.bounced`),
    message: p(`SELECT contact_id AS contactId, journey_id AS journeyId, node_id AS nodeId, created_at AS createdAt FROM messages WHERE id = ?`),
  };
}

function statements(sqlite: Database.Database) {
  let st = statementCache.get(sqlite);
  if (!st) statementCache.set(sqlite, (st = prepare(sqlite)));
  return st;
}

function bump(sqlite: Database.Database, experimentId: string, arm: string, atMs: number, d: DailyDelta): void {
  statements(sqlite).daily.run(experimentId, arm, dayNumber(atMs), d.assigned ?? 0, d.converted ?? 0, d.revenueSum ?? 0, d.revenueSumSquares ?? 0, d.unsubscribed ?? 0, d.bounced ?? 0);
}

export function loadRunningExperiments(sqlite: Database.Database): RunningExperiment[] {
  return (statements(sqlite).running.all() as { id: string; journeyId: string; nodeId: string; startVersion: number; design: string }[]).map((r) => {
    const design = JSON.parse(r.design) as ExperimentDesign;
    return {
      id: r.id,
      journeyId: r.journeyId,
      nodeId: r.nodeId,
      startVersion: r.startVersion,
      design,
      arms: new Set(design.arms.map((a) => a.key)),
      windowMs: design.windowDays * DAY_MS,
      branchEmails: new Set(design.branchEmailNodes),
    };
  });
}

const within = (x: RunningExperiment, m: MemberRow, at: number) => at >= m.assignedAt && at <= m.assignedAt + x.windowMs;

export function createExperimentTracker(sqlite: Database.Database) {
  const st = statements(sqlite);
  let byNode = new Map<string, RunningExperiment>();
  let byId = new Map<string, RunningExperiment>();
  let byJourney = new Map<string, RunningExperiment[]>();
  let names = new Set<string>();

  /**
   * Reads the running experiments again. The executor calls it at the start of every batch, inside the batch's
   * IMMEDIATE transaction: a publish (maybe in another process) that restarts an experiment between two batches is
   * seen by the next one, so no assignment goes to an experiment that has already ended.
   */
  function refresh(): void {
    const all = loadRunningExperiments(sqlite);
    byNode = new Map(all.map((x) => [`${x.journeyId}\u0000${x.nodeId}`, x]));
    byId = new Map(all.map((x) => [x.id, x]));
    byJourney = new Map();
    names = new Set();
    for (const x of all) {
      byJourney.set(x.journeyId, [...(byJourney.get(x.journeyId) ?? []), x]);
      const m = x.design.metric;
      if (m.kind === 'event' || m.kind === 'revenue') names.add(m.event);
      if (m.kind === 'clicked') names.add('$email_clicked');
      if (x.design.guardrails.includes('unsubscribes')) names.add('$unsubscribed');
    }
  }

  /** A contact's first arm at a split (or the holdout) of a run on `version`: a member, counted on the day. */
  function assigned(a: { journeyId: string; version: number; nodeId: string; contactId: string; enrollmentId: string; arm: string; at: number }): void {
    const x = byNode.get(`${a.journeyId}\u0000${a.nodeId}`);
    if (!x || a.version < x.startVersion || !x.arms.has(a.arm)) return;
    if (st.insertMember.run(a.contactId, x.id, a.arm, a.enrollmentId, a.at).changes === 1) bump(sqlite, x.id, a.arm, a.at, { assigned: 1 });
  }

  /**
   * The journey's goal reached at `at` by the run `enrollmentId`: a conversion for the experiments that measure the
   * goal, when it is the run the contact was assigned in and within the window after assignment (a contact who comes
   * back later and converts then is not counted for the first run's arm).
   */
  function goalReached(journeyId: string, contactId: string, at: number, enrollmentId: string): void {
    for (const x of byJourney.get(journeyId) ?? []) {
      if (x.design.metric.kind !== 'goal') continue;
      const m = st.member.get(contactId, x.id) as (MemberRow & { enrollmentId: string }) | undefined;
      if (!m || m.convertedAt !== null || m.enrollmentId !== enrollmentId || !within(x, m, at)) continue;
      if (st.converted.run(at, contactId, x.id).changes === 1) bump(sqlite, x.id, m.arm, at, { converted: 1 });
    }
  }

  /** Whether an event can be the outcome of some running experiment (most events are not: no look-up for them). */
  function wants(name: string): boolean {
    return names.has(name);
  }

  function event(contactId: string, e: IncomingEvent): void {
    if (!names.has(e.name)) return;
    for (const m of st.members.all(contactId) as MemberRow[]) {
      const x = byId.get(m.experimentId);
      if (!x || !within(x, m, e.timestamp)) continue;
      const metric = x.design.metric;
      if (metric.kind === 'event' && e.name === metric.event && m.convertedAt === null) {
        if (st.converted.run(e.timestamp, contactId, x.id).changes === 1) bump(sqlite, x.id, m.arm, e.timestamp, { converted: 1 });
      }
      if (metric.kind === 'revenue' && e.name === metric.event) {
        const amount = Number(e.properties.revenue);
        if (Number.isFinite(amount) && amount !== 0) {
          const total = m.revenue + amount;
          const first = m.convertedAt === null && total > 0;
          st.revenue.run(total, first ? e.timestamp : null, contactId, x.id);
          bump(sqlite, x.id, m.arm, e.timestamp, { revenueSum: amount, revenueSumSquares: total * total - m.revenue * m.revenue, converted: first ? 1 : 0 });
        }
      }
      if (
        metric.kind === 'clicked' && e.name === '$email_clicked' && m.convertedAt === null &&
        e.properties.journeyId === x.journeyId && x.branchEmails.has(String(e.properties.nodeId))
      ) {
        if (st.converted.run(e.timestamp, contactId, x.id).changes === 1) bump(sqlite, x.id, m.arm, e.timestamp, { converted: 1 });
      }
      if (e.name === '$unsubscribed' && x.design.guardrails.includes('unsubscribes') && m.unsubscribedAt === null) {
        if (st.unsubscribed.run(e.timestamp, contactId, x.id).changes === 1) bump(sqlite, x.id, m.arm, e.timestamp, { unsubscribed: 1 });
      }
    }
  }

  return { refresh, assigned, goalReached, wants, event };
}

export type ExperimentTracker = ReturnType<typeof createExperimentTracker>;

/**
 * A journey email that bounced: a bounce for the running experiments that guard bounces, when it came from one of
 * their branches after the contact's assignment. Call in the transaction that records the bounce.
 */
export function countExperimentBounce(sqlite: Database.Database, messageId: string, atMs: number): void {
  const st = statements(sqlite);
  const msg = st.message.get(messageId) as { contactId: string; journeyId: string | null; nodeId: string | null; createdAt: number } | undefined;
  if (!msg?.journeyId || !msg.nodeId) return;
  for (const m of st.members.all(msg.contactId) as MemberRow[]) {
    const row = sqlite.prepare(`SELECT journey_id AS journeyId, status, design FROM experiments WHERE id = ?`).get(m.experimentId) as { journeyId: string; status: string; design: string } | undefined;
    if (!row || row.status !== 'running' || row.journeyId !== msg.journeyId) continue;
    const design = JSON.parse(row.design) as ExperimentDesign;
    if (!design.guardrails.includes('bounces') || !design.branchEmailNodes.includes(msg.nodeId)) continue;
    if (m.bouncedAt !== null || msg.createdAt < m.assignedAt) continue;
    if (st.bounced.run(atMs, msg.contactId, m.experimentId).changes === 1) bump(sqlite, m.experimentId, m.arm, atMs, { bounced: 1 });
  }
}
