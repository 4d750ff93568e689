// The app shell: header with the account menu, navigation, and the page.
import { AppShell, Avatar, Badge, Burger, Group, Menu, NavLink, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconLogout } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { NavLink as RouterNavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { ROLE_LABELS } from '../../shared/roles.ts';
import { authClient } from '../api/auth.ts';
import { useTRPC } from '../api/trpc.ts';
import { Logo } from './Logo.tsx';
import { SECTIONS } from './nav.ts';

function isActive(sectionPath: string, pathname: string): boolean {
  return sectionPath === '/' ? pathname === '/' : pathname === sectionPath || pathname.startsWith(`${sectionPath}/`);
}

function AccountMenu() {
  const trpc = useTRPC();
  const me = useQuery(trpc.users.me.queryOptions());
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  async function signOut() {
    await authClient.signOut();
    queryClient.clear();
    navigate('/sign-in', { replace: true });
  }

  if (!me.data) return null;
  return (
    <Menu position="bottom-end" width={220}>
      <Menu.Target>
        {/* Named by what it shows (the name and role), after "Account:" for screen readers; the avatar repeats the name. */}
        <UnstyledButton>
          <Group gap="xs">
            <VisuallyHidden>Account:</VisuallyHidden>
            {/* On a phone the name is not shown: screen readers still hear it. */}
            <VisuallyHidden hiddenFrom="sm">{me.data.name}</VisuallyHidden>
            <Avatar name={me.data.name} color="initials" size="sm" aria-hidden />
            <Text size="sm" fw={500} visibleFrom="sm">
              {me.data.name}
            </Text>
            <Badge variant="light" size="sm" visibleFrom="sm">
              {ROLE_LABELS[me.data.role]}
            </Badge>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{me.data.email}</Menu.Label>
        <Menu.Item leftSection={<IconLogout size={16} aria-hidden />} onClick={signOut}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const trpc = useTRPC();
  const role = useQuery(trpc.users.me.queryOptions()).data?.role;
  const sections = SECTIONS.filter((s) => !s.roles || (role !== undefined && (role === 'admin' || s.roles.includes(role))));

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Logo />
          </Group>
          <AccountMenu />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        {sections.map((section) => (
          <NavLink
            key={section.path}
            component={RouterNavLink}
            to={section.path}
            label={section.label}
            leftSection={<section.icon size={18} stroke={1.6} aria-hidden />}
            active={isActive(section.path, pathname)}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      {/* The page is grey 0 in the light scheme, dark 8 in a dark one, so text colours keep their contrast in both. */}
      <AppShell.Main bg="light-dark(var(--mantine-color-gray-0), var(--mantine-color-dark-8))">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
