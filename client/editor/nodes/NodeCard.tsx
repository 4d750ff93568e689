// The frame every canvas node shares: kind icon and name, the key setting, and one labelled handle per output.
import { Handle, Position } from '@xyflow/react';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMemo, type CSSProperties, type ReactNode } from 'react';
import { kindDefinition, type NodeKind } from '../../../shared/journey/kinds.ts';
import { useEditor } from '../EditorContext.tsx';
import { NodeFigures } from '../figures/NodeFigures.tsx';
import { SimulatedMarker } from '../simulator/SimulatedMarker.tsx';
import classes from '../editor.module.css';
import { KIND_META, nodeSummary } from '../kindMeta.ts';
import { nodeWidth } from '../layout.ts';
import type { JourneyNodeData } from '../types.ts';

export interface NodeCardProps {
  id: string;
  kind: NodeKind;
  data: JourneyNodeData;
  selected?: boolean;
  /** Replaces the kind's own summary (an email shows its template's name, not its id). */
  summary?: string | null;
  /** Kind-specific content under the summary (a split's weight bar). */
  children?: ReactNode;
}

export function NodeCard({ id, kind, data, selected, summary, children }: NodeCardProps) {
  const def = kindDefinition(kind);
  const meta = KIND_META[kind];
  // Primitive selectors: a node re-renders only when its own problems change.
  const firstIssue = useEditor((s) => s.issuesByNode.get(id)?.[0]?.message);
  const issueCount = useEditor((s) => s.issuesByNode.get(id)?.length ?? 0);
  const outputs = useMemo(() => def.outputs(data.config), [def, data.config]);
  const text = summary === undefined ? nodeSummary(kind, data.config) : summary;
  const style = useMemo(
    () =>
      ({
        '--kind-color': `var(--mantine-color-${meta.color}-6)`,
        '--kind-light': `var(--mantine-color-${meta.color}-light)`,
        '--kind-soft': `var(--mantine-color-${meta.color}-3)`,
        width: nodeWidth(outputs.length),
      }) as CSSProperties,
    [meta.color, outputs.length],
  );
  const Icon = meta.icon;
  const title = data.name || def.label;
  const labelled = outputs.length > 1 || (outputs.length === 1 && outputs[0]!.key !== 'next');

  return (
    <div
      className={classes.card}
      style={style}
      data-selected={selected || undefined}
      data-invalid={issueCount > 0 || undefined}
      data-testid={`node-${id}`}
    >
      <SimulatedMarker id={id} />
      {kind !== 'trigger' && <Handle type="target" position={Position.Top} className={classes.targetHandle} />}
      <div className={classes.header}>
        <span className={classes.icon} aria-hidden>
          <Icon size={16} stroke={1.8} />
        </span>
        <div className={classes.title} title={title}>
          {data.name && <span className={classes.kind}>{def.label}</span>}
          <span className={classes.name}>{title}</span>
        </div>
        {issueCount > 0 && (
          <span className={classes.warning} title={issueCount > 1 ? `${firstIssue} (+${issueCount - 1} more)` : firstIssue}>
            <IconAlertTriangle size={16} aria-label={`${issueCount} problem${issueCount > 1 ? 's' : ''}`} />
          </span>
        )}
      </div>
      <div className={classes.summary}>{text ?? <span className={classes.needsSetup}>Needs setup</span>}</div>
      {children && <div className={classes.extra}>{children}</div>}
      <NodeFigures id={id} />
      {labelled ? (
        <div className={classes.outputs}>
          {outputs.map((o) => (
            <div key={o.key} className={classes.output} title={o.label}>
              <span className={classes.outputLabel}>{o.label}</span>
              <Handle type="source" position={Position.Bottom} id={o.key} className={classes.handle} title={`${title}: output ${o.label}`} />
            </div>
          ))}
        </div>
      ) : (
        outputs.map((o) => (
          <Handle key={o.key} type="source" position={Position.Bottom} id={o.key} className={classes.handle} title={`${title}: output ${o.label}`} />
        ))
      )}
    </div>
  );
}
