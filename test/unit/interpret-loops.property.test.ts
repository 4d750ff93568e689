// The interpreter on random valid graphs, contacts, facts, times and events: it never throws, every run ends
// or waits for a later moment, and no graph the validator accepts makes it go round without waiting.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FILTER_OPERATORS } from '../../shared/journey/common.ts';
import type { GraphEdge, GraphNode } from '../../shared/journey/graph.ts';
import {
  advance,
  isTerminal,
  startEnrollment,
  type AdvanceResult,
  type CompiledGraph,
  type ContactView,
  type EnrollmentState,
  type IncomingEvent,
} from '../../shared/journey/interpret.ts';
import { NODE_KIND_DEFINITIONS, type NodeKind } from '../../shared/journey/kinds.ts';
import { WEEKDAYS } from '../../shared/journey/nodes/wait.ts';
import { PHASE_KEYS } from '../../shared/lifecycle/phases.ts';
import { compile, DAY, facts, type FakeFacts } from './interpret-builders.ts';

// ------------------------------------------------------------------------------------------ generators

const EVENTS = ['order_completed', 'cart_abandoned', 'email_clicked', 'page_viewed'] as const;
const PERSONAS = ['bargain_hunter', 'researcher', 'loyalist'] as const;
const ZONES = [null, 'UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Not/A_Zone'] as const;
const TRAITS = ['plan', 'score', 'address.city', 'renewal_date'] as const;

const scalar = fc.oneof(fc.constantFrom('pro', 'free', 'c1', 'c2', '42', ''), fc.integer({ min: -5, max: 200 }), fc.boolean(), fc.constant(null));
const filter = fc.record({ property: fc.constantFrom('total', 'cart_id', 'plan'), operator: fc.constantFrom(...FILTER_OPERATORS), value: scalar });
const filters = fc.array(filter, { maxLength: 2 });
const duration = fc.record({ amount: fc.integer({ min: 1, max: 72 }), unit: fc.constantFrom('minutes', 'hours', 'days') });
const timeOfDay = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

const triggerConfig = fc.oneof(
  fc.record({ on: fc.constant('event'), event: fc.constantFrom(...EVENTS), filters, entryKeyProperty: fc.constantFrom('cart_id', 'order.id') }, { requiredKeys: ['on', 'event', 'filters'] }),
  fc.record({ on: fc.constant('phase_entered'), phase: fc.constantFrom(...PHASE_KEYS) }),
  fc.record({ on: fc.constant('persona_entered'), persona: fc.constantFrom(...PERSONAS) }),
  fc.record({ on: fc.constant('subscription_confirmed') }),
  fc.record({ on: fc.constant('date_anniversary'), trait: fc.constant('birthday') }),
  fc.record({ on: fc.constant('manual') }),
);

const predicate = fc.oneof(
  fc.record({ type: fc.constant('trait'), trait: fc.constantFrom(...TRAITS), operator: fc.constantFrom(...FILTER_OPERATORS), value: scalar }),
  fc.record({ type: fc.constant('phase'), phases: fc.subarray([...PHASE_KEYS], { minLength: 1 }) }),
  fc.record({ type: fc.constant('persona'), personas: fc.subarray([...PERSONAS], { minLength: 1 }) }),
  fc.record({ type: fc.constant('subscription'), status: fc.constantFrom('pending', 'subscribed', 'unsubscribed') }),
  fc.record(
    {
      type: fc.constant('event_count'),
      event: fc.constantFrom(...EVENTS),
      filters,
      comparison: fc.constantFrom('at_least', 'at_most', 'exactly'),
      count: fc.integer({ min: 0, max: 4 }),
      withinDays: fc.integer({ min: 1, max: 90 }),
    },
    { requiredKeys: ['type', 'event', 'filters', 'comparison', 'count'] },
  ),
  // An engagement rule may name an email node; the graph builder points it at one (or drops it).
  fc.record({ type: fc.constant('engagement'), action: fc.constantFrom('opened', 'clicked'), emailNodeId: fc.constant('$email') }, { requiredKeys: ['type', 'action'] }),
);

const weights = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 100 }), { minLength: n - 1, maxLength: n - 1 }).map((cuts) => {
    const sorted = [0, ...cuts.sort((a, b) => a - b), 100];
    return sorted.slice(1).map((x, i) => x - sorted[i]!);
  });

type BodyNode = { kind: Exclude<NodeKind, 'trigger' | 'exit'>; config: Record<string, unknown> };
const body: fc.Arbitrary<BodyNode> = fc.oneof(
  fc
    .record(
      { templateId: fc.constantFrom('welcome', 'promo'), subjectOverride: fc.constantFrom('Hi', 'Last chance'), senderId: fc.constant('news'), category: fc.constantFrom('marketing', 'transactional'), whenCapped: fc.constantFrom('delay', 'skip') },
      { requiredKeys: ['templateId'] },
    )
    .map((config) => ({ kind: 'email' as const, config })),
  fc
    .oneof(
      fc.record({ mode: fc.constant('duration'), duration }),
      fc.record({ mode: fc.constant('time_of_day'), time: timeOfDay, weekdays: fc.subarray([...WEEKDAYS], { minLength: 1 }) }),
      fc.record({
        mode: fc.constant('relative_to_trait'),
        trait: fc.constant('renewal_date'),
        offset: fc.record({ amount: fc.integer({ min: 0, max: 10 }), unit: fc.constantFrom('hours', 'days', 'weeks') }),
        direction: fc.constantFrom('before', 'after'),
        time: timeOfDay,
      }),
    )
    .map((config) => ({ kind: 'wait' as const, config })),
  fc
    .record(
      { event: fc.constantFrom(...EVENTS), filters: fc.oneof(fc.constant([]), filters), correlate: fc.constant({ eventProperty: 'cart_id', entryProperty: 'cart_id' }), timeout: duration },
      { requiredKeys: ['event', 'filters', 'timeout'] },
    )
    .map((config) => ({ kind: 'wait_for_event' as const, config })),
  fc.record({ match: fc.constantFrom('all', 'any'), rules: fc.array(predicate, { minLength: 1, maxLength: 3 }) }).map((config) => ({ kind: 'condition' as const, config })),
  fc
    .integer({ min: 2, max: 4 })
    .chain((n) => fc.tuple(weights(n), fc.boolean()))
    .map(([ws, holdout]) => ({
      kind: 'split' as const,
      config: { variants: ws.map((weight, i) => ({ key: `v${i}`, label: `V${i}`, weight, holdout: holdout && i === 0 })) },
    })),
  fc.constantFrom(...PHASE_KEYS).map((phase) => ({ kind: 'set_phase' as const, config: { phase } })),
  fc
    .array(fc.record({ trait: fc.constantFrom(...TRAITS), value: scalar }), { minLength: 1, maxLength: 3 })
    .map((assignments) => ({ kind: 'update_contact' as const, config: { assignments } })),
  fc.constant({ kind: 'notify' as const, config: { to: 'sales@example.com', subject: 'Hot lead', message: '' } }),
  fc.constant({ kind: 'webhook' as const, config: { url: 'https://hooks.example.com/kairos' } }),
);

interface GraphSpec {
  trigger: Record<string, unknown>;
  body: BodyNode[];
  exits: number;
  /** Random choices the wiring consumes in order: which open output leads to a node, where the rest go. */
  choices: number[];
}

const graphSpec: fc.Arbitrary<GraphSpec> = fc.record({
  trigger: triggerConfig,
  body: fc.array(body, { minLength: 0, maxLength: 10 }),
  exits: fc.integer({ min: 1, max: 2 }),
  choices: fc.array(fc.nat(), { minLength: 80, maxLength: 80 }),
});

const WAITING: ReadonlySet<NodeKind> = new Set(['wait', 'wait_for_event']);

/**
 * A graph from a spec: every node is attached to an output of an earlier node (so all are reachable), the
 * outputs left over go to an exit, forward, or back — and back only out of or into a wait or wait_for_event.
 */
function buildGraph(spec: GraphSpec): { nodes: GraphNode[]; edges: GraphEdge[] } {
  let pick = 0;
  const choose = (n: number) => spec.choices[pick++ % spec.choices.length]! % n;
  const emails = spec.body.flatMap((b, i) => (b.kind === 'email' ? [`n${i + 1}`] : []));
  const nodes: GraphNode[] = [
    { id: 'n0', kind: 'trigger', config: spec.trigger },
    ...spec.body.map((b, i): GraphNode => {
      if (b.kind !== 'condition') return { id: `n${i + 1}`, kind: b.kind, config: b.config };
      const rules = (b.config.rules as Record<string, unknown>[]).map((r) => {
        if (r.emailNodeId !== '$email') return r;
        const { emailNodeId: _, ...rest } = r;
        return emails.length > 0 ? { ...rest, emailNodeId: emails[choose(emails.length)] } : rest;
      });
      return { id: `n${i + 1}`, kind: 'condition', config: { ...b.config, rules } };
    }),
    ...Array.from({ length: spec.exits }, (_, i): GraphNode => ({ id: `x${i}`, kind: 'exit', config: {} })),
  ];
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const outputsOf = (n: GraphNode) => NODE_KIND_DEFINITIONS[n.kind].outputs(n.config).map((o) => o.key);

  const edges: GraphEdge[] = [];
  const open: { from: GraphNode; output: string }[] = outputsOf(nodes[0]!).map((output) => ({ from: nodes[0]!, output }));
  const dropped = new Set<string>();
  for (const n of nodes.slice(1)) {
    // Every node but an exit leaves at least one output open, so only a second exit can find none left.
    if (open.length === 0) {
      dropped.add(n.id);
      continue;
    }
    const [taken] = open.splice(choose(open.length), 1);
    edges.push({ from: taken!.from.id, output: taken!.output, to: n.id });
    open.push(...outputsOf(n).map((output) => ({ from: n, output })));
  }
  for (const { from, output } of open) {
    const i = index.get(from.id)!;
    const targets = nodes.filter((t, j) => t.kind !== 'trigger' && !dropped.has(t.id) && (j > i || WAITING.has(from.kind) || WAITING.has(t.kind)));
    edges.push({ from: from.id, output, to: targets[choose(targets.length)]!.id });
  }
  return { nodes: nodes.filter((n) => !dropped.has(n.id)), edges };
}

const NOW_MIN = Date.UTC(2020, 0, 1);
const NOW_MAX = Date.UTC(2030, 11, 31);

const contactArb = fc.record({
  id: fc.uuid(),
  timezone: fc.constantFrom(...ZONES),
  phase: fc.constantFrom(...PHASE_KEYS),
  personaKey: fc.option(fc.constantFrom(...PERSONAS)),
  subscription: fc.constantFrom('pending', 'subscribed', 'unsubscribed'),
  plan: fc.option(fc.constantFrom('pro', 'free')),
  score: fc.option(fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom('42', '7.5'))),
  city: fc.option(fc.constantFrom('Berlin', 'Paris')),
  /** renewal_date in days from now (a date, an ISO instant or ms), or something that is not a date. */
  renewal: fc.option(fc.oneof(fc.record({ days: fc.integer({ min: -400, max: 400 }), as: fc.constantFrom('date', 'instant', 'ms') }), fc.constant('soon'))),
});

const factsArb = fc.record({
  counts: fc.dictionary(fc.constantFrom(...EVENTS), fc.integer({ min: 0, max: 5 })),
  engaged: fc.subarray(['opened:any', 'clicked:any', 'opened:n1', 'clicked:n1', 'opened:n2', 'clicked:n2', 'opened:n3', 'clicked:n3']),
});

const eventArb = fc.record({
  name: fc.constantFrom(...EVENTS),
  properties: fc.record({ cart_id: fc.constantFrom('c1', 'c2'), total: fc.integer({ min: 0, max: 100 }), plan: fc.constantFrom('pro', 'free') }, { requiredKeys: [] }),
  /** Where between now and the wake-up the event arrives (0..1). */
  at: fc.double({ min: 0, max: 1, noNaN: true }),
});

const scenario = fc.record({
  graph: graphSpec,
  contact: contactArb,
  facts: factsArb,
  now: fc.integer({ min: NOW_MIN, max: NOW_MAX }),
  entryCart: fc.option(fc.constantFrom('c1', 'c2')),
  script: fc.array(eventArb, { maxLength: 8 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function contactOf(s: Scenario): ContactView {
  const c = s.contact;
  const traits: Record<string, unknown> = {};
  if (c.plan !== null) traits.plan = c.plan;
  if (c.score !== null) traits.score = c.score;
  if (c.city !== null) traits.address = { city: c.city };
  if (c.renewal === 'soon') traits.renewal_date = 'soon';
  else if (c.renewal) {
    const ms = s.now + c.renewal.days * DAY;
    traits.renewal_date = c.renewal.as === 'ms' ? ms : c.renewal.as === 'instant' ? new Date(ms).toISOString() : new Date(ms).toISOString().slice(0, 10);
  }
  return { id: c.id, email: 'someone@example.com', traits, phase: c.phase, personaKey: c.personaKey, subscription: c.subscription, timezone: c.timezone };
}

// ------------------------------------------------------------------------------------------ running

interface Call {
  now: number;
  before: EnrollmentState;
  event: IncomingEvent | undefined;
  result: AdvanceResult;
}

const MAX_CALLS = 25;

/**
 * Enrols and keeps advancing: at each call either the next scripted event arrives (somewhere between now
 * and the wake-up) or the clock jumps to the wake-up. Stops when the run ends or after MAX_CALLS.
 */
function run(graph: CompiledGraph, s: Scenario): Call[] {
  let person = contactOf(s);
  const f: FakeFacts = facts(s.facts);
  const entry: IncomingEvent = { name: 'cart_abandoned', properties: s.entryCart ? { cart_id: s.entryCart } : {}, timestamp: s.now };
  let state = startEnrollment(graph, entry, s.now);
  let now = s.now;
  const script = [...s.script];
  const calls: Call[] = [];
  for (let i = 0; i < MAX_CALLS; i++) {
    let event: IncomingEvent | undefined;
    if (state.status === 'waiting' && state.wakeAt !== null && script.length > 0) {
      const next = script.shift()!;
      now = Math.min(state.wakeAt, now + Math.floor(next.at * (state.wakeAt - now)));
      event = { name: next.name, properties: next.properties, timestamp: now };
    } else if (state.status === 'waiting' && state.wakeAt !== null) {
      now = state.wakeAt;
    }
    const before = state;
    const result = advance({ graph, state, contact: person, now, facts: f, ...(event ? { event } : {}), defaultTimezone: 'Europe/Berlin' });
    calls.push({ now, before, event, result });
    state = result.state;
    person = result.contact;
    if (isTerminal(state.status)) break;
  }
  return calls;
}

const describeCall = (c: Call) =>
  JSON.stringify({ now: new Date(c.now).toISOString(), event: c.event, from: c.before.nodeId, steps: c.result.steps.map((x) => `${x.nodeId}:${x.outcome}`), state: c.result.state });

/** Builds and validates the scenario's graph; null when the validator refuses it. */
function graphOf(s: Scenario): CompiledGraph | null {
  const { nodes, edges } = buildGraph(s.graph);
  try {
    return compile(nodes, edges);
  } catch {
    return null;
  }
}

const RUNS = 250;

describe('advance on random valid graphs', () => {
  it('never throws, and leaves every run ended or waiting at a wait for a later moment', () => {
    let built = 0;
    let accepted = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        built++;
        const graph = graphOf(s);
        if (!graph) return;
        accepted++;
        for (const call of run(graph, s)) {
          const { state } = call.result;
          const where = describeCall(call);
          if (isTerminal(state.status)) {
            expect(state.wakeAt, where).toBeNull();
            expect(state.awaiting, where).toBeNull();
            if (state.status === 'failed') expect(state.error, where).toMatch(/\S/);
            continue;
          }
          expect(state.status, where).toBe('waiting');
          const kind = graph.nodes.get(state.nodeId)?.kind;
          expect(kind === 'wait' || kind === 'wait_for_event', where).toBe(true);
          expect(state.wakeAt, where).toBeGreaterThan(call.now);
          if (kind === 'wait_for_event') expect(state.awaiting, where).not.toBeNull();
          else expect(state.awaiting, where).toBeNull();
        }
      }),
      { numRuns: RUNS },
    );
    // The generator builds graphs the validator accepts: otherwise this test would test nothing.
    expect(accepted / built).toBeGreaterThan(0.9);
  });

  it('keeps moving forward: each wake-up is later than the one before, until the run ends', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const graph = graphOf(s);
        if (!graph) return;
        const calls = run(graph, s);
        for (const call of calls) {
          const { state } = call.result;
          if (isTerminal(state.status)) continue;
          // Woken by its timer, the enrollment must be due later than it was: no busy loop in time.
          if (!call.event && call.before.status === 'waiting') expect(state.wakeAt!, describeCall(call)).toBeGreaterThan(call.before.wakeAt!);
        }
        const last = calls.at(-1)!.result.state;
        // Either the run ended, or it used all its calls and still waits for later.
        expect(isTerminal(last.status) || (calls.length === MAX_CALLS && last.wakeAt! > calls.at(-1)!.now)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('never goes round a loop within one call: at most one step per node (plus the wait it leaves) and one effect per node', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const graph = graphOf(s);
        if (!graph) return;
        for (const call of run(graph, s)) {
          const where = describeCall(call);
          expect(call.result.steps.length, where).toBeLessThanOrEqual(graph.nodes.size);
          const effectNodes = call.result.effects.map((e) => e.nodeId);
          expect(new Set(effectNodes).size, where).toBe(effectNodes.length);
          expect(call.result.state.error ?? '', where).not.toMatch(/looped without waiting/);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the generator', () => {
  it('builds accepted graphs with every node kind and loops, whose runs take every kind of turn', () => {
    const kinds = new Set<string>();
    const outcomes = new Set<string>();
    let accepted = 0;
    let withLoop = 0;
    const samples = fc.sample(scenario, { numRuns: 300, seed: 42 });
    for (const s of samples) {
      const graph = graphOf(s);
      if (!graph) continue;
      accepted++;
      for (const n of graph.nodes.values()) kinds.add(n.kind);
      const { nodes, edges } = buildGraph(s.graph);
      const order = nodes.map((n) => n.id);
      if (edges.some((e) => order.indexOf(e.to) <= order.indexOf(e.from))) withLoop++;
      for (const call of run(graph, s)) {
        for (const step of call.result.steps) outcomes.add(step.outcome.replace(/ (until|for) .*/, '').replace(/^failed: .*/, 'failed').replace(/^v\d$/, 'variant'));
      }
    }

    expect(accepted).toBeGreaterThan(270);
    expect(withLoop).toBeGreaterThan(50);
    expect([...kinds].sort()).toEqual(Object.keys(NODE_KIND_DEFINITIONS).sort());
    expect([...outcomes].sort()).toEqual(expect.arrayContaining(['completed', 'failed', 'matched', 'next', 'no', 'no wait needed', 'timeout', 'variant', 'waited', 'waiting', 'yes']));
  });
});
