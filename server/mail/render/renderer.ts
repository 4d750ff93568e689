// Renders a template version for one contact: the compiled template comes from a cache keyed by version and partial revisions.
import type { Template } from 'liquidjs';
import type { SendingSettings } from '../../../shared/mail/settings.ts';
import type { Db } from '../../db/client.ts';
import { compileTemplate, htmlToText, tidyText, type CompileResult, type CompiledTemplate, type PartialSet } from './compile.ts';
import { htmlLiquid, textLiquid } from './liquid.ts';

export interface ContactData {
  email: string;
  traits: Record<string, unknown>;
  phase?: string | null;
  personaKey?: string | null;
  timezone?: string | null;
}

export interface RenderLinks {
  unsubscribeUrl: string;
  preferencesUrl: string;
  confirmUrl?: string;
}

export interface RenderData {
  contact: ContactData;
  /** The properties of the event that entered the journey, when there is one. */
  event: Record<string, unknown> | null;
  brand: SendingSettings['brand'];
  sender: { name: string; email: string };
  links: RenderLinks;
  /** The email node's subject override (Liquid). */
  subjectOverride?: string | null;
}

export interface Rendered {
  subject: string;
  html: string;
  text: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** The `contact` a template sees: common traits under friendly names, every trait under traits. */
export function contactScope(c: ContactData) {
  const t = c.traits;
  const first = str(t.first_name) ?? str(t.firstName);
  const last = str(t.last_name) ?? str(t.lastName);
  const name = str(t.name) ?? ([first, last].filter(Boolean).join(' ') || undefined);
  return {
    email: c.email,
    first_name: first ?? (name ? name.split(/\s+/)[0] : undefined),
    last_name: last,
    name,
    persona: c.personaKey ?? undefined,
    phase: c.phase ?? undefined,
    timezone: c.timezone ?? undefined,
    traits: t,
  };
}

/** Renders a compiled template; throws a RenderError (liquidjs) for a runtime Liquid failure. */
export function renderCompiled(compiled: CompiledTemplate, data: RenderData, subjectOverride?: Template[] | null): Rendered {
  const scope: Record<string, unknown> = {
    contact: contactScope(data.contact),
    event: data.event ?? {},
    brand: { name: data.brand.name, postal_address: data.brand.postalAddress, website_url: data.brand.websiteUrl },
    sender: data.sender,
    unsubscribe_url: data.links.unsubscribeUrl,
    preferences_url: data.links.preferencesUrl,
    confirm_url: data.links.confirmUrl ?? '',
  };
  const subject = oneLine(textLiquid.renderSync(subjectOverride ?? compiled.subject, scope) as string);
  scope.subject = subject;
  scope.preheader = oneLine(textLiquid.renderSync(compiled.preheader, scope) as string);
  const html = htmlLiquid.renderSync(compiled.html, scope) as string;
  const text = compiled.text ? tidyText(textLiquid.renderSync(compiled.text, scope) as string) : htmlToText(html);
  return { subject, html, text };
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

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
  private readonly subjects = new Map<string, Template[]>();

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

  /** A parsed subject override; node overrides repeat across a journey's messages. */
  subjectOverride(text: string): Template[] {
    let parsed = this.subjects.get(text);
    if (!parsed) {
      parsed = textLiquid.parse(text);
      this.subjects.set(text, parsed);
      if (this.subjects.size > MAX_CACHED) this.subjects.delete(this.subjects.keys().next().value as string);
    }
    return parsed;
  }
}
