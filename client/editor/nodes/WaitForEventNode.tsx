// The canvas node of a wait-for-event step, with its matched and timeout outputs.
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { JourneyNode } from '../types.ts';
import { NodeCard } from './NodeCard.tsx';

export const WaitForEventNode = memo(function WaitForEventNode({ id, data, selected }: NodeProps<JourneyNode>) {
  return <NodeCard id={id} kind="wait_for_event" data={data} selected={selected} />;
});
