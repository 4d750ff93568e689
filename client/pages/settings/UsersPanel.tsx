// Admins add people, change their role, reset their password or remove them.
import { zodResolver } from '@hookform/resolvers/zod';
import { ActionIcon, Alert, Button, Group, Menu, Modal, Paper, PasswordInput, Select, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDots, IconKey, IconTrash, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH, newUserSchema, passwordSchema } from '../../../shared/accounts.ts';
import { ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES, type Role } from '../../../shared/roles.ts';
import { errorMessage, useTRPC } from '../../api/trpc.ts';
import { ErrorState, LoadingState } from '../../ui/QueryState.tsx';

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

interface UserRow {
  id: string;
  name: string;
  email: string;
  role: string | null;
}

function useInvalidateUsers() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
}

function AddUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateUsers();
  const create = useMutation(trpc.users.create.mutationOptions());
  const form = useForm({
    resolver: zodResolver(newUserSchema),
    defaultValues: { name: '', email: '', password: '', role: 'marketer' as Role },
  });
  const close = () => {
    form.reset();
    create.reset();
    onClose();
  };
  const onSubmit = form.handleSubmit(async (values) => {
    const created = await create.mutateAsync(values).then(() => true, () => false);
    if (!created) return;
    await invalidate();
    notifications.show({ color: 'teal', message: `${values.email} can now sign in as ${ROLE_LABELS[values.role]}.` });
    close();
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <Modal opened={opened} onClose={close} title="Add a user">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          {create.error && <Alert color="red" variant="light" role="alert">{errorMessage(create.error)}</Alert>}
          <TextInput label="Name" required {...form.register('name')} error={errors.name?.message} data-autofocus />
          <TextInput label="Email" type="email" required {...form.register('email')} error={errors.email && `Email ${errors.email.message}`} />
          <PasswordInput
            label="Password"
            description={`At least ${MIN_PASSWORD_LENGTH} characters; share it with them privately`}
            required
            autoComplete="new-password"
            {...form.register('password')}
            error={errors.password && `Password ${errors.password.message}`}
          />
          <Controller
            control={form.control}
            name="role"
            render={({ field }) => (
              <Select
                label="Role"
                data={ROLE_OPTIONS}
                allowDeselect={false}
                value={field.value}
                onChange={(v) => field.onChange(v)}
                description={ROLE_DESCRIPTIONS[field.value]}
              />
            )}
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>Cancel</Button>
            <Button type="submit" loading={isSubmitting}>Add user</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ResetPasswordModal({ user, onClose }: { user: UserRow | null; onClose: () => void }) {
  const trpc = useTRPC();
  const setPassword = useMutation(trpc.users.setPassword.mutationOptions());
  const form = useForm({ resolver: zodResolver(z.object({ password: passwordSchema })), defaultValues: { password: '' } });
  const close = () => {
    form.reset();
    setPassword.reset();
    onClose();
  };
  const onSubmit = form.handleSubmit(async ({ password }) => {
    if (!user) return;
    const done = await setPassword.mutateAsync({ userId: user.id, password }).then(() => true, () => false);
    if (!done) return;
    notifications.show({ color: 'teal', message: `New password set for ${user.email}; their sessions were signed out.` });
    close();
  });
  return (
    <Modal opened={user !== null} onClose={close} title={`Reset the password of ${user?.name ?? ''}`}>
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          {setPassword.error && <Alert color="red" variant="light" role="alert">{errorMessage(setPassword.error)}</Alert>}
          <PasswordInput
            label="New password"
            autoComplete="new-password"
            required
            data-autofocus
            {...form.register('password')}
            error={form.formState.errors.password && `Password ${form.formState.errors.password.message}`}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>Cancel</Button>
            <Button type="submit" loading={form.formState.isSubmitting}>Set password</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RemoveUserModal({ user, onClose }: { user: UserRow | null; onClose: () => void }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateUsers();
  const remove = useMutation(trpc.users.remove.mutationOptions());
  const close = () => {
    remove.reset();
    onClose();
  };
  async function confirm() {
    if (!user) return;
    await remove.mutateAsync({ userId: user.id });
    await invalidate();
    notifications.show({ message: `${user.email} was removed.` });
    close();
  }
  return (
    <Modal opened={user !== null} onClose={close} title="Remove user">
      <Stack gap="sm">
        {remove.error && <Alert color="red" variant="light" role="alert">{errorMessage(remove.error)}</Alert>}
        <Text size="sm">
          {user?.name} ({user?.email}) will be signed out and can no longer sign in. Their journeys and templates stay.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>Cancel</Button>
          <Button color="red" onClick={() => confirm().catch(() => undefined)} loading={remove.isPending}>Remove</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function UsersPanel({ currentUserId }: { currentUserId: string }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateUsers();
  const users = useQuery(trpc.users.list.queryOptions());
  const setRole = useMutation(
    trpc.users.setRole.mutationOptions({
      onSuccess: () => invalidate(),
      onError: (error) => notifications.show({ color: 'red', title: 'Role not changed', message: errorMessage(error) }),
    }),
  );
  const [adding, setAdding] = useState(false);
  const [resetting, setResetting] = useState<UserRow | null>(null);
  const [removing, setRemoving] = useState<UserRow | null>(null);

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">People who can sign in to this workspace, and what they may do.</Text>
        <Button leftSection={<IconUserPlus size={16} aria-hidden />} onClick={() => setAdding(true)}>Add user</Button>
      </Group>
      {users.isPending && <LoadingState label="Loading users" />}
      {users.isError && <ErrorState error={users.error} onRetry={() => users.refetch()} />}
      {users.data && (
        <Paper withBorder radius="md">
          <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Users">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th w={180}>Role</Table.Th>
                <Table.Th w={60}><VisuallyHidden>Actions</VisuallyHidden></Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.data.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>{u.name}{u.id === currentUserId && <Text span c="dimmed" size="xs"> (you)</Text>}</Text>
                  </Table.Td>
                  <Table.Td><Text size="sm">{u.email}</Text></Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`Role of ${u.email}`}
                      size="xs"
                      data={ROLE_OPTIONS}
                      value={u.role}
                      allowDeselect={false}
                      onChange={(role) => role && setRole.mutate({ userId: u.id, role: role as Role })}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Menu position="bottom-end">
                      <Menu.Target>
                        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${u.email}`}>
                          <IconDots size={16} aria-hidden />
                        </ActionIcon>
                      </Menu.Target>
                      <Menu.Dropdown>
                        <Menu.Item leftSection={<IconKey size={14} aria-hidden />} onClick={() => setResetting(u)}>Reset password</Menu.Item>
                        <Menu.Item
                          color="red"
                          leftSection={<IconTrash size={14} aria-hidden />}
                          disabled={u.id === currentUserId}
                          onClick={() => setRemoving(u)}
                        >
                          Remove
                        </Menu.Item>
                      </Menu.Dropdown>
                    </Menu>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      <AddUserModal opened={adding} onClose={() => setAdding(false)} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
      <RemoveUserModal user={removing} onClose={() => setRemoving(null)} />
    </Stack>
  );
}
