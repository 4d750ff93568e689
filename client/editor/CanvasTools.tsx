// Undo, redo and tidy-up over the canvas's top-left corner: they act on the canvas, the header needs the width for the name, and the simulator covers the right.
// Beside them, the outline toggle and the list of keyboard shortcuts, also on a journey that cannot change.
import { ActionIcon, Group, Tooltip } from '@mantine/core';
import { IconArrowBackUp, IconArrowForwardUp, IconKeyboard, IconListTree, IconMap, IconSitemap } from '@tabler/icons-react';
import { Panel } from '@xyflow/react';
import { useEditor, useEditorStoreApi } from './EditorContext.tsx';
import { useEditorUi } from './EditorUi.tsx';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? '⌘' : 'Ctrl+';

/** The minimap is off until asked for: on a laptop screen it covered steps in the canvas's corner, where toasts also show. */
export interface MapToggle {
  shown: boolean;
  toggle: () => void;
}

function ReadingTools({ map }: { map: MapToggle }) {
  const ui = useEditorUi();
  return (
    <ActionIcon.Group>
      <Tooltip label={map.shown ? 'Hide the minimap' : 'Show a minimap of the whole journey'}>
        <ActionIcon variant={map.shown ? 'filled' : 'default'} size="lg" onClick={map.toggle} aria-pressed={map.shown} aria-label="Minimap">
          <IconMap size={18} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label="Outline: the journey in words (O)">
        <ActionIcon variant={ui.outlineOpen ? 'filled' : 'default'} size="lg" onClick={ui.toggleOutline} aria-pressed={ui.outlineOpen} aria-label="Outline" aria-keyshortcuts="O">
          <IconListTree size={18} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label="Keyboard shortcuts (?)">
        <ActionIcon variant="default" size="lg" onClick={ui.openShortcuts} aria-label="Keyboard shortcuts" aria-keyshortcuts="?">
          <IconKeyboard size={18} />
        </ActionIcon>
      </Tooltip>
    </ActionIcon.Group>
  );
}

export function CanvasTools({ readOnly = false, map }: { readOnly?: boolean; map: MapToggle }) {
  return (
    <Panel position="top-left">
      <Group gap="xs">
        {!readOnly && <EditTools />}
        <ReadingTools map={map} />
      </Group>
    </Panel>
  );
}

function EditTools() {
  const store = useEditorStoreApi();
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  return (
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
  );
}
