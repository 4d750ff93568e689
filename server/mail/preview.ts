// Preview and test send of template content as it is being edited (not yet saved), with a chosen contact's data or a sample contact.
import { PREVIEW_REFERRAL_CODE, referralUrlFor } from '../../shared/contacts/referrals.ts';
import type { TemplateContent, TemplateIssue } from '../../shared/mail/settings.ts';
import type { Db } from '../db/client.ts';
import { getContact } from '../contacts/db.ts';
import { compileTemplate, type CompiledTemplate, type PartialSet } from './render/compile.ts';
import { textLiquid } from './render/liquid.ts';
import { contactScope } from './render/render.ts';
import { renderCompiled, type ContactData, type Rendered } from './render/renderer.ts';
import { readSendingSettings, resolveSender } from './settings.ts';
import { loadPartialSet } from './templates.ts';

export const SAMPLE_CONTACT: ContactData = {
  email: 'alex.sample@example.com',
  traits: { first_name: 'Alex', last_name: 'Sample' },
  phase: 'subscriber',
  personaKey: null,
  timezone: 'Europe/Berlin',
};

export interface PreviewInput {
  content: TemplateContent;
  layout: string | null;
  /** A contact whose data fills the template; the sample contact when absent. */
  contactId?: string | null;
  /** A contact described rather than stored (the journey simulator's); takes the place of contactId. */
  contact?: ContactData | null;
  /** Properties of the entering event, as the template's preview data says. */
  event?: Record<string, unknown>;
  /** Unsaved source of a layout or partial, to preview its effect before saving. */
  partialOverride?: { key: string; source: string } | null;
  senderId?: string | null;
}

export type PreviewResult = ({ ok: true } & Rendered & { compiledHtml: string }) | { ok: false; issues: TemplateIssue[] };

/** Links in a preview or test email lead to a page that says so, and change nothing (a preview referral link carries no code). */
export function previewLinks(base = '') {
  return {
    unsubscribeUrl: `${base}/preferences/preview`,
    preferencesUrl: `${base}/preferences/preview`,
    confirmUrl: `${base}/confirm/preview`,
    referralUrl: referralUrlFor(base, PREVIEW_REFERRAL_CODE),
  };
}

function partialsWith(db: Db, override: PreviewInput['partialOverride']): PartialSet {
  const set = loadPartialSet(db);
  if (override) {
    if (override.key in set.layouts) set.layouts[override.key] = override.source;
    else set.partials[override.key] = override.source;
  }
  return set;
}

export function previewContact(db: Db, contactId: string | null | undefined): ContactData {
  if (!contactId) return SAMPLE_CONTACT;
  const c = getContact(db, contactId);
  return c ? { email: c.email, traits: c.traits, phase: c.phase, personaKey: c.personaKey, timezone: c.timezone } : SAMPLE_CONTACT;
}

export async function compilePreview(db: Db, input: PreviewInput): Promise<{ ok: true; compiled: CompiledTemplate } | { ok: false; issues: TemplateIssue[] }> {
  return compileTemplate({ ...input.content, layout: input.layout }, partialsWith(db, input.partialOverride));
}

export async function previewTemplate(db: Db, input: PreviewInput, linkBase = ''): Promise<PreviewResult> {
  const result = await compilePreview(db, input);
  if (!result.ok) return result;
  const settings = readSendingSettings(db);
  const sender = resolveSender(db, input.senderId);
  try {
    const rendered = renderCompiled(result.compiled, {
      contact: input.contact ?? previewContact(db, input.contactId),
      event: input.event ?? {},
      brand: settings.brand,
      sender: { name: sender?.fromName ?? settings.brand.name, email: sender?.fromEmail ?? 'hello@example.com' },
      links: previewLinks(linkBase),
    });
    return { ok: true, ...rendered, compiledHtml: result.compiled.htmlSource };
  } catch (error) {
    return { ok: false, issues: [{ field: 'body', line: null, column: null, message: `Rendering failed: ${error instanceof Error ? error.message : String(error)}` }] };
  }
}

/**
 * A subject as the sample contact would read it, for lists that would otherwise show raw Liquid; the raw subject when
 * it does not render (a list should never fail for one template).
 */
export function sampleSubject(db: Db, subject: string, event: Record<string, unknown>): string {
  if (!subject.includes('{')) return subject;
  try {
    const brand = readSendingSettings(db).brand;
    const scope = {
      contact: { ...contactScope(SAMPLE_CONTACT), referral_url: previewLinks().referralUrl },
      event,
      brand: { name: brand.name, postal_address: brand.postalAddress, website_url: brand.websiteUrl },
    };
    return (textLiquid.parseAndRenderSync(subject, scope) as string).replace(/\s+/g, ' ').trim();
  } catch {
    return subject;
  }
}
