// The app's sections, in navigation order.
import {
  IconChartDots3,
  IconChartSankey,
  IconFlask,
  IconInbox,
  IconLayoutGrid,
  IconMail,
  IconMailCheck,
  IconRoute,
  IconSettings,
  IconUsers,
  type Icon,
} from '@tabler/icons-react';
import type { Role } from '../../shared/roles.ts';

export interface Section {
  path: string;
  label: string;
  icon: Icon;
  /** Shown only to these roles (admins see everything); unset, to everyone. */
  roles?: readonly Role[];
}

export const SECTIONS: readonly Section[] = [
  { path: '/', label: 'Lifecycle', icon: IconLayoutGrid },
  { path: '/dashboard', label: 'Dashboard', icon: IconChartSankey },
  { path: '/journeys', label: 'Journeys', icon: IconRoute },
  { path: '/templates', label: 'Templates', icon: IconMail },
  { path: '/contacts', label: 'Contacts', icon: IconUsers },
  { path: '/personas', label: 'Personas', icon: IconChartDots3 },
  { path: '/experiments', label: 'Experiments', icon: IconFlask },
  { path: '/inbox', label: 'Inbox', icon: IconInbox },
  { path: '/deliverability', label: 'Deliverability', icon: IconMailCheck, roles: ['admin', 'manager'] },
  { path: '/settings', label: 'Settings', icon: IconSettings },
];
