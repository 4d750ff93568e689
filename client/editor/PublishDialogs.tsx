// Publishing: where contacts in flight go when a version already exists, and why a publish was refused.
import { Alert, Anchor, Button, Group, List, Loader, Modal, Paper, Radio, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { ValidationIssue } from '../../shared/journey/validate.ts';
import { useTRPC } from '../api/trpc.ts';
import { ValidationList } from './ValidationList.tsx';

export type MigrationChoice = 'stay' | 'same_node' | 'exit';

const CHOICES: { value: MigrationChoice; label: string; description: string }[] = [
  {
    value: 'stay',
    label: 'Stay on their version',
    description: 'Contacts already inside finish the version they entered; new contacts get the new one. The safe default.',
  },
  {
    value: 'same_node',
    label: 'Move to the same step of the new version',
    description: 'Each contact continues at the step with the same id in the new version; one whose step is gone or became another kind of step leaves the journey.',
  },
  { value: 'exit', label: 'Leave the journey', description: 'Contacts already inside leave now; new contacts get the new version.' },
];

/** One line per experiment this version starts, restarts or ends (an unchanged one continues and goes unsaid). */
export function experimentChangeText(x: { name: string; change: 'start' | 'restart' | 'end' | 'continue' }): string {
  switch (x.change) {
    case 'start':
      return `The experiment “${x.name}” starts counting.`;
    case 'restart':
      return `“${x.name}” measures differently now, so a new experiment starts; the figures so far stay with the old one.`;
    case 'end':
      return `The experiment “${x.name}” ends: its figures are kept as they stand.`;
    case 'continue':
      return `The experiment “${x.name}” goes on.`;
  }
}

/** What publishing will do, asked from the server when the dialog opens: entry, first email, other live journeys. */
function PublishOutlook({ journeyId }: { journeyId: string }) {
  const trpc = useTRPC();
  const preview = useQuery(trpc.journeys.publishPreview.queryOptions({ id: journeyId }, { staleTime: 0 }));
  if (preview.isPending) return <Group gap="xs"><Loader size="xs" /><Text size="sm">Working out what will happen…</Text></Group>;
  if (preview.isError) return <Text size="sm" c="red">Could not work out what will happen: {preview.error.message}</Text>;
  const p = preview.data;
  return (
    <Stack gap="sm">
      {p.otherLiveJourneys.length > 0 && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} title="Another journey already runs for this moment and persona">
          <Text size="sm">Contacts would enter both and receive both journeys’ emails:</Text>
          <List size="sm" mt={4}>
            {p.otherLiveJourneys.map((j) => (
              <List.Item key={j.id}>
                <Anchor component={Link} to={`/journeys/${j.id}`} size="sm">{j.name}</Anchor> ({j.status})
              </List.Item>
            ))}
          </List>
          <Text size="sm" mt={4}>Pause or archive it first unless both should run.</Text>
        </Alert>
      )}
      <Text size="sm" fw={600}>What happens when you publish</Text>
      <List size="sm" spacing={4}>
        <List.Item>{p.entry}</List.Item>
        <List.Item>{p.firstEmail ?? 'No email goes out before the first branch of the journey ends.'}</List.Item>
        {!p.firstPublish && <List.Item>{p.inFlight === 0 ? 'Nobody is inside the journey now.' : `${p.inFlight.toLocaleString()} ${p.inFlight === 1 ? 'contact is' : 'contacts are'} inside the journey now.`}</List.Item>}
        {p.experiments.map((x) => (
          <List.Item key={x.nodeId}>{experimentChangeText(x)}</List.Item>
        ))}
      </List>
    </Stack>
  );
}

export function MigrationDialog({ opened, nextVersion, onCancel, onConfirm, publishing, journeyId, firstPublish = false }: {
  opened: boolean;
  nextVersion: number;
  onCancel: () => void;
  onConfirm: (choice: MigrationChoice) => void;
  publishing: boolean;
  /** Shows what publishing will do (asked from the server). */
  journeyId?: string;
  /** The first version: nobody is in flight, so there is no migration to choose. */
  firstPublish?: boolean;
}) {
  const [choice, setChoice] = useState<MigrationChoice>('stay');
  return (
    <Modal opened={opened} onClose={onCancel} title={firstPublish ? 'Publish this journey' : `Publish version ${nextVersion}`} size="lg">
      <Stack gap="md">
        {opened && journeyId && <PublishOutlook journeyId={journeyId} />}
        {!firstPublish && <Radio.Group value={choice} onChange={(v) => setChoice(v as MigrationChoice)} label="Contacts in flight" description="Where do contacts that are inside the journey right now go?">
          <Stack gap="sm" mt="sm">
            {CHOICES.map((c) => (
              <Radio key={c.value} value={c.value} label={c.label} description={c.description} />
            ))}
          </Stack>
        </Radio.Group>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button onClick={() => onConfirm(choice)} loading={publishing}>
            {firstPublish ? 'Publish and go live' : `Publish version ${nextVersion}`}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function PublishRefusedDialog({ issues, message, onClose }: { issues: ValidationIssue[] | null; message: string; onClose: () => void }) {
  return (
    <Modal opened={issues !== null} onClose={onClose} title="This journey cannot be published yet" size="lg">
      <Stack gap="sm">
        <Text size="sm">{message}</Text>
        <Paper withBorder h={320}>
          {issues && <ValidationList issues={issues} onPicked={onClose} />}
        </Paper>
        <Group justify="flex-end">
          <Button onClick={onClose}>Fix the problems</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
