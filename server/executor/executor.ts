// The executor: one tick enrols contacts from new events, resumes waiters, applies goals and exits,
// and advances due enrollments, each batch in one transaction so a crash loses nothing.
import { randomUUID } from 'node:crypto';
import type { PropertyFilter } from '../../shared/journey/common.ts';
import { matchesFilters } from '../../shared/journey/filters.ts';
import type { JourneyGraph } from '../../shared/journey/graph.ts';
import {
  advance,
  applyJourneyEvent,
  compileGraph,
  entryKey,
  isTerminal,
  startEnrollment,
  triggerMatches,
  type AdvanceResult,
  type CompiledGraph,
  type ContactView,
  type EnrollmentState,
  type Facts,
  type IncomingEvent,
} from '../../shared/journey/interpret.ts';
import { checkGraph } from '../../shared/journey/validate.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { log as defaultLog, type Logger } from '../log.ts';
import { timeOrderedId } from '../ids.ts';
import { prepareStatements, type Statements } from './statements.ts';
import { createStepLog } from './steps.ts';
import { createBestHourTimer } from './bestHour.ts';
import { RollupBatch } from '../reports/rollups.ts';
import { createExperimentTracker } from '../experiments/tracker.ts';
import { setPhase, updateTraits } from '../contacts/contacts.ts';
import type { PhaseKey } from '../../shared/lifecycle/phases.ts';

export interface ExecutorOptions {
  db: Db;
  clock: Clock;
  /** Identifies this process in the tick lease. */
  holder?: string;
  batchSize?: number;
  /** How long a tick lease lasts without renewal (wall-clock ms): a crashed process blocks others no longer. */
  leaseMs?: number;
  defaultTimezone?: string;
  log?: Logger;
}

export interface TickReport {
  skipped: string | null;
  events: number;
  enrolled: number;
  resumed: number;
  advanced: number;
  converted: number;
  exited: number;
  failed: number;
  messagesQueued: number;
}

interface EnrollmentRow {
  id: string;
  journeyId: string;
  version: number;
  contactId: string;
  state: string;
  heldEvent: string | null;
}

interface RunningJourney {
  id: string;
  personaKey: string | null;
  status: 'live' | 'paused';
  version: number;
  graph: CompiledGraph;
}

const emptyReport = (): TickReport => ({ skipped: null, events: 0, enrolled: 0, resumed: 0, advanced: 0, converted: 0, exited: 0, failed: 0, messagesQueued: 0 });

// The step log stores trigger events too; anything the executor reads is parsed JSON from SQLite.
const parse = <T>(json: string): T => JSON.parse(json) as T;

export function createExecutor(options: ExecutorOptions) {
  const { db, clock } = options;
  const log = options.log ?? defaultLog;
  const holder = options.holder ?? `${process.pid}-${randomUUID()}`;
  const batchSize = options.batchSize ?? 2000;
  const leaseMs = options.leaseMs ?? 30_000;
  const defaultTimezone = options.defaultTimezone ?? 'UTC';
  const sqlite = db.$client;
  const st: Statements = prepareStatements(sqlite);
  const stepLog = createStepLog(sqlite);
  // Journey entries and conversions for the dashboard, gathered per batch and written with it like the step counts.
  const rollups = new RollupBatch();
  // Experiment members and their outcomes, written in the same batches.
  const experiments = createExperimentTracker(sqlite);
  // Best-hour emails only: a journey without the option never reads engagement history.
  const bestHour = createBestHourTimer(db);
  const graphs = new Map<string, CompiledGraph>();
  let running = false;
  /**
   * Batches run without a savepoint per enrollment (they cost a seventh of the hot path). When a batch
   * throws, it is rolled back and run again with savepoints, so the one failing run is isolated and failed.
   */
  let isolate = false;
  const guarded = <T>(fn: () => T): (() => T) => (isolate ? sqlite.transaction(fn) : fn);

  function runBatch(report: TickReport, work: () => void): void {
    const counted = { ...report };
    // IMMEDIATE: the write lock is taken before anything is read, so what a batch reads is what it changes.
    const withCounts = sqlite.transaction(() => {
      experiments.refresh();
      work();
      stepLog.flush();
      rollups.flush(db);
    });
    try {
      withCounts.immediate();
    } catch (error) {
      stepLog.discard();
      rollups.discard();
      log.warn({ err: error }, 'executor batch failed; running it again one enrollment at a time');
      Object.assign(report, counted);
      isolate = true;
      try {
        withCounts.immediate();
      } catch (again) {
        stepLog.discard();
        rollups.discard();
        throw again;
      } finally {
        isolate = false;
      }
    }
  }

  function graphOf(journeyId: string, version: number, stored?: string): CompiledGraph {
    const key = `${journeyId}@${version}`;
    const cached = graphs.get(key);
    if (cached) return cached;
    const json = stored ?? (st.versionGraph.get(journeyId, version) as { graph: string } | undefined)?.graph;
    if (!json) throw new Error(`journey ${journeyId} has no version ${version}`);
    // Published versions were validated at publish; parsing applies the schemas' defaults.
    const checked = checkGraph(parse<JourneyGraph>(json), { templateIds: ANY, personaKeys: ANY, phaseKeys: ANY });
    if (!checked.ok) throw new Error(`journey ${journeyId} v${version} is not runnable: ${checked.issues[0]?.message}`);
    const compiled = compileGraph(checked.graph);
    graphs.set(key, compiled);
    return compiled;
  }

  function loadContact(id: string): ContactView | null {
    const row = st.contact.get(id) as (Omit<ContactView, 'traits'> & { traits: unknown }) | undefined;
    if (!row) return null;
    row.traits = parse<Record<string, unknown>>(row.traits as string);
    return row as ContactView;
  }

  function factsFor(contactId: string, enrollmentId: string): Facts {
    return {
      countEvents(name: string, filters: readonly PropertyFilter[], sinceMs: number | null) {
        const since = sinceMs ?? 0;
        if (filters.length === 0) return (st.countEvents.get(contactId, name, since) as { n: number }).n;
        const rows = st.eventProperties.all(contactId, name, since) as { properties: string }[];
        return rows.filter((r) => matchesFilters(parse(r.properties), filters)).length;
      },
      engaged(action, emailNodeId) {
        const stmt = action === 'opened' ? st.opened : st.clicked;
        return stmt.get(enrollmentId, emailNodeId, emailNodeId) !== undefined;
      },
    };
  }

  /** The enrollment columns an advance result sets. */
  function rowFields(s: EnrollmentState, now: number) {
    return {
      nodeId: s.nodeId,
      status: s.status,
      wakeAt: s.wakeAt,
      awaitingEvent: s.status === 'waiting' ? (s.awaiting?.event ?? null) : null,
      state: JSON.stringify(s),
      now,
      endedAt: isTerminal(s.status) ? now : null,
      goalReachedAt: s.goalReachedAt,
      error: s.error,
    };
  }

  /** Inserts a run in the state an advance left it; false when its (journey, contact, entry key) already ran. */
  function insertEnrollment(row: { id: string; journeyId: string; version: number; contactId: string; entryKey: string }, s: EnrollmentState, now: number): boolean {
    const f = rowFields(s, now);
    return st.insertEnrollment.run(row.id, row.journeyId, row.version, row.contactId, row.entryKey, f.nodeId, f.status, f.wakeAt, f.awaitingEvent, f.state, now, now, f.endedAt, f.goalReachedAt, f.error).changes === 1;
  }

  /** Writes one advance of an existing enrollment: the row, its steps and its effects. */
  function persist(row: { id: string; journeyId: string; version: number; contactId: string }, result: AdvanceResult, now: number, report: TickReport): void {
    st.updateEnrollment.run({ id: row.id, ...rowFields(result.state, now), heldEvent: null });
    writeStepsAndEffects(row, result, now, report);
  }

  function writeStepsAndEffects(row: { id: string; journeyId: string; version: number; contactId: string }, result: AdvanceResult, now: number, report: TickReport): void {
    const s = result.state;
    stepLog.record(row.id, row.journeyId, row.version, now, result.steps);
    // Isolated, this run is in a savepoint of its own: its counts are written inside it, so a rollback takes them too.
    if (isolate) {
      stepLog.flush();
      rollups.flush(db);
    }
    if (s.status === 'failed') {
      report.failed++;
      log.warn({ enrollmentId: row.id, journeyId: row.journeyId, nodeId: s.nodeId, error: s.error }, 'enrollment failed');
    }
    for (const effect of result.effects) {
      switch (effect.type) {
        case 'send_email': {
          const data: Record<string, unknown> = { subjectOverride: effect.subjectOverride, senderId: effect.senderId, entry: s.entry };
          const timed = effect.sendAt ? bestHour.time(result.contact, effect.sendAt.withinHours, now) : null;
          if (timed) data.bestHour = timed.record;
          const inserted = st.insertMessage.run(timeOrderedId('m_', now), row.contactId, row.id, row.journeyId, effect.nodeId, effect.visit, effect.templateId, JSON.stringify(data), effect.category, effect.whenCapped, timed?.at ?? now, now, timed?.note ?? null);
          report.messagesQueued += inserted.changes;
          break;
        }
        case 'notify': {
          // An internal email to a team address, delivered by the mail loop like any other message.
          const data = { to: effect.to, subject: effect.subject, message: effect.message, journeyId: row.journeyId };
          st.insertMessage.run(timeOrderedId('m_', now), row.contactId, row.id, row.journeyId, effect.nodeId, effect.visit, '$notify', JSON.stringify(data), 'transactional', 'delay', now, now, null);
          break;
        }
        case 'webhook':
          st.insertWebhook.run({
            id: timeOrderedId('w_', now),
            enrollmentId: row.id,
            nodeId: effect.nodeId,
            visit: effect.visit,
            url: effect.url,
            payload: JSON.stringify({ contact: result.contact, event: s.entry, journeyId: row.journeyId, nodeId: effect.nodeId }),
            now,
          });
          break;
        case 'set_phase':
          // Through the contacts domain: history with this journey as the cause, and the $phase_entered
          // event that other journeys start on (read later in this same tick).
          setPhase(db, clock, row.contactId, effect.phase as PhaseKey, `journey:${row.journeyId}`, { onlyForward: effect.onlyForward });
          break;
        case 'update_traits':
          // Through the contacts domain too, so persona rules see the new traits.
          updateTraits(db, clock, row.contactId, effect.traits);
          break;
        case 'assign_variant':
          experiments.assigned({ journeyId: row.journeyId, version: row.version, nodeId: effect.nodeId, contactId: row.contactId, enrollmentId: row.id, arm: effect.variant, at: now });
          break;
        default:
          effect satisfies never;
      }
    }
  }

  /** Marks one enrollment failed with its error, so one bad run never stops the tick. */
  function failRow(row: EnrollmentRow, now: number, report: TickReport, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const s: EnrollmentState = { ...parse<EnrollmentState>(row.state), status: 'failed', wakeAt: null, awaiting: null, error: message };
    st.updateEnrollment.run({ id: row.id, nodeId: s.nodeId, status: 'failed', wakeAt: null, awaitingEvent: null, state: JSON.stringify(s), now, endedAt: now, goalReachedAt: s.goalReachedAt, error: message, heldEvent: null });
    stepLog.record(row.id, row.journeyId, row.version, now, [{ nodeId: s.nodeId, outcome: `failed: ${message}` }]);
    report.failed++;
    log.error({ enrollmentId: row.id, journeyId: row.journeyId, err: error }, 'enrollment failed');
  }

  function advanceRow(row: EnrollmentRow, now: number, report: TickReport, event?: IncomingEvent): void {
    const savepoint = guarded(() => {
      const contact = loadContact(row.contactId);
      if (!contact) return false;
      const state = parse<EnrollmentState>(row.state);
      const graph = graphOf(row.journeyId, row.version);
      const result = advance({ graph, journeyId: row.journeyId, state, contact, now, event, facts: factsFor(contact.id, row.id), defaultTimezone });
      persist(row, result, now, report);
      return true;
    });
    try {
      // A savepoint per enrollment: what a failing run half-wrote is undone, the rest of the batch stays.
      if (savepoint()) report.advanced++;
    } catch (error) {
      if (!isolate) throw error;
      failRow(row, now, report, error);
    }
  }

  function loadRunning(): Map<string, RunningJourney[]> {
    const byTriggerEvent = new Map<string, RunningJourney[]>();
    const rows = st.runningJourneys.all() as { id: string; personaKey: string | null; status: 'live' | 'paused'; version: number; graph: string }[];
    for (const r of rows) {
      let graph: CompiledGraph;
      try {
        graph = graphOf(r.id, r.version, r.graph);
      } catch (error) {
        // One unreadable journey enrols nobody; the others run on.
        log.error({ journeyId: r.id, version: r.version, err: error }, 'journey version is not runnable');
        continue;
      }
      const journey: RunningJourney = { id: r.id, personaKey: r.personaKey, status: r.status, version: r.version, graph };
      const t = graph.trigger.config;
      const name = t.on === 'event' ? t.event : t.on === 'phase_entered' ? '$phase_entered' : t.on === 'persona_entered' ? '$persona_entered'
        : t.on === 'subscription_confirmed' ? '$subscription_confirmed' : t.on === 'date_anniversary' ? '$date_anniversary' : '$journey_entry';
      byTriggerEvent.set(name, [...(byTriggerEvent.get(name) ?? []), journey]);
    }
    return byTriggerEvent;
  }

  /**
   * Event names some run may be waiting for: the wait_for_event nodes of every version of the live and paused
   * journeys (a run stays on the version it entered). Null when a version cannot be read: then every event is
   * looked up.
   */
  function awaitedNames(byTrigger: Map<string, RunningJourney[]>): Set<string> | null {
    const names = new Set<string>();
    for (const list of byTrigger.values()) {
      for (const j of list) {
        for (let version = 1; version <= j.version; version++) {
          let graph: CompiledGraph;
          try {
            graph = graphOf(j.id, version);
          } catch {
            return null;
          }
          for (const node of graph.nodes.values()) if (node.kind === 'wait_for_event') names.add(node.config.event);
        }
      }
    }
    return names;
  }

  /** Event names that are some journey's goal or exit event: only those need the per-contact look-up. */
  function goalAndExitNames(byTrigger: Map<string, RunningJourney[]>): Set<string> {
    const names = new Set<string>();
    for (const list of byTrigger.values()) {
      for (const j of list) {
        if (j.graph.settings.goal) names.add(j.graph.settings.goal.event);
        for (const e of j.graph.settings.exitEvents) names.add(e);
      }
    }
    for (const g of graphs.values()) {
      if (g.settings.goal) names.add(g.settings.goal.event);
      for (const e of g.settings.exitEvents) names.add(e);
    }
    return names;
  }

  function enrol(journey: RunningJourney, eventId: number, contactId: string, event: IncomingEvent, now: number, report: TickReport): void {
    if (journey.status !== 'live') return;
    const trigger = journey.graph.trigger.config;
    if (!triggerMatches(trigger, event)) return;
    const contact = loadContact(contactId);
    if (!contact) return;
    if (journey.personaKey !== null && contact.personaKey !== journey.personaKey) return;
    const settings = journey.graph.settings;
    if (settings.reentry === 'after_exit' && st.hasOpenEnrollment.get(journey.id, contactId)) return;
    const key = entryKey(settings, trigger, event, String(eventId));
    const id = timeOrderedId('e_', now);
    const row = { id, journeyId: journey.id, version: journey.version, contactId, entryKey: key };
    // The run is computed first and the enrollment written once, in its state at the first wait:
    // one row write per contact instead of an insert and an update (the enrol path is the hot one).
    const result = advance({ graph: journey.graph, journeyId: journey.id, state: startEnrollment(journey.graph, event, now), contact, now, facts: factsFor(contactId, id), defaultTimezone });
    const write = guarded(() => {
      if (!insertEnrollment(row, result.state, now)) return false; // this (journey, contact, entry key) already ran: the policy forbids another
      rollups.add('journey_entered', now, contact.personaKey, journey.id);
      writeStepsAndEffects(row, result, now, report);
      return true;
    });
    try {
      if (!write()) return;
    } catch (error) {
      if (!isolate) throw error;
      const failed: EnrollmentState = { ...startEnrollment(journey.graph, event, now), status: 'failed', wakeAt: null, error: error instanceof Error ? error.message : String(error) };
      if (!insertEnrollment(row, failed, now)) return;
      rollups.add('journey_entered', now, contact.personaKey, journey.id);
      // Its path shows where it stopped: at the entry, with the error.
      stepLog.record(id, journey.id, journey.version, now, [{ nodeId: failed.nodeId, outcome: `failed: ${failed.error}` }]);
      report.failed++;
      log.error({ enrollmentId: id, journeyId: journey.id, err: error }, 'enrollment failed');
    }
    report.enrolled++;
    report.advanced++;
  }

  function applyGoalsAndExits(contactId: string, event: IncomingEvent, now: number, report: TickReport): void {
    for (const row of st.goalCandidates.all(contactId) as EnrollmentRow[]) {
      const graph = graphOf(row.journeyId, row.version);
      const state = parse<EnrollmentState>(row.state);
      const outcome = applyJourneyEvent(graph.settings, state, event);
      if (!outcome.converted && !outcome.exited) continue;
      if (outcome.converted) {
        report.converted++;
        const persona = (st.contact.get(contactId) as { personaKey: string | null } | undefined)?.personaKey ?? null;
        rollups.add('journey_converted', outcome.state.goalReachedAt ?? now, persona, row.journeyId);
        experiments.goalReached(row.journeyId, contactId, outcome.state.goalReachedAt ?? now, row.id);
      }
      if (outcome.exited) {
        report.exited++;
        stepLog.record(row.id, row.journeyId, row.version, now, [{ nodeId: state.nodeId, outcome: outcome.converted ? 'exited: goal reached' : `exited: ${event.name}` }]);
      }
      const s = outcome.state;
      st.updateEnrollment.run({
        id: row.id, nodeId: s.nodeId, status: s.status, wakeAt: s.wakeAt,
        awaitingEvent: s.status === 'waiting' ? (s.awaiting?.event ?? null) : null,
        state: JSON.stringify(s), now, endedAt: isTerminal(s.status) ? now : null,
        goalReachedAt: s.goalReachedAt, error: s.error, heldEvent: isTerminal(s.status) ? null : row.heldEvent,
      });
    }
  }

  function resumeWaiters(contactId: string, event: IncomingEvent, now: number, report: TickReport): void {
    for (const row of st.waitingFor.all(contactId, event.name) as (EnrollmentRow & { journeyStatus: string })[]) {
      if (row.journeyStatus === 'paused') {
        // Held where it is: the awaited event is kept and applied when the journey resumes.
        st.holdEvent.run(JSON.stringify(event), now, now, row.id);
        continue;
      }
      if (row.journeyStatus !== 'live') continue;
      const before = report.advanced;
      advanceRow(row, now, report, event);
      if (report.advanced > before) report.resumed++;
    }
  }

  function processEvents(now: number, report: TickReport): void {
    const byTrigger = loadRunning();
    const goalNames = goalAndExitNames(byTrigger);
    const awaited = awaitedNames(byTrigger);
    for (;;) {
      let read = 0;
      // One transaction per batch: the cursor read, enrolments, advances, effects and the cursor move
      // together or not at all; read inside it, so a batch never starts from a cursor another process moved.
      runBatch(report, () => {
        const cursor = ((st.getCursor.get() as { value: number } | undefined)?.value) ?? 0;
        const batch = st.eventsAfter.all(cursor, batchSize) as { id: number; contactId: string; name: string; properties: string; timestamp: number; quiet: number }[];
        read = batch.length;
        if (batch.length === 0) return;
        for (const e of batch) {
          // A quiet event (a CSV import without "start journeys") is history only: it starts no run, resumes no
          // waiter and counts as no goal or exit; the phase and consent it records stay on the contact. Checked by
          // column, before any parsing, so it costs the hot path nothing.
          if (e.quiet) continue;
          const starts = byTrigger.get(e.name);
          const isGoal = goalNames.has(e.name);
          const isAwaited = awaited === null || awaited.has(e.name);
          const isOutcome = experiments.wants(e.name);
          // Most events (page views, product views) concern no journey: nothing to parse or look up.
          if (!starts && !isGoal && !isAwaited && !isOutcome) continue;
          const event: IncomingEvent = { name: e.name, properties: parse(e.properties), timestamp: e.timestamp };
          if (isOutcome) experiments.event(e.contactId, event);
          if (isGoal) applyGoalsAndExits(e.contactId, event, now, report);
          if (isAwaited) resumeWaiters(e.contactId, event, now, report);
          for (const journey of starts ?? []) enrol(journey, e.id, e.contactId, event, now, report);
        }
        st.setCursor.run(batch[batch.length - 1]!.id);
      });
      if (read === 0) return;
      report.events += read;
      renewLease();
    }
  }

  function processDue(now: number, report: TickReport): void {
    for (;;) {
      let read = 0;
      runBatch(report, () => {
        const rows = st.due.all(now, batchSize) as EnrollmentRow[];
        read = rows.length;
        for (const row of rows) {
          const held = row.heldEvent ? parse<IncomingEvent>(row.heldEvent) : undefined;
          advanceRow(row, now, report, held);
        }
      });
      renewLease();
      if (read < batchSize) return;
    }
  }

  function exitArchived(now: number, report: TickReport): void {
    for (;;) {
      let read = 0;
      runBatch(report, () => {
        const rows = st.inArchived.all(batchSize) as EnrollmentRow[];
        read = rows.length;
        for (const row of rows) {
          const s: EnrollmentState = { ...parse<EnrollmentState>(row.state), status: 'exited', wakeAt: null, awaiting: null };
          st.updateEnrollment.run({ id: row.id, nodeId: s.nodeId, status: 'exited', wakeAt: null, awaitingEvent: null, state: JSON.stringify(s), now, endedAt: now, goalReachedAt: s.goalReachedAt, error: null, heldEvent: null });
          stepLog.record(row.id, row.journeyId, row.version, now, [{ nodeId: s.nodeId, outcome: 'exited: journey archived' }]);
          report.exited++;
        }
      });
      if (read === 0) return;
    }
  }

  function tryLease(): boolean {
    const wall = Date.now();
    return st.acquireLock.run({ holder, until: wall + leaseMs, now: wall }).changes === 1;
  }

  /** Between batches: a tick that lost its lease (it stalled past it) stops, since another process may run. */
  function renewLease(): void {
    if (!tryLease()) throw new LeaseLost();
  }

  /** One tick. Never overlaps another tick, in this process (a flag) or in another (the lease). */
  function tick(): TickReport {
    const report = emptyReport();
    if (running) return { ...report, skipped: 'a tick is already running in this process' };
    running = true;
    try {
      if (!tryLease()) return { ...report, skipped: 'another process is ticking' };
      const now = clock.now().getTime();
      bestHour.newTick();
      // Effects write events (a phase change starts other journeys): rounds until nothing is left to do.
      for (let round = 0; round < 10; round++) {
        const before = report.events + report.advanced + report.exited;
        processEvents(now, report);
        processDue(now, report);
        exitArchived(now, report);
        if (report.events + report.advanced + report.exited === before) break;
      }
      return report;
    } catch (error) {
      if (error instanceof LeaseLost) return { ...report, skipped: 'the tick lease was lost to another process' };
      throw error;
    } finally {
      st.releaseLock.run(holder);
      running = false;
    }
  }

  return { tick, holder };
}

export type Executor = ReturnType<typeof createExecutor>;

class LeaseLost extends Error {}

const ANY: ReadonlySet<string> = { has: () => true } as unknown as ReadonlySet<string>;
