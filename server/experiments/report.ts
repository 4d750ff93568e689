// Reading experiments: the list, and one experiment's report, series for the charts and history — from the per-day
// counts (arms × days rows), never from the members, so a million contacts cost what a thousand do.
import type Database from 'better-sqlite3';
import { dayNumber, describeMetric, reportInput, type DailyArmCounts, type ExperimentDesign, type ExperimentKind, type ExperimentStatus } from '../../shared/experiments/design.ts';
import { experimentReport, experimentSeries, minimumDetectableEffect, type ExperimentReport, type ExperimentSeriesPoint } from '../../shared/stats/index.ts';
import type { Experiment } from '../db/schema.ts';

export class ExperimentNotFound extends Error {
  constructor(id: string) {
    super(`There is no experiment "${id}".`);
  }
}

interface ExperimentRow {
  id: string;
  journeyId: string;
  journeyName: string;
  journeyStatus: string;
  journeyVersion: number | null;
  nodeId: string;
  kind: ExperimentKind;
  status: ExperimentStatus;
  design: string;
  startVersion: number;
  startedAt: number;
  endedAt: number | null;
  shippedArm: string | null;
}

const SELECT = `SELECT x.id, x.journey_id AS journeyId, j.name AS journeyName, j.status AS journeyStatus, j.current_version AS journeyVersion, x.node_id AS nodeId, x.kind, x.status,
  x.design, x.start_version AS startVersion, x.started_at AS startedAt, x.ended_at AS endedAt, x.shipped_arm AS shippedArm
  FROM experiments x JOIN journeys j ON j.id = x.journey_id`;

export interface ExperimentSummary {
  id: string;
  journeyId: string;
  journeyName: string;
  journeyStatus: string;
  /** The journey's newest published version: shipping publishes the next one. */
  journeyVersion: number | null;
  nodeId: string;
  kind: ExperimentKind;
  status: ExperimentStatus;
  name: string;
  hypothesis: string;
  metricLabel: string;
  minimumEffect: number;
  guardrails: ExperimentDesign['guardrails'];
  arms: ExperimentDesign['arms'];
  controlKey: string;
  startVersion: number;
  startedAt: number;
  endedAt: number | null;
  shippedArm: string | null;
  /** Whole days from the start to now (or to the end). */
  daysRunning: number;
}

export interface ExperimentDetails {
  experiment: ExperimentSummary;
  report: ExperimentReport;
  series: (ExperimentSeriesPoint & { day: number; date: string; assigned: Record<string, number> })[];
  /** The smallest relative lift detectable at 80% power with the contacts so far (proportion metrics); null when unknown. */
  minimumDetectableEffect: number | null;
  /** Each guardrail's rate per arm now (higher is worse): what the verdict's guardrail check reads. */
  guardrails: { label: string; arms: { key: string; n: number; count: number; rate: number | null }[] }[];
  history: {
    at: number;
    action: string;
    userName: string | null;
    arm: string | null;
    version: number | null;
    note: string;
    figures: ExperimentReport | null;
  }[];
}

function summaryOf(r: ExperimentRow, nowMs: number): ExperimentSummary & { design: ExperimentDesign } {
  const design = JSON.parse(r.design) as ExperimentDesign;
  const until = r.endedAt ?? nowMs;
  return {
    id: r.id,
    journeyId: r.journeyId,
    journeyName: r.journeyName,
    journeyStatus: r.journeyStatus,
    journeyVersion: r.journeyVersion,
    nodeId: r.nodeId,
    kind: r.kind,
    status: r.status,
    name: design.name,
    hypothesis: design.hypothesis,
    metricLabel: describeMetric(design),
    minimumEffect: design.minimumEffect,
    guardrails: design.guardrails,
    arms: design.arms,
    controlKey: design.controlKey,
    startVersion: r.startVersion,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    shippedArm: r.shippedArm,
    daysRunning: Math.max(0, Math.floor((until - r.startedAt) / 86_400_000)),
    design,
  };
}

function dailyRows(sqlite: Database.Database, id: string): DailyArmCounts[] {
  return sqlite
    .prepare(
      `SELECT arm, day, assigned, converted, revenue_sum AS revenueSum, revenue_sum_squares AS revenueSumSquares, unsubscribed, bounced
       FROM experiment_daily WHERE experiment_id = ? ORDER BY day`,
    )
    .all(id) as DailyArmCounts[];
}

function compute(sqlite: Database.Database, row: ExperimentRow, nowMs: number, withSeries: boolean) {
  const summary = summaryOf(row, nowMs);
  const rows = dailyRows(sqlite, row.id);
  const firstDay = dayNumber(row.startedAt);
  // Outcomes keep arriving after a stop (their windows run on); the looks end on the day it stopped.
  const lastDay = Math.max(firstDay, dayNumber(row.endedAt ?? nowMs));
  const input = reportInput({ id: row.id, journeyId: row.journeyId, design: summary.design }, rows.filter((r) => r.day <= lastDay), firstDay, lastDay);
  const report = finalWords(experimentReport(input), row);
  const guardrails = (input.guardrails ?? []).map((g) => {
    const last = g.looks[g.looks.length - 1] ?? {};
    return {
      label: g.label,
      arms: summary.design.arms.map((a) => {
        const c = last[a.key] ?? { n: 0, conversions: 0 };
        return { key: a.key, n: c.n, count: c.conversions, rate: c.n > 0 ? c.conversions / c.n : null };
      }),
    };
  });
  const control = report.arms.find((a) => a.key === summary.design.controlKey);
  const smallest = Math.min(...report.arms.map((a) => a.n));
  const minimumDetectable = input.metricKind === 'proportion' ? minimumDetectableEffect(control?.rate ?? null, Number.isFinite(smallest) ? smallest : 0) : null;
  if (!withSeries) return { summary, report, series: [], guardrails, minimumDetectable };
  const assignedByDay = new Map<number, Record<string, number>>();
  for (const r of rows) {
    const day = assignedByDay.get(r.day) ?? {};
    day[r.arm] = (day[r.arm] ?? 0) + r.assigned;
    assignedByDay.set(r.day, day);
  }
  const series = experimentSeries(input).map((p) => {
    const day = firstDay + p.look;
    const assigned = Object.fromEntries(summary.design.arms.map((a) => [a.key, assignedByDay.get(day)?.[a.key] ?? 0]));
    return { ...p, day, date: new Date(day * 86_400_000).toISOString().slice(0, 10), assigned };
  });
  return { summary, report, series, guardrails, minimumDetectable };
}

/** An ended experiment's verdict speaks of when it ended, not of contacts still to come. */
function finalWords(report: ExperimentReport, row: ExperimentRow): ExperimentReport {
  if (row.status === 'running' || report.verdict.kind !== 'inconclusive') return report;
  const how = row.status === 'shipped' ? `it shipped ${row.shippedArm}` : 'it was stopped';
  return { ...report, verdict: { kind: 'inconclusive', text: `No reliable difference was found before ${how}.` } };
}

function strip(s: ExperimentSummary & { design?: ExperimentDesign }): ExperimentSummary {
  const { design: _design, ...rest } = s;
  return rest;
}

export function listExperiments(sqlite: Database.Database, nowMs: number, filter: { journeyId?: string } = {}) {
  const rows = (filter.journeyId
    ? sqlite.prepare(`${SELECT} WHERE x.journey_id = ? ORDER BY x.started_at DESC`).all(filter.journeyId)
    : sqlite.prepare(`${SELECT} ORDER BY x.status = 'running' DESC, x.started_at DESC`).all()) as ExperimentRow[];
  return rows.map((row) => {
    const { summary, report } = compute(sqlite, row, nowMs, false);
    return {
      ...strip(summary),
      contacts: report.arms.map((a) => ({ key: a.key, name: a.name, n: a.n, conversions: a.conversions, rate: a.rate })),
      verdict: report.verdict,
    };
  });
}

export function getExperimentRow(sqlite: Database.Database, id: string): ExperimentRow {
  const row = sqlite.prepare(`${SELECT} WHERE x.id = ?`).get(id) as ExperimentRow | undefined;
  if (!row) throw new ExperimentNotFound(id);
  return row;
}

export function experimentReportOf(sqlite: Database.Database, id: string, nowMs: number): ExperimentReport {
  return compute(sqlite, getExperimentRow(sqlite, id), nowMs, false).report;
}

export function experimentDetails(sqlite: Database.Database, id: string, nowMs: number): ExperimentDetails {
  const { summary, report, series, guardrails, minimumDetectable } = compute(sqlite, getExperimentRow(sqlite, id), nowMs, true);
  const history = (
    sqlite
      .prepare(`SELECT at, action, user_name AS userName, arm, version, note, figures FROM experiment_history WHERE experiment_id = ? ORDER BY id`)
      .all(id) as { at: number; action: string; userName: string | null; arm: string | null; version: number | null; note: string; figures: string | null }[]
  ).map((h) => ({ ...h, figures: h.figures ? (JSON.parse(h.figures) as ExperimentReport) : null }));
  return { experiment: strip(summary), report, series, guardrails, minimumDetectableEffect: minimumDetectable, history };
}

export type { Experiment };
