// The palette of node kinds: drag one onto the canvas, or click it (or press Enter on it) to add it after the selected step.
import { Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { useReactFlow } from '@xyflow/react';
import { useCallback, type CSSProperties, type DragEvent, type KeyboardEvent } from 'react';
import { kindDefinition, NODE_KINDS, type NodeKind } from '../../shared/journey/kinds.ts';
import { useEditorStoreApi } from './EditorContext.tsx';
import { KIND_META, PALETTE_GROUPS, PALETTE_MIME } from './kindMeta.ts';
import { NODE_HEIGHT, NODE_WIDTH } from './layout.ts';
import classes from './palette.module.css';
import panels from './panels.module.css';
import { clearSpot } from './store.ts';
import { useRevealNode } from './useRevealNode.ts';

function PaletteItem({ kind, onAdd }: { kind: NodeKind; onAdd: (kind: NodeKind) => void }) {
  const def = kindDefinition(kind);
  const meta = KIND_META[kind];
  const Icon = meta.icon;
  const onDragStart = (event: DragEvent) => {
    event.dataTransfer.setData(PALETTE_MIME, kind);
    event.dataTransfer.effectAllowed = 'move';
  };
  return (
    // A native title, not a Tooltip: eleven floating elements cost more than they give on a busy canvas page.
    <UnstyledButton
        className={classes.item}
        draggable
        onDragStart={onDragStart}
        onClick={() => onAdd(kind)}
        aria-label={`Add ${def.label}`}
        aria-description={def.description}
        title={def.description}
        data-kind={kind}
        style={{ '--kind-color': `var(--mantine-color-${meta.color}-6)`, '--kind-light': `var(--mantine-color-${meta.color}-light)` } as CSSProperties}
      >
        <Group gap="xs" wrap="nowrap">
          <span className={classes.icon} aria-hidden>
            <Icon size={16} stroke={1.8} />
          </span>
          <Text size="sm" fw={500} truncate>
            {def.label}
          </Text>
        </Group>
    </UnstyledButton>
  );
}

export function Palette() {
  const store = useEditorStoreApi();
  const flow = useReactFlow();
  const reveal = useRevealNode();

  const onAdd = useCallback(
    (kind: NodeKind) => {
      const selected = store.getState().nodes.filter((n) => n.selected);
      let id: string;
      // After the selected step: fed by its free output, inserted on a taken one, or beside a step that has none.
      if (selected.length === 1) {
        id = store.getState().addNodeAfter(kind, selected[0]!.id);
      } else {
        // Nothing to follow: put it in the middle of what the marketer is looking at.
        const pane = document.querySelector('[data-journey-canvas] .react-flow')?.getBoundingClientRect();
        const centre = pane ? flow.screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 }) : { x: 0, y: 0 };
        const spot = clearSpot({ x: Math.round(centre.x - NODE_WIDTH / 2), y: Math.round(centre.y - NODE_HEIGHT / 2) }, store.getState().nodes);
        id = store.getState().addNode(kind, spot);
      }
      // Let React Flow measure the new node before scrolling to it.
      requestAnimationFrame(() => reveal(id, { select: false, onlyIfHidden: true }));
    },
    [flow, reveal, store],
  );

  // Up, Down, Home and End move between the kinds, as in a toolbar; Tab still visits each.
  const onKeyDown = useCallback((event: KeyboardEvent<HTMLDivElement>) => {
    const items = [...event.currentTarget.querySelectorAll<HTMLElement>('button[data-kind]')];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (at < 0) return;
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    items[Math.max(0, Math.min(items.length - 1, to))]?.focus();
  }, []);

  return (
    <div className={panels.scroll} data-palette onKeyDown={onKeyDown}>
      <Stack gap="md" p="sm">
        <Text size="xs" c="dimmed">
          Drag a step onto the canvas, or click it to add it after the selected step. Keyboard: A comes here, Enter adds.
        </Text>
        {PALETTE_GROUPS.map((group) => (
          <Stack key={group} gap={4} role="group" aria-label={group}>
            <Text size="xs" fw={700} c="dimmed" tt="uppercase">
              {group}
            </Text>
            {NODE_KINDS.filter((k) => KIND_META[k].group === group).map((kind) => (
              <PaletteItem key={kind} kind={kind} onAdd={onAdd} />
            ))}
          </Stack>
        ))}
      </Stack>
    </div>
  );
}
