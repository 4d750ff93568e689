// The canvas node of a notify-team step.
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { JourneyNode } from '../types.ts';
import { NodeCard } from './NodeCard.tsx';

export const NotifyNode = memo(function NotifyNode({ id, data, selected }: NodeProps<JourneyNode>) {
  return <NodeCard id={id} kind="notify" data={data} selected={selected} />;
});
