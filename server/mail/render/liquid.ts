// The Liquid engines of email rendering: HTML output escaped, text output not; unknown filters fail at parse time, unknown variables at save time.
import { Hash, Liquid, Tag, type Context, type Emitter, type Parser, type TagToken, type Template, type TopLevelToken } from 'liquidjs';
import type { TemplateIssue } from '../../../shared/mail/settings.ts';

/**
 * `{% scope product: item %}…{% endscope %}`: what a `{% render 'partial', product: item %}` becomes once the
 * partial's MJML is inlined at compile time; the arguments are visible inside, as `render` would make them.
 */
class ScopeTag extends Tag {
  private readonly hash: Hash;
  private readonly templates: Template[] = [];

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid);
    this.hash = new Hash(this.tokenizer, liquid.options.keyValueSeparator);
    while (remainTokens.length > 0) {
      const next = remainTokens.shift() as TopLevelToken;
      if ('name' in next && next.name === 'endscope') return;
      this.templates.push(parser.parseToken(next, remainTokens));
    }
    throw new Error(`tag ${token.getText()} not closed`);
  }

  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    const values = (yield this.hash.render(ctx)) as Record<string, unknown>;
    ctx.push(values);
    try {
      yield this.liquid.renderer.renderTemplates(this.templates, ctx, emitter);
    } finally {
      ctx.pop();
    }
  }
}

function engine(escapeHtml: boolean, templates?: Record<string, string>): Liquid {
  const liquid = new Liquid({
    outputEscape: escapeHtml ? 'escape' : undefined,
    strictFilters: true,
    // Missing traits render empty at send time; save-time analysis catches misspelt names instead.
    strictVariables: false,
    ownPropertyOnly: true,
    cache: false,
    templates: templates ?? {},
    relativeReference: false,
  });
  liquid.registerTag('scope', ScopeTag);
  return liquid;
}

/** For HTML bodies: contact data cannot inject markup (`| raw` marks deliberate raw output). */
export const htmlLiquid = engine(true);
/** For subjects and text parts, which are not HTML. */
export const textLiquid = engine(false);

/** A Liquid problem as the editor shows it: the message without liquidjs's position suffix, and the position. */
export function liquidIssue(field: TemplateIssue['field'], error: unknown, lineOffset = 0): TemplateIssue {
  const e = error as { message?: string; token?: { getPosition?: () => [number, number] } };
  const position = e.token?.getPosition?.();
  const message = String(e.message ?? error)
    .replace(/, line:\d+, col:\d+[\s\S]*$/, '')
    .replace(/^undefined filter: /, 'Unknown filter: ');
  return {
    field,
    line: position ? position[0] + lineOffset : null,
    column: position ? position[1] : null,
    message,
  };
}

/** Parses Liquid, returning the templates or the problem with its line. */
export function parseLiquid(liquid: Liquid, source: string, field: TemplateIssue['field']): { templates: Template[] } | { issue: TemplateIssue } {
  try {
    return { templates: liquid.parse(source) };
  } catch (error) {
    return { issue: liquidIssue(field, error) };
  }
}

/** Names a template may use, and for fixed objects the fields they have (null: any field, such as traits). */
const KNOWN: Record<string, readonly string[] | null> = {
  contact: ['email', 'first_name', 'last_name', 'name', 'persona', 'phase', 'timezone', 'referral_url', 'traits'],
  event: null,
  brand: ['name', 'postal_address', 'website_url'],
  sender: ['name', 'email'],
  subject: [],
  preheader: [],
  unsubscribe_url: [],
  preferences_url: [],
  confirm_url: [],
};
export const KNOWN_VARIABLES = Object.keys(KNOWN);

/**
 * Every use of a variable Kairos does not provide, found by static analysis (loops and assigns are
 * understood), so a misspelt `contct.first_name` is refused at save time instead of rendering empty.
 */
export function unknownVariables(
  source: string,
  field: TemplateIssue['field'],
  partials: Record<string, string>,
  extra: readonly string[] = [],
): TemplateIssue[] {
  const analyser = engine(true, partials);
  let analysis;
  try {
    analysis = analyser.parseAndAnalyzeSync(source);
  } catch (error) {
    return [liquidIssue(field, error)];
  }
  const issues: TemplateIssue[] = [];
  for (const variables of Object.values(analysis.globals)) {
    for (const variable of variables) {
      const [root, second] = variable.toArray();
      if (typeof root !== 'string' || extra.includes(root)) continue;
      const where = variable.location.file ? ` (in the partial "${variable.location.file}")` : '';
      const line = variable.location.file ? null : variable.location.row;
      const column = variable.location.file ? null : variable.location.col;
      if (!(root in KNOWN)) {
        issues.push({ field, line, column, message: `Unknown variable "${variable.toString()}"${where}: use ${KNOWN_VARIABLES.join(', ')}.` });
        continue;
      }
      const fields = KNOWN[root];
      if (fields && typeof second === 'string' && !fields.includes(second)) {
        const allowed = fields.length > 0 ? `${root} has ${fields.join(', ')}` : `${root} has no fields`;
        issues.push({ field, line, column, message: `Unknown variable "${variable.toString()}"${where}: ${allowed}.` });
      }
    }
  }
  return issues;
}
