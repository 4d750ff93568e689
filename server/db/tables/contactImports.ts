// CSV imports of contacts: the uploaded file, the chosen mapping and mode, progress and per-row errors.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { ColumnMapping, ImportMode, RowError } from '../../../shared/contacts/csv.ts';

export const IMPORT_STATUSES = ['uploaded', 'validating', 'writing', 'done', 'refused', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const contactImports = sqliteTable(
  'contact_imports',
  {
    id: text('id').primaryKey(),
    fileName: text('file_name').notNull(),
    /** Where the upload is kept under DATA_DIR until the import ends. */
    filePath: text('file_path').notNull(),
    fileBytes: integer('file_bytes').notNull(),
    columns: text('columns', { mode: 'json' }).$type<string[]>().notNull(),
    status: text('status', { enum: IMPORT_STATUSES }).notNull().default('uploaded'),
    mode: text('mode', { enum: ['all_or_nothing', 'valid_rows'] }).$type<ImportMode>(),
    mapping: text('mapping', { mode: 'json' }).$type<ColumnMapping>(),
    bytesRead: integer('bytes_read').notNull().default(0),
    rowsRead: integer('rows_read').notNull().default(0),
    rowsWritten: integer('rows_written').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    /** The first errors, with line numbers; errorCount says how many there were in all. */
    errors: text('errors', { mode: 'json' }).$type<RowError[]>().notNull().default([]),
    /** Why the whole import failed or was refused, in words. */
    message: text('message'),
    createdBy: text('created_by'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('contact_imports_created_idx').on(t.createdAt)],
);

export type ContactImport = typeof contactImports.$inferSelect;
