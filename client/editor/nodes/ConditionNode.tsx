// The canvas node of a condition, with its yes and no outputs.
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { JourneyNode } from '../types.ts';
import { NodeCard } from './NodeCard.tsx';

export const ConditionNode = memo(function ConditionNode({ id, data, selected }: NodeProps<JourneyNode>) {
  return <NodeCard id={id} kind="condition" data={data} selected={selected} />;
});
