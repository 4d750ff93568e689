// The canvas node of a webhook step.
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { JourneyNode } from '../types.ts';
import { NodeCard } from './NodeCard.tsx';

export const WebhookNode = memo(function WebhookNode({ id, data, selected }: NodeProps<JourneyNode>) {
  return <NodeCard id={id} kind="webhook" data={data} selected={selected} />;
});
