// The canvas node component of every node kind; React Flow needs this object to stay the same between renders.
import type { NodeProps, NodeTypes } from '@xyflow/react';
import type { ComponentType } from 'react';
import type { NodeKind } from '../../../shared/journey/kinds.ts';
import type { JourneyNode } from '../types.ts';
import { ConditionNode } from './ConditionNode.tsx';
import { EmailNode } from './EmailNode.tsx';
import { ExitNode } from './ExitNode.tsx';
import { NotifyNode } from './NotifyNode.tsx';
import { SetPhaseNode } from './SetPhaseNode.tsx';
import { SplitNode } from './SplitNode.tsx';
import { TriggerNode } from './TriggerNode.tsx';
import { UpdateContactNode } from './UpdateContactNode.tsx';
import { WaitForEventNode } from './WaitForEventNode.tsx';
import { WaitNode } from './WaitNode.tsx';
import { WebhookNode } from './WebhookNode.tsx';

export const nodeTypes = {
  trigger: TriggerNode,
  email: EmailNode,
  wait: WaitNode,
  wait_for_event: WaitForEventNode,
  condition: ConditionNode,
  split: SplitNode,
  set_phase: SetPhaseNode,
  update_contact: UpdateContactNode,
  notify: NotifyNode,
  webhook: WebhookNode,
  exit: ExitNode,
} satisfies Record<NodeKind, ComponentType<NodeProps<JourneyNode>>> & NodeTypes;
