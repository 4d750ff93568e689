// An email made ready to send: rendered for its contact, footer and tracking added, composed as MIME, its HTML deflated for keeping.
// No database and no clock: the job carries everything, so this runs in the send preparation worker (or in-process as a fallback).
import type { Template } from 'liquidjs';
import type { SendingSettings } from '../../shared/mail/settings.ts';
import { deflateHtml } from './archive.ts';
import { composeMail, unsubscribeFooter } from './compose.ts';
import { createReferralCodes } from '../contacts/referralCode.ts';
import { createMailAuthenticator, DkimSignError, type SigningDomain } from './domains/signing.ts';
import { addTracking, createLinks, type Links } from './links.ts';
import { buildMime } from './mime.ts';
import type { CompiledSources } from './render/compile.ts';
import { textLiquid } from './render/liquid.ts';
import { parseCompiledSources, renderCompiled, type ContactData, type RenderableTemplate, type Rendered } from './render/render.ts';
import { createTokens } from './tokens.ts';

/** A template version to render for the contact. */
export interface TemplateContent {
  kind: 'template';
  /** Template, version and partial revisions: the key of the compiled template. */
  key: string;
  /** The compiled template; may be left out once this preparation has seen the key. */
  sources?: CompiledSources;
  subjectOverride: string | null;
  contact: ContactData;
  event: Record<string, unknown> | null;
  brand: SendingSettings['brand'];
  /** The double opt-in confirmation: when its link was issued, so the link can expire. */
  confirmIssuedAt: number | null;
  /** Marketing mail whose template lost its unsubscribe link gets the footer: every marketing email carries one. */
  marketing: boolean;
}

/** Content rendered already (the internal notifications): composed as it is, no tracking. */
export interface RenderedContent extends Rendered {
  kind: 'rendered';
}

export interface PrepareJob {
  messageId: string;
  contactId: string;
  to: string;
  from: { name: string; email: string };
  replyTo: string | null;
  /** The Date header (ms). */
  date: number;
  /** Marketing mail from a journey carries List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
  listUnsubscribe: boolean;
  content: TemplateContent | RenderedContent;
  /** The configured domain the From address is on: the email is DKIM-signed with its keys and gets a VERP Return-Path. */
  sendingDomain?: SigningDomain | null;
}

export type Prepared =
  /**
   * raw: the whole MIME message (DKIM-signed when the job had a sending domain); htmlDeflated, subject and text: what
   * is kept of it once sent; returnPath: the SMTP envelope sender, when it is not the From address.
   */
  | { ok: true; subject: string; text: string; htmlDeflated: Uint8Array; raw: Uint8Array; returnPath?: string }
  /** The template cannot be rendered for this contact (a Liquid runtime error). */
  | { ok: false; renderError: string }
  /** The email could not be DKIM-signed (its domain's key does not decrypt with this SECRET). */
  | { ok: false; signError: string };

export interface Preparation {
  prepare(job: PrepareJob): Promise<Prepared>;
}

const MAX_CACHED = 200;

/** The job left the compiled template out, and this preparation no longer (or never) had it: send it again with it. */
export class UnknownTemplateError extends Error {
  constructor(readonly key: string) {
    super(`no compiled template for ${key}`);
  }
}

/** The cached value, made if missing; the least recently used one goes when the cache is full. */
function remember<T>(cache: Map<string, T>, key: string, make: (() => T) | null): T | undefined {
  let value = cache.get(key);
  if (value !== undefined) {
    cache.delete(key);
  } else {
    if (!make) return undefined;
    value = make();
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  }
  cache.set(key, value);
  return value;
}

/** Prepares emails with links signed by `secret`; parsed templates and subject overrides are kept per key. */
export function createPreparation(secret: string, publicUrl: string): Preparation {
  const links: Links = createLinks(publicUrl, createTokens(secret));
  const referrals = createReferralCodes(secret, publicUrl);
  const authenticator = createMailAuthenticator(secret);
  const templates = new Map<string, RenderableTemplate>();
  const subjects = new Map<string, Template[]>();

  function templateFor(c: TemplateContent): RenderableTemplate {
    const sources = c.sources;
    const template = remember(templates, c.key, sources ? () => parseCompiledSources(sources) : null);
    if (!template) throw new UnknownTemplateError(c.key);
    return template;
  }

  /** Throws a RenderError (liquidjs) when the template cannot be rendered for this contact. */
  function render(job: PrepareJob, c: TemplateContent, template: RenderableTemplate, unsubscribeUrl: string): Rendered {
    const preferencesUrl = links.preferencesUrl(job.contactId, job.messageId);
    const rendered = renderCompiled(
      template,
      {
        contact: c.contact,
        event: c.event,
        brand: c.brand,
        sender: job.from,
        links: {
          unsubscribeUrl,
          preferencesUrl,
          confirmUrl: c.confirmIssuedAt === null ? undefined : links.confirmUrl(job.contactId, c.confirmIssuedAt),
          referralUrl: () => referrals.url(job.contactId),
        },
      },
      c.subjectOverride ? remember(subjects, c.subjectOverride, () => textLiquid.parse(c.subjectOverride!))! : null,
    );
    let { html, text } = rendered;
    if (c.marketing && !html.includes(unsubscribeUrl)) {
      const footer = unsubscribeFooter(unsubscribeUrl, preferencesUrl);
      const close = html.lastIndexOf('</body>');
      html = close === -1 ? html + footer.html : html.slice(0, close) + footer.html + html.slice(close);
      text += footer.text;
    }
    return { subject: rendered.subject, html: addTracking(html, job.messageId, links), text };
  }

  return {
    async prepare(job) {
      const unsubscribeUrl = links.unsubscribeUrl(job.contactId, job.messageId);
      let rendered: Rendered;
      if (job.content.kind === 'rendered') {
        rendered = job.content;
      } else {
        const template = templateFor(job.content);
        try {
          rendered = render(job, job.content, template, unsubscribeUrl);
        } catch (error) {
          return { ok: false, renderError: error instanceof Error ? error.message : String(error) };
        }
      }
      const mail = composeMail({
        messageId: job.messageId,
        to: job.to,
        from: job.from,
        replyTo: job.replyTo,
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        date: new Date(job.date),
        unsubscribeUrl: job.listUnsubscribe ? unsubscribeUrl : null,
      });
      // Built (and signed) here, so the sending thread only streams it.
      let raw = buildMime({ ...mail, text: rendered.text, html: rendered.html });
      let returnPath: string | undefined;
      if (job.sendingDomain) {
        try {
          raw = await authenticator.sign(raw, job.sendingDomain, job.date);
        } catch (error) {
          if (error instanceof DkimSignError) return { ok: false, signError: error.message };
          throw error;
        }
        returnPath = authenticator.returnPath(job.messageId, job.sendingDomain) ?? undefined;
      }
      return { ok: true, subject: rendered.subject, text: rendered.text, htmlDeflated: deflateHtml(rendered.html), raw, returnPath };
    },
  };
}
