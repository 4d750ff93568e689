// Keeps unsaved draft changes from being lost: saves before leaving the editor, and asks when it cannot.
import { Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useBlocker } from 'react-router';
import type { DraftAutosave } from './useDraftAutosave.ts';

export function UnsavedChangesGuard({ autosave }: { autosave: DraftAutosave }) {
  const dirty = autosave.status !== 'saved';
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  const [failed, setFailed] = useState(false);

  // Leaving within the autosave delay is the common case: save first, then go.
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    setFailed(false);
    let cancelled = false;
    void autosave.flush().then((ok) => {
      if (cancelled) return;
      if (ok) blocker.proceed();
      else setFailed(true);
    });
    return () => {
      cancelled = true;
    };
    // Run once per blocked navigation.
  }, [blocker.state]);

  // Closing the tab or reloading: the browser asks.
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);

  return (
    <Modal opened={blocker.state === 'blocked'} onClose={() => blocker.reset?.()} title={failed ? 'Your latest changes are not saved' : 'Saving your changes'} withCloseButton={failed}>
      {failed ? (
        <Stack gap="md">
          <Text size="sm">{autosave.error ?? 'The draft could not be saved.'}</Text>
          <Text size="sm">If you leave now, the changes since the last save are lost.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => blocker.reset?.()}>
              Stay
            </Button>
            <Button color="red" onClick={() => blocker.proceed?.()}>
              Leave without saving
            </Button>
          </Group>
        </Stack>
      ) : (
        <Group gap="sm">
          <Loader size="sm" />
          <Text size="sm">Saving the draft before you leave…</Text>
        </Group>
      )}
    </Modal>
  );
}
