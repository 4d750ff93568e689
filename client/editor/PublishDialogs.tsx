// Publishing: where contacts in flight go when a version already exists, and why a publish was refused.
import { Button, Group, Modal, Paper, Radio, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { ValidationIssue } from '../../shared/journey/validate.ts';
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

export function MigrationDialog({ opened, nextVersion, onCancel, onConfirm, publishing }: {
  opened: boolean;
  nextVersion: number;
  onCancel: () => void;
  onConfirm: (choice: MigrationChoice) => void;
  publishing: boolean;
}) {
  const [choice, setChoice] = useState<MigrationChoice>('stay');
  return (
    <Modal opened={opened} onClose={onCancel} title={`Publish version ${nextVersion}`} size="lg">
      <Stack gap="md">
        <Radio.Group value={choice} onChange={(v) => setChoice(v as MigrationChoice)} label="Contacts in flight" description="Where do contacts that are inside the journey right now go?">
          <Stack gap="sm" mt="sm">
            {CHOICES.map((c) => (
              <Radio key={c.value} value={c.value} label={c.label} description={c.description} />
            ))}
          </Stack>
        </Radio.Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button onClick={() => onConfirm(choice)} loading={publishing}>
            Publish version {nextVersion}
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
