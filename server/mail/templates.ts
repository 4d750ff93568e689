// The template store: templates with immutable versions, layouts and partials; every save compiles first and is refused with line-numbered problems.
import { and, asc, desc, eq } from 'drizzle-orm';
import type { MomentKey } from '../../shared/lifecycle/moments.ts';
import type { TemplateContent, TemplateIssue } from '../../shared/mail/settings.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { emailPartials, emailTemplates, emailTemplateVersions, journeys, journeyVersions, type EmailPartial } from '../db/schema.ts';
import { compileTemplate, type PartialSet, type TemplateSource } from './render/compile.ts';

export class TemplateError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'BAD_REQUEST' | 'CONFLICT',
    message: string,
    readonly issues: TemplateIssue[] = [],
  ) {
    super(message);
  }
}

const FIELD_LABELS: Record<TemplateIssue['field'], string> = {
  subject: 'Subject',
  preheader: 'Preheader',
  body: 'Body',
  text: 'Text part',
  layout: 'Layout',
  partial: 'Partial',
};

/** One line per problem, such as "Body line 12: MJML: Element mj-bogus doesn't exist". */
export function describeIssues(issues: TemplateIssue[]): string {
  return issues.map((i) => `${FIELD_LABELS[i.field]}${i.line ? ` line ${i.line}` : ''}: ${i.message}`).join('\n');
}

function refuse(issues: TemplateIssue[]): never {
  throw new TemplateError('BAD_REQUEST', `The template was not saved:\n${describeIssues(issues)}`, issues);
}

export function loadPartialSet(db: Db): PartialSet {
  const set: PartialSet = { layouts: {}, partials: {} };
  for (const p of db.select().from(emailPartials).all()) (p.kind === 'layout' ? set.layouts : set.partials)[p.key] = p.source;
  return set;
}

export function listTemplates(db: Db) {
  return db
    .select({
      id: emailTemplates.id,
      name: emailTemplates.name,
      description: emailTemplates.description,
      moment: emailTemplates.moment,
      layout: emailTemplates.layout,
      currentVersion: emailTemplates.currentVersion,
      updatedAt: emailTemplates.updatedAt,
      subject: emailTemplateVersions.subject,
      previewEvent: emailTemplates.previewEvent,
    })
    .from(emailTemplates)
    .innerJoin(
      emailTemplateVersions,
      and(eq(emailTemplateVersions.templateId, emailTemplates.id), eq(emailTemplateVersions.version, emailTemplates.currentVersion)),
    )
    .orderBy(asc(emailTemplates.name))
    .all();
}

export function getTemplate(db: Db, id: string, version?: number) {
  const template = db.select().from(emailTemplates).where(eq(emailTemplates.id, id)).get();
  if (!template) throw new TemplateError('NOT_FOUND', `There is no template "${id}".`);
  const content = db
    .select()
    .from(emailTemplateVersions)
    .where(and(eq(emailTemplateVersions.templateId, id), eq(emailTemplateVersions.version, version ?? template.currentVersion)))
    .get();
  if (!content) throw new TemplateError('NOT_FOUND', `Template "${id}" has no version ${version}.`);
  const versions = db
    .select({ version: emailTemplateVersions.version, subject: emailTemplateVersions.subject, createdAt: emailTemplateVersions.createdAt, createdBy: emailTemplateVersions.createdBy })
    .from(emailTemplateVersions)
    .where(eq(emailTemplateVersions.templateId, id))
    .orderBy(desc(emailTemplateVersions.version))
    .all();
  return { template, content, versions };
}

export interface TemplateMeta {
  name: string;
  description: string;
  layout: string | null;
  moment?: MomentKey | null;
  previewEvent?: Record<string, unknown>;
}

/** Compiles a template against the stored layouts and partials; the problems, or none. */
export async function checkTemplate(db: Db, source: TemplateSource): Promise<TemplateIssue[]> {
  const result = await compileTemplate(source, loadPartialSet(db));
  return result.ok ? [] : result.issues;
}

/** A new template with its first version; refused when the id is taken or the content does not compile. */
export async function createTemplate(db: Db, clock: Clock, input: { id: string; meta: TemplateMeta; content: TemplateContent; createdBy: string | null }) {
  const exists = db.select({ id: emailTemplates.id }).from(emailTemplates).where(eq(emailTemplates.id, input.id)).get();
  if (exists) throw new TemplateError('CONFLICT', `A template with the id "${input.id}" exists already; choose another id.`);
  const issues = await checkTemplate(db, { ...input.content, layout: input.meta.layout });
  if (issues.length > 0) refuse(issues);
  const now = clock.now();
  db.transaction((tx) => {
    tx.insert(emailTemplates)
      .values({
        id: input.id,
        name: input.meta.name,
        description: input.meta.description,
        moment: input.meta.moment ?? null,
        layout: input.meta.layout,
        previewEvent: input.meta.previewEvent ?? {},
        currentVersion: 1,
        createdAt: now,
        updatedAt: now,
      })
      .run();
    tx.insert(emailTemplateVersions).values({ templateId: input.id, version: 1, ...input.content, createdAt: now, createdBy: input.createdBy }).run();
  });
  return getTemplate(db, input.id);
}

/**
 * Saves a new version. `baseVersion` is the version the editor started from: a save over someone else's
 * newer version is refused instead of silently replacing it.
 */
export async function saveTemplate(
  db: Db,
  clock: Clock,
  input: { id: string; baseVersion: number; meta: TemplateMeta; content: TemplateContent; createdBy: string | null },
) {
  const { template } = getTemplate(db, input.id);
  if (template.currentVersion !== input.baseVersion) {
    throw new TemplateError('CONFLICT', `"${template.name}" was saved by someone else meanwhile (version ${template.currentVersion}); reload it to see their changes.`);
  }
  const issues = await checkTemplate(db, { ...input.content, layout: input.meta.layout });
  if (issues.length > 0) refuse(issues);
  const now = clock.now();
  db.transaction((tx) => {
    // The version check again inside the transaction: the compile above awaited.
    const current = tx.select({ v: emailTemplates.currentVersion }).from(emailTemplates).where(eq(emailTemplates.id, input.id)).get();
    if (current?.v !== input.baseVersion) throw new TemplateError('CONFLICT', `"${template.name}" was saved by someone else meanwhile; reload it.`);
    const version = input.baseVersion + 1;
    tx.insert(emailTemplateVersions).values({ templateId: input.id, version, ...input.content, createdAt: now, createdBy: input.createdBy }).run();
    tx.update(emailTemplates)
      .set({
        name: input.meta.name,
        description: input.meta.description,
        layout: input.meta.layout,
        ...(input.meta.previewEvent ? { previewEvent: input.meta.previewEvent } : {}),
        currentVersion: version,
        updatedAt: now,
      })
      .where(eq(emailTemplates.id, input.id))
      .run();
  });
  return getTemplate(db, input.id);
}

/** Journeys (not archived) whose draft or current version sends this template. */
export function journeysUsing(db: Db, templateId: string): string[] {
  const rows = db
    .select({ name: journeys.name, status: journeys.status, draft: journeys.draftGraph, live: journeyVersions.graph })
    .from(journeys)
    .leftJoin(journeyVersions, and(eq(journeyVersions.journeyId, journeys.id), eq(journeyVersions.version, journeys.currentVersion)))
    .all();
  const uses = (graph: { nodes: Array<{ kind: string; config: unknown }> } | null) =>
    graph?.nodes.some((n) => n.kind === 'email' && (n.config as { templateId?: string }).templateId === templateId) ?? false;
  return rows.filter((r) => r.status !== 'archived' && (uses(r.draft) || uses(r.live))).map((r) => r.name);
}

export function deleteTemplate(db: Db, id: string): void {
  getTemplate(db, id);
  const users = journeysUsing(db, id);
  if (users.length > 0) {
    throw new TemplateError('BAD_REQUEST', `Journeys still send this template: ${users.join(', ')}. Change their email nodes first.`);
  }
  db.delete(emailTemplates).where(eq(emailTemplates.id, id)).run();
}

export function listPartials(db: Db): EmailPartial[] {
  return db.select().from(emailPartials).orderBy(asc(emailPartials.kind), asc(emailPartials.key)).all();
}

/**
 * Saves a layout or partial. Every template is compiled against the change first: one that would break
 * refuses the save and is named, so a footer edit cannot silently stop a journey's emails.
 */
export async function savePartial(db: Db, clock: Clock, input: { key: string; source: string; revision: number }): Promise<EmailPartial> {
  const partial = db.select().from(emailPartials).where(eq(emailPartials.key, input.key)).get();
  if (!partial) throw new TemplateError('NOT_FOUND', `There is no ${'partial'} "${input.key}".`);
  if (partial.revision !== input.revision) {
    throw new TemplateError('CONFLICT', `"${partial.name}" was saved by someone else meanwhile; reload it to see their changes.`);
  }
  const set = loadPartialSet(db);
  (partial.kind === 'layout' ? set.layouts : set.partials)[partial.key] = input.source;
  const problems: string[] = [];
  const issues: TemplateIssue[] = [];
  for (const t of db.select().from(emailTemplates).all()) {
    const { content } = getTemplate(db, t.id);
    const result = await compileTemplate({ ...content, layout: t.layout }, set);
    if (!result.ok) {
      problems.push(`${t.name}: ${describeIssues(result.issues).split('\n')[0]}`);
      issues.push(...result.issues.filter((i) => i.field === partial.kind));
    }
  }
  if (problems.length > 0) {
    throw new TemplateError('BAD_REQUEST', `The ${partial.kind} was not saved; templates would break:\n${problems.slice(0, 8).join('\n')}`, issues);
  }
  const saved = db
    .update(emailPartials)
    .set({ source: input.source, revision: partial.revision + 1, updatedAt: clock.now() })
    .where(and(eq(emailPartials.key, input.key), eq(emailPartials.revision, input.revision)))
    .returning()
    .get();
  if (!saved) throw new TemplateError('CONFLICT', `"${partial.name}" was saved by someone else meanwhile; reload it.`);
  return saved;
}
