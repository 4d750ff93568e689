// Journeys as stored: drafts with optimistic concurrency, immutable versions, status changes, files.
// Used by the tRPC router and the CLI alike, so both refuse the same things with the same words.
import { and, asc, desc, eq, isNull, type SQL } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { DEFAULT_PHASES } from '../../shared/lifecycle/phases.ts';
import type { MomentKey } from '../../shared/lifecycle/moments.ts';
import { describeZodIssues, JOURNEY_FILE_FORMAT, journeyFileSchema, type JourneyFile } from '../../shared/journey/file.ts';
import type { GraphLayout, JourneyGraph } from '../../shared/journey/graph.ts';
import { publishOutlook } from '../../shared/journey/publishOutlook.ts';
import { starterJourney } from '../../shared/journey/starters.ts';
import { validateGraph, type ReferenceContext, type ValidationIssue } from '../../shared/journey/validate.ts';
import type { Clock } from '../clock.ts';
import { migrateEnrollments } from '../executor/migrate.ts';
import { endExperiments, planExperiments, runningExperimentRows, stoppedExperimentRows, syncExperiments } from '../experiments/sync.ts';
import type { Db } from '../db/client.ts';
import { emailTemplates, journeys, journeyVersions, personas, phases, type Journey, MIGRATION_CHOICES } from '../db/schema.ts';

export type JourneyErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST';

/** A refusal the user can act on; `issues` lists every validation problem when publishing is refused. */
export class JourneyError extends Error {
  constructor(
    readonly code: JourneyErrorCode,
    message: string,
    readonly validationIssues: ValidationIssue[] = [],
  ) {
    super(message);
  }
}

export type JourneyStatus = Journey['status'];
export type MigrationChoice = (typeof MIGRATION_CHOICES)[number];

export interface ReferenceOptions {
  templates: { id: string; name: string }[];
  personas: { key: string; name: string }[];
  phases: { key: string; label: string }[];
}

/** What a journey may refer to: the templates, personas and phases of the workspace. */
export function referenceOptions(db: Db): ReferenceOptions {
  return {
    templates: db.select({ id: emailTemplates.id, name: emailTemplates.name }).from(emailTemplates).orderBy(asc(emailTemplates.name)).all(),
    personas: db.select({ key: personas.key, name: personas.name }).from(personas).orderBy(asc(personas.priority)).all(),
    phases: db.select({ key: phases.key, label: phases.label }).from(phases).orderBy(asc(phases.position)).all(),
  };
}

export function referenceContext(db: Db): ReferenceContext {
  const options = referenceOptions(db);
  return {
    templateIds: new Set(options.templates.map((t) => t.id)),
    personaKeys: new Set(options.personas.map((p) => p.key)),
    phaseKeys: new Set(options.phases.length > 0 ? options.phases.map((p) => p.key) : DEFAULT_PHASES.map((p) => p.key)),
  };
}

function requireJourney(db: Db, id: string): Journey {
  const journey = db.select().from(journeys).where(eq(journeys.id, id)).get();
  if (!journey) throw new JourneyError('NOT_FOUND', `There is no journey with the id ${id}.`);
  return journey;
}

function requirePersona(db: Db, personaKey: string | null): void {
  if (personaKey === null) return;
  const found = db.select({ key: personas.key }).from(personas).where(eq(personas.key, personaKey)).get();
  if (!found) throw new JourneyError('BAD_REQUEST', `There is no persona "${personaKey}"; use a persona key from the Personas page, or all.`);
}

function requireEditable(journey: Journey): void {
  if (journey.status === 'archived') {
    throw new JourneyError('BAD_REQUEST', `"${journey.name}" is archived; duplicate it to work on it again.`);
  }
}

export interface JourneyFilter {
  moment?: MomentKey;
  /** undefined: any; null: journeys for all personas; a key: that persona's journeys. */
  personaKey?: string | null;
  status?: JourneyStatus;
}

export function listJourneys(db: Db, filter: JourneyFilter = {}) {
  const where: SQL[] = [];
  if (filter.moment) where.push(eq(journeys.moment, filter.moment));
  if (filter.personaKey === null) where.push(isNull(journeys.personaKey));
  else if (filter.personaKey !== undefined) where.push(eq(journeys.personaKey, filter.personaKey));
  if (filter.status) where.push(eq(journeys.status, filter.status));
  return db
    .select({
      id: journeys.id,
      name: journeys.name,
      moment: journeys.moment,
      personaKey: journeys.personaKey,
      status: journeys.status,
      revision: journeys.revision,
      currentVersion: journeys.currentVersion,
      priority: journeys.priority,
      updatedAt: journeys.updatedAt,
    })
    .from(journeys)
    .where(and(...where))
    .orderBy(desc(journeys.updatedAt))
    .all();
}

export function getJourney(db: Db, id: string) {
  const j = requireJourney(db, id);
  return {
    id: j.id,
    name: j.name,
    moment: j.moment,
    personaKey: j.personaKey,
    status: j.status,
    revision: j.revision,
    currentVersion: j.currentVersion,
    priority: j.priority,
    graph: j.draftGraph,
    layout: j.draftLayout,
    updatedAt: j.updatedAt,
  };
}

/**
 * What publishing the draft will do, for the dialog that asks before it: who enters from now on, when the first email
 * goes out, how many contacts are inside now (they follow the migration choice), and the other live or paused journeys
 * of the same moment and persona, which contacts would enter too.
 */
export function publishPreview(db: Db, id: string) {
  const journey = requireJourney(db, id);
  const templateNames = Object.fromEntries(db.select({ id: emailTemplates.id, name: emailTemplates.name }).from(emailTemplates).all().map((t) => [t.id, t.name]));
  const inFlight = (
    db.$client.prepare(`SELECT count(*) AS n FROM enrollments WHERE journey_id = ? AND status IN ('active', 'waiting')`).get(journey.id) as { n: number }
  ).n;
  const siblings = db
    .select({ id: journeys.id, name: journeys.name, status: journeys.status })
    .from(journeys)
    .where(and(eq(journeys.moment, journey.moment), journey.personaKey === null ? isNull(journeys.personaKey) : eq(journeys.personaKey, journey.personaKey)))
    .all()
    .filter((j) => j.id !== journey.id && (j.status === 'live' || j.status === 'paused'));
  // What happens to the experiments: a changed design starts a new one (the figures so far stay with the old one).
  const experiments = planExperiments(runningExperimentRows(db.$client, journey.id), journey.draftGraph, stoppedExperimentRows(db.$client, journey.id))
    .filter((p) => p.change !== 'continue')
    .map((p) => ({ nodeId: p.nodeId, name: p.name, change: p.change }));
  return {
    nextVersion: (journey.currentVersion ?? 0) + 1,
    firstPublish: journey.currentVersion === null,
    inFlight,
    otherLiveJourneys: siblings,
    experiments,
    ...publishOutlook(journey.draftGraph, templateNames),
  };
}

export interface NewJourney {
  moment: MomentKey;
  personaKey: string | null;
  name: string;
  /** Defaults to the moment's starter journey. */
  graph?: JourneyGraph;
  layout?: GraphLayout;
}

export function createJourney(db: Db, clock: Clock, input: NewJourney): { id: string } {
  requirePersona(db, input.personaKey);
  const starter = input.graph ? { graph: input.graph, layout: input.layout ?? {} } : starterJourney(input.moment, input.personaKey);
  const id = randomUUID();
  const now = clock.now();
  db.insert(journeys)
    .values({
      id,
      name: input.name,
      moment: input.moment,
      personaKey: input.personaKey,
      status: 'draft',
      draftGraph: starter.graph,
      draftLayout: starter.layout,
      revision: 1,
      createdAt: now,
      updatedAt: now,
    })
    .run();
  return { id };
}

function staleMessage(journey: Journey): string {
  return `"${journey.name}" was changed elsewhere since you opened it (now at revision ${journey.revision}). Your changes were not saved: reload to see the newest draft.`;
}

/** Saves the draft only when it is based on the newest revision, so a stale save never overwrites newer work. */
export function saveDraft(db: Db, clock: Clock, input: { id: string; revision: number; graph: JourneyGraph; layout: GraphLayout }): { revision: number } {
  return db.transaction((tx) => {
    const journey = requireJourney(tx as unknown as Db, input.id);
    requireEditable(journey);
    if (journey.revision !== input.revision) throw new JourneyError('CONFLICT', staleMessage(journey));
    const revision = journey.revision + 1;
    tx.update(journeys)
      .set({ draftGraph: input.graph, draftLayout: input.layout, revision, updatedAt: clock.now() })
      .where(and(eq(journeys.id, input.id), eq(journeys.revision, input.revision)))
      .run();
    return { revision };
  });
}

export function renameJourney(db: Db, clock: Clock, input: { id: string; name: string }): { id: string } {
  requireJourney(db, input.id);
  db.update(journeys).set({ name: input.name, updatedAt: clock.now() }).where(eq(journeys.id, input.id)).run();
  return { id: input.id };
}

/**
 * Sets which journey's marketing email wins a contact's last frequency-cap slot (1 low … 5 urgent). It takes effect at
 * the next delivery pass, for emails already queued too; not an edit of the journey, so its "updated" time stays.
 */
export function setPriority(db: Db, input: { id: string; priority: number }): { id: string; priority: number } {
  requireJourney(db, input.id);
  db.update(journeys).set({ priority: input.priority }).where(eq(journeys.id, input.id)).run();
  return { id: input.id, priority: input.priority };
}

export interface PublishInput {
  id: string;
  /** The draft revision the publisher saw; omitted by scripts that publish whatever the draft is. */
  revision?: number;
  migration?: MigrationChoice;
  publishedBy: string | null;
}

/** Publishes the draft as a new immutable version, or refuses with every validation problem. */
export function publishJourney(db: Db, clock: Clock, input: PublishInput): { version: number } {
  const refs = referenceContext(db);
  return db.transaction((tx) => {
    const journey = requireJourney(tx as unknown as Db, input.id);
    requireEditable(journey);
    if (input.revision !== undefined && journey.revision !== input.revision) {
      throw new JourneyError('CONFLICT', staleMessage(journey));
    }
    const issues = validateGraph(journey.draftGraph, refs);
    if (issues.length > 0) {
      const n = issues.length;
      throw new JourneyError('BAD_REQUEST', `"${journey.name}" has ${n} problem${n === 1 ? '' : 's'} to fix before it can be published.`, issues);
    }
    return { version: insertVersion(db, tx as unknown as Db, journey, journey.draftGraph, journey.draftLayout, input.migration ?? 'stay', input.publishedBy, clock.now()) };
  });
}

/**
 * Writes `graph` as the journey's next version: contacts in flight follow `migration`, the experiments follow the
 * new splits, and the journey goes live (a paused one stays paused). Call inside a transaction.
 */
export function insertVersion(
  db: Db,
  tx: Db,
  journey: Journey,
  graph: JourneyGraph,
  layout: GraphLayout,
  migration: MigrationChoice,
  publishedBy: string | null,
  now: Date,
  options: { onlyFromCurrent?: boolean } = {},
): number {
  const version = (journey.currentVersion ?? 0) + 1;
  tx.insert(journeyVersions).values({ journeyId: journey.id, version, graph, layout, migration, publishedAt: now, publishedBy }).run();
  migrateEnrollments(db.$client, journey.id, version, graph, migration, now.getTime(), options.onlyFromCurrent ? (journey.currentVersion ?? undefined) : undefined);
  syncExperiments(db.$client, journey.id, version, graph, now.getTime(), publishedBy === null ? null : { id: null, name: publishedBy });
  // A paused journey stays paused: publishing changes what runs, not whether it runs.
  const status = journey.status === 'paused' ? 'paused' : 'live';
  tx.update(journeys).set({ currentVersion: version, status, updatedAt: now }).where(eq(journeys.id, journey.id)).run();
  return version;
}

const TRANSITIONS: Record<'pause' | 'resume' | 'archive', { from: JourneyStatus[]; to: JourneyStatus; refusal: string }> = {
  pause: { from: ['live'], to: 'paused', refusal: 'Only a live journey can be paused.' },
  resume: { from: ['paused'], to: 'live', refusal: 'Only a paused journey can be resumed.' },
  archive: { from: ['draft', 'live', 'paused'], to: 'archived', refusal: 'This journey is already archived.' },
};

export function changeStatus(db: Db, clock: Clock, id: string, action: keyof typeof TRANSITIONS): { status: JourneyStatus } {
  const journey = requireJourney(db, id);
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(journey.status)) {
    throw new JourneyError('BAD_REQUEST', `${rule.refusal} "${journey.name}" is ${journey.status}.`);
  }
  db.transaction((tx) => {
    tx.update(journeys).set({ status: rule.to, updatedAt: clock.now() }).where(eq(journeys.id, id)).run();
    if (rule.to === 'archived') endExperiments(db.$client, id, clock.now().getTime(), 'The journey was archived.');
  });
  return { status: rule.to };
}

export function duplicateJourney(db: Db, clock: Clock, input: { id: string; personaKey: string | null; name?: string }): { id: string } {
  const source = requireJourney(db, input.id);
  return createJourney(db, clock, {
    moment: source.moment,
    personaKey: input.personaKey,
    name: input.name ?? `${source.name} (copy)`,
    graph: source.draftGraph,
    layout: source.draftLayout,
  });
}

export function listVersions(db: Db, id: string) {
  requireJourney(db, id);
  return db
    .select({ version: journeyVersions.version, publishedAt: journeyVersions.publishedAt, publishedBy: journeyVersions.publishedBy, migration: journeyVersions.migration })
    .from(journeyVersions)
    .where(eq(journeyVersions.journeyId, id))
    .orderBy(desc(journeyVersions.version))
    .all();
}

/** Copies a published version's graph into the draft; the version itself never changes. */
export function restoreVersion(db: Db, clock: Clock, input: { id: string; version: number; revision: number }): { revision: number } {
  const found = db
    .select()
    .from(journeyVersions)
    .where(and(eq(journeyVersions.journeyId, input.id), eq(journeyVersions.version, input.version)))
    .get();
  if (!found) throw new JourneyError('NOT_FOUND', `This journey has no version ${input.version}.`);
  return saveDraft(db, clock, { id: input.id, revision: input.revision, graph: found.graph, layout: found.layout });
}

export function exportJourney(db: Db, id: string): JourneyFile {
  const j = requireJourney(db, id);
  return {
    kairos: 'journey',
    format: JOURNEY_FILE_FORMAT,
    name: j.name,
    moment: j.moment,
    persona: j.personaKey,
    graph: j.draftGraph,
    layout: j.draftLayout,
  };
}

/**
 * Imports a journey file as a new draft (and publishes it when asked). A bad file is refused whole,
 * naming each problem; with publish, an invalid graph refuses the import too, so nothing half-done stays.
 */
export function importJourney(db: Db, clock: Clock, file: unknown, options: { publish: boolean; publishedBy: string | null }): { id: string; version: number | null } {
  const parsed = journeyFileSchema.safeParse(file);
  if (!parsed.success) {
    const problems = describeZodIssues(parsed.error);
    throw new JourneyError('BAD_REQUEST', `The journey file has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const data = parsed.data;
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const { id } = createJourney(txDb, clock, { moment: data.moment, personaKey: data.persona, name: data.name, graph: data.graph, layout: data.layout });
    // Published through the workspace handle (a nested transaction): publishing also writes experiments with raw SQL.
    const version = options.publish ? publishJourney(db, clock, { id, publishedBy: options.publishedBy }).version : null;
    return { id, version };
  });
}
