// The one tRPC router of Kairos; the client imports only its type.
import { apiKeysRouter } from './apiKeys.ts';
import { contactsRouter } from './contacts.ts';
import { deliverabilityRouter } from './deliverability.ts';
import { domainsRouter } from './domains.ts';
import { experimentsRouter } from './experiments.ts';
import { inboxRouter } from './inbox.ts';
import { journeysRouter } from './journeys.ts';
import { lifecycleSettingsRouter } from './lifecycleSettings.ts';
import { lifecycleRouter } from './lifecycle.ts';
import { personasRouter } from './personas.ts';
import { reportsRouter } from './reports.ts';
import { setupRouter } from './setup.ts';
import { sendingRouter } from './sending.ts';
import { templatesRouter } from './templates.ts';
import { router } from './trpc.ts';
import { usersRouter } from './users.ts';

export const appRouter = router({
  setup: setupRouter,
  users: usersRouter,
  lifecycle: lifecycleRouter,
  reports: reportsRouter,
  journeys: journeysRouter,
  personas: personasRouter,
  contacts: contactsRouter,
  apiKeys: apiKeysRouter,
  lifecycleSettings: lifecycleSettingsRouter,
  templates: templatesRouter,
  inbox: inboxRouter,
  sending: sendingRouter,
  domains: domainsRouter,
  experiments: experimentsRouter,
  deliverability: deliverabilityRouter,
});

export type AppRouter = typeof appRouter;

/** Procedures that answer without a session: everything else needs one. */
export const PUBLIC_PROCEDURES = ['setup.status', 'setup.createOwner'] as const;
