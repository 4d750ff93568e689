// CSV import of contacts: keep the upload, read its header, then (with the chosen mapping and mode) validate every
// row while streaming and write the valid ones in one transaction. Progress and per-row errors live in contact_imports.
// An import is quiet unless asked to start journeys: its consent, phase and persona events are recorded quiet, and the
// executor starts nothing from them (owners' decision, issue 12). A dry run tells beforehand who would enter what.
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
import { statements, writeQuietly, type ContactState } from './db.ts';
import { journeysEnteredSince, lastEventId } from './importJourneys.ts';
import type { JourneyEntries } from '../../shared/journey/entries.ts';
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

export interface ImportOptions {
  mapping: ColumnMapping;
  mode: ImportMode;
  /** Off by default: imported contacts enter no journey unless the person asks for it. */
  startJourneys?: boolean;
}

/** A finished import, with (when it started journeys) who enters which journey at the executor's next tick. */
export type ImportOutcome = ContactImport & { journeys: JourneyEntries | null };

export interface ImportPreview {
  /** Rows that would be written. */
  rows: number;
  errorCount: number;
  /** All or nothing with problems: nothing would be imported. */
  refused: boolean;
  /** Who would enter which live journey, were the import to start journeys. */
  journeys: JourneyEntries;
}

export function getImport(db: Db, id: string): ContactImport | null {
  return db.select().from(contactImports).where(eq(contactImports.id, id)).get() ?? null;
}

/** Forgets an upload that will not be imported (the CLI's dry run); its file is the caller's. */
export function forgetUpload(db: Db, id: string): void {
  db.delete(contactImports).where(eq(contactImports.id, id)).run();
}

export function listImports(db: Db, limit = 10) {
  return db.select().from(contactImports).orderBy(desc(contactImports.createdAt)).limit(limit).all();
}

/** The upload, waiting for its start, and a mapping that fits its columns; or an ImportError saying what is wrong. */
function checkedJob(db: Db, id: string, mapping: ColumnMapping): ContactImport & { mapping: ColumnMapping } {
  const job = getImport(db, id);
  if (!job) throw new ImportError('This import does not exist (any more).', 404);
  if (job.status !== 'uploaded') throw new ImportError('This import has started already.', 409);
  const parsed = columnMappingSchema.safeParse(mapping);
  if (!parsed.success) throw new ImportError(parsed.error.issues[0]?.message ?? 'The column mapping is invalid.');
  if (parsed.data.length !== job.columns.length) throw new ImportError(`The mapping has ${parsed.data.length} columns; the file has ${job.columns.length}.`);
  return { ...job, mapping: parsed.data };
}

/**
 * Checks the mapping and marks the import started; the returned promise runs it (the API lets it run and the page
 * polls, the CLI awaits it).
 */
export function startImport(db: Db, clock: Clock, id: string, options: ImportOptions & { removeFileAfter: boolean }): Promise<ImportOutcome> {
  const job = checkedJob(db, id, options.mapping);
  db.update(contactImports).set({ status: 'validating', mapping: job.mapping, mode: options.mode }).where(eq(contactImports.id, id)).run();
  return runImport(db, clock, { ...job, mode: options.mode }, { removeFile: options.removeFileAfter, startJourneys: options.startJourneys ?? false });
}

/**
 * A dry run of an import with journeys started: every row checked and written as the import would write it, the
 * journey entries counted from the events it wrote, then all of it rolled back. The upload stays waiting for its start.
 */
export async function previewImport(db: Db, clock: Clock, id: string, options: ImportOptions): Promise<ImportPreview> {
  const job = { ...checkedJob(db, id, options.mapping), mode: options.mode };
  const { rows, errors } = await validateFile(db, job, { reportProgress: false });
  if (errors.length > 0 && job.mode === 'all_or_nothing') return { rows: 0, errorCount: errors.length, refused: true, journeys: { contacts: 0, journeys: [] } };
  const c = db.$client;
  // IMMEDIATE: the write lock from the start, so no other process writes between what the dry run reads and writes;
  // everything it wrote goes with the rollback.
  c.exec('BEGIN IMMEDIATE');
  try {
    const written = writeRows(db, clock, rows, job, { startJourneys: true });
    const errorCount = errors.length + written.errors.length;
    if (written.errors.length > 0 && job.mode === 'all_or_nothing') return { rows: 0, errorCount, refused: true, journeys: { contacts: 0, journeys: [] } };
    return { rows: written.created + written.updated, errorCount, refused: false, journeys: written.journeys ?? { contacts: 0, journeys: [] } };
  } finally {
    c.exec('ROLLBACK');
  }
}

function progress(db: Db, id: string, values: Partial<ContactImport>): void {
  db.update(contactImports).set(values).where(eq(contactImports.id, id)).run();
}

async function runImport(
  db: Db,
  clock: Clock,
  job: ContactImport & { mapping: ColumnMapping; mode: ImportMode },
  options: { removeFile: boolean; startJourneys: boolean },
): Promise<ImportOutcome> {
  let journeys: JourneyEntries | null = null;
  try {
    const { rows, errors, rowsRead } = await validateFile(db, job, { reportProgress: true });
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
      const written = writeRows(db, clock, rows, job, { startJourneys: options.startJourneys });
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
        journeys = written.journeys;
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
    if (options.removeFile) rmSync(job.filePath, { force: true });
  }
  return { ...getImport(db, job.id)!, journeys };
}

/** Streams the file once: every record mapped and checked, the same email twice refused with both lines named. */
async function validateFile(db: Db, job: ContactImport & { mapping: ColumnMapping }, options: { reportProgress: boolean }) {
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
      if (options.reportProgress && rowsRead % PROGRESS_EVERY_ROWS === 0) progress(db, job.id, { rowsRead, bytesRead: source.bytesRead, errorCount: errors.length });
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
 * Without startJourneys every event it writes is quiet; with it, the journeys those events start are counted in the
 * same transaction (what the executor then enrols).
 */
function writeRows(db: Db, clock: Clock, rows: readonly ImportRow[], job: ContactImport & { mode: ImportMode }, options: { startJourneys: boolean }) {
  const now = clock.now().getTime();
  const rules = loadRules(db);
  const s = statements(db);
  const cause = `import of ${job.fileName}`;
  const counts = { created: 0, updated: 0, keptUnsubscribed: 0, errors: [] as RowError[], journeys: null as JourneyEntries | null };
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
    const writeAll = () =>
      db.transaction(() => {
        // A new contact's events and phase history are written before its row, which is then inserted once, complete.
        db.$client.pragma('defer_foreign_keys = ON');
        const before = options.startJourneys ? lastEventId(db) : 0;
        for (const row of rows) write(row);
        if (counts.errors.length > 0 && job.mode === 'all_or_nothing') throw new RollBack();
        if (options.startJourneys) counts.journeys = journeysEnteredSince(db, before);
      });
    if (options.startJourneys) writeAll();
    else writeQuietly(db, writeAll);
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
  } finally {
    db.$client.pragma(`cache_size = ${cacheSize}`);
  }
  return counts;
}

class RollBack extends Error {}
