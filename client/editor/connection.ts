// Connection rules for the canvas, pure over the nodes: which output may lead to which node.
import { kindDefinition, WAITING_KINDS } from '../../shared/journey/kinds.ts';
import type { JourneyNode } from './types.ts';

export interface ConnectionAttempt {
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
}

/**
 * Whether an output may lead to a node. An output that is already connected may be connected again:
 * the new edge replaces the old one (see the store), so that is not a reason to refuse.
 */
export function isValidConnection(attempt: ConnectionAttempt, nodes: ReadonlyMap<string, JourneyNode>): boolean {
  const source = nodes.get(attempt.source);
  const target = nodes.get(attempt.target);
  if (!source || !target || !attempt.sourceHandle) return false;
  // Contacts enter only through the trigger.
  if (target.type === 'trigger') return false;
  // A step leading to itself is a busy loop, unless it is one that holds the contact.
  if (source.id === target.id && !WAITING_KINDS.has(source.type)) return false;
  return kindDefinition(source.type)
    .outputs(source.data.config)
    .some((o) => o.key === attempt.sourceHandle);
}

export interface OutputChoice {
  key: string;
  label: string;
  /** The step this output leads to now, or null while it is free. */
  target: string | null;
}

/** The outputs of a step with where each leads now: what "Connect to…" offers, free ones first in the kind's order. */
export function outputChoices(
  source: JourneyNode,
  edges: readonly { source: string; sourceHandle: string; target: string }[],
): OutputChoice[] {
  const taken = new Map(edges.filter((e) => e.source === source.id).map((e) => [e.sourceHandle, e.target]));
  const all = kindDefinition(source.type)
    .outputs(source.data.config)
    .map((o) => ({ key: o.key, label: o.label, target: taken.get(o.key) ?? null }));
  return [...all.filter((o) => o.target === null), ...all.filter((o) => o.target !== null)];
}

/** The steps an output of `source` may lead to, by the same rule as a drag on the canvas, in the canvas's order. */
export function connectionTargets(source: string, output: string, nodes: ReadonlyMap<string, JourneyNode>): JourneyNode[] {
  return [...nodes.values()].filter((n) => isValidConnection({ source, sourceHandle: output, target: n.id }, nodes));
}
