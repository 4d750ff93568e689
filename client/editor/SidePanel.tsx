// The side panel: the selected step's form (from its kind's schema), or the journey's settings when none is.
import { Alert, Button, Fieldset, Group, List, Stack, Text, TextInput, ThemeIcon, Title } from '@mantine/core';
import { IconCopy, IconPlugConnected, IconTrash } from '@tabler/icons-react';
import { useDeferredValue } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { kindDefinition, type NodeKind } from '../../shared/journey/kinds.ts';
import { useEditor, useEditorReadOnly, useEditorStoreApi } from './EditorContext.tsx';
import { useEditorUi } from './EditorUi.tsx';
import focus from './focus.module.css';
import { CONFIG_FORMS } from './forms/index.ts';
import { JourneySettingsForm } from './forms/JourneySettingsForm.tsx';
import { KIND_META } from './kindMeta.ts';
import classes from './panels.module.css';

/** Problems of the node beyond what its form's schema shows: connections, reachability, loops, references. */
function NodeProblems({ id }: { id: string }) {
  const messages = useEditor(
    useShallow((s) =>
      (s.issuesByNode.get(id) ?? [])
        // Schema problems and problems of one config field show at that field, in the form.
        .filter((i) => i.code !== 'invalid_config' && i.code !== 'split_weights' && !(i.path[0] === 'config' && i.path.length > 1))
        .map((i) => i.message),
    ),
  );
  if (messages.length === 0) return null;
  return (
    <Alert color="red" variant="light" p="xs" title={messages.length === 1 ? 'One problem' : `${messages.length} problems`}>
      <List size="xs" spacing={2}>
        {messages.map((m) => (
          <List.Item key={m}>{m}</List.Item>
        ))}
      </List>
    </Alert>
  );
}

function NodePanel({ id, kind }: { id: string; kind: NodeKind }) {
  const store = useEditorStoreApi();
  const ui = useEditorUi();
  const readOnly = useEditorReadOnly();
  const data = useEditor((s) => s.nodes.find((n) => n.id === id)?.data);
  if (!data) return null;
  const def = kindDefinition(kind);
  const hasOutputs = def.outputs(data.config).length > 0;
  const meta = KIND_META[kind];
  const Form = CONFIG_FORMS[kind];
  const Icon = meta.icon;
  return (
    <Stack gap="sm">
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon variant="light" color={meta.color} size="lg" aria-hidden>
          <Icon size={20} />
        </ThemeIcon>
        <div>
          <Title order={2} size="h5">
            {def.label}
          </Title>
          <Text size="xs" c="dimmed">
            {def.description}
          </Text>
        </div>
      </Group>
      <NodeProblems id={id} />
      <Fieldset variant="unstyled" disabled={readOnly}>
        <TextInput
          label="Name on the canvas"
          placeholder={def.label}
          maxLength={80}
          value={data.name ?? ''}
          onChange={(e) => store.getState().renameNode(id, e.currentTarget.value)}
        />
      </Fieldset>
      {/* Keyed by node: another node gets a fresh form. It locks its own fields in a read-only editor (ConfigFormFrame). */}
      <Form key={id} nodeId={id} config={data.config} />
      <Text size="xs" c="dimmed" ff="monospace">
        id: {id}
      </Text>
      {!readOnly && (
        <Group gap="xs">
          {hasOutputs && (
            <Button size="xs" variant="default" leftSection={<IconPlugConnected size={14} />} onClick={() => ui.connectFrom(id)} aria-keyshortcuts="C">
              Connect to…
            </Button>
          )}
          <Button size="xs" variant="default" leftSection={<IconCopy size={14} />} onClick={() => store.getState().duplicateSelection()}>
            Duplicate
          </Button>
          <Button size="xs" variant="light" color="red" leftSection={<IconTrash size={14} />} onClick={() => store.getState().deleteSelection()}>
            Delete step
          </Button>
        </Group>
      )}
    </Stack>
  );
}

export function SidePanel() {
  const store = useEditorStoreApi();
  const readOnly = useEditorReadOnly();
  const selection = useEditor((s) =>
    s.nodes
      .filter((n) => n.selected)
      .map((n) => `${n.id}\u0000${n.type}`)
      .join('\u0001'),
  );
  // Mounting a form is the heaviest render of the editor; deferred, it never holds up the drag that selected the node.
  const deferred = useDeferredValue(selection);
  const selected = deferred === '' ? [] : deferred.split('\u0001');
  const [only] = selected.length === 1 ? selected : [];
  const [id, kind] = only ? (only.split('\u0000') as [string, NodeKind]) : [];

  return (
    <div className={`${classes.scroll} ${focus.fields}`}>
      <Stack p="sm" gap="sm" component="section" aria-label={id ? 'Step settings' : 'Journey settings'} data-step-settings={id ? '' : undefined}>
        {id && kind ? (
          <NodePanel id={id} kind={kind} />
        ) : selected.length > 1 ? (
          <Stack gap="sm">
            <Title order={2} size="h5">
              {selected.length} steps selected
            </Title>
            {!readOnly && (
              <Group gap="xs">
                <Button size="xs" variant="default" leftSection={<IconCopy size={14} />} onClick={() => store.getState().duplicateSelection()}>
                  Duplicate
                </Button>
                <Button size="xs" variant="light" color="red" leftSection={<IconTrash size={14} />} onClick={() => store.getState().deleteSelection()}>
                  Delete
                </Button>
              </Group>
            )}
          </Stack>
        ) : (
          <Stack gap="sm">
            <Title order={2} size="h5">
              Journey settings
            </Title>
            <Fieldset variant="unstyled" disabled={readOnly}>
              <JourneySettingsForm />
            </Fieldset>
          </Stack>
        )}
      </Stack>
    </div>
  );
}
