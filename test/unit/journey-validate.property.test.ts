// The journey validator on random graphs: it never throws, and what it accepts holds the design's invariants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphEdge, GraphNode, JourneyGraph } from '../../shared/journey/graph.ts';
import { NODE_KIND_DEFINITIONS, NODE_KINDS, type NodeKind } from '../../shared/journey/kinds.ts';
import { checkGraph, formatIssue, validateGraph, type IssueCode } from '../../shared/journey/validate.ts';
import { PHASE_KEYS } from '../../shared/lifecycle/phases.ts';
import { workspaceRefs } from './journey-builders.ts';

const ISSUE_CODES: readonly IssueCode[] = [
  'no_trigger',
  'several_triggers',
  'duplicate_node_id',
  'invalid_config',
  'split_weights',
  'edge_from_unknown_node',
  'edge_to_unknown_node',
  'unknown_output',
  'output_connected_twice',
  'edge_into_trigger',
  'output_not_connected',
  'unreachable',
  'loop_without_wait',
  'unknown_template',
  'unknown_persona',
  'unknown_phase',
  'unknown_email_node',
];

const refs = workspaceRefs({ templateIds: ['welcome', 'promo'], personaKeys: ['bargain_hunter', 'researcher'] });

// ---------------------------------------------------------------------------------------------
// An independent reading of the design's rules, written without looking at how validate.ts does it.

function outputsOf(node: GraphNode): string[] {
  return NODE_KIND_DEFINITIONS[node.kind].outputs(node.config).map((o) => o.key);
}

function reachableFromTriggers(graph: JourneyGraph): Set<string> {
  const seen = new Set(graph.nodes.filter((n) => n.kind === 'trigger').map((n) => n.id));
  let frontier = [...seen];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const e of graph.edges) {
      if (frontier.includes(e.from) && !seen.has(e.to)) {
        seen.add(e.to);
        next.push(e.to);
      }
    }
    frontier = next;
  }
  return seen;
}

/** Nodes that lie on a cycle among the nodes kept: peel nodes without predecessors (Kahn), then keep those that reach themselves. */
function nodesOnCycles(graph: JourneyGraph, keep: (node: GraphNode) => boolean): Set<string> {
  const kept = new Set(graph.nodes.filter(keep).map((n) => n.id));
  const edges = graph.edges.filter((e) => kept.has(e.from) && kept.has(e.to));
  const remaining = new Set(kept);
  let peeled = true;
  while (peeled) {
    peeled = false;
    for (const id of remaining) {
      const hasPredecessor = edges.some((e) => e.to === id && remaining.has(e.from));
      const hasSuccessor = edges.some((e) => e.from === id && remaining.has(e.to));
      if (!hasPredecessor || !hasSuccessor) {
        remaining.delete(id);
        peeled = true;
      }
    }
  }
  const onCycle = new Set<string>();
  for (const start of remaining) {
    const seen = new Set<string>();
    let frontier = [start];
    while (frontier.length > 0 && !onCycle.has(start)) {
      const next: string[] = [];
      for (const e of edges) {
        if (!frontier.includes(e.from) || !remaining.has(e.to)) continue;
        if (e.to === start) onCycle.add(start);
        if (!seen.has(e.to)) {
          seen.add(e.to);
          next.push(e.to);
        }
      }
      frontier = next;
    }
  }
  return onCycle;
}

/** A busy loop is a cycle left once every node that holds the contact (DESIGN.md: wait, wait_for_event) is taken out. */
const HOLDING_KINDS: readonly NodeKind[] = ['wait', 'wait_for_event'];
const nodesOnBusyCycles = (graph: JourneyGraph) => nodesOnCycles(graph, (n) => !HOLDING_KINDS.includes(n.kind));

function splitWeightTotal(node: GraphNode): number {
  return (node.config.variants as { weight: number }[]).reduce((sum, v) => sum + v.weight, 0);
}

interface StructuralProblems {
  triggers: number;
  /** "node:output" with how many edges leave it, for every output not taken exactly once. */
  badOutputs: Map<string, number>;
  unreachable: string[];
  busyCycle: Set<string>;
  badSplits: string[];
}

/** The structural rules of DESIGN.md ("The journey graph") checked directly on a graph. */
function structuralProblems(graph: JourneyGraph): StructuralProblems {
  const badOutputs = new Map<string, number>();
  for (const node of graph.nodes) {
    for (const output of outputsOf(node)) {
      const n = graph.edges.filter((e) => e.from === node.id && e.output === output).length;
      if (n !== 1) badOutputs.set(`${node.id}:${output}`, n);
    }
  }
  const reached = reachableFromTriggers(graph);
  return {
    triggers: graph.nodes.filter((n) => n.kind === 'trigger').length,
    badOutputs,
    unreachable: graph.nodes.filter((n) => !reached.has(n.id)).map((n) => n.id),
    busyCycle: nodesOnBusyCycles(graph),
    badSplits: graph.nodes.filter((n) => n.kind === 'split' && splitWeightTotal(n) !== 100).map((n) => n.id),
  };
}

// ---------------------------------------------------------------------------------------------
// Junk: any kinds, configs from defaults or noise, edges between real, unknown and duplicate ids.

const idArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('trigger', 'welcome', 'wait_1d', 'clicked', 'ab', 'end', 'ghost') },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/) },
);

const junkValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.anything(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));

const junkVariant = fc.record(
  {
    key: fc.oneof(fc.constantFrom('a', 'b', 'c', ' a ', ''), fc.string()),
    label: fc.oneof(fc.string(), junkValue),
    weight: fc.oneof(fc.integer({ min: -10, max: 120 }), junkValue),
  },
  { requiredKeys: [] },
);

const junkRule = fc.record(
  {
    type: fc.constantFrom('engagement', 'phase', 'persona', 'trait', 'mood'),
    emailNodeId: idArb,
    phases: fc.array(fc.oneof(fc.constantFrom(...PHASE_KEYS), fc.string())),
    personas: fc.array(fc.string()),
    action: fc.constantFrom('clicked', 'opened', 'ignored'),
  },
  { requiredKeys: ['type'] },
);

function configArb(kind: NodeKind): fc.Arbitrary<Record<string, unknown>> {
  const def = NODE_KIND_DEFINITIONS[kind];
  return fc.oneof(
    fc.constant(null).map(() => def.defaultConfig() as Record<string, unknown>),
    // A default with one field replaced by noise, as a half-edited draft would hold.
    fc.tuple(fc.nat(), junkValue).map(([which, value]) => {
      const base = def.defaultConfig() as Record<string, unknown>;
      const keys = [...Object.keys(base), 'extra'];
      return { ...base, [keys[which % keys.length]!]: value };
    }),
    fc.dictionary(fc.string({ maxLength: 10 }), junkValue, { maxKeys: 4 }),
    fc.record({ variants: fc.oneof(fc.array(fc.oneof(junkVariant, junkValue), { maxLength: 4 }), junkValue) }),
    fc.record({ rules: fc.array(junkRule, { maxLength: 3 }) }),
  );
}

const junkNodeArb: fc.Arbitrary<GraphNode> = fc
  .record({ id: idArb, kind: fc.constantFrom(...NODE_KINDS), name: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }) })
  .chain(({ id, kind, name }) => configArb(kind).map((config): GraphNode => (name === undefined ? { id, kind, config } : { id, kind, name, config })));

const junkEdgeArb: fc.Arbitrary<GraphEdge> = fc.record({
  from: idArb,
  output: fc.oneof(fc.constantFrom('next', 'yes', 'no', 'matched', 'timeout', 'a', 'b', ' a ', 'maybe'), fc.string({ minLength: 1, maxLength: 8 })),
  to: idArb,
});

const junkGraphArb: fc.Arbitrary<JourneyGraph> = fc.record({
  nodes: fc.array(junkNodeArb, { maxLength: 10 }),
  edges: fc.array(junkEdgeArb, { maxLength: 15 }),
  settings: fc.constant({ reentry: 'once' as const, goal: null, exitEvents: [] }),
});

const refsArb = fc
  .record({
    templateIds: fc.subarray(['welcome', 'promo', 'welcome_reminder']),
    personaKeys: fc.subarray(['bargain_hunter', 'researcher']),
    phaseKeys: fc.subarray([...PHASE_KEYS]),
  })
  .map((r) => workspaceRefs(r));

describe('validateGraph on any graph', () => {
  it('never throws, and returns well-formed issues that point at real nodes', () => {
    fc.assert(
      fc.property(junkGraphArb, refsArb, (graph, anyRefs) => {
        const issues = validateGraph(graph, anyRefs);
        expect(Array.isArray(issues)).toBe(true);
        const ids = new Set(graph.nodes.map((n) => n.id));
        for (const issue of issues) {
          expect(ISSUE_CODES).toContain(issue.code);
          expect(typeof issue.message).toBe('string');
          expect(issue.message.trim().length).toBeGreaterThan(0);
          expect(Array.isArray(issue.path)).toBe(true);
          if (issue.nodeId !== null) expect(ids.has(issue.nodeId)).toBe(true);
          expect(formatIssue(issue)).toContain(issue.message);
        }
        const check = checkGraph(graph, anyRefs);
        expect(check.ok).toBe(issues.length === 0);
      }),
      { numRuns: 400 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Mostly valid: a trigger, then steps each hung on an open output of an earlier step, the last
// open outputs closed to an exit, forward, back (maybe through a wait), or now and then left open.

const BODY_KINDS = ['email', 'wait', 'wait_for_event', 'condition', 'split', 'set_phase', 'update_contact', 'notify', 'webhook'] as const;
type BodyKind = (typeof BODY_KINDS)[number];

/** Weights that sum to 100 from cut points in 0..100; broken on request, by one point. */
const splitConfigArb = fc
  .record({ cuts: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 3 }), breakIt: fc.integer({ min: 0, max: 5 }) })
  .map(({ cuts, breakIt }) => {
    const points = [0, ...[...cuts].sort((a, b) => a - b), 100];
    const weights = points.slice(1).map((p, i) => p - points[i]!);
    if (breakIt === 0) weights[0] = weights[0] === 100 ? 99 : weights[0]! + 1;
    return { variants: weights.map((weight, i) => ({ key: `v${i}`, label: `Variant ${i + 1}`, weight })) };
  });

const validConfigArbs: Record<BodyKind, fc.Arbitrary<Record<string, unknown>>> = {
  email: fc.record({ templateId: fc.constantFrom('welcome', 'promo'), category: fc.constantFrom('marketing', 'transactional') }),
  wait: fc.oneof(
    fc.record({ mode: fc.constant('duration'), duration: fc.record({ amount: fc.integer({ min: 1, max: 30 }), unit: fc.constantFrom('minutes', 'hours', 'days', 'weeks') }) }),
    fc.constant({ mode: 'time_of_day', time: '09:30', weekdays: ['mon', 'tue'] }),
    fc.constant({ mode: 'relative_to_trait', trait: 'renewal_date', offset: { amount: 3, unit: 'days' }, direction: 'before' }),
  ),
  wait_for_event: fc.record({ event: fc.constantFrom('order_completed', 'email_clicked'), timeout: fc.record({ amount: fc.integer({ min: 1, max: 14 }), unit: fc.constant('days') }) }),
  condition: fc.record({
    match: fc.constantFrom('all', 'any'),
    rules: fc.array(
      fc.oneof(
        fc.constant({ type: 'engagement', action: 'clicked' }),
        fc.record({ type: fc.constant('phase'), phases: fc.subarray([...PHASE_KEYS], { minLength: 1 }) }),
        fc.record({ type: fc.constant('persona'), personas: fc.subarray(['bargain_hunter', 'researcher'], { minLength: 1 }) }),
        fc.constant({ type: 'trait', trait: 'plan', operator: 'equals', value: 'pro' }),
        fc.constant({ type: 'event_count', event: 'viewed_pricing', comparison: 'at_least', count: 2, withinDays: 30 }),
      ),
      { minLength: 1, maxLength: 2 },
    ),
  }),
  split: splitConfigArb,
  set_phase: fc.record({ phase: fc.constantFrom(...PHASE_KEYS) }),
  update_contact: fc.constant({ assignments: [{ trait: 'plan', value: 'pro' }] }),
  notify: fc.constant({ to: 'sales@example.com', subject: 'Hot lead' }),
  webhook: fc.constant({ url: 'https://hooks.example.com/kairos' }),
};

const triggerConfigArb = fc.constantFrom<Record<string, unknown>>(
  { on: 'subscription_confirmed' },
  { on: 'manual' },
  { on: 'phase_entered', phase: 'lapsed' },
  { on: 'persona_entered', persona: 'bargain_hunter' },
  { on: 'event', event: 'cart_abandoned', entryKeyProperty: 'cart_id' },
  { on: 'date_anniversary', trait: 'birthday' },
);

const stepArb = fc
  .record({ kind: fc.constantFrom(...BODY_KINDS), attach: fc.nat() })
  .chain(({ kind, attach }) => validConfigArbs[kind].map((config) => ({ kind, config, attach })));

const closingArb = fc.record({
  how: fc.oneof(
    { weight: 12, arbitrary: fc.constant('exit' as const) },
    { weight: 3, arbitrary: fc.constant('forward' as const) },
    { weight: 3, arbitrary: fc.constant('back' as const) },
    { weight: 3, arbitrary: fc.constant('back_through_wait' as const) },
    { weight: 1, arbitrary: fc.constant('leave_open' as const) },
  ),
  pick: fc.nat(),
});

const plannedGraphArb: fc.Arbitrary<JourneyGraph> = fc
  .record({
    trigger: triggerConfigArb,
    steps: fc.array(stepArb, { maxLength: 10 }),
    closings: fc.array(closingArb, { minLength: 1, maxLength: 8 }),
    orphan: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  })
  .map(({ trigger, steps, closings, orphan }) => {
    const nodes: GraphNode[] = [{ id: 'trigger', kind: 'trigger', config: trigger }];
    const edges: GraphEdge[] = [];
    const position = new Map<string, number>([['trigger', -1]]);
    let open: { from: string; output: string }[] = [{ from: 'trigger', output: 'next' }];
    const hang = (node: GraphNode, at: number) => {
      nodes.push(node);
      position.set(node.id, at);
      open.push(...outputsOf(node).map((output) => ({ from: node.id, output })));
    };

    steps.forEach((step, i) => {
      const taken = open[step.attach % open.length]!;
      open = open.filter((o) => o !== taken);
      const id = `s${i}`;
      edges.push({ from: taken.from, output: taken.output, to: id });
      hang({ id, kind: step.kind, config: step.config }, i);
    });

    nodes.push({ id: 'end', kind: 'exit', config: {} });
    const body = nodes.filter((n) => n.kind !== 'trigger' && n.kind !== 'exit');
    let waits = 0;
    open.forEach((o, i) => {
      const { how, pick } = closings[i % closings.length]!;
      const at = position.get(o.from)!;
      const later = body.filter((n) => position.get(n.id)! > at);
      const earlier = body.filter((n) => position.get(n.id)! <= at);
      if (how === 'leave_open') return;
      if (how === 'forward' && later.length > 0) {
        edges.push({ ...o, to: later[pick % later.length]!.id });
      } else if ((how === 'back' || how === 'back_through_wait') && earlier.length > 0) {
        const target = earlier[pick % earlier.length]!.id;
        if (how === 'back') {
          edges.push({ ...o, to: target });
        } else {
          const id = `loop_wait${waits++}`;
          nodes.push({ id, kind: 'wait', config: { mode: 'duration', duration: { amount: 1, unit: 'days' } } });
          edges.push({ ...o, to: id }, { from: id, output: 'next', to: target });
        }
      } else {
        edges.push({ ...o, to: 'end' });
      }
    });

    if (orphan) {
      nodes.push({ id: 'orphan', kind: 'email', config: { templateId: 'welcome' } });
      edges.push({ from: 'orphan', output: 'next', to: 'end' });
    }
    return { nodes, edges, settings: { reentry: 'once' as const, goal: null, exitEvents: [] } };
  });

describe('validateGraph on mostly valid graphs', () => {
  const RUNS = 500;

  it('accepts exactly the graphs that hold the design rules, and reports each broken rule at its nodes', () => {
    const seen = { accepted: 0, loop: 0, outputs: 0, reach: 0, weights: 0 };
    fc.assert(
      fc.property(plannedGraphArb, (graph) => {
        const issues = validateGraph(graph, refs);
        const expected = structuralProblems(graph);
        const codes = new Set(issues.map((i) => i.code));

        // This generator only breaks structural rules; configs and references are always sound.
        for (const code of codes) {
          expect(['output_not_connected', 'unreachable', 'loop_without_wait', 'split_weights']).toContain(code);
        }
        expect(issues.filter((i) => i.code === 'output_not_connected').map((i) => `${i.nodeId}:${i.path[1]}`).sort()).toEqual(
          [...expected.badOutputs.keys()].sort(),
        );
        expect(issues.filter((i) => i.code === 'unreachable').map((i) => i.nodeId).sort()).toEqual([...expected.unreachable].sort());
        expect(issues.filter((i) => i.code === 'split_weights').map((i) => i.nodeId).sort()).toEqual([...expected.badSplits].sort());
        const loops = issues.filter((i) => i.code === 'loop_without_wait');
        expect(loops.length > 0).toBe(expected.busyCycle.size > 0);
        for (const loop of loops) expect(expected.busyCycle.has(loop.nodeId!)).toBe(true);
        // Together the loops name every step that goes round without waiting, and nothing else.
        const named = loops.flatMap((l) => l.message.slice(l.message.lastIndexOf(': ') + 2, -1).split(' → '));
        expect(new Set(named)).toEqual(expected.busyCycle);

        if (issues.length === 0) seen.accepted++;
        if (codes.has('loop_without_wait')) seen.loop++;
        if (codes.has('output_not_connected')) seen.outputs++;
        if (codes.has('unreachable')) seen.reach++;
        if (codes.has('split_weights')) seen.weights++;
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: a fair share is accepted, and every rule is broken now and then.
    expect(seen.accepted, JSON.stringify(seen)).toBeGreaterThan(RUNS * 0.3);
    for (const count of [seen.loop, seen.outputs, seen.reach, seen.weights]) expect(count, JSON.stringify(seen)).toBeGreaterThan(RUNS * 0.02);
  });

  it('what it accepts has one trigger, every output taken once, every node reached, a wait in every cycle, splits at 100%', () => {
    const seen = { accepted: 0, withCycle: 0, withSplit: 0 };
    fc.assert(
      fc.property(plannedGraphArb, (graph) => {
        const check = checkGraph(graph, refs);
        if (!check.ok) return;
        seen.accepted++;
        // The invariants on the graph the executor would run: configs as parsed, defaults applied.
        const parsed: JourneyGraph = { ...check.graph, nodes: check.graph.nodes.map((n) => ({ ...n, config: n.config as Record<string, unknown> })) };
        const problems = structuralProblems(parsed);
        expect(problems.triggers).toBe(1);
        expect(Object.fromEntries(problems.badOutputs)).toEqual({});
        expect(problems.unreachable).toEqual([]);
        expect([...problems.busyCycle]).toEqual([]);
        expect(problems.badSplits).toEqual([]);
        if (nodesOnCycles(parsed, () => true).size > 0) seen.withCycle++;
        if (parsed.nodes.some((n) => n.kind === 'split')) seen.withSplit++;
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: many accepted graphs, among them loops through a wait and experiments.
    expect(seen.accepted, JSON.stringify(seen)).toBeGreaterThan(RUNS * 0.3);
    expect(seen.withCycle, JSON.stringify(seen)).toBeGreaterThan(RUNS * 0.05);
    expect(seen.withSplit, JSON.stringify(seen)).toBeGreaterThan(RUNS * 0.05);
  });
});
