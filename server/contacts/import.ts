// CSV import of contacts: keep the upload, read its header, then (with the chosen mapping and mode) validate every
// row while streaming and write the valid ones in one transaction. Progress and per-row errors live in contact_imports.
import { parse } from 'csv-parse';
import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { desc, eq } from 'drizzle-orm';
import { columnMappingSchema, mapRow, suggestMapping, type ColumnMapping, type ImportMode, type ImportRow, type RowError } from '../../shared/contacts/csv.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { contactImports, type ContactImport } from '../db/schema.ts';
import { applyConsent } from './consent.ts';
import { applyTraits, newContactState, persistContact } from './contacts.ts';
import { statements, type ContactState } from './db.ts';
import { timeOrderedId } from '../ids.ts';
import { transitionPhase } from './phases.ts';
import { log } from '../log.ts';
import { loadRules, reassignPersona } from './rules.ts';

export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
const MAX_STORED_ERRORS = 500;
const PROGRESS_EVERY_ROWS = 5_000;

/** A refusal the person can act on (no header, too large, wrong mapping). */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 | 413 = 400,
  ) {
    super(message);
  }
}

export interface UploadSummary {
  id: string;
  fileName: string;
  fileBytes: number;
  columns: string[];
  sample: string[][];
  suggested: ColumnMapping;
}

function csvParser(options: { to?: number } = {}) {
  return parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: false, info: true, to: options.to });
}

/** The header and the first rows, for the mapping step. */
async function readHead(filePath: string): Promise<{ columns: string[]; sample: string[][] }> {
  const records: string[][] = [];
  const parser = createReadStream(filePath).pipe(csvParser({ to: 6 }));
  try {
    for await (const { record } of parser as AsyncIterable<{ record: string[] }>) records.push(record);
  } catch (error) {
    throw new ImportError(`The file is not a CSV file Kairos can read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [header, ...sample] = records;
  if (!header || header.every((h) => h.trim() === '')) throw new ImportError('The file is empty: it needs a header line naming its columns.');
  return { columns: header.map((h, i) => h.trim() || `Column ${i + 1}`), sample };
}

/** Keeps an uploaded file under dir and registers the import; nothing is imported until startImport. */
export async function receiveUpload(
  db: Db,
  clock: Clock,
  input: { fileName: string; body: Readable; dir: string; createdBy: string | null },
): Promise<UploadSummary> {
  mkdirSync(input.dir, { recursive: true });
  const id = timeOrderedId('imp_', clock.now().getTime());
  const filePath = path.join(input.dir, `${id}.csv`);
  let bytes = 0;
  try {
    await pipeline(
      input.body,
      async function* limit(source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          bytes += chunk.length;
          if (bytes > MAX_IMPORT_BYTES) throw new ImportError('The file is larger than 200 MB; split it into smaller files.', 413);
          yield chunk;
        }
      },
      createWriteStream(filePath),
    );
    return registerFile(db, clock, { id, fileName: input.fileName, filePath, createdBy: input.createdBy });
  } catch (error) {
    rmSync(filePath, { force: true });
    throw error;
  }
}

/** Registers a file already on disk (the CLI imports in place). */
export async function registerFile(
  db: Db,
  clock: Clock,
  input: { id?: string; fileName: string; filePath: string; createdBy: string | null },
): Promise<UploadSummary> {
  const { columns, sample } = await readHead(input.filePath);
  const id = input.id ?? timeOrderedId('imp_', clock.now().getTime());
  const fileBytes = statSync(input.filePath).size;
  db.insert(contactImports)
    .values({ id, fileName: input.fileName, filePath: input.filePath, fileBytes, columns, createdBy: input.createdBy, createdAt: clock.now() })
    .run();
  return { id, fileName: input.fileName, fileBytes, columns, sample, suggested: suggestMapping(columns) };
}

export function getImport(db: Db, id: string): ContactImport | null {
  return db.select().from(contactImports).where(eq(contactImports.id, id)).get() ?? null;
}

export function listImports(db: Db, limit = 10) {
  return db.select().from(contactImports).orderBy(desc(contactImports.createdAt)).limit(limit).all();
}

/**
 * Checks the mapping and marks the import started; the returned promise runs it (the API lets it run and the page
 * polls, the CLI awaits it).
 */
export function startImport(
  db: Db,
  clock: Clock,
  id: string,
  options: { mapping: ColumnMapping; mode: ImportMode; removeFileAfter: boolean },
): Promise<ContactImport> {
  const job = getImport(db, id);
  if (!job) throw new ImportError('This import does not exist (any more).', 404);
  if (job.status !== 'uploaded') throw new ImportError('This import has started already.', 409);
  const mapping = columnMappingSchema.safeParse(options.mapping);
  if (!mapping.success) throw new ImportError(mapping.error.issues[0]?.message ?? 'The column mapping is invalid.');
  if (mapping.data.length !== job.columns.length) throw new ImportError(`The mapping has ${mapping.data.length} columns; the file has ${job.columns.length}.`);
  db.update(contactImports).set({ status: 'validating', mapping: mapping.data, mode: options.mode }).where(eq(contactImports.id, id)).run();
  return runImport(db, clock, { ...job, mapping: mapping.data, mode: options.mode }, options.removeFileAfter);
}

function progress(db: Db, id: string, values: Partial<ContactImport>): void {
  db.update(contactImports).set(values).where(eq(contactImports.id, id)).run();
}

async function runImport(db: Db, clock: Clock, job: ContactImport & { mapping: ColumnMapping; mode: ImportMode }, removeFile: boolean): Promise<ContactImport> {
  try {
    const { rows, errors, rowsRead } = await validateFile(db, job);
    if (errors.length > 0 && job.mode === 'all_or_nothing') {
      progress(db, job.id, {
        status: 'refused',
        errors: errors.slice(0, MAX_STORED_ERRORS),
        errorCount: errors.length,
        rowsRead,
        message: `${errors.length} row${errors.length === 1 ? ' has' : 's have'} problems, so nothing was imported. Fix them, or import the valid rows only.`,
        finishedAt: clock.now(),
      });
    } else {
      progress(db, job.id, { status: 'writing', rowsRead, bytesRead: job.fileBytes });
      // Yield once so a poll can see "writing" before the (synchronous) transaction holds the process.
      await new Promise((resolve) => setImmediate(resolve));
      const started = performance.now();
      const written = writeRows(db, clock, rows, job);
      log.debug({ importId: job.id, rows: rows.length, ms: Math.round(performance.now() - started) }, 'contact import written');
      const allErrors = [...errors, ...written.errors].sort((a, b) => a.line - b.line);
      if (written.errors.length > 0 && job.mode === 'all_or_nothing') {
        progress(db, job.id, {
          status: 'refused',
          errors: allErrors.slice(0, MAX_STORED_ERRORS),
          errorCount: allErrors.length,
          message: `${allErrors.length} row${allErrors.length === 1 ? ' conflicts' : 's conflict'} with existing contacts, so nothing was imported.`,
          finishedAt: clock.now(),
        });
      } else {
        progress(db, job.id, {
          status: 'done',
          rowsWritten: written.created + written.updated,
          created: written.created,
          updated: written.updated,
          errors: allErrors.slice(0, MAX_STORED_ERRORS),
          errorCount: allErrors.length,
          message: written.keptUnsubscribed > 0 ? `${written.keptUnsubscribed} unsubscribed contacts stayed unsubscribed although the file says yes.` : null,
          finishedAt: clock.now(),
        });
      }
    }
  } catch (error) {
    progress(db, job.id, { status: 'failed', message: error instanceof Error ? error.message : String(error), finishedAt: clock.now() });
  } finally {
    if (removeFile) rmSync(job.filePath, { force: true });
  }
  return getImport(db, job.id)!;
}

/** Streams the file once: every record mapped and checked, the same email twice refused with both lines named. */
async function validateFile(db: Db, job: ContactImport & { mapping: ColumnMapping }) {
  const personas = loadRules(db).personas;
  const rows: ImportRow[] = [];
  const errors: RowError[] = [];
  const lineOfEmail = new Map<string, number>();
  const context = { columns: job.columns, personas };
  const source = createReadStream(job.filePath);
  const parser = source.pipe(csvParser());
  let rowsRead = 0;
  let first = true;
  // csv-parse counts lines up to a record's end; a record starts after the previous one and any empty lines.
  let previousEnd = 0;
  let previousEmpty = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
      const line = previousEnd + 1 + (info.empty_lines - previousEmpty);
      previousEnd = info.lines;
      previousEmpty = info.empty_lines;
      if (first) {
        first = false;
        continue;
      }
      rowsRead += 1;
      const mapped = mapRow(record, job.mapping, line, context);
      if (!mapped.ok) errors.push(...mapped.errors);
      else {
        const earlier = lineOfEmail.get(mapped.row.email);
        if (earlier !== undefined) errors.push({ line, message: `${mapped.row.email} is also on line ${earlier}` });
        else {
          lineOfEmail.set(mapped.row.email, line);
          rows.push(mapped.row);
        }
      }
      if (rowsRead % PROGRESS_EVERY_ROWS === 0) progress(db, job.id, { rowsRead, bytesRead: source.bytesRead, errorCount: errors.length });
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`The file could not be read as CSV after ${rowsRead} rows: ${message}`);
  }
  return { rows, errors, rowsRead };
}

/**
 * Writes valid rows in one transaction (all or nothing even if the process dies), with prepared statements.
 * Consent is set only by a consent column, and an unsubscribed contact is never re-subscribed by a file.
 */
function writeRows(db: Db, clock: Clock, rows: readonly ImportRow[], job: ContactImport & { mode: ImportMode }) {
  const now = clock.now().getTime();
  const rules = loadRules(db);
  const s = statements(db);
  const cause = `import of ${job.fileName}`;
  const counts = { created: 0, updated: 0, keptUnsubscribed: 0, errors: [] as RowError[] };
  const write = (row: ImportRow) => {
    const existing = s.toState(s.byEmail.get(row.email));
    if (row.externalId) {
      const owner = s.byExternalId.get(row.externalId);
      if (owner && owner.id !== existing?.id) {
        counts.errors.push({ line: row.line, message: `external id ${row.externalId} belongs to ${owner.email}` });
        return;
      }
    }
    const contact: ContactState = existing ?? newContactState(row.email, now, row.externalId);
    const before = existing ? { email: existing.email, name: existing.name } : null;
    let changed = applyTraits(contact, row.traits, now);
    if (row.timezone && row.timezone !== contact.timezone) {
      contact.timezone = row.timezone;
      changed = true;
    }
    if (row.externalId && contact.externalId === null) {
      contact.externalId = row.externalId;
      changed = true;
    }
    if (row.phase) changed = transitionPhase(db, contact, row.phase, cause, now) || changed;
    if (row.consent === 'subscribed' && contact.subscription === 'unsubscribed') counts.keptUnsubscribed += 1;
    else if (row.consent) {
      changed = applyConsent(db, contact, row.consent, { source: `import: ${job.fileName}`, ip: row.consentIp }, row.consentAt ?? now) || changed;
    }
    changed = reassignPersona(db, rules, contact, now, existing !== null) || changed;
    if (!existing) {
      persistContact(db, contact, null);
      counts.created += 1;
    } else {
      if (changed) persistContact(db, contact, before);
      counts.updated += 1;
    }
  };
  // A bigger page cache while the import writes: its random-order index inserts (emails, search terms) otherwise
  // miss the default 2 MB cache on every row. The connection's own size is restored after.
  const cacheSize = db.$client.pragma('cache_size', { simple: true }) as number;
  db.$client.pragma('cache_size = -65536');
  try {
    db.transaction(() => {
      // A new contact's events and phase history are written before its row, which is then inserted once, complete.
      db.$client.pragma('defer_foreign_keys = ON');
      for (const row of rows) write(row);
      if (counts.errors.length > 0 && job.mode === 'all_or_nothing') throw new RollBack();
    });
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
  } finally {
    db.$client.pragma(`cache_size = ${cacheSize}`);
  }
  return counts;
}

class RollBack extends Error {}
