// The public links in emails, each carrying a signed token, and the rewriting of rendered HTML for open and click tracking.
import type { Tokens } from './tokens.ts';

export const PUBLIC_PATHS = {
  unsubscribe: '/u/',
  preferences: '/preferences/',
  confirm: '/confirm/',
  open: '/o/',
  click: '/c/',
} as const;

export interface Links {
  /** With the message id when the link goes out in an email, so an unsubscribe from it counts toward its template. */
  unsubscribeUrl(contactId: string, messageId?: string): string;
  preferencesUrl(contactId: string, messageId?: string): string;
  confirmUrl(contactId: string, issuedAtMs: number): string;
  openUrl(messageId: string): string;
  clickUrl(messageId: string, target: string): string;
  /** Whether a URL is one of Kairos's own consent links, which are not wrapped for click tracking. */
  isConsentLink(url: string): boolean;
}

export function createLinks(publicUrl: string, tokens: Tokens): Links {
  const base = publicUrl.replace(/\/+$/, '');
  const own = [PUBLIC_PATHS.unsubscribe, PUBLIC_PATHS.preferences, PUBLIC_PATHS.confirm].map((p) => base + p);
  return {
    unsubscribeUrl: (c, m) => `${base}${PUBLIC_PATHS.unsubscribe}${tokens.sign('unsubscribe', m ? { c, m } : { c })}`,
    preferencesUrl: (c, m) => `${base}${PUBLIC_PATHS.preferences}${tokens.sign('unsubscribe', m ? { c, m } : { c })}`,
    confirmUrl: (c, i) => `${base}${PUBLIC_PATHS.confirm}${tokens.sign('confirm', { c, i })}`,
    openUrl: (m) => `${base}${PUBLIC_PATHS.open}${tokens.sign('open', { m })}.gif`,
    clickUrl: (m, u) => `${base}${PUBLIC_PATHS.click}${tokens.sign('click', { m, u })}`,
    isConsentLink: (url) => own.some((prefix) => url.startsWith(prefix)),
  };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Undoes the HTML escaping of an attribute value, so the click token carries the URL a browser would open. */
export function decodeAttribute(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, code: string) => {
    if (code[0] === '#') {
      const n = code[1] === 'x' || code[1] === 'X' ? Number.parseInt(code.slice(2), 16) : Number(code.slice(1));
      return Number.isFinite(n) ? String.fromCodePoint(n) : entity;
    }
    return ENTITIES[code.toLowerCase()] ?? entity;
  });
}

const encodeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

const ANCHOR_HREF = /(<a\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2/gi;

/**
 * Wraps every http(s) link of the HTML in a signed click redirect and adds the open pixel. Consent links,
 * mailto: and anchors stay as they are.
 */
export function addTracking(html: string, messageId: string, links: Links): string {
  const tracked = html.replace(ANCHOR_HREF, (whole, start: string, quote: string, raw: string) => {
    const url = decodeAttribute(raw.trim());
    if (!/^https?:\/\//i.test(url) || links.isConsentLink(url)) return whole;
    return `${start}${quote}${encodeAttribute(links.clickUrl(messageId, url))}${quote}`;
  });
  const pixel = `<img src="${encodeAttribute(links.openUrl(messageId))}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px;" />`;
  const close = tracked.lastIndexOf('</body>');
  return close === -1 ? tracked + pixel : `${tracked.slice(0, close)}${pixel}${tracked.slice(close)}`;
}
