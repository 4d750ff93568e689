// The canvas node of a set-phase step.
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { JourneyNode } from '../types.ts';
import { NodeCard } from './NodeCard.tsx';

export const SetPhaseNode = memo(function SetPhaseNode({ id, data, selected }: NodeProps<JourneyNode>) {
  return <NodeCard id={id} kind="set_phase" data={data} selected={selected} />;
});
