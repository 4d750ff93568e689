// Settings: users (admins), with API keys and sending to come.
import { Alert, Tabs } from '@mantine/core';
import { IconKey, IconLock, IconMailCog, IconTimeline, IconUsers } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { useTRPC } from '../api/trpc.ts';
import { PageHeader } from '../ui/PageHeader.tsx';
import { PlannedFeature } from '../ui/PlannedFeature.tsx';
import { LoadingState } from '../ui/QueryState.tsx';
import { SendingPanel } from './settings/SendingPanel.tsx';
import { ApiKeysPanel } from './settings/ApiKeysPanel.tsx';
import { LifecyclePanel } from './settings/LifecyclePanel.tsx';
import { UsersPanel } from './settings/UsersPanel.tsx';

export function SettingsPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.users.me.queryOptions());
  const [params, setParams] = useSearchParams();
  return (
    <>
      <PageHeader title="Settings" description="The workspace's people, keys and sending." />
      <Tabs value={params.get('tab') ?? 'users'} onChange={(tab) => setParams(tab && tab !== 'users' ? { tab } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List mb="lg">
          <Tabs.Tab value="users" leftSection={<IconUsers size={16} aria-hidden />}>
            Users
          </Tabs.Tab>
          <Tabs.Tab value="keys" leftSection={<IconKey size={16} aria-hidden />}>
            API keys
          </Tabs.Tab>
          <Tabs.Tab value="lifecycle" leftSection={<IconTimeline size={16} aria-hidden />}>
            Lifecycle
          </Tabs.Tab>
          <Tabs.Tab value="sending" leftSection={<IconMailCog size={16} aria-hidden />}>
            Sending
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="users">
          {me.isPending && <LoadingState label="Loading" />}
          {me.data?.role === 'admin' && <UsersPanel currentUserId={me.data.id} />}
          {me.data && me.data.role !== 'admin' && (
            <Alert icon={<IconLock aria-hidden />} variant="light" color="gray" title="Admins manage users">
              Ask an admin of this workspace to add people or change roles.
            </Alert>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="keys">
          {me.isPending && <LoadingState label="Loading" />}
          {me.data?.role === 'admin' && <ApiKeysPanel />}
          {me.data && me.data.role !== 'admin' && (
            <Alert icon={<IconLock aria-hidden />} variant="light" color="gray" title="Admins manage API keys">
              Ask an admin of this workspace for a write key for your shop's events.
            </Alert>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="lifecycle">
          {me.isPending && <LoadingState label="Loading" />}
          {me.data && <LifecyclePanel canEdit={me.data.role !== 'manager'} />}
        </Tabs.Panel>
        <Tabs.Panel value="sending">
          {me.isPending && <LoadingState label="Loading" />}
          {me.data && <SendingPanel isAdmin={me.data.role === 'admin'} />}
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
