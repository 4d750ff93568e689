// Upload of a CSV file for import (POST /api/contacts/imports, the file as the raw body): kept under DATA_DIR, its
// header returned for the mapping step. The rest of an import goes through tRPC (contacts.imports.*).
import { fromNodeHeaders } from 'better-auth/node';
import express, { type Request, type Response, type Router } from 'express';
import path from 'node:path';
import { toSessionUser } from '../api/trpc.ts';
import type { Auth } from '../auth/auth.ts';
import type { Clock } from '../clock.ts';
import { ImportError, receiveUpload } from '../contacts/import.ts';
import type { Db } from '../db/client.ts';
import { log } from '../log.ts';

/** Uploads live beside the database, in DATA_DIR/imports, until their import ends. */
export function importsDir(db: Db): string {
  return path.join(path.dirname(db.$client.name), 'imports');
}

/** The file name the browser sends URI-encoded in X-File-Name; only for showing. */
function fileNameOf(header: string | string[] | undefined): string {
  if (typeof header !== 'string') return 'contacts.csv';
  try {
    return path.basename(decodeURIComponent(header)).slice(0, 200) || 'contacts.csv';
  } catch {
    return 'contacts.csv';
  }
}

export function importUploadRouter({ db, auth, clock }: { db: Db; auth: Auth; clock: Clock }): Router {
  const router = express.Router();
  router.post('/', async (req: Request, res: Response) => {
    const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
    const user = session ? toSessionUser(session.user) : null;
    if (!user) return void res.status(401).json({ message: 'Please sign in to continue.' });
    if (user.role === 'manager') return void res.status(403).json({ message: 'Importing contacts needs the admin or marketer role.' });
    const fileName = fileNameOf(req.headers['x-file-name']);
    try {
      const summary = await receiveUpload(db, clock, { fileName, body: req, dir: importsDir(db), createdBy: user.email });
      log.info({ importId: summary.id, fileName, bytes: summary.fileBytes }, 'contact import uploaded');
      res.json(summary);
    } catch (error) {
      if (error instanceof ImportError) return void res.status(error.status).json({ message: error.message });
      log.error({ err: error }, 'contact import upload failed');
      res.status(500).json({ message: 'The upload failed; please try again.' });
    }
  });
  return router;
}
