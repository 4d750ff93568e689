// Undo, redo and tidy-up over the canvas's top-left corner: they act on the canvas, the header needs the width for the name, and the simulator covers the right.
import { ActionIcon, Tooltip } from '@mantine/core';
import { IconArrowBackUp, IconArrowForwardUp, IconSitemap } from '@tabler/icons-react';
import { Panel } from '@xyflow/react';
import { useEditor, useEditorStoreApi } from './EditorContext.tsx';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? '⌘' : 'Ctrl+';

export function CanvasTools() {
  const store = useEditorStoreApi();
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  return (
    <Panel position="top-left">
      <ActionIcon.Group>
        <Tooltip label={`Undo (${MOD}Z)`}>
          <ActionIcon variant="default" size="lg" onClick={() => store.getState().undo()} disabled={!canUndo} aria-label="Undo">
            <IconArrowBackUp size={18} />
          </ActionIcon>
        </Tooltip>
        <Tooltip label={`Redo (${isMac ? '⇧⌘Z' : 'Ctrl+Y'})`}>
          <ActionIcon variant="default" size="lg" onClick={() => store.getState().redo()} disabled={!canRedo} aria-label="Redo">
            <IconArrowForwardUp size={18} />
          </ActionIcon>
        </Tooltip>
        <Tooltip label="Tidy up: lay the steps out top to bottom">
          <ActionIcon variant="default" size="lg" onClick={() => store.getState().layout()} aria-label="Auto-layout">
            <IconSitemap size={18} />
          </ActionIcon>
        </Tooltip>
      </ActionIcon.Group>
    </Panel>
  );
}
