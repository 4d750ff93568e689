// Side-panel content of an exit: nothing to set.
import { Text } from '@mantine/core';
import type { ConfigFormProps } from './useConfigForm.ts';

export function ExitForm(_props: ConfigFormProps) {
  return (
    <Text size="sm" c="dimmed">
      Contacts leave the journey here. Several paths may lead to the same exit.
    </Text>
  );
}
