// How an edge is drawn: selected, on the simulated path, or as thick as its traffic; and its traffic label.
import { EdgeLabelRenderer } from '@xyflow/react';
import type { CSSProperties } from 'react';
import { useSimulatedEdge } from '../simulator/SimulatorContext.tsx';
import { useEdgeTraffic } from './FiguresContext.tsx';
import classes from './figures.module.css';
import { compactCount, EDGE_WIDTH, trafficWidth } from './traffic.ts';

export interface EdgeLook {
  style: CSSProperties;
  /** Contacts who took this edge, when the journey shows figures and anyone did. */
  traffic: number | null;
}

export function useEdgeLook(source: string, output: string | null | undefined, selected: boolean | undefined): EdgeLook {
  const traffic = useEdgeTraffic(source, output);
  const simulated = useSimulatedEdge(source, output);
  const width = traffic ? trafficWidth(traffic.count, traffic.busiest) : EDGE_WIDTH.idle;
  let stroke = 'var(--mantine-color-gray-5)';
  if (selected) stroke = 'var(--mantine-primary-color-filled)';
  else if (simulated) stroke = 'var(--mantine-color-teal-6)';
  else if (traffic && traffic.count > 0) stroke = 'var(--mantine-color-indigo-4)';
  const strokeWidth = selected ? Math.max(2.5, width) : simulated ? Math.max(3, width) : width;
  return { style: { stroke, strokeWidth }, traffic: traffic && traffic.count > 0 ? traffic.count : null };
}

/** The traffic count in the middle of an edge. */
export function EdgeTrafficLabel({ x, y, count, edge }: { x: number; y: number; count: number; edge: string }) {
  return (
    <EdgeLabelRenderer>
      <div
        className={classes.edgeLabel}
        style={{ position: 'absolute', transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
        data-testid={`traffic-${edge}`}
        title={`${count} contact${count === 1 ? '' : 's'} took this path`}
      >
        {compactCount(count)}
      </div>
    </EdgeLabelRenderer>
  );
}
