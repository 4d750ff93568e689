// Loads the starter templates, layouts and partials from templates/ (and a first sender) into a new workspace, once.
import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { momentKeySchema } from '../../shared/lifecycle/moments.ts';
import { templateIdSchema } from '../../shared/mail/settings.ts';
import type { Db } from '../db/client.ts';
import { emailPartials, emailTemplates, emailTemplateVersions, senders, settings } from '../db/schema.ts';

export const TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../templates');

const LOADED_MARKER = 'starter_templates_loaded';

const manifestSchema = z.object({
  layouts: z.array(z.object({ key: z.string(), name: z.string(), description: z.string(), file: z.string() })),
  partials: z.array(z.object({ key: z.string(), name: z.string(), description: z.string(), file: z.string() })),
  templates: z.array(
    z.object({
      id: templateIdSchema,
      name: z.string(),
      description: z.string(),
      moment: momentKeySchema.nullable(),
      layout: z.string().nullable(),
      subject: z.string(),
      preheader: z.string(),
      file: z.string(),
      /** A hand-written plain-text part (Liquid); without one the text is generated from the HTML. */
      textFile: z.string().optional(),
      previewEvent: z.record(z.string(), z.unknown()).default({}),
    }),
  ),
});
export type StarterManifest = z.infer<typeof manifestSchema>;

export function readStarterManifest(dir = TEMPLATES_DIR): StarterManifest {
  return manifestSchema.parse(JSON.parse(readFileSync(path.join(dir, 'templates.json'), 'utf8')));
}

export function readStarterFile(file: string, dir = TEMPLATES_DIR): string {
  return readFileSync(path.join(dir, file), 'utf8');
}

type StarterTemplate = StarterManifest['templates'][number];

/** Inserts one starter template as its version 1, unless a template with its id exists. Returns whether it did. */
function insertStarterTemplate(db: Db, t: StarterTemplate, dir: string): boolean {
  const inserted = db
    .insert(emailTemplates)
    .values({ id: t.id, name: t.name, description: t.description, moment: t.moment, layout: t.layout, previewEvent: t.previewEvent, currentVersion: 1 })
    .onConflictDoNothing()
    .run();
  if (inserted.changes === 0) return false;
  const text = t.textFile ? readStarterFile(t.textFile, dir) : '';
  db.insert(emailTemplateVersions)
    .values({ templateId: t.id, version: 1, subject: t.subject, preheader: t.preheader, body: readStarterFile(t.file, dir), text, createdBy: 'Kairos starter templates' })
    .run();
  return true;
}

/**
 * Adds the named starter templates a workspace lacks (one made before they shipped, or one that deleted them), for
 * an explicit request such as the demo's publishing of the starter journeys. Returns the ids it added.
 */
export function addMissingStarterTemplates(db: Db, ids: readonly string[], dir = TEMPLATES_DIR): string[] {
  const manifest = readStarterManifest(dir);
  return db.transaction((tx) =>
    manifest.templates.filter((t) => ids.includes(t.id) && insertStarterTemplate(tx as unknown as Db, t, dir)).map((t) => t.id),
  );
}

/**
 * Inserts what is missing and never overwrites. Runs once per workspace (a marker in settings), so a
 * template a marketer deleted stays deleted.
 */
export function loadStarterTemplates(db: Db, dir = TEMPLATES_DIR): void {
  const loaded = db.select().from(settings).where(eq(settings.key, LOADED_MARKER)).get();
  if (loaded) return;
  const manifest = readStarterManifest(dir);
  db.transaction((tx) => {
    for (const [kind, list] of [['layout', manifest.layouts], ['partial', manifest.partials]] as const) {
      for (const p of list) {
        tx.insert(emailPartials)
          .values({ key: p.key, kind, name: p.name, description: p.description, source: readStarterFile(p.file, dir) })
          .onConflictDoNothing()
          .run();
      }
    }
    for (const t of manifest.templates) insertStarterTemplate(tx as unknown as Db, t, dir);
    if (tx.select({ id: senders.id }).from(senders).all().length === 0) {
      tx.insert(senders).values({ id: randomUUID(), label: 'Newsletter', fromName: 'Kairos Shop', fromEmail: 'hello@shop.example.com', replyTo: null, isDefault: true }).run();
    }
    tx.insert(settings).values({ key: LOADED_MARKER, value: true }).run();
  });
}
