// The list of the editor's keys, opened with `?` or the keyboard button over the canvas.
import { Group, Kbd, Modal, Table, Text } from '@mantine/core';
import { EDITOR_SHORTCUTS } from './useEditorShortcuts.ts';

export function ShortcutsDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Keyboard shortcuts" size="lg">
      <Text size="sm" c="dimmed" mb="sm">
        Every step can be added, connected, moved, edited and deleted from the keyboard. Letter keys work anywhere in the editor but in a
        field.
      </Text>
      <Table verticalSpacing={6} aria-label="Keyboard shortcuts of the journey editor">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Keys</Table.Th>
            <Table.Th scope="col">What they do</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {EDITOR_SHORTCUTS.map((s) => (
            <Table.Tr key={s.what}>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  {s.keys.map((k) => (
                    <Kbd key={k} size="sm">
                      {k}
                    </Kbd>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{s.what}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
