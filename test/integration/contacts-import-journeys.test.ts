// A CSV import is quiet by default: imported contacts enter no journey, though their consent and phases are recorded.
// Asked to start journeys, it does, and the count shown before (a dry run) is what the executor then enrols.
import { and, eq, gt } from 'drizzle-orm';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.ts';
import { findOrCreateContact, recordEvent, setPhase } from '../../server/contacts/contacts.ts';
import { getImport, previewImport, registerFile, startImport } from '../../server/contacts/import.ts';
import { contacts, enrollments, events, messages, phaseHistory } from '../../server/db/schema.ts';
import { createExecutor } from '../../server/executor/executor.ts';
import { createJourney, publishJourney } from '../../server/journeys/service.ts';
import { describeEntries } from '../../shared/journey/entries.ts';
import type { ImportMode } from '../../shared/contacts/csv.ts';
import { email, enrollmentsOf, exit, graph, liveJourney, onEvent } from './executorBuilders.ts';
import { callerFor, freshWorkspace, makeUser, type FreshWorkspace } from './helpers.ts';

const DAY = 86_400_000;
let fresh: FreshWorkspace;
let clock: ReturnType<typeof fixedClock>;
beforeEach(() => {
  fresh = freshWorkspace();
  clock = fixedClock('2026-11-02T08:00:00Z');
});
afterEach(() => fresh.cleanup());

/** The starter journeys of three moments, live: opt-in for all, first communication for researchers, first purchase for all. */
function publishStarters() {
  const { db } = fresh.ws;
  const ids: Record<string, string> = {};
  for (const [moment, personaKey, name] of [
    ['opt_in', null, 'Opt-in'],
    ['first_communication', 'researcher', 'Welcome researchers'],
    ['first_purchase', null, 'First purchase'],
  ] as const) {
    const { id } = createJourney(db, clock, { moment, personaKey, name });
    publishJourney(db, clock, { id, publishedBy: 'test' });
    ids[name] = id;
  }
  return ids;
}

const FILE = [
  'email,first_name,newsletter,phase,persona',
  'ana@example.com,Ana,yes,,researcher',
  'ben@example.com,Ben,yes,,bargain_hunter',
  'cy@example.com,Cy,,customer,loyalist',
  'dee@example.com,Dee,yes,customer,researcher',
  'old@example.com,Old,,customer,',
].join('\n');

async function upload(text: string) {
  const file = path.join(fresh.dir, `contacts-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, text);
  return registerFile(fresh.ws.db, clock, { fileName: 'contacts.csv', filePath: file, createdBy: null });
}

async function importFile(text: string, options: { startJourneys?: boolean; mode?: ImportMode } = {}) {
  const u = await upload(text);
  return startImport(fresh.ws.db, clock, u.id, { mapping: u.suggested, mode: options.mode ?? 'all_or_nothing', startJourneys: options.startJourneys, removeFileAfter: false });
}

/** Ticks for two simulated weeks, so every wait of the starter journeys is over. */
function tickForTwoWeeks() {
  const executor = createExecutor({ db: fresh.ws.db, clock });
  for (let day = 0; day < 14; day++) {
    executor.tick();
    clock.advance(DAY);
  }
}

/** A contact who already went through first purchase as a customer, and has lapsed since. */
function lapsedCustomer() {
  const { db } = fresh.ws;
  const { contact } = findOrCreateContact(db, clock, { email: 'old@example.com' });
  setPhase(db, clock, contact.id, 'customer', 'test');
  createExecutor({ db, clock }).tick();
  setPhase(db, clock, contact.id, 'lapsed', 'test');
  return contact.id;
}

const enrolledSince = (atMs: number) =>
  fresh.ws.db.select({ journeyId: enrollments.journeyId, contactId: enrollments.contactId }).from(enrollments).where(gt(enrollments.enrolledAt, atMs)).all();

describe('a quiet import (the default)', () => {
  it('starts no journey and sends nothing, while consent, phases and personas are recorded; live events still start journeys after it', async () => {
    const ids = publishStarters();
    const job = await importFile(FILE);
    expect(job).toMatchObject({ status: 'done', created: 5, journeys: null });

    tickForTwoWeeks();
    const { db } = fresh.ws;
    expect(db.select().from(enrollments).all()).toEqual([]);
    expect(db.select().from(messages).all()).toEqual([]);
    // The record is complete: subscribed contacts, their phases with the import as cause, persona, and every event quiet.
    const dee = db.select().from(contacts).where(eq(contacts.email, 'dee@example.com')).get()!;
    expect(dee).toMatchObject({ subscription: 'subscribed', phase: 'customer', personaKey: 'researcher' });
    expect(db.select().from(phaseHistory).where(eq(phaseHistory.contactId, dee.id)).all().map((h) => [h.toPhase, h.cause])).toEqual([['customer', 'import of contacts.csv']]);
    const imported = db.select().from(events).all();
    expect(imported.map((e) => e.name)).toEqual(expect.arrayContaining(['$subscription_confirmed', '$phase_entered', '$persona_entered']));
    expect(imported.every((e) => e.quiet)).toBe(true);

    // The executor's cursor went past the quiet events: what happens next is a journey's business again.
    setPhase(db, clock, dee.id, 'loyal', 'test');
    setPhase(db, clock, dee.id, 'customer', 'test');
    createExecutor({ db, clock }).tick();
    expect(db.select().from(enrollments).all().map((e) => [e.journeyId, e.contactId])).toEqual([[ids['First purchase'], dee.id]]);
  });

  it('resumes no waiting run: a run waiting for the confirmation is not moved on by a quiet one', async () => {
    const { db } = fresh.ws;
    const g = graph(
      [
        onEvent('trial_started'),
        { id: 'confirmed', kind: 'wait_for_event', config: { event: '$subscription_confirmed', timeout: { amount: 7, unit: 'days' } } },
        email('thanks'),
        exit(),
      ],
      ['t:next>confirmed', 'confirmed:matched>thanks', 'confirmed:timeout>x', 'thanks:next>x'],
    );
    const journey = liveJourney(db, clock, g);
    const { contact } = findOrCreateContact(db, clock, { email: 'ana@example.com' });
    recordEvent(db, clock, contact.id, { name: 'trial_started' });
    createExecutor({ db, clock }).tick();
    expect(enrollmentsOf(db, journey).map((e) => [e.status, e.nodeId])).toEqual([['waiting', 'confirmed']]);

    await importFile('email,newsletter\nana@example.com,yes');
    expect(db.select().from(contacts).where(eq(contacts.id, contact.id)).get()!.subscription).toBe('subscribed');
    createExecutor({ db, clock }).tick();
    expect(enrollmentsOf(db, journey).map((e) => [e.status, e.nodeId])).toEqual([['waiting', 'confirmed']]);
    expect(db.select().from(messages).all()).toEqual([]);
  });
});

describe('an import that starts journeys', () => {
  it('shows beforehand who would enter which journey, and the executor enrols exactly those', async () => {
    const ids = publishStarters();
    const old = lapsedCustomer();
    const { db } = fresh.ws;
    const u = await upload(FILE);

    const preview = await previewImport(db, clock, u.id, { mapping: u.suggested, mode: 'all_or_nothing' });
    // The dry run kept nothing: no contact but the one from before, and the upload still waits.
    expect(db.select().from(contacts).all().map((c) => c.email)).toEqual(['old@example.com']);
    expect(getImport(db, u.id)!.status).toBe('uploaded');
    // Opt-in: the three who said yes. Welcome researchers: Ana (Dee comes in as a customer, so never becomes a
    // subscriber). First purchase: Cy and Dee; not Old, whose one run (the re-entry policy is once) was before.
    expect(preview).toEqual({
      rows: 5,
      errorCount: 0,
      refused: false,
      journeys: {
        contacts: 4,
        journeys: [
          { journeyId: ids['Opt-in'], name: 'Opt-in', personaKey: null, personaName: null, contacts: 3 },
          { journeyId: ids['First purchase'], name: 'First purchase', personaKey: null, personaName: null, contacts: 2 },
          { journeyId: ids['Welcome researchers'], name: 'Welcome researchers', personaKey: 'researcher', personaName: 'Researcher', contacts: 1 },
        ],
      },
    });
    expect(describeEntries(preview.journeys, 'would')).toBe('4 contacts would enter live journeys: Opt-in (all) 3, First purchase (all) 2, Welcome researchers (Researcher) 1.');

    const importedAt = clock.now().getTime();
    clock.advance(1);
    const job = await startImport(db, clock, u.id, { mapping: u.suggested, mode: 'all_or_nothing', startJourneys: true, removeFileAfter: false });
    expect(job.journeys).toEqual(preview.journeys);
    createExecutor({ db, clock }).tick();

    const entered = enrolledSince(importedAt);
    const perJourney = new Map<string, Set<string>>();
    for (const e of entered) perJourney.set(e.journeyId, (perJourney.get(e.journeyId) ?? new Set()).add(e.contactId));
    expect(Object.fromEntries([...perJourney].map(([j, c]) => [j, c.size]))).toEqual(Object.fromEntries(preview.journeys.journeys.map((j) => [j.journeyId, j.contacts])));
    expect(new Set(entered.map((e) => e.contactId)).size).toBe(preview.journeys.contacts);
    expect(entered.some((e) => e.contactId === old)).toBe(false);
    // And the opt-in journey took them: its welcome email is queued for each who said yes.
    const optIn = db.select().from(enrollments).where(and(eq(enrollments.journeyId, ids['Opt-in']!), gt(enrollments.enrolledAt, importedAt))).all();
    expect(optIn).toHaveLength(3);
    expect(db.select().from(messages).where(eq(messages.journeyId, ids['Opt-in']!)).all().map((m) => m.templateId)).toEqual(['welcome', 'welcome', 'welcome']);
  });

  it('previews nothing entering when an all-or-nothing file has a bad row, as nothing would be imported', async () => {
    publishStarters();
    const u = await upload(`${FILE}\nnot-an-email,X,yes,,`);
    const preview = await previewImport(fresh.ws.db, clock, u.id, { mapping: u.suggested, mode: 'all_or_nothing' });
    expect(preview).toEqual({ rows: 0, errorCount: 1, refused: true, journeys: { contacts: 0, journeys: [] } });
    const valid = await previewImport(fresh.ws.db, clock, u.id, { mapping: u.suggested, mode: 'valid_rows' });
    expect(valid).toMatchObject({ rows: 5, errorCount: 1, refused: false, journeys: { contacts: 5 } });
  });

  it('is previewed through the API by marketers, not managers, and started quiet unless asked', async () => {
    publishStarters();
    const { ws } = fresh;
    const marketer = await makeUser(ws, 'marketer');
    const manager = await makeUser(ws, 'manager');
    const u = await upload(FILE);
    const input = { id: u.id, mapping: u.suggested, mode: 'all_or_nothing' as const };
    await expect(callerFor(ws, manager, clock).contacts.imports.preview(input)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const preview = await callerFor(ws, marketer, clock).contacts.imports.preview(input);
    expect(preview.journeys.contacts).toBe(5);
    await callerFor(ws, marketer, clock).contacts.imports.start(input);
    await expect.poll(() => getImport(ws.db, u.id)!.status).toBe('done');
    createExecutor({ db: ws.db, clock }).tick();
    expect(ws.db.select().from(enrollments).all()).toEqual([]);
  });
});
