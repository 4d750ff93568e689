// Renders a compiled template for one contact: Liquid only, no MJML, so the send preparation worker loads it without the compiler.
import type { Template } from 'liquidjs';
import type { SendingSettings } from '../../../shared/mail/settings.ts';
import type { CompiledSources, CompiledTemplate } from './compile.ts';
import { htmlLiquid, textLiquid } from './liquid.ts';
import { htmlToText, tidyText } from './text.ts';

/** The parsed fields a render needs. */
export type RenderableTemplate = Pick<CompiledTemplate, 'subject' | 'preheader' | 'html' | 'text'>;

/** Parses the sources of a compiled template again (in another thread, where the parsed form cannot be sent). */
export function parseCompiledSources(sources: CompiledSources): RenderableTemplate {
  return {
    subject: textLiquid.parse(sources.subject),
    preheader: textLiquid.parse(sources.preheader),
    html: htmlLiquid.parse(sources.html),
    text: sources.text === null ? null : textLiquid.parse(sources.text),
  };
}

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
  /**
   * The contact's referral link (`contact.referral_url`): the hosted subscribe form with their code. A function is
   * called only when the template uses it: signing the code costs more than rendering most templates.
   */
  referralUrl: string | (() => string);
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
export function renderCompiled(compiled: RenderableTemplate, data: RenderData, subjectOverride?: Template[] | null): Rendered {
  const scope: Record<string, unknown> = {
    contact: withReferralUrl(contactScope(data.contact), data.links.referralUrl),
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

function withReferralUrl<T extends object>(contact: T, url: RenderLinks['referralUrl']): T & { referral_url: string } {
  if (typeof url === 'string') return Object.assign(contact, { referral_url: url });
  let made: string | undefined;
  return Object.defineProperty(contact, 'referral_url', { enumerable: true, get: () => (made ??= url()) }) as T & { referral_url: string };
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
