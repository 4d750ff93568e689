// The journey validator: every problem of a graph, each with its node id and a message a marketer understands.
import type { z } from 'zod';
import { kindDefinition, WAITING_KINDS } from './kinds.ts';
import type { GraphNode, JourneyGraph, ValidGraph, ValidNode } from './graph.ts';

export type IssueCode =
  | 'no_trigger'
  | 'several_triggers'
  | 'duplicate_node_id'
  | 'invalid_config'
  | 'split_weights'
  | 'edge_from_unknown_node'
  | 'edge_to_unknown_node'
  | 'unknown_output'
  | 'output_connected_twice'
  | 'edge_into_trigger'
  | 'output_not_connected'
  | 'unreachable'
  | 'loop_without_wait'
  | 'unknown_template'
  | 'unknown_persona'
  | 'unknown_phase'
  | 'unknown_email_node'
  | 'experiment_needs_goal';

export interface ValidationIssue {
  code: IssueCode;
  /** The node to point at; null for problems of the journey as a whole. */
  nodeId: string | null;
  /** Field path inside the node (e.g. ["config", "templateId"]), empty when the node as a whole is meant. */
  path: (string | number)[];
  message: string;
}

/** What the graph may refer to; the server fills it from the database. */
export interface ReferenceContext {
  templateIds: ReadonlySet<string>;
  personaKeys: ReadonlySet<string>;
  phaseKeys: ReadonlySet<string>;
}

function nodeName(node: GraphNode): string {
  return node.name ? `"${node.name}"` : `${kindDefinition(node.kind).label.toLowerCase()} ${node.id}`;
}

function configIssues(node: GraphNode): { issues: ValidationIssue[]; parsed: unknown } {
  const result = kindDefinition(node.kind).configSchema.safeParse(node.config);
  if (result.success) return { issues: [], parsed: result.data };
  const issues = (result.error as z.ZodError).issues.map((issue): ValidationIssue => {
    const rule = issue.code === 'custom' ? (issue.params as { rule?: IssueCode } | undefined)?.rule : undefined;
    return {
      code: rule ?? 'invalid_config',
      nodeId: node.id,
      path: ['config', ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      message: issue.message,
    };
  });
  return { issues, parsed: undefined };
}

function referenceIssues(node: GraphNode, config: unknown, refs: ReferenceContext, nodes: Map<string, GraphNode>): ValidationIssue[] {
  const def = kindDefinition(node.kind);
  const found = def.references?.(config as never) ?? {};
  const issues: ValidationIssue[] = [];
  for (const id of found.templates ?? []) {
    if (!refs.templateIds.has(id)) {
      issues.push({ code: 'unknown_template', nodeId: node.id, path: ['config', 'templateId'], message: `The template "${id}" does not exist; choose another template.` });
    }
  }
  for (const key of found.personas ?? []) {
    if (!refs.personaKeys.has(key)) {
      issues.push({ code: 'unknown_persona', nodeId: node.id, path: ['config'], message: `The persona "${key}" does not exist.` });
    }
  }
  for (const key of found.phases ?? []) {
    if (!refs.phaseKeys.has(key)) {
      issues.push({ code: 'unknown_phase', nodeId: node.id, path: ['config'], message: `The phase "${key}" does not exist.` });
    }
  }
  if (node.kind === 'condition') {
    const rules = (config as { rules: { type: string; emailNodeId?: string }[] }).rules;
    rules.forEach((rule, i) => {
      if (rule.type !== 'engagement' || rule.emailNodeId === undefined) return;
      if (nodes.get(rule.emailNodeId)?.kind !== 'email') {
        issues.push({
          code: 'unknown_email_node',
          nodeId: node.id,
          path: ['config', 'rules', i, 'emailNodeId'],
          message: `Rule ${i + 1} checks email node "${rule.emailNodeId}", which is not an email of this journey.`,
        });
      }
    });
  }
  return issues;
}

/** Strongly connected components among nodes that do not wait: any with a cycle is a busy loop. */
function loopsWithoutWait(nodes: GraphNode[], successors: Map<string, string[]>): string[][] {
  const busy = new Set(nodes.filter((n) => !WAITING_KINDS.has(n.kind)).map((n) => n.id));
  const busySuccessors = new Map<string, string[]>();
  for (const id of busy) busySuccessors.set(id, (successors.get(id) ?? []).filter((s) => busy.has(s)));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const loops: string[][] = [];
  let counter = 0;

  // Iterative Tarjan, so a long chain of nodes cannot overflow the call stack.
  for (const start of busy) {
    if (index.has(start)) continue;
    const work: { id: string; next: number }[] = [{ id: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const succ = busySuccessors.get(frame.id)!;
      if (frame.next < succ.length) {
        const w = succ[frame.next++]!;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ id: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.id);
        const selfLoop = component.length === 1 && (successors.get(frame.id) ?? []).includes(frame.id);
        if (component.length > 1 || selfLoop) loops.push(component.reverse());
      }
    }
  }
  return loops;
}

export function validateGraph(graph: JourneyGraph, refs: ReferenceContext): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const nodes = new Map<string, GraphNode>();
  for (const node of graph.nodes) {
    if (nodes.has(node.id)) {
      issues.push({ code: 'duplicate_node_id', nodeId: node.id, path: ['id'], message: `Two nodes share the id "${node.id}".` });
      continue;
    }
    nodes.set(node.id, node);
  }

  const triggers = [...nodes.values()].filter((n) => n.kind === 'trigger');
  if (triggers.length === 0) {
    issues.push({ code: 'no_trigger', nodeId: null, path: [], message: 'Add a trigger: it decides who enters the journey.' });
  }
  for (const extra of triggers.slice(1)) {
    issues.push({ code: 'several_triggers', nodeId: extra.id, path: [], message: 'A journey has exactly one trigger; remove this one or the other.' });
  }

  const configs = new Map<string, unknown>();
  for (const node of nodes.values()) {
    const { issues: found, parsed } = configIssues(node);
    issues.push(...found);
    if (found.length === 0) {
      configs.set(node.id, parsed);
      issues.push(...referenceIssues(node, parsed, refs, nodes));
    }
  }

  // What an experiment measures must exist: a split measuring the goal, and a holdout, need the journey's goal.
  if (!graph.settings?.goal) {
    for (const node of nodes.values()) {
      const metric = node.kind === 'split' ? (configs.get(node.id) as { experiment?: { metric?: { kind: string } } } | undefined)?.experiment?.metric : undefined;
      if (metric?.kind === 'goal') {
        issues.push({
          code: 'experiment_needs_goal',
          nodeId: node.id,
          path: ['config', 'experiment', 'metric'],
          message: `${capitalise(nodeName(node))} measures the journey goal, but the journey has no goal: set one in the journey settings or choose another metric.`,
        });
      }
    }
    if (graph.settings?.holdout) {
      issues.push({
        code: 'experiment_needs_goal',
        nodeId: null,
        path: ['settings', 'holdout'],
        message: 'The holdout measures the journey goal, but the journey has no goal: set a goal in the journey settings or turn the holdout off.',
      });
    }
  }

  // Outputs once per node: a split with many variants must not make validation quadratic.
  const outputsOf = new Map<string, { key: string; label: string }[]>();
  for (const node of nodes.values()) outputsOf.set(node.id, kindDefinition(node.kind).outputs(node.config));
  const outputKeys = new Map([...outputsOf].map(([id, outs]) => [id, new Set(outs.map((o) => o.key))]));

  // Edges: each from a real output of a real node, into a real node that is not a trigger, one per output.
  const successors = new Map<string, string[]>();
  const connected = new Set<string>();
  graph.edges.forEach((edge, i) => {
    const from = nodes.get(edge.from);
    const to = nodes.get(edge.to);
    if (!from) {
      issues.push({ code: 'edge_from_unknown_node', nodeId: null, path: ['edges', i], message: `A connection starts at "${edge.from}", which is not a node of this journey.` });
      return;
    }
    // A connection to a wrong place still uses its output: one mistake, one issue (not also "not connected").
    if (!to || to.kind === 'trigger') connected.add(`${from.id}\u0000${edge.output}`);
    if (!to) {
      issues.push({ code: 'edge_to_unknown_node', nodeId: from.id, path: ['edges', i], message: `The "${edge.output}" output of ${nodeName(from)} leads to "${edge.to}", which is not a node of this journey.` });
      return;
    }
    if (!outputKeys.get(from.id)!.has(edge.output)) {
      issues.push({ code: 'unknown_output', nodeId: from.id, path: ['edges', i], message: `${capitalise(nodeName(from))} has no "${edge.output}" output.` });
      return;
    }
    if (to.kind === 'trigger') {
      issues.push({ code: 'edge_into_trigger', nodeId: from.id, path: ['edges', i], message: `The "${edge.output}" output of ${nodeName(from)} leads into the trigger; contacts only enter through it, so connect it elsewhere.` });
      return;
    }
    const key = `${from.id}\u0000${edge.output}`;
    if (connected.has(key)) {
      issues.push({ code: 'output_connected_twice', nodeId: from.id, path: ['edges', i], message: `The "${edge.output}" output of ${nodeName(from)} is connected twice; a contact can only take one path.` });
      return;
    }
    connected.add(key);
    const list = successors.get(from.id);
    if (list) list.push(to.id);
    else successors.set(from.id, [to.id]);
  });

  for (const node of nodes.values()) {
    for (const output of outputsOf.get(node.id)!) {
      if (!connected.has(`${node.id}\u0000${output.key}`)) {
        issues.push({
          code: 'output_not_connected',
          nodeId: node.id,
          path: ['outputs', output.key],
          message: `Connect the "${output.label}" output of ${nodeName(node)} to the next step (or to an Exit).`,
        });
      }
    }
  }

  if (triggers.length > 0) {
    const reached = new Set<string>(triggers.map((t) => t.id));
    const queue = triggers.map((t) => t.id);
    while (queue.length > 0) {
      for (const next of successors.get(queue.shift()!) ?? []) {
        if (!reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
    for (const node of nodes.values()) {
      if (!reached.has(node.id)) {
        issues.push({ code: 'unreachable', nodeId: node.id, path: [], message: `No path from the trigger reaches ${nodeName(node)}; connect it or delete it.` });
      }
    }
  }

  for (const loop of loopsWithoutWait([...nodes.values()], successors)) {
    issues.push({
      code: 'loop_without_wait',
      nodeId: loop[0]!,
      path: [],
      message: `These steps loop without a Wait or Wait for event, so a contact would go round forever: ${loop.join(' → ')}.`,
    });
  }

  return issues;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export type GraphCheck = { ok: true; graph: ValidGraph } | { ok: false; issues: ValidationIssue[] };

/** The graph with every config parsed by its schema, or every problem: what publishing and the executor use. */
export function checkGraph(graph: JourneyGraph, refs: ReferenceContext): GraphCheck {
  const issues = validateGraph(graph, refs);
  if (issues.length > 0) return { ok: false, issues };
  const nodes = graph.nodes.map(
    (node) => ({ ...node, config: kindDefinition(node.kind).configSchema.parse(node.config) }) as ValidNode,
  );
  return { ok: true, graph: { nodes, edges: graph.edges, settings: graph.settings } };
}

export function formatIssue(issue: ValidationIssue): string {
  return `${issue.nodeId ? `node ${issue.nodeId}` : 'journey'}: ${issue.message}`;
}
