// The lifecycle dashboard's figures: contacts per phase from indexed counts, everything over a period from the daily
// rollups (daily_counts), journeys in flight from the enrollments index. Never a scan of events or phase history.
import {
  entriesPerWeek,
  flowsInto,
  flowsOutOf,
  histogramOf,
  isoDate,
  medianOfHistogram,
  periodDays,
  rate,
  sumFlows,
} from '../../shared/reports/aggregate.ts';
import { MOMENT_PHASES, type MomentKey } from '../../shared/lifecycle/moments.ts';
import { PHASE_KEYS } from '../../shared/lifecycle/phases.ts';
import { lifecycleReportInput, type LifecycleReport, type LifecycleReportInput } from '../../shared/reports/lifecycle.ts';
import type { Metric } from '../../shared/reports/metrics.ts';
import type Database from 'better-sqlite3';
import type { Db } from '../db/client.ts';

/** A persona key that names no persona: the caller says which (a 400 in the API, exit 1 on the command line). */
export class UnknownPersonaError extends Error {
  constructor(readonly key: string, known: readonly string[]) {
    super(`persona: there is no persona "${key}"${known.length ? `; use one of ${known.join(', ')}` : ''}.`);
  }
}

interface RollupRow {
  personaKey: string;
  key: string;
  n: number;
}

/** The report's SQL, named, so a test can check that each plan searches an index (EXPLAIN QUERY PLAN). */
export const REPORT_SQL = {
  // Contacts per persona and phase now: a covering scan of contacts_persona_phase_idx (230 → 50 ms over 100,000
  // contacts); named, because the planner would rather walk contacts_persona_idx and visit every row.
  phaseCounts: `SELECT persona_key AS personaKey, phase, count(*) AS n FROM contacts INDEXED BY contacts_persona_phase_idx GROUP BY persona_key, phase`,
  phaseCountsOfPersona: `SELECT phase, count(*) AS n FROM contacts WHERE persona_key = ? GROUP BY phase`,
  // The primary key (metric, day, persona_key, key) serves these: one range per metric, summed over the days in SQL.
  rollups: `SELECT persona_key AS personaKey, key, sum(n) AS n FROM daily_counts WHERE metric = ? AND day >= ? AND day < ? GROUP BY 1, 2`,
  rollupsOfPersona: `SELECT persona_key AS personaKey, key, sum(n) AS n FROM daily_counts WHERE metric = ? AND day >= ? AND day < ? AND persona_key = ? GROUP BY 1, 2`,
  // Phase entries per week (weeks start on Monday: day 0, 1970-01-01, was a Thursday).
  weeklyFlows: `SELECT day - (day + 3) % 7 AS day, key, sum(n) AS n FROM daily_counts WHERE metric = 'phase_flow' AND day >= ? AND day < ? GROUP BY 1, 2`,
  weeklyFlowsOfPersona: `SELECT day - (day + 3) % 7 AS day, key, sum(n) AS n FROM daily_counts WHERE metric = 'phase_flow' AND day >= ? AND day < ? AND persona_key = ? GROUP BY 1, 2`,
  // All time, per journey: the matrix's figures.
  journeyTotals: `SELECT metric, key, sum(n) AS n FROM daily_counts WHERE metric IN ('journey_entered', 'journey_converted') GROUP BY metric, key`,
  // Runs in flight: enrollments_journey_node_idx (journey_id, status, node_id), counted in the index.
  inJourneyNow: `SELECT count(*) AS n FROM enrollments WHERE journey_id = ? AND status IN ('active', 'waiting')`,
  inJourneyNowOfPersona: `SELECT count(*) AS n FROM enrollments e JOIN contacts c ON c.id = e.contact_id
    WHERE e.journey_id = ? AND e.status IN ('active', 'waiting') AND c.persona_key = ?`,
  journeys: `SELECT id, name, moment, persona_key AS personaKey, status FROM journeys WHERE status <> 'draft' ORDER BY name`,
  personas: `SELECT key, name, color FROM personas ORDER BY priority, name`,
  phases: `SELECT key, label FROM phases ORDER BY position`,
  moments: `SELECT key, label FROM moments ORDER BY position`,
  templates: `SELECT id, name FROM email_templates`,
} as const;

type Statement = Database.Statement<unknown[], unknown>;
const prepared = new WeakMap<object, Record<keyof typeof REPORT_SQL, Statement>>();

function statements(db: Db): Record<keyof typeof REPORT_SQL, Statement> {
  let s = prepared.get(db.$client);
  if (!s) {
    s = Object.fromEntries(Object.entries(REPORT_SQL).map(([name, sql]) => [name, db.$client.prepare(sql)])) as Record<keyof typeof REPORT_SQL, Statement>;
    prepared.set(db.$client, s);
  }
  return s;
}

const PERIOD_METRICS: readonly Metric[] = [
  'phase_flow',
  'referral',
  'days_to_first_purchase',
  'days_customer_to_loyal',
  'journey_entered',
  'journey_converted',
  'template_sent',
  'template_delivered',
  'template_opened',
  'template_clicked',
  'template_unsubscribed',
  'template_bounced',
  'template_soft_bounced',
  'template_complained',
];

/** Contacts now per persona key ('' for none) and phase. */
export function phaseCountsByPersona(db: Db): Map<string, Record<string, number>> {
  const byPersona = new Map<string, Record<string, number>>();
  for (const r of statements(db).phaseCounts.all() as { personaKey: string | null; phase: string; n: number }[]) {
    const key = r.personaKey ?? '';
    const counts = byPersona.get(key) ?? Object.fromEntries(PHASE_KEYS.map((p) => [p, 0]));
    counts[r.phase] = (counts[r.phase] ?? 0) + r.n;
    byPersona.set(key, counts);
  }
  return byPersona;
}

export interface JourneyKeyFigures {
  entered: number;
  converted: number;
  conversionRate: number | null;
  inJourneyNow: number;
}

/** Since each journey went live: entries, conversions (from the rollups) and runs in flight (from the index). */
export function journeyKeyFigures(db: Db, journeyIds: readonly string[]): Map<string, JourneyKeyFigures> {
  const s = statements(db);
  const totals = new Map<string, { entered: number; converted: number }>();
  for (const r of s.journeyTotals.all() as { metric: Metric; key: string; n: number }[]) {
    const t = totals.get(r.key) ?? { entered: 0, converted: 0 };
    if (r.metric === 'journey_entered') t.entered += r.n;
    else t.converted += r.n;
    totals.set(r.key, t);
  }
  return new Map(
    journeyIds.map((id) => {
      const t = totals.get(id) ?? { entered: 0, converted: 0 };
      const inJourneyNow = (s.inJourneyNow.get(id) as { n: number }).n;
      return [id, { ...t, conversionRate: rate(t.converted, t.entered), inJourneyNow }];
    }),
  );
}

/** The dashboard's figures for a persona (or all contacts) over [from, to). Throws UnknownPersonaError. */
export function lifecycleReport(db: Db, request: LifecycleReportInput): LifecycleReport {
  const input = lifecycleReportInput.parse(request);
  const s = statements(db);
  const fromMs = Date.parse(input.from);
  const toMs = Date.parse(input.to);
  const { fromDay, toDay } = periodDays(fromMs, toMs);
  const persona = input.persona;

  const personaRows = s.personas.all() as { key: string; name: string; color: string }[];
  if (persona !== null && !personaRows.some((p) => p.key === persona)) throw new UnknownPersonaError(persona, personaRows.map((p) => p.key));
  const phaseRows = s.phases.all() as { key: string; label: string }[];
  const phaseKeys = phaseRows.map((p) => p.key);

  // Rollups of the period, per metric.
  const rows = new Map<Metric, RollupRow[]>();
  for (const metric of PERIOD_METRICS) {
    const found = (persona === null ? s.rollups.all(metric, fromDay, toDay) : s.rollupsOfPersona.all(metric, fromDay, toDay, persona)) as RollupRow[];
    rows.set(metric, found);
  }
  const of = (metric: Metric) => rows.get(metric) ?? [];
  const sum = (list: readonly { n: number }[]) => list.reduce((t, r) => t + r.n, 0);

  // Contacts per phase now.
  const zeros = () => Object.fromEntries(phaseKeys.map((p) => [p, 0])) as Record<string, number>;
  let byPersonaNow: Map<string, Record<string, number>>;
  if (persona === null) byPersonaNow = phaseCountsByPersona(db);
  else {
    const counts = zeros();
    for (const r of s.phaseCountsOfPersona.all(persona) as { phase: string; n: number }[]) counts[r.phase] = r.n;
    byPersonaNow = new Map([[persona, counts]]);
  }
  const totalNow = zeros();
  for (const counts of byPersonaNow.values()) for (const [phase, n] of Object.entries(counts)) totalNow[phase] = (totalNow[phase] ?? 0) + n;

  const flows = sumFlows(of('phase_flow'));

  // Per persona: every persona (one when the report is for one), and "no persona" when it has contacts or figures.
  const personaEntries: LifecycleReport['personas'] = [];
  const scoped = persona === null ? personaRows : personaRows.filter((p) => p.key === persona);
  const entryFor = (key: string, name: string, color?: string) => {
    const mine = (metric: Metric) => of(metric).filter((r) => r.personaKey === key);
    return {
      key: key === '' ? null : key,
      name,
      ...(color ? { color } : {}),
      phases: { ...zeros(), ...(byPersonaNow.get(key) ?? {}) },
      flows: sumFlows(mine('phase_flow')),
      referrals: sum(mine('referral')),
    };
  };
  for (const p of scoped) personaEntries.push(entryFor(p.key, p.name, p.color));
  if (persona === null) {
    const none = entryFor('', 'No persona');
    if (Object.values(none.phases).some((n) => n > 0) || none.flows.length > 0 || none.referrals > 0) personaEntries.push(none);
  }

  // Per moment, its journeys in the persona's scope (a journey for all personas serves every persona).
  const journeyRows = (s.journeys.all() as { id: string; name: string; moment: MomentKey; personaKey: string | null; status: string }[]).filter(
    (j) => persona === null || j.personaKey === null || j.personaKey === persona,
  );
  const perJourney = (metric: Metric) => {
    const m = new Map<string, number>();
    for (const r of of(metric)) m.set(r.key, (m.get(r.key) ?? 0) + r.n);
    return m;
  };
  const entered = perJourney('journey_entered');
  const converted = perJourney('journey_converted');
  const momentRows = s.moments.all() as { key: MomentKey; label: string }[];
  const moments: LifecycleReport['moments'] = momentRows.map((m) => {
    const phases = [...(MOMENT_PHASES[m.key] ?? [])];
    const journeys = journeyRows
      .filter((j) => j.moment === m.key)
      // Archived journeys only when they still did something in the period.
      .filter((j) => j.status !== 'archived' || (entered.get(j.id) ?? 0) > 0 || (converted.get(j.id) ?? 0) > 0)
      .map((j) => {
        const e = entered.get(j.id) ?? 0;
        const c = converted.get(j.id) ?? 0;
        const inJourneyNow = (persona === null || j.personaKey !== null ? (s.inJourneyNow.get(j.id) as { n: number }) : (s.inJourneyNowOfPersona.get(j.id, persona) as { n: number })).n;
        return { id: j.id, name: j.name, status: j.status, personaKey: j.personaKey, entered: e, inJourneyNow, converted: c, conversionRate: rate(c, e) };
      });
    return { moment: m.key, label: m.label, phases, inPhaseNow: phases.reduce((t, p) => t + (totalNow[p] ?? 0), 0), journeys };
  });

  // Email performance per template.
  const templateNames = new Map((s.templates.all() as { id: string; name: string }[]).map((t) => [t.id, t.name]));
  const perTemplate = new Map<string, Record<string, number>>();
  const TEMPLATE_FIELDS: Partial<Record<Metric, string>> = {
    template_sent: 'sent',
    template_delivered: 'delivered',
    template_opened: 'uniqueOpens',
    template_clicked: 'uniqueClicks',
    template_unsubscribed: 'unsubscribes',
    template_bounced: 'bounces',
    template_soft_bounced: 'softBounces',
    template_complained: 'complaints',
  };
  for (const [metric, field] of Object.entries(TEMPLATE_FIELDS) as [Metric, string][]) {
    for (const r of of(metric)) {
      const t = perTemplate.get(r.key) ?? { sent: 0, delivered: 0, uniqueOpens: 0, uniqueClicks: 0, unsubscribes: 0, bounces: 0, softBounces: 0, complaints: 0 };
      t[field] = (t[field] ?? 0) + r.n;
      perTemplate.set(r.key, t);
    }
  }
  const templates: LifecycleReport['templates'] = [...perTemplate.entries()]
    .map(([templateId, t]) => ({
      templateId,
      name: templateNames.get(templateId) ?? templateId,
      sent: t.sent!,
      delivered: t.delivered!,
      uniqueOpens: t.uniqueOpens!,
      uniqueClicks: t.uniqueClicks!,
      unsubscribes: t.unsubscribes!,
      bounces: t.bounces!,
      softBounces: t.softBounces!,
      complaints: t.complaints!,
      clickRate: rate(t.uniqueClicks!, t.delivered!),
    }))
    .sort((a, b) => b.sent - a.sent || a.name.localeCompare(b.name));

  const weekly = (persona === null ? s.weeklyFlows.all(fromDay, toDay) : s.weeklyFlowsOfPersona.all(fromDay, toDay, persona)) as { day: number; key: string; n: number }[];
  const firstPurchase = histogramOf(of('days_to_first_purchase'));
  const toLoyal = histogramOf(of('days_customer_to_loyal'));
  return {
    period: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), firstDay: isoDate(fromDay), lastDay: isoDate(toDay - 1) },
    persona,
    phases: phaseRows.map((p) => ({ phase: p.key, label: p.label, n: totalNow[p.key] ?? 0 })),
    flows,
    entriesPerWeek: entriesPerWeek(weekly, fromMs, toMs, phaseKeys),
    medians: {
      subscriberToFirstPurchaseDays: medianOfHistogram(firstPurchase),
      customerToLoyalDays: medianOfHistogram(toLoyal),
      firstPurchases: sum(of('days_to_first_purchase')),
      becameLoyal: sum(of('days_customer_to_loyal')),
    },
    lapsed: flowsInto(flows, 'lapsed'),
    reactivated: flowsOutOf(flows, 'lapsed'),
    referrals: sum(of('referral')),
    personas: personaEntries,
    moments,
    templates,
  };
}
