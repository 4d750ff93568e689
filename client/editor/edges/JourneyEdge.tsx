// The canvas edge: a smooth-step path from an output to the next step, with a delete button while selected.
import { ActionIcon } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { useEditorStoreApi, useEditorReadOnly } from '../EditorContext.tsx';
import classes from '../editor.module.css';
import { EdgeTrafficLabel, TrafficBand, useEdgeLook } from '../figures/edgeLook.tsx';

export const JourneyEdge = memo(function JourneyEdge(props: EdgeProps) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected, markerEnd, style } = props;
  const look = useEdgeLook(props.source, props.sourceHandleId, selected);
  const store = useEditorStoreApi();
  const readOnly = useEditorReadOnly();
  const [path, labelX, labelY] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 12, offset: 24 });
  return (
    <>
      {look.band && <TrafficBand path={path} style={look.band} edge={look.key} />}
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        interactionWidth={16}
        style={{ ...style, ...look.style }}
      />
      {look.traffic !== null && <EdgeTrafficLabel sourceX={sourceX} sourceY={sourceY} count={look.traffic} edge={look.key} />}
      {selected && !readOnly && (
        <EdgeLabelRenderer>
          <div className={`${classes.edgeButton} nodrag nopan`} style={{ position: 'absolute', transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
            <ActionIcon size="sm" radius="xl" color="red" variant="filled" aria-label="Delete connection" onClick={() => store.getState().removeEdge(id)}>
              <IconX size={12} />
            </ActionIcon>
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
