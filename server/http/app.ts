// The Express app: health, better-auth, tRPC and the built web client.
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { fromNodeHeaders, toNodeHandler } from 'better-auth/node';
import express, { type Express } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { appRouter } from '../api/router.ts';
import { createContext } from '../api/trpc.ts';
import type { Auth } from '../auth/auth.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { checkHealth } from '../db/health.ts';
import { log } from '../log.ts';
import { importUploadRouter } from './imports.ts';
import { ingestRouter } from './ingest.ts';
import { publicRouter } from './public.ts';

export interface AppDeps {
  db: Db;
  auth: Auth;
  clock?: Clock;
  /** Folder of the built client (vite build); the app explains how to build it when missing. */
  clientDir: string;
}

export function createApp({ db, auth, clock = systemClock, clientDir }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    const health = checkHealth(db);
    if (health.ok) res.json({ status: 'ok' });
    else res.status(503).json({ status: 'unavailable', reason: health.reason });
  });

  // better-auth reads the raw body itself, so it is mounted before any body parser.
  app.all('/api/auth/*splat', toNodeHandler(auth));

  app.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext: ({ req }) => createContext({ db, auth, clock }, fromNodeHeaders(req.headers)),
      onError: ({ error, path: procedure }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ procedure, err: error.cause ?? error }, 'trpc error');
      },
    }),
  );

  // Public email endpoints for contacts (subscribe, confirm, unsubscribe, preferences, tracking); no session.
  app.use(publicRouter({ db, clock }));

  // The Segment-spec event API; it handles only its own paths, so other /v1 routes (subscribe) still reach theirs.
  app.use('/v1', ingestRouter({ db, clock }));
  app.use('/api/contacts/imports', importUploadRouter({ db, auth, clock }));

  const indexHtml = path.join(clientDir, 'index.html');
  app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
  app.get('/{*splat}', (_req, res) => {
    if (existsSync(indexHtml)) res.sendFile(indexHtml, { maxAge: 0 });
    else res.status(503).type('text').send('The web client is not built yet: run `npm run build` (npm start does it).');
  });

  return app;
}
