// Compiles a template version once: layout and partials inlined, MJML to HTML with the Liquid left in, then parsed, so a send only renders Liquid.
import mjml2html from 'mjml';
import type { Template } from 'liquidjs';
import type { TemplateIssue } from '../../../shared/mail/settings.ts';
import { htmlLiquid, liquidIssue, parseLiquid, textLiquid, unknownVariables } from './liquid.ts';
import { convertToText } from './text.ts';

export { htmlToText, tidyText } from './text.ts';

export interface TemplateSource {
  subject: string;
  preheader: string;
  body: string;
  /** Hand-written text part; empty means generated from the HTML. */
  text: string;
  /** Key of the layout that wraps the body, or null for a whole <mjml> document. */
  layout: string | null;
}

export interface PartialSet {
  layouts: Record<string, string>;
  partials: Record<string, string>;
}

export interface CompiledTemplate {
  subject: Template[];
  preheader: Template[];
  html: Template[];
  /** Null when the generated text part could not keep the Liquid intact: then it is generated per send. */
  text: Template[] | null;
  /** The compiled HTML before Liquid, for tests and the editor's "view compiled" action. */
  htmlSource: string;
  /** The Liquid sources of the parsed fields, which another thread (the send preparation worker) parses again. */
  sources: CompiledSources;
}

/** What a compiled template is made of, as text: Liquid over the compiled HTML, no MJML left. */
export interface CompiledSources {
  subject: string;
  preheader: string;
  html: string;
  /** Null when the text part is generated per send (see CompiledTemplate.text). */
  text: string | null;
}

export type CompileResult = { ok: true; compiled: CompiledTemplate } | { ok: false; issues: TemplateIssue[] };

type Origin = { field: 'body' | 'layout' | 'partial'; name: string; line: number };
interface Piece {
  text: string;
  origin: Origin;
}

const CONTENT_SLOT = /\{\{-?\s*content\s*-?\}\}/;
const PARTIAL_TAG = /\{%-?\s*(render|include)\s+(?:(['"])([^'"]*)\2|(\S+))\s*(?:,?\s*([\s\S]*?))?\s*-?%\}/g;
const MAX_PARTIAL_DEPTH = 5;

const linesIn = (text: string) => (text.match(/\n/g) ?? []).length;

class ExpandError extends Error {
  constructor(readonly issue: TemplateIssue) {
    super(issue.message);
  }
}

/**
 * Inlines `{% render 'name', arg: value %}` and `{% include 'name' %}` with the partial's source, so MJML
 * sees the partial's components; the arguments stay visible through a `scope` block.
 */
function expandPartials(source: string, origin: Origin, partials: Record<string, string>, depth: number): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of source.matchAll(PARTIAL_TAG)) {
    const start = match.index;
    const line = origin.line + linesIn(source.slice(0, start));
    const name = match[3];
    const where: TemplateIssue = { field: origin.field === 'body' ? 'body' : origin.field, line: origin.field === 'body' ? line : null, column: null, message: '' };
    const inPartial = origin.field === 'body' ? '' : ` (in the ${origin.field} "${origin.name}", line ${line})`;
    if (name === undefined) {
      throw new ExpandError({ ...where, message: `Partials are named with a quoted name, such as {% render 'footer' %}${inPartial}.` });
    }
    const args = (match[5] ?? '').trim();
    if (/^(with|for)\b/.test(args)) {
      throw new ExpandError({ ...where, message: `Pass values to a partial by name, such as {% render '${name}', product: item %}${inPartial}.` });
    }
    const partial = partials[name];
    if (partial === undefined) {
      const known = Object.keys(partials).join(', ') || 'none yet';
      throw new ExpandError({ ...where, message: `There is no partial "${name}"${inPartial}; partials: ${known}.` });
    }
    if (depth >= MAX_PARTIAL_DEPTH) {
      throw new ExpandError({ ...where, message: `Partials nest more than ${MAX_PARTIAL_DEPTH} deep at "${name}"${inPartial}; does one render itself?` });
    }
    pieces.push({ text: source.slice(last, start), origin: { ...origin, line: origin.line + linesIn(source.slice(0, last)) } });
    pieces.push({ text: `{% scope ${args} %}`, origin: { ...origin, line } });
    pieces.push(...expandPartials(partial, { field: 'partial', name, line: 1 }, partials, depth + 1));
    pieces.push({ text: '{% endscope %}', origin: { ...origin, line: line + linesIn(match[0]) } });
    last = start + match[0].length;
  }
  pieces.push({ text: source.slice(last), origin: { ...origin, line: origin.line + linesIn(source.slice(0, last)) } });
  return pieces;
}

/** The whole MJML document as pieces that remember where each line came from. */
function assemble(source: TemplateSource, set: PartialSet): Piece[] {
  const body = expandPartials(source.body, { field: 'body', name: 'body', line: 1 }, set.partials, 0);
  if (source.layout === null) {
    if (!/<mjml[\s>]/.test(source.body)) {
      throw new ExpandError({ field: 'body', line: 1, column: null, message: 'Without a layout the body must be a whole <mjml> document; choose a layout to write only sections.' });
    }
    return body;
  }
  const layout = set.layouts[source.layout];
  if (layout === undefined) {
    throw new ExpandError({ field: 'layout', line: null, column: null, message: `There is no layout "${source.layout}"; layouts: ${Object.keys(set.layouts).join(', ') || 'none yet'}.` });
  }
  const bodyTag = /<(mjml|mj-body|mj-head)[\s>]/.exec(source.body);
  if (bodyTag) {
    throw new ExpandError({ field: 'body', line: 1 + linesIn(source.body.slice(0, bodyTag.index)), column: null, message: `The layout "${source.layout}" already provides <${bodyTag[1]}>; the body holds only sections (<mj-section>, <mj-wrapper>…).` });
  }
  const slot = CONTENT_SLOT.exec(layout);
  if (!slot) {
    throw new ExpandError({ field: 'layout', line: null, column: null, message: `The layout "${source.layout}" has no {{ content }} where the body goes.` });
  }
  const before = layout.slice(0, slot.index);
  const after = layout.slice(slot.index + slot[0].length);
  return [
    ...expandPartials(before, { field: 'layout', name: source.layout, line: 1 }, set.partials, 0),
    ...body,
    ...expandPartials(after, { field: 'layout', name: source.layout, line: 1 + linesIn(before) }, set.partials, 0),
  ];
}

/** Where a line of the assembled document came from. */
function originOf(pieces: Piece[], docLine: number): Origin {
  let lineAtStart = 1;
  for (const piece of pieces) {
    const lines = linesIn(piece.text);
    if (docLine <= lineAtStart + lines) return { ...piece.origin, line: piece.origin.line + (docLine - lineAtStart) };
    lineAtStart += lines;
  }
  return pieces.at(-1)?.origin ?? { field: 'body', name: 'body', line: docLine };
}

/** Components whose content is HTML, where Liquid stays as it is. */
const ENDING_TAGS = new Set([
  'mj-text', 'mj-button', 'mj-raw', 'mj-table', 'mj-navbar-link', 'mj-accordion-title', 'mj-accordion-text',
  'mj-social-element', 'mj-style', 'mj-title', 'mj-preview',
]);
const TOKEN = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][\w-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>|\{%-?[\s\S]*?-?%\}|\{\{-?[\s\S]*?-?\}\}/g;

/**
 * MJML drops text between components, so Liquid tags placed there (`{% for %}` around sections) are
 * wrapped in <mj-raw>, which MJML passes through untouched. Adds no line breaks.
 */
export function wrapComponentLevelLiquid(doc: string): string {
  let out = '';
  let last = 0;
  let inBody = false;
  let rawUntil: string | null = null;
  for (const match of doc.matchAll(TOKEN)) {
    const [token, closing, name, , selfClosing] = match;
    if (name !== undefined) {
      if (rawUntil) {
        if (closing && name === rawUntil) rawUntil = null;
        continue;
      }
      if (name === 'mj-body') inBody = !closing;
      else if (!closing && !selfClosing && ENDING_TAGS.has(name)) rawUntil = name;
      continue;
    }
    if (token.startsWith('<!--') || !inBody || rawUntil) continue;
    out += `${doc.slice(last, match.index)}<mj-raw>${token}</mj-raw>`;
    last = match.index + token.length;
  }
  return out + doc.slice(last);
}

const LIQUID_IN_HTML = /\{%-?[\s\S]*?-?%\}|\{\{-?[\s\S]*?-?\}\}/g;

/**
 * Whether converting the HTML with its Liquid left in place gives the same text as converting the rendered HTML.
 * Not when a Liquid tag sits inside an HTML tag (an if or an assign in an attribute: html-to-text reads the rendered
 * value, or drops it), trims whitespace (`{%-`: paragraphs would run together), outputs markup unescaped (`raw`), or the source
 * already holds the placeholder character. Those templates get their text part from each rendered email instead.
 */
function textTemplateIsFaithful(htmlSource: string): boolean {
  if (htmlSource.includes('⟦')) return false;
  for (const match of htmlSource.matchAll(LIQUID_IN_HTML)) {
    const liquid = match[0];
    if (/^\{[{%]-|-[}%]\}$/.test(liquid) || /\|\s*raw\b|\{%-?\s*raw\b/.test(liquid)) return false;
    // A value in a link or an attribute comes through (html-to-text prints hrefs); a tag there (an if, an assign) does not.
    const before = htmlSource.slice(0, match.index);
    if (liquid.startsWith('{%') && before.lastIndexOf('<') > before.lastIndexOf('>')) return false;
  }
  return true;
}

/**
 * The text part as a Liquid template, generated once from the compiled HTML: Liquid is swapped for
 * placeholders that html-to-text leaves alone, then put back.
 */
function generatedTextTemplate(htmlSource: string): { source: string; templates: Template[] } | null {
  if (!textTemplateIsFaithful(htmlSource)) return null;
  const saved: string[] = [];
  const shielded = htmlSource.replace(LIQUID_IN_HTML, (liquid) => `⟦${saved.push(liquid) - 1}⟧`);
  const text = convertToText(shielded).replace(/⟦(\d+)⟧/g, (_, i: string) => saved[Number(i)] ?? '');
  try {
    return { source: text, templates: textLiquid.parse(text) };
  } catch {
    return null;
  }
}

/** Checks every field of a template for Liquid problems, with their lines. */
export function checkLiquid(source: TemplateSource, set: PartialSet): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const partialSources = { ...set.partials };
  // Missing partials are named here; the analysis below would stop at the first with a file-system message.
  for (const match of source.body.matchAll(PARTIAL_TAG)) {
    const name = match[3];
    if (name !== undefined && !(name in partialSources)) {
      const line = 1 + linesIn(source.body.slice(0, match.index));
      issues.push({ field: 'body', line, column: null, message: `There is no partial "${name}"; partials: ${Object.keys(partialSources).join(', ') || 'none yet'}.` });
    }
  }
  if (issues.length > 0) return issues;
  for (const [field, text, isHtml] of [
    ['subject', source.subject, false],
    ['preheader', source.preheader, false],
    ['body', source.body, true],
    ['text', source.text, false],
  ] as const) {
    if (text === '') continue;
    const parsed = parseLiquid(isHtml ? htmlLiquid : textLiquid, text, field);
    if ('issue' in parsed) {
      issues.push(parsed.issue);
      continue;
    }
    issues.push(...unknownVariables(text, field, partialSources));
  }
  // The layout and the partials it renders (header, footer) are checked as part of every template using them.
  const layout = source.layout === null ? undefined : set.layouts[source.layout];
  if (layout !== undefined) {
    for (const issue of unknownVariables(layout, 'layout', partialSources, ['content'])) {
      issues.push({ ...issue, line: null, column: null, message: `In the layout "${source.layout}"${issue.line ? `, line ${issue.line}` : ''}: ${issue.message}` });
    }
  }
  return issues;
}

/** Compiles MJML (async, ~15 ms) and parses the result; every problem comes back with the line it is on. */
export async function compileTemplate(source: TemplateSource, set: PartialSet): Promise<CompileResult> {
  const liquidIssues = checkLiquid(source, set);
  if (liquidIssues.length > 0) return { ok: false, issues: liquidIssues };

  let pieces: Piece[];
  try {
    pieces = assemble(source, set);
  } catch (error) {
    if (error instanceof ExpandError) return { ok: false, issues: [error.issue] };
    throw error;
  }
  const doc = wrapComponentLevelLiquid(pieces.map((p) => p.text).join(''));
  const result = await mjml2html(doc, {
    validationLevel: 'soft',
    // mj-include would read files from the server's disk: templates are data, not paths.
    ignoreIncludes: true,
    keepComments: false,
    // No web-font <link>s: they fetch from a third party on every open and system fonts look as good.
    fonts: {},
  });
  if (result.errors.length > 0) {
    return {
      ok: false,
      issues: result.errors.map((e): TemplateIssue => {
        const origin = originOf(pieces, e.line);
        if (origin.field === 'body') return { field: 'body', line: origin.line, column: null, message: `MJML: ${e.message}` };
        return { field: origin.field, line: null, column: null, message: `MJML in the ${origin.field} "${origin.name}", line ${origin.line}: ${e.message}` };
      }),
    };
  }
  // MJML indents its output; the indentation is a quarter of every email's bytes, sent and stored for nothing.
  const htmlSource = /<(pre|textarea)[\s>]/i.test(result.html) ? result.html : result.html.replace(/\n[ \t]+/g, '\n');
  const parse = (liquid: typeof htmlLiquid, text: string, field: TemplateIssue['field']) => {
    try {
      return liquid.parse(text);
    } catch (error) {
      throw new ExpandError({ ...liquidIssue(field, error), line: null, column: null });
    }
  };
  try {
    const written = source.text.trim() !== '';
    const text = written ? { source: source.text, templates: parse(textLiquid, source.text, 'text') } : generatedTextTemplate(htmlSource);
    return {
      ok: true,
      compiled: {
        subject: parse(textLiquid, source.subject, 'subject'),
        preheader: parse(textLiquid, source.preheader, 'preheader'),
        html: parse(htmlLiquid, htmlSource, 'body'),
        text: text?.templates ?? null,
        htmlSource,
        sources: { subject: source.subject, preheader: source.preheader, html: htmlSource, text: text?.source ?? null },
      },
    };
  } catch (error) {
    if (error instanceof ExpandError) {
      return { ok: false, issues: [{ ...error.issue, message: `After MJML compilation the Liquid no longer parses: ${error.issue.message}. Keep Liquid tags whole inside one component.` }] };
    }
    throw error;
  }
}
