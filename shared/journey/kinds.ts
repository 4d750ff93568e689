// The registry of node kinds: one record per kind, checked by the compiler to be complete.
import { z } from 'zod';
import { condition } from './nodes/condition.ts';
import { email } from './nodes/email.ts';
import { exit } from './nodes/exit.ts';
import { notify } from './nodes/notify.ts';
import { setPhase } from './nodes/setPhase.ts';
import { split } from './nodes/split.ts';
import { trigger } from './nodes/trigger.ts';
import type { NodeKindDefinition } from './nodes/types.ts';
import { updateContact } from './nodes/updateContact.ts';
import { wait } from './nodes/wait.ts';
import { waitForEvent } from './nodes/waitForEvent.ts';
import { webhook } from './nodes/webhook.ts';

export const NODE_KINDS = [
  'trigger',
  'email',
  'wait',
  'wait_for_event',
  'condition',
  'split',
  'set_phase',
  'update_contact',
  'notify',
  'webhook',
  'exit',
] as const;
export const nodeKindSchema = z.enum(NODE_KINDS, { error: `Unknown node kind; use one of ${NODE_KINDS.join(', ')}.` });
export type NodeKind = z.infer<typeof nodeKindSchema>;

export const NODE_KIND_DEFINITIONS = {
  trigger,
  email,
  wait,
  wait_for_event: waitForEvent,
  condition,
  split,
  set_phase: setPhase,
  update_contact: updateContact,
  notify,
  webhook,
  exit,
} satisfies Record<NodeKind, NodeKindDefinition>;

export type NodeConfig<K extends NodeKind> = z.output<(typeof NODE_KIND_DEFINITIONS)[K]['configSchema']>;

/** Kinds that hold a contact, so a cycle through one of them is not a busy loop. */
export const WAITING_KINDS: ReadonlySet<NodeKind> = new Set(['wait', 'wait_for_event']);

export function kindDefinition(kind: NodeKind): NodeKindDefinition {
  return NODE_KIND_DEFINITIONS[kind];
}
