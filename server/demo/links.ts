// The links a demo contact follows in an email it received: read from the HTML as the Inbox stores it, so opens,
// clicks, confirmations and unsubscribes go through the same signed links and routes' code as a person's would.
import { PUBLIC_PATHS, decodeAttribute } from '../mail/links.ts';

export interface EmailLinks {
  open: string | null;
  clicks: string[];
  confirm: string | null;
  unsubscribe: string | null;
}

const TOKEN = '([A-Za-z0-9_.-]+)';

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The tokens of the tracking and consent links in an email's HTML (attribute values decoded first). */
export function linksIn(html: string | null, publicUrl: string): EmailLinks {
  const links: EmailLinks = { open: null, clicks: [], confirm: null, unsubscribe: null };
  if (!html) return links;
  const base = escape(publicUrl.replace(/\/+$/, ''));
  const attrs = [...html.matchAll(/\b(?:href|src)\s*=\s*"([^"]*)"/gi)].map((m) => decodeAttribute(m[1]!));
  const open = new RegExp(`^${base}${escape(PUBLIC_PATHS.open)}${TOKEN}\\.gif$`);
  const click = new RegExp(`^${base}${escape(PUBLIC_PATHS.click)}${TOKEN}$`);
  const confirm = new RegExp(`^${base}${escape(PUBLIC_PATHS.confirm)}${TOKEN}$`);
  const unsubscribe = new RegExp(`^${base}${escape(PUBLIC_PATHS.unsubscribe)}${TOKEN}$`);
  for (const url of attrs) {
    let m: RegExpMatchArray | null;
    if ((m = url.match(open))) links.open ??= m[1]!;
    else if ((m = url.match(click))) links.clicks.push(m[1]!);
    else if ((m = url.match(confirm))) links.confirm ??= m[1]!;
    else if ((m = url.match(unsubscribe))) links.unsubscribe ??= m[1]!;
  }
  return links;
}
