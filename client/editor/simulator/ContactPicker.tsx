// Picks a stored contact by email or name; the simulator then runs with its traits, phase, persona and history.
import { Badge, Group, Loader, Paper, Select, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useController } from 'react-hook-form';
import { errorMessage, useTRPC } from '../../api/trpc.ts';
import { CLOSED_DROPDOWN } from '../forms/fields.tsx';
import type { SimulatorValues } from './request.ts';

/** The picked contact as the simulator will see it; its events before the start count for conditions. */
export function usePickedContact(id: string | null) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.contacts.get.queryOptions({ id: id ?? '' }), enabled: id !== null });
}

function PickedContact({ id }: { id: string }) {
  const picked = usePickedContact(id);
  if (picked.isPending) return <Loader size="xs" role="progressbar" aria-label="Loading the contact" />;
  if (picked.isError) {
    return (
      <Text size="xs" c="red">
        {errorMessage(picked.error)}
      </Text>
    );
  }
  const { contact, persona } = picked.data;
  return (
    <Paper withBorder p="xs" radius="md" bg="gray.0" component="section" aria-label="Picked contact">
      <Stack gap={4}>
        <Text size="sm" fw={600} truncate>
          {contact.name ? `${contact.name} · ${contact.email}` : contact.email}
        </Text>
        <Group gap={6}>
          <Badge size="xs" variant="light" color={persona?.color ?? 'gray'}>
            {persona?.name ?? 'No persona'}
          </Badge>
          <Badge size="xs" variant="light" color="teal">
            {contact.phase}
          </Badge>
          <Badge size="xs" variant="light" color={contact.subscription === 'subscribed' ? 'indigo' : 'orange'}>
            {contact.subscription}
          </Badge>
          <Badge size="xs" variant="outline" color="gray">
            {contact.timezone ?? 'UTC (no time zone)'}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          Its events before the start count for conditions, as they would live.
        </Text>
      </Stack>
    </Paper>
  );
}

export function ContactPicker() {
  const trpc = useTRPC();
  const { field, fieldState } = useController<SimulatorValues, 'contactId'>({ name: 'contactId' });
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  // The picked contact stays an option while another search runs, so the field keeps showing it.
  const [pickedLabel, setPickedLabel] = useState<{ value: string; label: string } | null>(null);
  // Once a contact is picked the field shows its label; that is no search for another one.
  const query = pickedLabel && debounced === pickedLabel.label ? '' : debounced;
  const found = useQuery({ ...trpc.templates.previewContacts.queryOptions({ search: query }), placeholderData: keepPreviousData });
  const options = (found.data ?? []).map((c) => ({ value: c.id, label: c.name ? `${c.name} <${c.email}>` : c.email }));
  if (pickedLabel && field.value === pickedLabel.value && !options.some((o) => o.value === pickedLabel.value)) options.unshift(pickedLabel);

  return (
    <Stack gap="xs">
      <Select
        label="Contact"
        placeholder="Search by email or name"
        searchable
        clearable
        data={options}
        value={field.value}
        onChange={(value, option) => {
          field.onChange(value);
          setPickedLabel(value && option ? { value, label: option.label } : null);
        }}
        searchValue={search}
        onSearchChange={setSearch}
        // The server searched already; the list shows what it found.
        filter={({ options: all }) => all}
        nothingFoundMessage={found.isFetching ? 'Searching…' : found.isError ? errorMessage(found.error) : 'No contact matches'}
        rightSection={found.isFetching ? <Loader size={14} /> : undefined}
        error={fieldState.error?.message}
        comboboxProps={CLOSED_DROPDOWN}
      />
      {field.value && <PickedContact id={field.value} />}
    </Stack>
  );
}
