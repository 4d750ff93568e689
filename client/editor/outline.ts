// The journey as an outline for reading (a screen reader's view of the canvas): steps in path order, branches nested.
import { kindDefinition, type NodeKind } from '../../shared/journey/kinds.ts';
import type { JourneyEdge, JourneyNode } from './types.ts';

export type OutlineNode = Pick<JourneyNode, 'id' | 'type' | 'data'>;
export type OutlineEdge = Pick<JourneyEdge, 'source' | 'sourceHandle' | 'target'>;

export interface OutlineStep {
  id: string;
  kind: NodeKind;
  /** The step's name on the canvas, or its kind's label when it has none. */
  title: string;
  /** What the step does, in words: the kind's description and its key setting. */
  description: string;
  outputs: OutlineOutput[];
}

export interface OutlineOutput {
  key: string;
  label: string;
  /** Where the output leads, or null while it is not connected. */
  target: { id: string; title: string } | null;
  /**
   * For a step with several outputs, the steps that follow on this one (its target first), unless the target is
   * shown elsewhere in the outline: earlier on another path, or further up this one (a loop).
   * A step with one output is followed by its target in the same list instead.
   */
  branch: OutlineStep[];
}

export interface JourneyOutline {
  /** From each trigger, the steps contacts pass, in order. */
  paths: OutlineStep[][];
  /** Steps no trigger leads to, each group starting at a step nothing else in it leads to where there is one. */
  unreachable: OutlineStep[][];
}

export interface OutlineOptions {
  /** The key setting in a few words (an email names its template); the kind's own summary by default. */
  summary?: (node: OutlineNode) => string | null;
}

export function stepTitle(node: OutlineNode): string {
  return node.data.name?.trim() || kindDefinition(node.type).label;
}

/** The kind's own summary of a node's key setting (as kindMeta's nodeSummary), or null while its config is incomplete. */
function kindSummary(node: OutlineNode): string | null {
  const def = kindDefinition(node.type);
  const parsed = def.configSchema.safeParse(node.data.config);
  return parsed.success ? def.summary(parsed.data as never) : null;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function describe(node: OutlineNode, summary: (node: OutlineNode) => string | null): string {
  const def = kindDefinition(node.type);
  const key = summary(node);
  if (key === null) return `${def.description} Needs setup.`;
  // An exit's summary is its kind's name again: nothing to add.
  if (key.trim().toLowerCase() === def.label.toLowerCase()) return def.description;
  return `${def.description} ${capitalise(key.trim())}${/[.!?]$/.test(key.trim()) ? '' : '.'}`;
}

export function journeyOutline(nodes: readonly OutlineNode[], edges: readonly OutlineEdge[], options: OutlineOptions = {}): JourneyOutline {
  const summary = options.summary ?? kindSummary;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edgeFrom = new Map<string, string>();
  for (const e of edges) if (byId.has(e.target)) edgeFrom.set(`${e.source}\u0000${e.sourceHandle}`, e.target);
  const placed = new Set<string>();

  function outputsOf(node: OutlineNode) {
    return kindDefinition(node.type)
      .outputs(node.data.config)
      .map((o) => {
        const to = edgeFrom.get(`${node.id}\u0000${o.key}`);
        return { key: o.key, label: capitalise(o.label), targetId: to ?? null };
      });
  }

  /** The steps from `start` on, each shown once: a chain of single-output steps stays in one list. */
  function sequence(start: string): OutlineStep[] {
    const steps: OutlineStep[] = [];
    let current: string | null = start;
    while (current !== null && !placed.has(current)) {
      const node: OutlineNode = byId.get(current)!;
      placed.add(current);
      const outs = outputsOf(node);
      const step: OutlineStep = { id: node.id, kind: node.type, title: stepTitle(node), description: describe(node, summary), outputs: [] };
      steps.push(step);
      const branching = outs.length > 1;
      step.outputs = outs.map((o) => ({
        key: o.key,
        label: o.label,
        target: o.targetId === null ? null : { id: o.targetId, title: stepTitle(byId.get(o.targetId)!) },
        // Filled in order, so an earlier output's branch claims a step shared with a later one.
        branch: [],
      }));
      if (branching) {
        step.outputs.forEach((o, i) => {
          const to = outs[i]!.targetId;
          if (to !== null) o.branch = sequence(to);
        });
        current = null;
      } else {
        current = outs[0]?.targetId ?? null;
      }
    }
    return steps;
  }

  const triggers = nodes.filter((n) => n.type === 'trigger');
  const paths = triggers.map((t) => sequence(t.id)).filter((p) => p.length > 0);

  // What no trigger reaches: start at steps that nothing left over leads to, then any left in pure loops.
  const unreachable: OutlineStep[][] = [];
  const fed = new Set(edges.filter((e) => !placed.has(e.source) && byId.has(e.source)).map((e) => e.target));
  for (const n of nodes) if (!placed.has(n.id) && !fed.has(n.id)) unreachable.push(sequence(n.id));
  for (const n of nodes) if (!placed.has(n.id)) unreachable.push(sequence(n.id));
  return { paths, unreachable };
}

/** How many steps the outline shows: every node exactly once. */
export function outlineSize(outline: JourneyOutline): number {
  const count = (steps: OutlineStep[]): number => steps.reduce((sum, s) => sum + 1 + s.outputs.reduce((b, o) => b + count(o.branch), 0), 0);
  return [...outline.paths, ...outline.unreachable].reduce((sum, p) => sum + count(p), 0);
}
