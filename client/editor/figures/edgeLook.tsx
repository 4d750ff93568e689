// How an edge is drawn: selected, on the simulated path, or as thick as its traffic; and its traffic label.
import { EdgeLabelRenderer } from '@xyflow/react';
import type { CSSProperties } from 'react';
import { useSimulatedEdge } from '../simulator/SimulatorContext.tsx';
import { useEdgeTraffic } from './FiguresContext.tsx';
import classes from './figures.module.css';
import { compactCount, trafficWidth } from './traffic.ts';

export interface EdgeLook {
  /** "from:output", the key of the edge's figures. */
  key: string;
  /** The line's own style: its colour says selected, simulated or taken; its width stays, so the arrowhead does. */
  style: CSSProperties;
  /** Contacts who took this edge, when the journey shows figures and anyone did. */
  traffic: number | null;
  /** The band under the line, as wide as the traffic; null without traffic. */
  band: CSSProperties | null;
}

export function useEdgeLook(source: string, output: string | null | undefined, selected: boolean | undefined): EdgeLook {
  const traffic = useEdgeTraffic(source, output);
  const simulated = useSimulatedEdge(source, output);
  const taken = traffic !== null && traffic.count > 0;
  let stroke = 'var(--mantine-color-gray-5)';
  if (selected) stroke = 'var(--mantine-primary-color-filled)';
  else if (simulated) stroke = 'var(--mantine-color-teal-6)';
  else if (taken) stroke = 'var(--mantine-color-indigo-5)';
  return {
    key: `${source}:${output ?? 'next'}`,
    style: { stroke, strokeWidth: selected || simulated ? 2.5 : 1.75 },
    traffic: taken ? traffic.count : null,
    band: taken ? { fill: 'none', stroke: 'var(--mantine-color-indigo-2)', strokeWidth: trafficWidth(traffic.count, traffic.busiest), strokeLinecap: 'round' } : null,
  };
}

/** The traffic band: drawn before the edge's line, so the line runs along its middle. */
export function TrafficBand({ path, style, edge }: { path: string; style: CSSProperties; edge: string }) {
  return <path d={path} style={style} data-testid={`band-${edge}`} pointerEvents="none" />;
}

/**
 * The traffic count of an edge, beside the line just below the output it leaves: there it names its output even on
 * a short edge, and never covers the arrowhead or the next card.
 */
export function EdgeTrafficLabel({ sourceX, sourceY, count, edge }: { sourceX: number; sourceY: number; count: number; edge: string }) {
  return (
    <EdgeLabelRenderer>
      <div
        className={classes.edgeLabel}
        style={{ position: 'absolute', transform: `translate(0, -50%) translate(${sourceX + 8}px, ${sourceY + 14}px)` }}
        data-testid={`traffic-${edge}`}
        title={`${count} contact${count === 1 ? '' : 's'} took this path`}
      >
        {compactCount(count)}
      </div>
    </EdgeLabelRenderer>
  );
}
