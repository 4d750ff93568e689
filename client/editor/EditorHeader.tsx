// The editor's header: name (renameable) over moment, persona, status and save state; then figures, problems and journey actions.
import { ActionIcon, Button, Group, Loader, Menu, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import {
  IconAlertTriangle,
  IconArchive,
  IconArrowLeft,
  IconCheck,
  IconChevronDown,
  IconCopy,
  IconDownload,
  IconHistory,
  IconPencil,
  IconPlayerPause,
  IconPlayerPlay,
  IconRocket,
} from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { JourneyStatusBadge } from '../ui/JourneyStatusBadge.tsx';
import { useEditorReadOnly } from './EditorContext.tsx';
import { FiguresSummary } from './figures/FiguresSummary.tsx';
import { HoldoutSummary } from './figures/HoldoutEffect.tsx';
import classes from './layout.module.css';
import { SimulateButton } from './simulator/Simulator.tsx';
import type { SaveStatus } from './useDraftAutosave.ts';
import { ProblemsButton } from './ValidationList.tsx';

function RenameTitle({ name, onRename, disabled }: { name: string; onRename: (name: string) => Promise<boolean>; disabled: boolean }) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <Group gap={4} wrap="nowrap" miw={0}>
        <Title order={1} size="h4" className={classes.name} title={name}>
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
      size="xs"
      w={320}
      maw="100%"
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

/** Moment and persona, then status, version and save state; the first gives way when the name needs the room. */
function JourneyFacts(props: Pick<HeaderProps, 'name' | 'momentLabel' | 'personaName' | 'status' | 'currentVersion' | 'saveStatus' | 'onRetrySave'>) {
  const readOnly = useEditorReadOnly();
  const where = `${props.momentLabel} · ${props.personaName}`;
  return (
    <Group gap={8} wrap="nowrap" miw={0}>
      {/* A journey named after its cell (the default name) says so once, in its name. */}
      {props.name.trim() !== where && (
        <Text size="xs" c="dimmed" truncate="end" miw={0} title={where}>
          {where}
        </Text>
      )}
      <Group gap={6} wrap="nowrap" className={classes.keep}>
        <JourneyStatusBadge status={props.status} />
        {props.currentVersion !== null && (
          <Text size="xs" c="dimmed">
            v{props.currentVersion}
          </Text>
        )}
        {!readOnly && <SaveIndicator status={props.saveStatus} onRetry={props.onRetrySave} />}
      </Group>
    </Group>
  );
}

function MoreMenu({ onHistory, onExport, onDuplicate, onArchive }: Pick<HeaderProps, 'onHistory' | 'onExport' | 'onDuplicate' | 'onArchive'>) {
  const readOnly = useEditorReadOnly();
  return (
    <Menu position="bottom-end" width={200}>
      <Menu.Target>
        <Button variant="default" size="xs" rightSection={<IconChevronDown size={14} aria-hidden />} aria-label="More journey actions">
          More
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item leftSection={<IconHistory size={16} aria-hidden />} onClick={onHistory}>
          Version history
        </Menu.Item>
        <Menu.Item leftSection={<IconDownload size={16} aria-hidden />} onClick={onExport}>
          Export file
        </Menu.Item>
        <Menu.Item leftSection={<IconCopy size={16} aria-hidden />} onClick={onDuplicate}>
          Duplicate…
        </Menu.Item>
        {!readOnly && (
          <>
            <Menu.Divider />
            <Menu.Item leftSection={<IconArchive size={16} aria-hidden />} color="red" onClick={onArchive}>
              Archive…
            </Menu.Item>
          </>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

export function EditorHeader(props: HeaderProps) {
  const readOnly = useEditorReadOnly();
  const { status, currentVersion, busy } = props;
  return (
    <Group className={classes.header} justify="space-between" wrap="nowrap" gap="md">
      {/* The name and its facts give way first when space runs out; figures and actions never do. */}
      <Group gap="sm" wrap="nowrap" miw={0}>
        <Tooltip label="All journeys">
          <ActionIcon component={Link} to="/journeys" variant="subtle" color="gray" aria-label="All journeys">
            <IconArrowLeft size={18} />
          </ActionIcon>
        </Tooltip>
        <Stack gap={2} miw={0}>
          <RenameTitle name={props.name} onRename={props.onRename} disabled={readOnly} />
          <JourneyFacts {...props} />
        </Stack>
        <Group gap="md" wrap="nowrap" className={classes.keep}>
          <FiguresSummary />
          <HoldoutSummary />
        </Group>
      </Group>
      <Group gap="xs" wrap="nowrap" className={classes.keep}>
        {!readOnly && <ProblemsButton />}
        <SimulateButton />
        <MoreMenu onHistory={props.onHistory} onExport={props.onExport} onDuplicate={props.onDuplicate} onArchive={props.onArchive} />
        {status === 'live' && (
          <Button variant="default" size="xs" leftSection={<IconPlayerPause size={16} />} onClick={props.onPause} loading={busy === 'pause'}>
            Pause
          </Button>
        )}
        {status === 'paused' && (
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
