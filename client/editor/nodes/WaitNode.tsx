// The canvas node of a wait step.
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { JourneyNode } from '../types.ts';
import { NodeCard } from './NodeCard.tsx';

export const WaitNode = memo(function WaitNode({ id, data, selected }: NodeProps<JourneyNode>) {
  return <NodeCard id={id} kind="wait" data={data} selected={selected} />;
});
