// CSV import: per-row errors with line numbers, all-or-nothing or valid rows only, consent only from a consent
// column, phases and personas from their columns, existing contacts updated.
import { asc, eq } from 'drizzle-orm';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { unsubscribe } from '../../server/contacts/consent.ts';
import { findOrCreateContact } from '../../server/contacts/contacts.ts';
import { registerFile, startImport } from '../../server/contacts/import.ts';
import { contactImports, contacts, events, phaseHistory } from '../../server/db/schema.ts';
import type { ImportMode } from '../../shared/contacts/csv.ts';
import { callerFor, freshWorkspace, makeUser, type FreshWorkspace } from './helpers.ts';

let fresh: FreshWorkspace;
const clock = fixedClock('2025-02-01T09:00:00Z');
beforeEach(() => {
  fresh = freshWorkspace();
});
afterEach(() => fresh.cleanup());

const MESSY = [
  'Email,First name,Last name,Plan,Newsletter,Opt-in date',
  'ana@example.com,Ana,Lima,b2b,yes,2024-11-05T10:00:00Z',
  'not-an-email,Ben,Okafor,b2c,,',
  '"cleo@example.com","Cleo","Multi-',
  'line",pro,no,',
  '',
  'dev@example.com,Dev,Rao,pro,perhaps,',
  'ANA@example.com,Ana,Again,b2b,,',
  'eve@example.com,Eve,Park,b2c,,',
].join('\n');

async function importText(text: string, mode: ImportMode, mapping?: (suggested: string[]) => string[]) {
  const file = path.join(fresh.dir, 'contacts.csv');
  writeFileSync(file, text);
  const upload = await registerFile(fresh.ws.db, clock, { fileName: 'contacts.csv', filePath: file, createdBy: null });
  const chosen = mapping ? mapping(upload.suggested) : upload.suggested;
  return startImport(fresh.ws.db, clock, upload.id, { mapping: chosen as never, mode, removeFileAfter: false });
}
const allContacts = () => fresh.ws.db.select().from(contacts).orderBy(asc(contacts.email)).all();

test('the mapping is guessed from the header names', async () => {
  const file = path.join(fresh.dir, 'head.csv');
  writeFileSync(file, `${MESSY.split('\n')[0]}\n`);
  const upload = await registerFile(fresh.ws.db, clock, { fileName: 'head.csv', filePath: file, createdBy: null });
  expect(upload.columns).toEqual(['Email', 'First name', 'Last name', 'Plan', 'Newsletter', 'Opt-in date']);
  expect(upload.suggested).toEqual(['email', 'first_name', 'last_name', 'trait:plan', 'consent', 'consent_at']);
});

test('all or nothing: a file with bad rows imports nothing and names every bad line', async () => {
  const job = await importText(MESSY, 'all_or_nothing');
  expect(job.status).toBe('refused');
  expect(job.message).toMatch(/3 rows have problems, so nothing was imported/);
  expect(job.errors).toEqual([
    { line: 3, column: 'Email', message: '"not-an-email" is not an email address' },
    { line: 7, column: 'Newsletter', message: '"perhaps" is not a consent value; use yes or no (or leave it empty)' },
    { line: 8, message: 'ana@example.com is also on line 2' },
  ]);
  expect(allContacts()).toEqual([]);
  expect(fresh.ws.db.select().from(events).all()).toEqual([]);
});

test('valid rows only: the good rows are imported, consent only where the consent column says yes', async () => {
  const job = await importText(MESSY, 'valid_rows');
  expect(job).toMatchObject({ status: 'done', rowsRead: 6, rowsWritten: 3, created: 3, updated: 0, errorCount: 3 });
  const [ana, cleo, eve] = allContacts();
  expect(ana).toMatchObject({
    email: 'ana@example.com',
    name: 'Ana Lima',
    traits: { firstName: 'Ana', lastName: 'Lima', plan: 'b2b' },
    subscription: 'subscribed',
    consentAt: new Date('2024-11-05T10:00:00Z'),
    consentSource: 'import: contacts.csv',
    phase: 'subscriber',
  });
  // A quoted field across two lines and an empty line keep the line numbers after them right (see the errors above).
  expect(cleo).toMatchObject({ email: 'cleo@example.com', name: 'Cleo Multi-\nline', subscription: 'unsubscribed' });
  expect(eve).toMatchObject({ email: 'eve@example.com', subscription: 'none', consentAt: null, phase: 'prospect' });
});

test('without a consent column nobody is subscribed; an unsubscribed contact is never re-subscribed by a file', async () => {
  const { contact } = findOrCreateContact(fresh.ws.db, clock, { email: 'gone@example.com', traits: { plan: 'old' } });
  unsubscribe(fresh.ws.db, clock, contact.id, { source: 'unsubscribe_link' });

  const noConsent = await importText('email,plan\nnew@example.com,pro\n', 'all_or_nothing');
  expect(noConsent.status).toBe('done');
  expect(allContacts().find((c) => c.email === 'new@example.com')).toMatchObject({ subscription: 'none' });

  const job = await importText('email,plan,consent\ngone@example.com,pro,yes\n', 'all_or_nothing');
  expect(job).toMatchObject({ status: 'done', created: 0, updated: 1, message: '1 unsubscribed contacts stayed unsubscribed although the file says yes.' });
  expect(allContacts().find((c) => c.email === 'gone@example.com')).toMatchObject({ subscription: 'unsubscribed', traits: { plan: 'pro' } });
});

test('phase and persona columns set them, recorded with the import as the cause', async () => {
  const job = await importText('email,stage,persona,tz\nfay@example.com,loyal,Researcher,Europe/Lisbon\ngil@example.com,,,\n', 'all_or_nothing', (s) => s);
  expect(job.status).toBe('done');
  const fay = allContacts().find((c) => c.email === 'fay@example.com')!;
  expect(fay).toMatchObject({ phase: 'loyal', personaKey: 'researcher', personaSource: 'explicit', timezone: 'Europe/Lisbon' });
  expect(fresh.ws.db.select().from(phaseHistory).where(eq(phaseHistory.contactId, fay.id)).all()).toMatchObject([
    { fromPhase: 'prospect', toPhase: 'loyal', cause: 'import of contacts.csv' },
  ]);
  const internal = fresh.ws.db.select().from(events).where(eq(events.contactId, fay.id)).all().map((e) => e.name).sort();
  expect(internal).toEqual(['$persona_entered', '$phase_entered']);
});

test('a mapping without an email column, or with one target twice, is refused before anything starts', async () => {
  await expect(importText('email,name\na@example.com,A\n', 'all_or_nothing', () => ['ignore', 'name'])).rejects.toThrow(/column that holds the email/);
  await expect(importText('email,name\na@example.com,A\n', 'all_or_nothing', () => ['email', 'email'])).rejects.toThrow(/Two columns are mapped to email/);
  expect(allContacts()).toEqual([]);
});

test('through the API: a manager may not import; progress and the result are readable', async () => {
  const manager = callerFor(fresh.ws, await makeUser(fresh.ws, 'manager'), clock);
  await expect(manager.contacts.imports.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });

  const marketer = callerFor(fresh.ws, await makeUser(fresh.ws, 'marketer'), clock);
  const file = path.join(fresh.dir, 'api.csv');
  writeFileSync(file, 'email\nhal@example.com\n');
  const upload = await registerFile(fresh.ws.db, clock, { fileName: 'api.csv', filePath: file, createdBy: null });
  await marketer.contacts.imports.start({ id: upload.id, mapping: ['email'], mode: 'all_or_nothing' });
  await expect(marketer.contacts.imports.start({ id: upload.id, mapping: ['email'], mode: 'all_or_nothing' })).rejects.toMatchObject({ code: 'CONFLICT' });
  await expect.poll(() => fresh.ws.db.select().from(contactImports).where(eq(contactImports.id, upload.id)).get()?.status).toBe('done');
  expect(await marketer.contacts.imports.get({ id: upload.id })).toMatchObject({ created: 1, rowsRead: 1, errorCount: 0 });
});
