// The journey editor: one store per open journey, the canvas between palette and panels, and the journey's actions.
import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconArchive, IconLock } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { ReactFlowProvider } from '@xyflow/react';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import type { ReferenceContext, ValidationIssue } from '../../shared/journey/validate.ts';
import { DEFAULT_PHASES } from '../../shared/lifecycle/phases.ts';
import { errorMessage, useTRPC } from '../api/trpc.ts';
import type { JourneyDetail, JourneyReferences } from './api.ts';
import { Canvas } from './Canvas.tsx';
import { toFlow } from './convert.ts';
import { EditorHeader } from './EditorHeader.tsx';
import { EditorProvider } from './EditorContext.tsx';
import { EditorUiProvider, useEditorUi } from './EditorUi.tsx';
import { ExperimentsProvider, type ExperimentEditing } from './experiments/ExperimentsContext.tsx';
import { FiguresProvider } from './figures/FiguresContext.tsx';
import { useExportJourney } from './importExport.ts';
import { JourneyOutline } from './JourneyOutline.tsx';
import classes from './layout.module.css';
import { Palette } from './Palette.tsx';
import { MigrationDialog, PublishRefusedDialog, type MigrationChoice } from './PublishDialogs.tsx';
import { SidePanel } from './SidePanel.tsx';
import { Simulator } from './simulator/Simulator.tsx';
import { createEditorStore, type EditorStore } from './store.ts';
import { UnsavedChangesGuard } from './UnsavedChangesGuard.tsx';
import { useDraftAutosave } from './useDraftAutosave.ts';
import { useEditorShortcuts } from './useEditorShortcuts.ts';
import { ValidationList } from './ValidationList.tsx';
import { VersionHistory } from './VersionHistory.tsx';

/** The same reference context the server validates with (phases fall back to the defaults, as there). */
export function toReferenceContext(references: JourneyReferences): ReferenceContext {
  return {
    templateIds: new Set(references.templates.map((t) => t.id)),
    personaKeys: new Set(references.personas.map((p) => p.key)),
    phaseKeys: new Set(references.phases.length > 0 ? references.phases.map((p) => p.key) : DEFAULT_PHASES.map((p) => p.key)),
  };
}

function validationIssuesOf(error: unknown): ValidationIssue[] | null {
  if (!(error instanceof TRPCClientError)) return null;
  const issues = (error.data as { validationIssues?: ValidationIssue[] | null } | undefined)?.validationIssues;
  return Array.isArray(issues) && issues.length > 0 ? issues : null;
}

interface EditorProps {
  journey: JourneyDetail;
  references: JourneyReferences;
  momentLabel: string;
  /** False for a manager: they may pause and resume a journey, not edit it. */
  canEdit: boolean;
  /** Loads the newest draft from the server and opens it afresh (after a stale save). */
  onReload: () => void;
}

function DuplicateDialog({ opened, journey, references, onClose }: { opened: boolean; journey: JourneyDetail; references: JourneyReferences; onClose: () => void }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [persona, setPersona] = useState<string>(journey.personaKey ?? 'all');
  const [name, setName] = useState(`${journey.name} (copy)`);
  const duplicate = useMutation(trpc.journeys.duplicate.mutationOptions());
  const submit = async () => {
    try {
      const { id } = await duplicate.mutateAsync({ id: journey.id, personaKey: persona === 'all' ? null : persona, name: name.trim() });
      void queryClient.invalidateQueries(trpc.journeys.list.pathFilter());
      void queryClient.invalidateQueries(trpc.lifecycle.matrix.pathFilter());
      onClose();
      navigate(`/journeys/${id}`);
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not duplicate', message: errorMessage(error) });
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Duplicate journey">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          The copy starts as a draft with this journey's current draft graph.
        </Text>
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={120} />
        <Select
          label="For persona"
          allowDeselect={false}
          value={persona}
          onChange={(v) => setPersona(v ?? 'all')}
          data={[{ value: 'all', label: 'All personas' }, ...references.personas.map((p) => ({ value: p.key, label: p.name }))]}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => void submit()} loading={duplicate.isPending} disabled={!name.trim()}>
            Duplicate
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function isReadOnly(journey: JourneyDetail, canEdit: boolean): boolean {
  return journey.status === 'archived' || !canEdit;
}

/** Marketers change experiment settings in the draft; managers, whose editor is read-only, save them on their own. */
function experimentEditing(journey: JourneyDetail, canEdit: boolean): ExperimentEditing {
  return journey.status === 'archived' ? 'view' : canEdit ? 'draft' : 'configure';
}

function EditorLayout({ journey, references, momentLabel, canEdit, onReload, store }: EditorProps & { store: EditorStore }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const readOnly = isReadOnly(journey, canEdit);
  const autosave = useDraftAutosave(journey.id, journey.revision, store, !readOnly);
  const ui = useEditorUi();
  useEditorShortcuts(store, !readOnly, ui);
  const exportJourney = useExportJourney();

  const [busy, setBusy] = useState<string | null>(null);
  const [migrationOpen, setMigrationOpen] = useState(false);
  const [refused, setRefused] = useState<{ issues: ValidationIssue[]; message: string } | null>(null);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [restoring, setRestoring] = useState<number | null>(null);
  const [archiveOpen, setArchiveOpen] = useState(false);
  const [duplicateOpen, setDuplicateOpen] = useState(false);

  const publish = useMutation(trpc.journeys.publish.mutationOptions());
  const pause = useMutation(trpc.journeys.pause.mutationOptions());
  const resume = useMutation(trpc.journeys.resume.mutationOptions());
  const archive = useMutation(trpc.journeys.archive.mutationOptions());
  const rename = useMutation(trpc.journeys.rename.mutationOptions());
  const restore = useMutation(trpc.journeys.restoreVersion.mutationOptions());

  const personaName =
    journey.personaKey === null ? 'All personas' : (references.personas.find((p) => p.key === journey.personaKey)?.name ?? journey.personaKey);

  function refreshJourney() {
    void queryClient.invalidateQueries({ queryKey: trpc.journeys.get.queryKey({ id: journey.id }) });
    void queryClient.invalidateQueries(trpc.journeys.versions.pathFilter());
    void queryClient.invalidateQueries(trpc.journeys.list.pathFilter());
    void queryClient.invalidateQueries(trpc.lifecycle.matrix.pathFilter());
  }

  /** Runs a journey action after the draft is saved, showing a failure as a notification. */
  async function act(label: string, action: () => Promise<void>) {
    setBusy(label);
    try {
      if (!(await autosave.flush())) {
        notifications.show({ color: 'red', title: 'The draft is not saved', message: autosave.error ?? 'Save the draft first, then try again.' });
        return;
      }
      await action();
    } catch (error) {
      notifications.show({ color: 'red', title: 'That did not work', message: errorMessage(error) });
    } finally {
      setBusy(null);
    }
  }

  async function doPublish(migration?: MigrationChoice) {
    await act('publish', async () => {
      try {
        const { version } = await publish.mutateAsync({ id: journey.id, revision: autosave.revision(), migration });
        setMigrationOpen(false);
        notifications.show({
          color: 'teal',
          title: `Version ${version} published`,
          message: journey.status === 'paused' ? 'The journey stays paused; resume it to run this version.' : 'New contacts now enter this version.',
        });
        refreshJourney();
      } catch (error) {
        setMigrationOpen(false);
        const issues = validationIssuesOf(error);
        if (!issues) throw error;
        setRefused({ issues, message: errorMessage(error) });
      }
    });
  }

  async function changeStatus(label: 'pause' | 'resume', mutate: (input: { id: string }) => Promise<unknown>) {
    await act(label, async () => {
      await mutate({ id: journey.id });
      notifications.show({
        color: 'teal',
        title: label === 'pause' ? 'Journey paused' : 'Journey resumed',
        message: label === 'pause' ? 'Contacts stay where they are until you resume.' : 'Contacts continue from where they were.',
      });
      refreshJourney();
    });
  }

  async function onRename(name: string): Promise<boolean> {
    try {
      await rename.mutateAsync({ id: journey.id, name });
      refreshJourney();
      return true;
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not rename', message: errorMessage(error) });
      return false;
    }
  }

  async function onRestore(version: number) {
    setRestoring(version);
    await act('restore', async () => {
      const { revision } = await restore.mutateAsync({ id: journey.id, version, revision: autosave.revision() });
      const fresh = await queryClient.fetchQuery({ ...trpc.journeys.get.queryOptions({ id: journey.id }), staleTime: 0 });
      store.getState().replaceDocument(toFlow(fresh.graph, fresh.layout));
      autosave.markSaved(revision);
      setHistoryOpen(false);
      notifications.show({ color: 'teal', title: `Version ${version} restored into the draft`, message: 'Undo brings back what the draft held before.' });
    });
    setRestoring(null);
  }

  return (
    <div className={classes.root}>
      <EditorHeader
        name={journey.name}
        momentLabel={momentLabel}
        personaName={personaName}
        status={journey.status}
        currentVersion={journey.currentVersion}
        saveStatus={autosave.status}
        busy={busy}
        onRename={onRename}
        onRetrySave={() => void autosave.flush()}
        onPublish={() => setMigrationOpen(true)}
        onPause={() => void changeStatus('pause', pause.mutateAsync)}
        onResume={() => void changeStatus('resume', resume.mutateAsync)}
        onArchive={() => setArchiveOpen(true)}
        onDuplicate={() => void act('duplicate', async () => setDuplicateOpen(true))}
        onExport={() => void act('export', () => exportJourney(journey.id, journey.name))}
        onHistory={() => setHistoryOpen(true)}
      />
      {autosave.status === 'conflict' && (
        <Alert color="red" variant="light" radius={0} icon={<IconAlertTriangle />} title="This draft was changed elsewhere">
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Text size="sm">{autosave.error}</Text>
            <Button size="xs" color="red" onClick={onReload} className={classes.keep}>
              Reload the newest draft
            </Button>
          </Group>
        </Alert>
      )}
      {readOnly && journey.status !== 'archived' && (
        <Alert color="gray" variant="light" radius={0} icon={<IconLock />}>
          You can look at this journey and pause or resume it; changing it needs the marketer role.
        </Alert>
      )}
      {journey.status === 'archived' && (
        <Alert color="gray" variant="light" radius={0} icon={<IconArchive />}>
          This journey is archived and can no longer change. Duplicate it to work on a copy.
        </Alert>
      )}
      <div className={classes.body}>
        {!readOnly && (
          <nav className={classes.palette} aria-label="Steps to add">
            <Palette />
          </nav>
        )}
        <div className={classes.canvas} data-journey-canvas>
          <Canvas />
        </div>
        {ui.outlineOpen && <JourneyOutline />}
        <aside className={classes.panels}>
          <div className={classes.settings}>
            <SidePanel />
          </div>
          <div className={classes.problems}>
            <ValidationList />
          </div>
        </aside>
      </div>

      <MigrationDialog
        opened={migrationOpen}
        nextVersion={(journey.currentVersion ?? 0) + 1}
        journeyId={journey.id}
        firstPublish={journey.currentVersion === null}
        publishing={busy === 'publish'}
        onCancel={() => setMigrationOpen(false)}
        onConfirm={(choice) => void doPublish(choice)}
      />
      <PublishRefusedDialog issues={refused?.issues ?? null} message={refused?.message ?? ''} onClose={() => setRefused(null)} />
      <VersionHistory
        journeyId={journey.id}
        currentVersion={journey.currentVersion}
        opened={historyOpen}
        onClose={() => setHistoryOpen(false)}
        onRestore={(v) => void onRestore(v)}
        restoring={restoring}
        readOnly={readOnly}
      />
      <Modal opened={archiveOpen} onClose={() => setArchiveOpen(false)} title={`Archive “${journey.name}”?`}>
        <Stack gap="md">
          <Text size="sm">Archived journeys take no new contacts and can no longer be edited. You can still duplicate them.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setArchiveOpen(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={busy === 'archive'}
              onClick={() =>
                void act('archive', async () => {
                  await archive.mutateAsync({ id: journey.id });
                  setArchiveOpen(false);
                  refreshJourney();
                })
              }
            >
              Archive
            </Button>
          </Group>
        </Stack>
      </Modal>
      {duplicateOpen && <DuplicateDialog opened journey={journey} references={references} onClose={() => setDuplicateOpen(false)} />}
      {!readOnly && <UnsavedChangesGuard autosave={autosave} />}
    </div>
  );
}

export function JourneyEditor(props: EditorProps) {
  // One store per open journey, made once; the page remounts this component to open another draft.
  const [store] = useState(() => createEditorStore(toFlow(props.journey.graph, props.journey.layout), { refs: toReferenceContext(props.references) }));
  const references = useMemo(() => props.references, [props.references]);
  return (
    <EditorProvider store={store} references={references} readOnly={isReadOnly(props.journey, props.canEdit)}>
      <ReactFlowProvider>
        <EditorUiProvider>
          <FiguresProvider journeyId={props.journey.id} status={props.journey.status}>
            <ExperimentsProvider journeyId={props.journey.id} status={props.journey.status} editing={experimentEditing(props.journey, props.canEdit)}>
              <Simulator personaKey={props.journey.personaKey}>
                <EditorLayout {...props} store={store} />
              </Simulator>
            </ExperimentsProvider>
          </FiguresProvider>
        </EditorUiProvider>
      </ReactFlowProvider>
    </EditorProvider>
  );
}
