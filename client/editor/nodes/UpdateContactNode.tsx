// The canvas node of a update-contact step.
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { JourneyNode } from '../types.ts';
import { NodeCard } from './NodeCard.tsx';

export const UpdateContactNode = memo(function UpdateContactNode({ id, data, selected }: NodeProps<JourneyNode>) {
  return <NodeCard id={id} kind="update_contact" data={data} selected={selected} />;
});
