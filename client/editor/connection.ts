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
