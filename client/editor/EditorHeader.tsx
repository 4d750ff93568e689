// The editor's header: name (renameable), moment and persona, status, save state, history and journey actions.
import { ActionIcon, Badge, Box, Button, Divider, Group, Loader, Menu, Text, TextInput, Title, Tooltip } from '@mantine/core';
import {
  IconAlertTriangle,
  IconArchive,
  IconArrowBackUp,
  IconArrowForwardUp,
  IconArrowLeft,
  IconCheck,
  IconCopy,
  IconDots,
  IconDownload,
  IconHistory,
  IconPencil,
  IconPlayerPause,
  IconPlayerPlay,
  IconRocket,
  IconSitemap,
} from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { JourneyStatusBadge } from '../ui/JourneyStatusBadge.tsx';
import { useEditor, useEditorReadOnly, useEditorStoreApi } from './EditorContext.tsx';
import { FiguresSummary } from './figures/FiguresSummary.tsx';
import classes from './layout.module.css';
import { SimulateButton } from './simulator/Simulator.tsx';
import type { SaveStatus } from './useDraftAutosave.ts';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? '⌘' : 'Ctrl+';

function RenameTitle({ name, onRename, disabled }: { name: string; onRename: (name: string) => Promise<boolean>; disabled: boolean }) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <Group gap={4} wrap="nowrap" miw={0}>
        <Title order={1} size="h4" lineClamp={1} title={name}>
          {name}
        </Title>
        {!disabled && (
          <Tooltip label="Rename">
            <ActionIcon variant="subtle" color="gray" size="sm" onClick={() => setDraft(name)} aria-label="Rename journey">
              <IconPencil size={14} />
            </ActionIcon>
          </Tooltip>
        )}
      </Group>
    );
  }
  const submit = async () => {
    const next = draft.trim();
    if (!next || next === name) return setDraft(null);
    if (await onRename(next)) setDraft(null);
  };
  return (
    <TextInput
      aria-label="Journey name"
      size="sm"
      w={320}
      maxLength={120}
      value={draft}
      autoFocus
      onChange={(e) => setDraft(e.currentTarget.value)}
      onBlur={() => void submit()}
      onKeyDown={(e) => {
        if (e.key === 'Enter') void submit();
        if (e.key === 'Escape') setDraft(null);
      }}
    />
  );
}

function SaveIndicator({ status, onRetry }: { status: SaveStatus; onRetry: () => void }) {
  switch (status) {
    case 'saved':
      return (
        <Group gap={4} c="dimmed" wrap="nowrap">
          <IconCheck size={14} aria-hidden />
          <Text size="xs">Saved</Text>
        </Group>
      );
    case 'unsaved':
      return (
        <Text size="xs" c="dimmed">
          Unsaved changes
        </Text>
      );
    case 'saving':
      return (
        <Group gap={6} c="dimmed" wrap="nowrap">
          <Loader size={12} />
          <Text size="xs">Saving…</Text>
        </Group>
      );
    case 'error':
      return (
        <Group gap={4} c="red" wrap="nowrap">
          <IconAlertTriangle size={14} aria-hidden />
          <Text size="xs">Not saved</Text>
          <Button size="compact-xs" variant="subtle" color="red" onClick={onRetry}>
            Retry
          </Button>
        </Group>
      );
    case 'conflict':
      return (
        <Group gap={4} c="red" wrap="nowrap">
          <IconAlertTriangle size={14} aria-hidden />
          <Text size="xs">Not saved</Text>
        </Group>
      );
    default:
      return status satisfies never;
  }
}

export interface HeaderProps {
  name: string;
  momentLabel: string;
  personaName: string;
  status: string;
  currentVersion: number | null;
  saveStatus: SaveStatus;
  busy: string | null;
  onRename: (name: string) => Promise<boolean>;
  onRetrySave: () => void;
  onPublish: () => void;
  onPause: () => void;
  onResume: () => void;
  onArchive: () => void;
  onDuplicate: () => void;
  onExport: () => void;
  onHistory: () => void;
}

function EditButtons() {
  const store = useEditorStoreApi();
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  return (
    <Group gap={4} wrap="nowrap">
      <Tooltip label={`Undo (${MOD}Z)`}>
        <ActionIcon variant="default" onClick={() => store.getState().undo()} disabled={!canUndo} aria-label="Undo">
          <IconArrowBackUp size={18} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label={`Redo (${isMac ? '⇧⌘Z' : 'Ctrl+Y'})`}>
        <ActionIcon variant="default" onClick={() => store.getState().redo()} disabled={!canRedo} aria-label="Redo">
          <IconArrowForwardUp size={18} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label="Tidy up: lay the steps out top to bottom">
        <ActionIcon variant="default" onClick={() => store.getState().layout()} aria-label="Auto-layout">
          <IconSitemap size={18} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

export function EditorHeader(props: HeaderProps) {
  const readOnly = useEditorReadOnly();
  const { status, currentVersion, busy } = props;
  const live = status === 'live';
  const paused = status === 'paused';
  return (
    <Group className={classes.header} justify="space-between" wrap="nowrap" gap="md">
      <Group gap="sm" wrap="nowrap" miw={0} style={{ flex: 1 }}>
        <Tooltip label="All journeys">
          <ActionIcon component={Link} to="/journeys" variant="subtle" color="gray" aria-label="All journeys">
            <IconArrowLeft size={18} />
          </ActionIcon>
        </Tooltip>
        <Box miw={0}>
          <RenameTitle name={props.name} onRename={props.onRename} disabled={readOnly} />
        </Box>
        {/* The name gives way first when space runs out; status and save state never do. */}
        <Group gap={6} wrap="nowrap" visibleFrom="xl" className={classes.keep}>
          <Badge variant="light" color="indigo" size="sm">
            {props.momentLabel}
          </Badge>
          <Badge variant="light" color="gray" size="sm">
            {props.personaName}
          </Badge>
        </Group>
        <Group gap={6} wrap="nowrap" className={classes.keep}>
          <JourneyStatusBadge status={status} />
          {currentVersion !== null && (
            <Text size="xs" c="dimmed">
              v{currentVersion}
            </Text>
          )}
          {!readOnly && <SaveIndicator status={props.saveStatus} onRetry={props.onRetrySave} />}
        <FiguresSummary />
        </Group>
      </Group>
      <Group gap="xs" wrap="nowrap" className={classes.keep}>
        {!readOnly && <EditButtons />}
        <Divider orientation="vertical" />
        <SimulateButton />
        <Button variant="default" size="xs" leftSection={<IconHistory size={16} />} onClick={props.onHistory}>
          History
        </Button>
        <Menu position="bottom-end" width={200}>
          <Menu.Target>
            <ActionIcon variant="default" size="md" aria-label="More journey actions">
              <IconDots size={18} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item leftSection={<IconDownload size={16} />} onClick={props.onExport}>
              Export file
            </Menu.Item>
            <Menu.Item leftSection={<IconCopy size={16} />} onClick={props.onDuplicate}>
              Duplicate…
            </Menu.Item>
            {!readOnly && (
              <>
                <Menu.Divider />
                <Menu.Item leftSection={<IconArchive size={16} />} color="red" onClick={props.onArchive}>
                  Archive…
                </Menu.Item>
              </>
            )}
          </Menu.Dropdown>
        </Menu>
        {live && (
          <Button variant="default" size="xs" leftSection={<IconPlayerPause size={16} />} onClick={props.onPause} loading={busy === 'pause'}>
            Pause
          </Button>
        )}
        {paused && (
          <Button variant="default" size="xs" leftSection={<IconPlayerPlay size={16} />} onClick={props.onResume} loading={busy === 'resume'}>
            Resume
          </Button>
        )}
        {!readOnly && (
          <Button size="xs" leftSection={<IconRocket size={16} />} onClick={props.onPublish} loading={busy === 'publish'}>
            {currentVersion === null ? 'Publish' : 'Publish changes'}
          </Button>
        )}
      </Group>
    </Group>
  );
}
