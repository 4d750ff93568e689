// The simulator: runs a graph for one contact in virtual time with the same interpreter as the executor.
// Pure: nothing is sent or stored; the caller shows the path, the waits and the emails.
import type { PropertyFilter } from './common.ts';
import { matchesFilters } from './filters.ts';
import type { JourneyGraph } from './graph.ts';
import {
  advance,
  applyJourneyEvent,
  compileGraph,
  isTerminal,
  startEnrollment,
  triggerMatches,
  type ContactView,
  type Effect,
  type EnrollmentState,
  type Facts,
  type IncomingEvent,
  type StepRecord,
} from './interpret.ts';
import { checkGraph, type ReferenceContext, type ValidationIssue } from './validate.ts';
import { bestSendHour, type BestHourSource, type HourOfWeekHistogram } from '../mail/bestHour.ts';
import { DEFAULT_SENDING_SETTINGS, type SendingSettings } from '../mail/settings.ts';

export interface ScriptedEvent extends IncomingEvent {}

export interface SimulationInput {
  graph: JourneyGraph;
  /** The journey simulated, when it exists: its holdout draws from (contact, journey) as the executor's does. */
  journeyId?: string;
  contact: ContactView;
  /** When the contact enters (ms). Event-triggered journeys enter at the first matching scripted event. */
  start: number;
  /** Events the contact does, in any order; the past ones (before start) count for conditions. */
  events: ScriptedEvent[];
  /** Whether the contact opens / clicks the emails of this journey. */
  assume: { opens: boolean; clicks: boolean };
  /** How far to run, in days after entering. */
  horizonDays: number;
  defaultTimezone?: string;
  /** References to check; templates that do not exist yet are reported, not blocking. */
  refs: ReferenceContext;
  /** What a best-hour email is timed by, as the executor would time it; absent: no history and the default quiet hours. */
  bestHour?: SimulatedHistory;
}

/** The engagement history the simulator times best-hour emails with (the picked contact's, their persona's, everyone's). */
export interface SimulatedHistory {
  /** The contact's own opens and clicks before the start (ms); the opens the run assumes are added to them. */
  engagements: readonly number[];
  personaHistogram: HourOfWeekHistogram | null;
  audienceHistogram: HourOfWeekHistogram | null;
  quietHours: SendingSettings['quietHours'];
  /** The workspace's zone for a contact without one, as the executor times best hours (its waits read UTC). */
  defaultTimezone?: string;
}

export interface SimulatedEmail {
  nodeId: string;
  at: number;
  templateId: string;
  subjectOverride?: string;
  category: 'marketing' | 'transactional';
  /** A best-hour email: when it would go out and why (the journey itself moves on at `at`). */
  scheduled?: { at: number; source: BestHourSource; reason: string };
}

export type SimulationResult =
  | { ok: false; issues: ValidationIssue[] }
  | {
      ok: true;
      entered: number | null;
      steps: StepRecord[];
      waits: { nodeId: string; from: number; until: number }[];
      emails: SimulatedEmail[];
      effects: (Effect & { at: number })[];
      final: EnrollmentState | null;
      converted: number | null;
      /** Why the run stopped: ended, the horizon, or nothing left to happen. */
      stoppedBecause: 'completed' | 'exited' | 'failed' | 'horizon' | 'never entered';
      /** Problems that do not stop a simulation, such as templates that do not exist yet. */
      warnings: ValidationIssue[];
    };

const DAY = 86_400_000;
const NON_BLOCKING = new Set(['unknown_template']);

function scriptedFacts(events: ScriptedEvent[], now: () => number, assume: SimulationInput['assume'], sent: Set<string>): Facts {
  return {
    countEvents(name: string, filters: readonly PropertyFilter[], sinceMs: number | null) {
      return events.filter((e) => e.name === name && e.timestamp <= now() && (sinceMs === null || e.timestamp >= sinceMs) && matchesFilters(e.properties, filters)).length;
    },
    engaged(action, emailNodeId) {
      const assumed = action === 'opened' ? assume.opens || assume.clicks : assume.clicks;
      if (!assumed) return false;
      return emailNodeId === null ? sent.size > 0 : sent.has(emailNodeId);
    },
  };
}

export function simulate(input: SimulationInput): SimulationResult {
  const permissive: ReferenceContext = { ...input.refs, templateIds: { has: () => true } as unknown as ReadonlySet<string> };
  const checked = checkGraph(input.graph, permissive);
  if (!checked.ok) return { ok: false, issues: checked.issues };
  const warnings = checkGraph(input.graph, input.refs);
  const graph = compileGraph(checked.graph);
  const events = [...input.events].sort((a, b) => a.timestamp - b.timestamp);
  const trigger = graph.trigger.config;

  // Entering: an event trigger waits for its event in the script; the other triggers enter at start.
  let entry: IncomingEvent | null = null;
  let entered: number;
  if (trigger.on === 'event') {
    const first = events.find((e) => e.timestamp >= input.start && triggerMatches(trigger, e));
    if (!first) {
      return { ok: true, entered: null, steps: [], waits: [], emails: [], effects: [], final: null, converted: null, stoppedBecause: 'never entered', warnings: warnings.ok ? [] : warnings.issues.filter((i) => NON_BLOCKING.has(i.code)) };
    }
    entry = first;
    entered = first.timestamp;
  } else {
    entered = input.start;
  }

  let now = entered;
  const horizon = entered + input.horizonDays * DAY;
  const sent = new Set<string>();
  const facts = scriptedFacts(events, () => now, input.assume, sent);
  let contact = input.contact;
  let state = startEnrollment(graph, entry, now);
  const steps: StepRecord[] = [];
  const emails: SimulatedEmail[] = [];
  const effects: (Effect & { at: number })[] = [];
  const waits: { nodeId: string; from: number; until: number }[] = [];
  let converted: number | null = null;
  let pending = events.filter((e) => e.timestamp > entered || (e.timestamp === entered && e !== entry));

  const history = input.bestHour;
  // When the run's emails go out: an assumed open or click is an engagement at that moment, for later best-hour emails.
  const assumedEngagements: number[] = [];
  const scheduleBestHour = (withinHours: number): SimulatedEmail['scheduled'] => {
    const best = bestSendHour({
      now,
      withinHours,
      timezone: contact.timezone,
      defaultTimezone: history?.defaultTimezone ?? input.defaultTimezone ?? 'UTC',
      engagements: [...(history?.engagements ?? []).filter((t) => t < now), ...assumedEngagements],
      personaHistogram: history?.personaHistogram ?? null,
      audienceHistogram: history?.audienceHistogram ?? null,
      quietHours: history?.quietHours ?? DEFAULT_SENDING_SETTINGS.quietHours,
    });
    return { at: best.at, source: best.source, reason: best.reason };
  };

  const run = (event?: IncomingEvent) => {
    const result = advance({ graph, journeyId: input.journeyId, state, contact, now, event, facts, defaultTimezone: input.defaultTimezone });
    state = result.state;
    contact = result.contact;
    steps.push(...result.steps);
    for (const effect of result.effects) {
      effects.push({ ...effect, at: now });
      if (effect.type === 'send_email') {
        sent.add(effect.nodeId);
        const scheduled = effect.sendAt?.mode === 'best_hour' ? scheduleBestHour(effect.sendAt.withinHours) : undefined;
        emails.push({ nodeId: effect.nodeId, at: now, templateId: effect.templateId, subjectOverride: effect.subjectOverride, category: effect.category, ...(scheduled ? { scheduled } : {}) });
        // As the executor counts them: a message's first open and first click.
        const delivered = scheduled?.at ?? now;
        if (input.assume.opens || input.assume.clicks) assumedEngagements.push(delivered);
        if (input.assume.clicks) assumedEngagements.push(delivered);
      }
    }
    if (state.status === 'waiting' && state.wakeAt !== null) waits.push({ nodeId: state.nodeId, from: now, until: state.wakeAt });
  };

  run();
  // Bounded: every round consumes an event or reaches a wake-up strictly later than the last.
  for (let round = 0; round < 10_000 && !isTerminal(state.status); round++) {
    const nextEvent = pending[0];
    const wake = state.wakeAt ?? Number.POSITIVE_INFINITY;
    const at = Math.min(nextEvent?.timestamp ?? Number.POSITIVE_INFINITY, wake);
    if (!Number.isFinite(at) || at > horizon) break;
    now = at;
    if (nextEvent && nextEvent.timestamp === at) {
      pending = pending.slice(1);
      const outcome = applyJourneyEvent(graph.settings, state, nextEvent);
      state = outcome.state;
      if (outcome.converted) converted = nextEvent.timestamp;
      if (outcome.exited) {
        steps.push({ nodeId: state.nodeId, kind: graph.nodes.get(state.nodeId)!.kind, at, outcome: outcome.converted ? 'exited: goal reached' : `exited: ${nextEvent.name}` });
        break;
      }
      run(nextEvent);
    } else {
      run();
    }
  }

  // The executor still counts a goal reached after the run ended, within the conversion window; so does the simulator.
  if (converted === null && graph.settings.goal && isTerminal(state.status)) {
    for (const event of pending) {
      if (event.timestamp > horizon) break;
      const outcome = applyJourneyEvent(graph.settings, state, event);
      if (outcome.converted) {
        converted = event.timestamp;
        state = outcome.state;
        break;
      }
    }
  }

  const stoppedBecause = state.status === 'completed' || state.status === 'exited' || state.status === 'failed' ? state.status : 'horizon';
  return {
    ok: true,
    entered,
    steps,
    waits,
    emails,
    effects,
    final: state,
    converted,
    stoppedBecause,
    warnings: warnings.ok ? [] : warnings.issues.filter((i) => NON_BLOCKING.has(i.code)),
  };
}
