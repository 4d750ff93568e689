// The canvas node of a trigger: how contacts enter the journey.
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { JourneyNode } from '../types.ts';
import { NodeCard } from './NodeCard.tsx';

export const TriggerNode = memo(function TriggerNode({ id, data, selected }: NodeProps<JourneyNode>) {
  return <NodeCard id={id} kind="trigger" data={data} selected={selected} />;
});
