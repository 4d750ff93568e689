// The pure interpreter: (graph, enrollment state, contact, now, event?) → (next state, effects, steps).
// It does no I/O and reads no clock; the executor and the simulator both call it, so they agree.
import { DateTime, IANAZone } from 'luxon';
import type { Scalar } from './common.ts';
import { durationMs, UNIT_MS, type PropertyFilter } from './common.ts';
import { compare, matchesFilters, readPath } from './filters.ts';
import type { GraphEdge, JourneySettings, ValidGraph, ValidNode } from './graph.ts';
import type { NodeKind } from './kinds.ts';
import type { Predicate } from './nodes/condition.ts';
import type { SplitConfig } from './nodes/split.ts';
import type { TriggerConfig } from './nodes/trigger.ts';
import type { WaitConfig } from './nodes/wait.ts';
import { WEEKDAYS } from './nodes/wait.ts';
import { isForwardMove, type PhaseKey } from '../lifecycle/phases.ts';

export const ENROLLMENT_STATUSES = ['active', 'waiting', 'completed', 'exited', 'failed'] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

export interface EntryEvent {
  name: string;
  properties: Record<string, unknown>;
  /** ms since the epoch */
  timestamp: number;
}
export type IncomingEvent = EntryEvent;

export interface AwaitedEvent {
  event: string;
  filters: PropertyFilter[];
  /** The awaited event's property must equal this value taken from the entry event. */
  correlate: { property: string; value: unknown } | null;
}

export interface EnrollmentState {
  nodeId: string;
  status: EnrollmentStatus;
  /** When the enrollment is due next (ms); null when it is not waiting for time. */
  wakeAt: number | null;
  awaiting: AwaitedEvent | null;
  /** Visits per node, so a node in a loop produces one message per visit and no more. */
  visits: Record<string, number>;
  /** Variant per split node, kept so a contact who comes back takes the same branch. */
  variants: Record<string, string>;
  entry: EntryEvent | null;
  enrolledAt: number;
  goalReachedAt: number | null;
  error: string | null;
}

export interface ContactView {
  id: string;
  email: string;
  traits: Record<string, unknown>;
  phase: string;
  personaKey: string | null;
  subscription: string;
  timezone: string | null;
}

/**
 * What conditions need to know about a contact's past. The executor answers from the database, the
 * simulator from its script; the interpreter only asks.
 */
export interface Facts {
  countEvents(name: string, filters: readonly PropertyFilter[], sinceMs: number | null): number;
  engaged(action: 'opened' | 'clicked', emailNodeId: string | null): boolean;
}

export type Effect =
  | {
      type: 'send_email';
      nodeId: string;
      visit: number;
      templateId: string;
      subjectOverride?: string;
      senderId?: string;
      category: 'marketing' | 'transactional';
      whenCapped: 'delay' | 'skip';
      /** Present when the email waits for the contact's best hour: the executor and the simulator pick the time. */
      sendAt?: { mode: 'best_hour'; withinHours: number };
    }
  | { type: 'set_phase'; nodeId: string; phase: string; onlyForward: boolean }
  | { type: 'update_traits'; nodeId: string; traits: Record<string, Scalar> }
  | { type: 'notify'; nodeId: string; visit: number; to: string; subject: string; message: string }
  | { type: 'webhook'; nodeId: string; visit: number; url: string }
  /** A contact was assigned an arm for the first time: a split's variant, or the journey holdout ($holdout). */
  | { type: 'assign_variant'; nodeId: string; variant: string };

/** The pseudo node id of the journey holdout: it keeps its arm in `variants` like a split, and names its experiment. */
export const HOLDOUT_NODE = '$holdout';
export const HOLDOUT_ARMS = { held: 'holdout', treated: 'journey' } as const;

/**
 * The journey-holdout arm of a contact: deterministic from (contact, journey), like a split's variant from (contact,
 * node). The journey is in the hash so that two journeys' holdouts are independent: otherwise the same 5% would be held
 * out of every journey, and each journey's measured effect would include the others'.
 */
export function holdoutArm(contactId: string, percent: number, journeyId = ''): string {
  return assignVariant(journeyId ? `${contactId}:${journeyId}` : contactId, HOLDOUT_NODE, [
    { key: HOLDOUT_ARMS.held, label: 'Held out', weight: percent, holdout: true },
    { key: HOLDOUT_ARMS.treated, label: 'In the journey', weight: 100 - percent, holdout: false },
  ]);
}

export interface StepRecord {
  nodeId: string;
  kind: NodeKind;
  at: number;
  /** What happened at the node: "next", "yes", "variant:b", "waiting until …", "matched", "completed". */
  outcome: string;
}

export interface CompiledGraph {
  nodes: Map<string, ValidNode>;
  next: Map<string, string>;
  trigger: ValidNode & { kind: 'trigger' };
  settings: JourneySettings;
}

const edgeKey = (from: string, output: string) => `${from}\u0000${output}`;

/** Indexes a validated graph for the interpreter; compile once per version, run many times. */
export function compileGraph(graph: ValidGraph): CompiledGraph {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const next = new Map(graph.edges.map((e: GraphEdge) => [edgeKey(e.from, e.output), e.to]));
  const trigger = graph.nodes.find((n): n is ValidNode & { kind: 'trigger' } => n.kind === 'trigger');
  if (!trigger) throw new Error('compileGraph needs a validated graph with a trigger');
  return { nodes, next, trigger, settings: graph.settings };
}

// ---------------------------------------------------------------- entering

/** Whether an event (including the internal $phase_entered, $persona_entered, …) starts this trigger. */
export function triggerMatches(trigger: TriggerConfig, event: IncomingEvent): boolean {
  switch (trigger.on) {
    case 'event':
      return event.name === trigger.event && matchesFilters(event.properties, trigger.filters);
    case 'phase_entered':
      return event.name === '$phase_entered' && event.properties.phase === trigger.phase;
    case 'persona_entered':
      return event.name === '$persona_entered' && event.properties.persona === trigger.persona;
    case 'subscription_confirmed':
      return event.name === '$subscription_confirmed';
    case 'date_anniversary':
      return event.name === '$date_anniversary' && event.properties.trait === trigger.trait;
    case 'manual':
      return event.name === '$journey_entry';
    default:
      return trigger satisfies never;
  }
}

/**
 * The entry key of an enrollment: with `once` a contact has one run ever (""); otherwise the entering
 * event's entry-key property (one cart, one run; two orders, two) or, without one, the event itself.
 */
export function entryKey(settings: JourneySettings, trigger: TriggerConfig, event: IncomingEvent, eventId: string): string {
  if (settings.reentry === 'once') return '';
  if (trigger.on === 'event' && trigger.entryKeyProperty) {
    const value = readPath(event.properties, trigger.entryKeyProperty);
    if (value !== undefined && value !== null && value !== '') return `k:${String(value)}`;
  }
  return `e:${eventId}`;
}

export function startEnrollment(graph: CompiledGraph, entry: EntryEvent | null, now: number): EnrollmentState {
  return {
    nodeId: graph.trigger.id,
    status: 'active',
    wakeAt: now,
    awaiting: null,
    visits: {},
    variants: {},
    entry,
    enrolledAt: now,
    goalReachedAt: null,
    error: null,
  };
}

// ---------------------------------------------------------------- splits

/** FNV-1a: a small, stable hash, so a contact's bucket never depends on the runtime. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Deterministic from (contact, node): the same contact lands in the same variant in every version. */
export function assignVariant(contactId: string, nodeId: string, variants: SplitConfig['variants']): string {
  const bucket = fnv1a(`${contactId}:${nodeId}`) % 10_000;
  let upper = 0;
  for (const v of variants) {
    upper += v.weight * 100;
    if (bucket < upper) return v.key;
  }
  return variants[variants.length - 1]!.key;
}

// ---------------------------------------------------------------- waits

const LUXON_WEEKDAY: Record<(typeof WEEKDAYS)[number], number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

function zoneOf(contact: ContactView, defaultTimezone: string): string {
  if (contact.timezone && IANAZone.isValidZone(contact.timezone)) return contact.timezone;
  return IANAZone.isValidZone(defaultTimezone) ? defaultTimezone : 'UTC';
}

/** The next moment at HH:MM local time on an allowed weekday, at or after `now`; DST-safe through luxon. */
export function nextLocalTime(now: number, zone: string, time: string, weekdays: readonly (typeof WEEKDAYS)[number][]): number {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const allowed = new Set(weekdays.map((d) => LUXON_WEEKDAY[d]));
  const start = DateTime.fromMillis(now, { zone });
  for (let day = 0; day <= 7; day++) {
    const candidate = start.plus({ days: day }).set({ hour, minute, second: 0, millisecond: 0 });
    if (allowed.has(candidate.weekday) && candidate.toMillis() >= now) return candidate.toMillis();
  }
  throw new Error('no allowed weekday');
}

/**
 * A date trait as the contact's calendar day. SDKs send a date as an instant at UTC midnight
 * ("2025-06-10T00:00:00.000Z"): that is the 10th, wherever the contact lives, not the evening before.
 */
function traitDate(value: unknown, zone: string): DateTime | null {
  let instant: DateTime;
  if (typeof value === 'number') instant = DateTime.fromMillis(value, { zone: 'utc' });
  else if (typeof value === 'string' && value.trim() !== '') {
    const text = value.trim();
    if (!text.includes('T')) {
      const day = DateTime.fromISO(text, { zone });
      return day.isValid ? day : null;
    }
    instant = DateTime.fromISO(text, { zone: 'utc', setZone: true });
  } else return null;
  if (!instant.isValid) return null;
  const utc = instant.toUTC();
  if (utc.hour === 0 && utc.minute === 0 && utc.second === 0 && utc.millisecond === 0) {
    return DateTime.fromObject({ year: utc.year, month: utc.month, day: utc.day }, { zone });
  }
  return instant.setZone(zone);
}

type WakeUp = { at: number } | { error: string };

function wakeUpTime(config: WaitConfig, contact: ContactView, now: number, defaultTimezone: string): WakeUp {
  switch (config.mode) {
    case 'duration':
      return { at: now + durationMs(config.duration) };
    case 'time_of_day':
      return { at: nextLocalTime(now, zoneOf(contact, defaultTimezone), config.time, config.weekdays) };
    case 'relative_to_trait': {
      const zone = zoneOf(contact, defaultTimezone);
      const date = traitDate(readPath(contact.traits, config.trait), zone);
      if (!date) return { error: `The contact's ${config.trait} is missing or not a date, so the wait cannot be placed.` };
      const [hour, minute] = config.time.split(':').map(Number) as [number, number];
      const base = date.set({ hour, minute, second: 0, millisecond: 0 });
      const offset = { [config.offset.unit]: config.offset.amount };
      return { at: (config.direction === 'before' ? base.minus(offset) : base.plus(offset)).toMillis() };
    }
    default:
      return config satisfies never;
  }
}

// ---------------------------------------------------------------- conditions

function evaluate(rule: Predicate, contact: ContactView, now: number, facts: Facts): boolean {
  switch (rule.type) {
    case 'trait':
      return compare(readPath(contact.traits, rule.trait), rule.operator, rule.value);
    case 'phase':
      return (rule.phases as string[]).includes(contact.phase);
    case 'persona':
      return contact.personaKey !== null && rule.personas.includes(contact.personaKey);
    case 'subscription':
      return contact.subscription === rule.status;
    case 'event_count': {
      const since = rule.withinDays ? now - rule.withinDays * UNIT_MS.days : null;
      const n = facts.countEvents(rule.event, rule.filters, since);
      return rule.comparison === 'at_least' ? n >= rule.count : rule.comparison === 'at_most' ? n <= rule.count : n === rule.count;
    }
    case 'engagement':
      return facts.engaged(rule.action, rule.emailNodeId ?? null);
    default:
      return rule satisfies never;
  }
}

function awaitedMatches(awaiting: AwaitedEvent, event: IncomingEvent): boolean {
  if (event.name !== awaiting.event || !matchesFilters(event.properties, awaiting.filters)) return false;
  if (!awaiting.correlate) return true;
  // An entry event without the correlated property correlates with nothing: the wait runs to its timeout.
  if (awaiting.correlate.value === null || awaiting.correlate.value === undefined) return false;
  const value = readPath(event.properties, awaiting.correlate.property);
  return value !== undefined && String(value) === String(awaiting.correlate.value);
}

function setTrait(traits: Record<string, unknown>, path: string, value: Scalar): Record<string, unknown> {
  const parts = path.split('.');
  const root: Record<string, unknown> = { ...traits };
  let current = root;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) current[part] = value;
    else {
      const child = current[part];
      current[part] = child && typeof child === 'object' && !Array.isArray(child) ? { ...(child as object) } : {};
      current = current[part] as Record<string, unknown>;
    }
  });
  return root;
}

// ---------------------------------------------------------------- advancing

export interface AdvanceInput {
  graph: CompiledGraph;
  /** The journey the run belongs to: its holdout draws from (contact, journey). */
  journeyId?: string;
  state: EnrollmentState;
  contact: ContactView;
  now: number;
  /** An event that arrived for this contact since the last advance (resumes wait_for_event). */
  event?: IncomingEvent;
  facts: Facts;
  /** Where contacts without a time zone of their own live. */
  defaultTimezone?: string;
}

export interface AdvanceResult {
  state: EnrollmentState;
  /** The contact as the effects left it (phase, traits), for what the caller shows or stores next. */
  contact: ContactView;
  effects: Effect[];
  steps: StepRecord[];
}

const TERMINAL: ReadonlySet<EnrollmentStatus> = new Set(['completed', 'exited', 'failed']);

export function isTerminal(status: EnrollmentStatus): boolean {
  return TERMINAL.has(status);
}

/** What one call of advance builds up; the helpers below take it instead of being closures made per call. */
interface Run {
  graph: CompiledGraph;
  now: number;
  s: EnrollmentState;
  contact: ContactView;
  effects: Effect[];
  steps: StepRecord[];
}

function finish(run: Run): AdvanceResult {
  return { state: run.s, contact: run.contact, effects: run.effects, steps: run.steps };
}

function fail(run: Run, nodeId: string, kind: NodeKind, error: string): AdvanceResult {
  const { s } = run;
  s.status = 'failed';
  s.error = error;
  s.wakeAt = null;
  s.awaiting = null;
  run.steps.push({ nodeId, kind, at: run.now, outcome: `failed: ${error}` });
  return finish(run);
}

/** Follows an output; false when the graph has no edge there (only possible with an unvalidated graph). */
function follow(run: Run, node: ValidNode, output: string): boolean {
  const to = run.graph.next.get(edgeKey(node.id, output));
  if (!to) return false;
  const { s } = run;
  s.nodeId = to;
  s.status = 'active';
  s.wakeAt = run.now;
  s.awaiting = null;
  return true;
}

function logStep(run: Run, node: ValidNode, outcome: string): void {
  run.steps.push({ nodeId: node.id, kind: node.kind, at: run.now, outcome });
}

function countVisit(s: EnrollmentState, nodeId: string): number {
  return (s.visits[nodeId] = (s.visits[nodeId] ?? 0) + 1);
}

/**
 * Runs the enrollment from where it stands until it waits or ends. A graph that passed the validator
 * cannot loop without a wait, but a guard still fails the enrollment rather than spin.
 */
export function advance(input: AdvanceInput): AdvanceResult {
  const { graph, now, facts } = input;
  const defaultTimezone = input.defaultTimezone ?? 'UTC';
  const s: EnrollmentState = { ...input.state, visits: { ...input.state.visits }, variants: { ...input.state.variants } };
  let contact: ContactView = { ...input.contact };
  const effects: Effect[] = [];
  const steps: StepRecord[] = [];
  const run: Run = { graph, now, s, contact, effects, steps };
  /** Waits already passed in this call: coming back to one must wait for a later moment, never pass again. */
  const passedWaits = new Set<string>();

  if (isTerminal(s.status)) return finish(run);

  if (s.status === 'waiting') {
    const node = graph.nodes.get(s.nodeId);
    if (!node) return fail(run, s.nodeId, 'wait', `The node ${s.nodeId} is not in this version.`);
    if (node.kind === 'trigger' && s.variants[HOLDOUT_NODE] === HOLDOUT_ARMS.held) {
      // A held-out contact waits at the entry while its goal window runs, then completes having received nothing.
      if (s.wakeAt !== null && now < s.wakeAt) return finish(run);
      s.status = 'completed';
      s.wakeAt = null;
      logStep(run, node, 'released: held out, received nothing');
      return finish(run);
    }
    if (node.kind === 'wait_for_event') {
      let output: 'matched' | 'timeout';
      if (input.event && s.awaiting && awaitedMatches(s.awaiting, input.event)) output = 'matched';
      else if (s.wakeAt !== null && now >= s.wakeAt) output = 'timeout';
      else return finish(run);
      steps.push({ nodeId: node.id, kind: node.kind, at: now, outcome: output });
      if (!follow(run, node, output)) return fail(run, node.id, node.kind, `The "${output}" output is not connected.`);
    } else if (node.kind === 'wait') {
      if (s.wakeAt !== null && now < s.wakeAt) return finish(run);
      steps.push({ nodeId: node.id, kind: node.kind, at: now, outcome: 'waited' });
      passedWaits.add(node.id);
      if (!follow(run, node, 'next')) return fail(run, node.id, node.kind, 'The "next" output is not connected.');
    } else {
      return fail(run, node.id, node.kind, `A ${node.kind} node cannot be waited at.`);
    }
  }

  /** Steps entered in this call: coming back to one means every wait on the way had passed, so nothing waited. */
  const entered = new Set<string>();
  for (let guard = 0; guard <= graph.nodes.size; guard++) {
    const node = graph.nodes.get(s.nodeId);
    if (!node) return fail(run, s.nodeId, 'exit', `The node ${s.nodeId} is not in this version.`);
    // Waits handle coming back themselves (they wait for a later moment); any other step would repeat its effects.
    if (node.kind !== 'wait' && node.kind !== 'wait_for_event') {
      if (entered.has(node.id)) {
        return fail(run, node.id, node.kind, 'The journey came back to this step without waiting (every wait on the way had already passed), so the contact was stopped before anything was sent twice.');
      }
      entered.add(node.id);
    }
    let output: string;

    switch (node.kind) {
      case 'trigger': {
        const holdout = graph.settings.holdout;
        if (holdout && s.variants[HOLDOUT_NODE] === undefined) {
          const arm = holdoutArm(contact.id, holdout.percent, input.journeyId);
          s.variants[HOLDOUT_NODE] = arm;
          effects.push({ type: 'assign_variant', nodeId: HOLDOUT_NODE, variant: arm });
          if (arm === HOLDOUT_ARMS.held) {
            // Enrolled, counted and followed for the goal, but sent nothing: the journey's baseline.
            s.status = 'waiting';
            s.wakeAt = s.enrolledAt + (graph.settings.goal?.windowDays ?? 0) * UNIT_MS.days;
            logStep(run, node, `held out: receives nothing until ${new Date(s.wakeAt).toISOString()}`);
            return finish(run);
          }
        }
        output = 'next';
        break;
      }
      case 'email': {
        const c = node.config;
        effects.push({
          type: 'send_email',
          nodeId: node.id,
          visit: countVisit(s, node.id),
          templateId: c.templateId,
          ...(c.subjectOverride ? { subjectOverride: c.subjectOverride } : {}),
          ...(c.senderId ? { senderId: c.senderId } : {}),
          category: c.category,
          whenCapped: c.whenCapped,
          // Transactional mail answers something the contact just did: it goes at once, whatever the node says.
          ...(c.sendAt?.mode === 'best_hour' && c.category === 'marketing' ? { sendAt: { mode: 'best_hour' as const, withinHours: c.sendAt.withinHours } } : {}),
        });
        output = 'next';
        break;
      }
      case 'wait': {
        const again = passedWaits.has(node.id);
        // Back at a wait in the same call (a loop): the next moment strictly after now, e.g. tomorrow's 09:00.
        const wake = wakeUpTime(node.config, contact, again && node.config.mode === 'time_of_day' ? now + 1 : now, defaultTimezone);
        if ('error' in wake) return fail(run, node.id, node.kind, wake.error);
        if (wake.at <= now) {
          if (again) return fail(run, node.id, node.kind, 'The loop came back to this wait after its moment had passed, so the contact would go round without waiting.');
          passedWaits.add(node.id);
          logStep(run, node, 'no wait needed');
          if (!follow(run, node, 'next')) return fail(run, node.id, node.kind, 'The "next" output is not connected.');
          continue;
        }
        s.status = 'waiting';
        s.wakeAt = wake.at;
        logStep(run, node, `waiting until ${new Date(wake.at).toISOString()}`);
        return finish(run);
      }
      case 'wait_for_event': {
        const c = node.config;
        const correlateValue = c.correlate && s.entry ? readPath(s.entry.properties, c.correlate.entryProperty) : undefined;
        s.status = 'waiting';
        s.wakeAt = now + durationMs(c.timeout);
        s.awaiting = {
          event: c.event,
          filters: c.filters,
          correlate: c.correlate ? { property: c.correlate.eventProperty, value: correlateValue ?? null } : null,
        };
        logStep(run, node, `waiting for ${c.event} until ${new Date(s.wakeAt).toISOString()}`);
        return finish(run);
      }
      case 'condition': {
        const results = node.config.rules.map((rule) => evaluate(rule, contact, now, facts));
        const yes = node.config.match === 'all' ? results.every(Boolean) : results.some(Boolean);
        output = yes ? 'yes' : 'no';
        break;
      }
      case 'split': {
        const keys = new Set(node.config.variants.map((v) => v.key));
        const kept = s.variants[node.id];
        if (kept && keys.has(kept)) output = kept;
        else {
          output = assignVariant(contact.id, node.id, node.config.variants);
          effects.push({ type: 'assign_variant', nodeId: node.id, variant: output });
        }
        s.variants[node.id] = output;
        break;
      }
      case 'set_phase':
        if (node.config.onlyForward ? isForwardMove(contact.phase as PhaseKey, node.config.phase) : contact.phase !== node.config.phase) {
          effects.push({ type: 'set_phase', nodeId: node.id, phase: node.config.phase, onlyForward: node.config.onlyForward });
          run.contact = contact = { ...contact, phase: node.config.phase };
        }
        output = 'next';
        break;
      case 'update_contact': {
        const traits: Record<string, Scalar> = {};
        for (const a of node.config.assignments) {
          traits[a.trait] = a.value;
          run.contact = contact = { ...contact, traits: setTrait(contact.traits, a.trait, a.value) };
        }
        effects.push({ type: 'update_traits', nodeId: node.id, traits });
        output = 'next';
        break;
      }
      case 'notify':
        effects.push({ type: 'notify', nodeId: node.id, visit: countVisit(s, node.id), to: node.config.to, subject: node.config.subject, message: node.config.message });
        output = 'next';
        break;
      case 'webhook':
        effects.push({ type: 'webhook', nodeId: node.id, visit: countVisit(s, node.id), url: node.config.url });
        output = 'next';
        break;
      case 'exit':
        s.status = 'completed';
        s.wakeAt = null;
        s.awaiting = null;
        logStep(run, node, 'completed');
        return finish(run);
      default:
        return node satisfies never;
    }
    logStep(run, node, output);
    if (!follow(run, node, output)) return fail(run, node.id, node.kind, `The "${output}" output is not connected.`);
  }
  return fail(run, s.nodeId, graph.nodes.get(s.nodeId)?.kind ?? 'exit', 'The journey looped without waiting; the enrollment was stopped.');
}

// ---------------------------------------------------------------- goals and exit events

export interface JourneyEventResult {
  state: EnrollmentState;
  /** Set when the event reached the goal (the first time, within the conversion window). */
  converted: boolean;
  exited: boolean;
}

/** Goal and exit events: an event can convert the enrollment and, as the journey says, take it out. */
export function applyJourneyEvent(settings: JourneySettings, state: EnrollmentState, event: IncomingEvent): JourneyEventResult {
  const s = { ...state };
  let converted = false;
  let exited = false;
  const goal = settings.goal;
  if (
    goal &&
    s.goalReachedAt === null &&
    event.name === goal.event &&
    matchesFilters(event.properties, goal.filters) &&
    event.timestamp >= s.enrolledAt &&
    event.timestamp <= s.enrolledAt + goal.windowDays * UNIT_MS.days
  ) {
    s.goalReachedAt = event.timestamp;
    converted = true;
    if (goal.exitOnGoal && !isTerminal(s.status)) exited = true;
  }
  if (settings.exitEvents.includes(event.name) && !isTerminal(s.status)) exited = true;
  if (exited) {
    s.status = 'exited';
    s.wakeAt = null;
    s.awaiting = null;
  }
  return { state: s, converted, exited };
}
