// The canvas node of a exit: where contacts leave the journey.
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { JourneyNode } from '../types.ts';
import { NodeCard } from './NodeCard.tsx';

export const ExitNode = memo(function ExitNode({ id, data, selected }: NodeProps<JourneyNode>) {
  return <NodeCard id={id} kind="exit" data={data} selected={selected} summary="The contact leaves the journey." />;
});
