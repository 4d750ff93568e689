// The canvas node of a split (an experiment): one output per variant with its weight, and a weight bar.
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { splitConfigSchema } from '../../../shared/journey/nodes/split.ts';
import classes from '../editor.module.css';
import type { JourneyNode } from '../types.ts';
import { NodeCard } from './NodeCard.tsx';

export const SplitNode = memo(function SplitNode({ id, data, selected }: NodeProps<JourneyNode>) {
  const parsed = splitConfigSchema.safeParse(data.config);
  return (
    <NodeCard id={id} kind="split" data={data} selected={selected}>
      {parsed.success && (
        <div className={classes.weights} aria-hidden>
          {parsed.data.variants.map((v) => (
            <span key={v.key} style={{ width: `${v.weight}%` }} />
          ))}
        </div>
      )}
    </NodeCard>
  );
});
