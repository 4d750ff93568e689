// Template compilation: starter templates, Liquid and MJML problems with their lines, escaping, partials and layouts.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SENDING_SETTINGS } from '../../shared/mail/settings.ts';
import { compileTemplate, htmlToText, wrapComponentLevelLiquid, type PartialSet, type TemplateSource } from '../../server/mail/render/compile.ts';
import { renderCompiled, type RenderData } from '../../server/mail/render/renderer.ts';
import { readStarterFile, readStarterManifest } from '../../server/mail/starterTemplates.ts';
import { STARTER_TEMPLATE_IDS } from '../../shared/journey/starters.ts';
import { STARTER_PERSONAS } from '../../shared/lifecycle/personas.ts';

const manifest = readStarterManifest();
const starterSet: PartialSet = {
  layouts: Object.fromEntries(manifest.layouts.map((l) => [l.key, readStarterFile(l.file)])),
  partials: Object.fromEntries(manifest.partials.map((p) => [p.key, readStarterFile(p.file)])),
};

function data(overrides: Partial<RenderData> = {}): RenderData {
  return {
    contact: { email: 'ana@example.com', traits: { first_name: 'Ana' } },
    event: {},
    brand: DEFAULT_SENDING_SETTINGS.brand,
    sender: { name: 'Shop', email: 'hello@shop.example.com' },
    links: { unsubscribeUrl: 'https://k.example.com/u/UNSUB', preferencesUrl: 'https://k.example.com/preferences/PREFS', confirmUrl: 'https://k.example.com/confirm/CONF', referralUrl: 'https://k.example.com/subscribe?ref=REF' },
    ...overrides,
  };
}

const fragment = (body: string, extra: Partial<TemplateSource> = {}): TemplateSource => ({ subject: 'Hi', preheader: '', body, text: '', layout: 'marketing', ...extra });

async function compiled(source: TemplateSource, set = starterSet) {
  const result = await compileTemplate(source, set);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.compiled;
}

async function issuesOf(source: TemplateSource, set = starterSet) {
  const result = await compileTemplate(source, set);
  if (result.ok) throw new Error('expected the template to be refused');
  return result.issues;
}

describe('starter templates', () => {
  it('cover every template id the starter journeys use, the confirmation, and a nurture per starter persona', () => {
    const ids = manifest.templates.map((t) => t.id);
    const journeyIds = Object.values(STARTER_TEMPLATE_IDS).flatMap((v) => (typeof v === 'function' ? [v(null), ...STARTER_PERSONAS.map((p) => v(p.key))] : [v]));
    expect(ids.sort()).toEqual([...new Set([...journeyIds, 'confirmation'])].sort());
  });

  it.each(manifest.templates.map((t) => [t.id, t] as const))('%s compiles and renders a balanced HTML and text part', async (_id, t) => {
    const c = await compiled({ subject: t.subject, preheader: t.preheader, body: readStarterFile(t.file), text: '', layout: t.layout });
    const out = renderCompiled(c, data({ event: t.previewEvent }));
    expect(out.subject).not.toMatch(/\{\{|\}\}/);
    expect(out.html).not.toMatch(/\{\{|\{%/);
    expect(out.text).not.toMatch(/\{\{|\{%/);
    // Not image-only: the text part carries the message.
    expect(out.text.length).toBeGreaterThan(250);
    expect(out.text).toContain(DEFAULT_SENDING_SETTINGS.brand.postalAddress);
    if (t.layout === 'marketing') {
      expect(out.html).toContain('https://k.example.com/u/UNSUB');
      expect(out.text).toContain('Unsubscribe [https://k.example.com/u/UNSUB]');
    } else {
      expect(out.html).toContain('https://k.example.com/confirm/CONF');
      expect(out.html).not.toContain('/u/UNSUB');
    }
    // Responsive: MJML's mobile breakpoint is in the head.
    expect(out.html).toMatch(/@media only screen and \(min-width:480px\)/);
  });

  it.each(manifest.templates.filter((t) => t.textFile).map((t) => [t.id, t] as const))('%s: its hand-written text part renders with the unsubscribe link and the postal address', async (_id, t) => {
    const c = await compiled({ subject: t.subject, preheader: t.preheader, body: readStarterFile(t.file), text: readStarterFile(t.textFile!), layout: t.layout });
    const out = renderCompiled(c, data({ event: t.previewEvent }));
    expect(out.text).not.toMatch(/\{\{|\{%/);
    expect(out.text.length).toBeGreaterThan(250);
    expect(out.text).toContain('Unsubscribe [https://k.example.com/u/UNSUB]');
    expect(out.text).toContain(DEFAULT_SENDING_SETTINGS.brand.postalAddress);
  });

  it.each(manifest.templates.map((t) => [t.id, t] as const))('%s: the text part made from the text template compiled once is what the rendered HTML says', async (_id, t) => {
    const c = await compiled({ subject: t.subject, preheader: t.preheader, body: readStarterFile(t.file), text: '', layout: t.layout });
    expect(c.text).not.toBeNull();
    for (const first_name of ['Ana', `O'Brien & <Sons> "Ltd"`, '']) {
      const out = renderCompiled(c, data({ contact: { email: 'ana@example.com', traits: { first_name } }, event: t.previewEvent }));
      expect(out.text).toBe(htmlToText(out.html));
    }
  });
});

describe('the text part of awkward templates', () => {
  // Liquid that html-to-text cannot be trusted to carry through unrendered: each must still give the text of the
  // rendered HTML (these take the text from each rendered email instead of from a text template).
  const awkward: Record<string, string> = {
    'whitespace control between paragraphs': '<mj-text><p>Hi {{ contact.traits.first_name }}</p>{%- if event.code -%}<p>Your bonus code is {{ event.code }}</p>{%- endif -%}<p>Bye</p></mj-text>',
    'a condition inside an attribute': '<mj-text><p class="{% if event.vip %}vip{% endif %}">VIP only: {% if event.vip %}secret {{ event.code }}{% endif %}.</p></mj-text>',
    'an assign inside an image alt text': '<mj-image src="https://shop.example.com/x.png" alt="{% assign c = event.code %}Code: {{ c }}" />',
    'the placeholder character in the template text': '<mj-text><p>Brackets ⟦0⟧ and {{ contact.traits.first_name }}</p></mj-text>',
    'a link whose address is a value': '<mj-text><p><a href="https://shop.example.com/r/{{ event.code }}">Your referral link</a></p></mj-text>',
  };
  it.each(Object.entries(awkward))('%s', async (_name, text) => {
    const c = await compiled(fragment(`<mj-section><mj-column>${text}</mj-column></mj-section>`));
    for (const event of [{ code: 'ZX9', vip: true }, { code: '', vip: false }]) {
      const out = renderCompiled(c, data({ event }));
      expect(out.text).toBe(htmlToText(out.html));
    }
  });
});

describe('problems come back with their line', () => {
  it('names an unknown filter and its line in the body', async () => {
    const issues = await issuesOf(fragment('<mj-section>\n<mj-column>\n<mj-text>{{ contact.email | shout }}</mj-text>\n</mj-column>\n</mj-section>'));
    expect(issues).toEqual([{ field: 'body', line: 3, column: expect.any(Number), message: 'Unknown filter: shout' }]);
  });

  it('names an unknown variable at save time instead of rendering it empty', async () => {
    const issues = await issuesOf(fragment('<mj-section>\n<mj-column>\n\n<mj-text>Hi {{ contct.first_name }}</mj-text>\n</mj-column>\n</mj-section>'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field: 'body', line: 4 });
    expect(issues[0]!.message).toContain('Unknown variable "contct.first_name"');
  });

  it('names an unknown field of a known object, in the subject', async () => {
    const issues = await issuesOf(fragment('<mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section>', { subject: 'Hi {{ contact.frist_name }}' }));
    expect(issues[0]).toMatchObject({ field: 'subject', line: 1 });
    expect(issues[0]!.message).toContain('contact has email, first_name');
  });

  it('accepts loop variables, assigns, traits and event properties', async () => {
    await compiled(fragment(`{% assign greeting = "Hello" %}
<mj-section><mj-column>
{% for item in event.items %}<mj-text>{{ greeting }} {{ item.name }} {{ forloop.index }}</mj-text>{% endfor %}
<mj-text>{{ contact.traits.favourite_colour }}</mj-text>
</mj-column></mj-section>`));
  });

  it('maps an MJML error to the line of the body, below the layout', async () => {
    const issues = await issuesOf(fragment('<mj-section>\n  <mj-column>\n    <mj-text>ok</mj-text>\n    <mj-bogus>no</mj-bogus>\n  </mj-column>\n</mj-section>'));
    expect(issues).toEqual([expect.objectContaining({ field: 'body', line: 4 })]);
    expect(issues[0]!.message).toContain('mj-bogus');
  });

  it('keeps body lines right when a partial above spans many lines', async () => {
    const issues = await issuesOf(fragment("{% render 'product_card', product: event.product %}\n<mj-section>\n<mj-column>\n<mj-bogus />\n</mj-column>\n</mj-section>"));
    expect(issues[0]).toMatchObject({ field: 'body', line: 4 });
  });

  it('names a missing partial and a missing layout', async () => {
    expect((await issuesOf(fragment("<mj-section><mj-column>\n{% render 'banner' %}</mj-column></mj-section>")))[0]).toMatchObject({
      field: 'body',
      line: 2,
      message: expect.stringContaining('There is no partial "banner"'),
    });
    expect((await issuesOf(fragment('<mj-section></mj-section>', { layout: 'fancy' })))[0]!.message).toContain('There is no layout "fancy"');
  });

  it('refuses a whole document inside a layout, and a fragment without one', async () => {
    expect((await issuesOf(fragment('<mjml><mj-body></mj-body></mjml>')))[0]!.message).toContain('already provides <mjml>');
    expect((await issuesOf(fragment('<mj-section></mj-section>', { layout: null })))[0]!.message).toContain('whole <mjml> document');
  });

  it('reports a Liquid syntax error in the text part with its line', async () => {
    const issues = await issuesOf(fragment('<mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section>', { text: 'Hello\n{% if contact.email %}\nno end' }));
    expect(issues[0]).toMatchObject({ field: 'text', line: 2 });
  });
});

describe('rendering', () => {
  it('escapes contact data in HTML, and not in the subject or text', async () => {
    const c = await compiled(fragment('<mj-section><mj-column><mj-text>Hi {{ contact.first_name }}</mj-text></mj-column></mj-section>', { subject: 'For {{ contact.first_name }}' }));
    const out = renderCompiled(c, data({ contact: { email: 'x@example.com', traits: { first_name: '<script>alert(1)</script>' } } }));
    expect(out.html).not.toContain('<script>alert(1)</script>');
    expect(out.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out.subject).toBe('For <script>alert(1)</script>');
    expect(out.text).toContain('Hi <script>alert(1)</script>');
  });

  it('repeats whole sections in a Liquid loop between components', async () => {
    const c = await compiled(fragment(`{% for p in event.products %}
<mj-section><mj-column><mj-text>Product {{ p.name }}</mj-text></mj-column></mj-section>
{% endfor %}`));
    const out = renderCompiled(c, data({ event: { products: [{ name: 'Kettle' }, { name: 'Mug' }, { name: 'Tray' }] } }));
    expect(out.html.match(/Product (Kettle|Mug|Tray)/g)).toEqual(['Product Kettle', 'Product Mug', 'Product Tray']);
    expect(out.text).toContain('Product Kettle\n\nProduct Mug\n\nProduct Tray');
  });

  it('renders a partial with its arguments', async () => {
    const c = await compiled(fragment("{% for item in event.products %}{% render 'product_card', product: item %}{% endfor %}"));
    const out = renderCompiled(c, data({ event: { products: [{ name: 'Kettle', price: '€30', url: 'https://shop.example.com/kettle' }] } }));
    expect(out.html).toContain('Kettle');
    expect(out.html).toContain('href="https://shop.example.com/kettle"');
    expect(out.text).toContain('View product [https://shop.example.com/kettle]');
  });

  it('uses a written text part instead of the generated one', async () => {
    const c = await compiled(fragment('<mj-section><mj-column><mj-text>HTML</mj-text></mj-column></mj-section>', { text: 'Plain {{ contact.first_name }}\n\nUnsubscribe: {{ unsubscribe_url }}' }));
    expect(renderCompiled(c, data()).text).toBe('Plain Ana\n\nUnsubscribe: https://k.example.com/u/UNSUB');
  });

  it('wraps only component-level Liquid in mj-raw, never Liquid inside text or attributes', () => {
    const doc = '<mjml><mj-head><mj-title>{{ subject }}</mj-title></mj-head><mj-body>{% if a %}<mj-section css-class="{{ c }}"><mj-column><mj-text>{% if b %}x{% endif %}</mj-text></mj-column></mj-section>{% endif %}</mj-body></mjml>';
    expect(wrapComponentLevelLiquid(doc)).toBe(
      '<mjml><mj-head><mj-title>{{ subject }}</mj-title></mj-head><mj-body><mj-raw>{% if a %}</mj-raw><mj-section css-class="{{ c }}"><mj-column><mj-text>{% if b %}x{% endif %}</mj-text></mj-column></mj-section><mj-raw>{% endif %}</mj-raw></mj-body></mjml>',
    );
  });
});
