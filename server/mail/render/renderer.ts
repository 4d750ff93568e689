// Compiled templates, cached per version and partial revisions; rendering them for a contact is in render.ts.
import type { Db } from '../../db/client.ts';
import { compileTemplate, type CompileResult, type PartialSet } from './compile.ts';

export { contactScope, renderCompiled, type ContactData, type RenderData, type RenderLinks, type Rendered } from './render.ts';

export interface VersionSource {
  templateId: string;
  version: number;
  subject: string;
  preheader: string;
  body: string;
  text: string;
  layout: string | null;
}

const MAX_CACHED = 200;

/**
 * Compiled templates per (template, version, partial revisions). MJML costs ~15 ms and a Liquid render
 * ~0.3 ms, so a send must never compile: versions are immutable, and a partial edit changes the key.
 */
export class TemplateCache {
  private readonly compiled = new Map<string, Promise<CompileResult>>();

  constructor(private readonly db: Db) {}

  /** Changes whenever a layout or partial is saved; the delivery loop reads it once per batch. */
  partialStamp(): string {
    const row = this.db.$client
      .prepare(`SELECT group_concat(key || ':' || revision, ',') AS stamp FROM (SELECT key, revision FROM email_partials ORDER BY key)`)
      .get() as { stamp: string | null };
    return row.stamp ?? '';
  }

  partialSet(): PartialSet {
    const rows = this.db.$client.prepare(`SELECT key, kind, source FROM email_partials`).all() as { key: string; kind: string; source: string }[];
    const set: PartialSet = { layouts: {}, partials: {} };
    for (const r of rows) (r.kind === 'layout' ? set.layouts : set.partials)[r.key] = r.source;
    return set;
  }

  /** The compiled version, compiling at most once per key even when many sends ask at the same time. */
  compile(source: VersionSource, stamp = this.partialStamp()): Promise<CompileResult> {
    const key = `${source.templateId}@${source.version}#${stamp}`;
    let entry = this.compiled.get(key);
    if (!entry) {
      entry = compileTemplate(source, this.partialSet());
      this.compiled.set(key, entry);
      if (this.compiled.size > MAX_CACHED) this.compiled.delete(this.compiled.keys().next().value as string);
    }
    return entry;
  }
}
