// The plain-text part of an email from its HTML (html-to-text), shared by compilation and the rare per-send fallback.
import { convert } from 'html-to-text';

const TEXT_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'table', format: 'block' },
    { selector: 'tbody', format: 'block' },
    { selector: 'tr', format: 'block' },
    { selector: 'td', format: 'block' },
    // The preheader (mj-preview) is hidden text for inbox previews, not content.
    { selector: 'div[style*="display:none"]', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
  ],
};

/** html-to-text with the options of email text parts, before tidying. */
export function convertToText(html: string): string {
  return convert(html, TEXT_OPTIONS);
}

/** The plain-text part of rendered HTML. */
export function htmlToText(html: string): string {
  return tidyText(convertToText(html));
}

/** Liquid blocks leave blank lines behind in generated text; two line breaks are enough. */
export function tidyText(text: string): string {
  return text.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

