// Workspace roles: who may do what is decided in one tRPC middleware on the server.
import { z } from 'zod';

export const ROLES = ['admin', 'marketer', 'manager'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  marketer: 'Marketer',
  manager: 'Manager',
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: 'Everything, including users, API keys and sending settings.',
  marketer: 'Builds journeys and templates, imports contacts, simulates and test-sends.',
  manager: 'Runs experiments, declares winners, reads results and the lifecycle funnel.',
};
