// Templates through the API: starter content on first start, versions, refusals with line numbers that write nothing,
// partials that cannot break templates, preview, test send into the development inbox, sending settings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../server/workspace.ts';
import { createJourney, publishJourney } from '../../server/journeys/service.ts';
import { startMail, type MailRuntime } from '../../server/mail/runtime.ts';
import { readStarterManifest } from '../../server/mail/starterTemplates.ts';
import { callerFor, freshWorkspace, makeUser, testConfig, TEST_SECRET, type FreshWorkspace } from './helpers.ts';
import { subscribedContact } from './mail-helpers.ts';

let fresh: FreshWorkspace;
let mail: MailRuntime | null = null;
beforeEach(() => {
  fresh = freshWorkspace();
});
afterEach(async () => {
  await mail?.stop();
  mail = null;
  fresh.cleanup();
});

async function marketer() {
  return callerFor(fresh.ws, await makeUser(fresh.ws, 'marketer'));
}

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code: string; message: string };
    return { code: e.code, message: e.message };
  }
  throw new Error('expected a refusal');
}

describe('starter templates', () => {
  it('are loaded on first start, once, and journeys can reference them', async () => {
    const api = await marketer();
    const { templates, partials } = await api.templates.list();
    expect(templates.map((t) => t.id).sort()).toEqual(readStarterManifest().templates.map((t) => t.id).sort());
    expect(partials.map((p) => `${p.kind}:${p.key}`)).toEqual(['layout:marketing', 'layout:transactional', 'partial:footer', 'partial:header', 'partial:product_card']);

    // A deleted starter template stays deleted on the next start.
    await api.templates.remove({ id: 'loyalty_reward' });
    fresh.ws.close();
    fresh.ws = openWorkspace(testConfig(fresh.dir));
    const again = await callerFor(fresh.ws, await makeUser(fresh.ws, 'marketer')).templates.list();
    expect(again.templates.map((t) => t.id)).not.toContain('loyalty_reward');

    // The journey editor and validator see the real templates: the starter opt-in journey publishes.
    const refs = await callerFor(fresh.ws, await makeUser(fresh.ws, 'marketer')).journeys.references();
    expect(refs.templates).toContainEqual({ id: 'welcome', name: 'Welcome' });
    const journey = createJourney(fresh.ws.db, fresh.ws.clock, { moment: 'opt_in', personaKey: null, name: 'Opt-in' });
    expect(() => publishJourney(fresh.ws.db, fresh.ws.clock, { id: journey.id, publishedBy: 'test' })).not.toThrow();
  });
});

describe('saving a template', () => {
  it('makes a new version and keeps the old one', async () => {
    const api = await marketer();
    const { template, content } = await api.templates.get({ id: 'welcome' });
    const saved = await api.templates.save({
      id: 'welcome',
      baseVersion: template.currentVersion,
      meta: { name: template.name, description: template.description, layout: template.layout },
      content: { ...content, subject: 'Welcome, {{ contact.first_name | default: "friend" }}!' },
    });
    expect(saved.version).toBe(2);
    const now = await api.templates.get({ id: 'welcome' });
    expect(now.content.subject).toBe('Welcome, {{ contact.first_name | default: "friend" }}!');
    expect(now.versions.map((v) => v.version)).toEqual([2, 1]);
    expect((await api.templates.get({ id: 'welcome', version: 1 })).content.subject).toBe(content.subject);

    // Saving over a version someone else replaced is refused.
    const stale = await rejection(api.templates.save({ id: 'welcome', baseVersion: 1, meta: { name: 'x', description: '', layout: 'marketing' }, content }));
    expect(stale.code).toBe('CONFLICT');
  });

  it('refuses MJML and Liquid errors with their line numbers, and writes nothing', async () => {
    const api = await marketer();
    const { template, content } = await api.templates.get({ id: 'welcome' });
    const lines = content.body.split('\n');
    lines.splice(3, 0, '    <mj-txt>typo</mj-txt>');
    const mjmlError = await rejection(
      api.templates.save({ id: 'welcome', baseVersion: 1, meta: { name: template.name, description: '', layout: 'marketing' }, content: { ...content, body: lines.join('\n') } }),
    );
    expect(mjmlError.code).toBe('BAD_REQUEST');
    expect(mjmlError.message).toContain('Body line 4: MJML:');
    expect(mjmlError.message).toContain('mj-txt');

    const liquidError = await rejection(
      api.templates.save({ id: 'welcome', baseVersion: 1, meta: { name: template.name, description: '', layout: 'marketing' }, content: { ...content, subject: 'Hi {{ contact.first_name | upcase2 }}' } }),
    );
    expect(liquidError.message).toContain('Subject line 1: Unknown filter: upcase2');

    const unknownVariable = await rejection(
      api.templates.save({ id: 'welcome', baseVersion: 1, meta: { name: template.name, description: '', layout: 'marketing' }, content: { ...content, body: `${content.body}\n<mj-section><mj-column><mj-text>{{ offer.code }}</mj-text></mj-column></mj-section>` } }),
    );
    expect(unknownVariable.message).toMatch(/Body line \d+: Unknown variable "offer.code"/);

    const after = await api.templates.get({ id: 'welcome' });
    expect(after.template.currentVersion).toBe(1);
    expect(after.versions).toHaveLength(1);
  });

  it('creates a template from a copy and refuses a taken id', async () => {
    const api = await marketer();
    await api.templates.create({ id: 'spring_sale', name: 'Spring sale', copyFrom: 'winback_coupon' });
    expect((await api.templates.get({ id: 'spring_sale' })).content.body).toContain('COMEBACK20');
    expect((await rejection(api.templates.create({ id: 'spring_sale', name: 'Again' }))).code).toBe('CONFLICT');
    expect((await rejection(api.templates.create({ id: 'Bad Id!', name: 'x' }))).code).toBe('BAD_REQUEST');
  });

  it('refuses to delete a template a journey sends', async () => {
    const api = await marketer();
    createJourney(fresh.ws.db, fresh.ws.clock, { moment: 'opt_in', personaKey: null, name: 'Opt-in' });
    const refused = await rejection(api.templates.remove({ id: 'welcome' }));
    expect(refused.message).toContain('Journeys still send this template: Opt-in');
    expect((await api.templates.list()).templates.map((t) => t.id)).toContain('welcome');
  });
});

describe('layouts and partials', () => {
  it('refuses a partial change that would break templates, naming them, and applies a good one everywhere', async () => {
    const api = await marketer();
    const { partials } = await api.templates.list();
    const footer = partials.find((p) => p.key === 'footer')!;

    const broken = await rejection(api.templates.savePartial({ key: 'footer', revision: footer.revision, source: `${footer.source}\n<mj-section><mj-column><mj-text>{{ brand.slogan }}</mj-text></mj-column></mj-section>` }));
    expect(broken.code).toBe('BAD_REQUEST');
    expect(broken.message).toContain('templates would break');
    expect(broken.message).toContain('Welcome');
    expect((await api.templates.list()).partials.find((p) => p.key === 'footer')!.revision).toBe(footer.revision);

    await api.templates.savePartial({ key: 'footer', revision: footer.revision, source: footer.source.replace('Email preferences', 'Choose what you get') });
    const preview = await api.templates.preview({ ...(await contentOf(api, 'welcome')) });
    expect(preview.ok && preview.html).toContain('Choose what you get');
  });
});

async function contentOf(api: Awaited<ReturnType<typeof marketer>>, id: string) {
  const { template, content } = await api.templates.get({ id });
  return { content, layout: template.layout, event: template.previewEvent };
}

describe('preview and test send', () => {
  it('previews unsaved content with a chosen contact, and reports problems with lines instead of failing', async () => {
    const api = await marketer();
    const zoe = subscribedContact({ db: fresh.ws.db, clock: fresh.ws.clock }, 'zoe@example.com', { first_name: 'Zoë' });
    const input = await contentOf(api, 'welcome');
    const preview = await api.templates.preview({ ...input, contactId: zoe });
    expect(preview).toMatchObject({ ok: true, subject: 'Welcome to Kairos Shop, Zoë' });
    expect(preview.ok && preview.text).toContain('Hi Zoë');
    const sample = await api.templates.preview(input);
    expect(sample.ok && sample.subject).toBe('Welcome to Kairos Shop, Alex');

    const bad = await api.templates.preview({ ...input, content: { ...input.content, body: '<mj-section>\n<mj-column>\n<mj-text>{% if %}</mj-text>\n</mj-column>\n</mj-section>' } });
    expect(bad).toMatchObject({ ok: false, issues: [{ field: 'body', line: 3 }] });
  });

  it('test-sends unsaved content to any address, and it lands in the development inbox', async () => {
    mail = await startMail({ db: fresh.ws.db, clock: fresh.ws.clock, secret: TEST_SECRET, publicUrl: 'http://localhost:3999' });
    const api = await marketer();
    const input = await contentOf(api, 'first_purchase_thanks');
    const result = await api.templates.testSend({ ...input, content: { ...input.content, subject: 'Changed subject for {{ contact.first_name }}' }, to: 'qa@agency.example' });
    expect(result).toEqual({ to: 'qa@agency.example', mode: 'development' });

    const recipients = await api.inbox.recipients();
    expect(recipients).toEqual([expect.objectContaining({ recipient: 'qa@agency.example', count: 1, subscription: null })]);
    const [listed] = await api.inbox.list({ recipient: 'qa@agency.example' });
    expect(listed!.subject).toBe('[Test] Changed subject for Alex');
    const email = await api.inbox.get({ id: listed!.id });
    expect(email.html).toContain('THANKS15');
    expect(email.text).toContain('Everyday Backpack 22L');
    expect(email.headers.map(([name]) => name.toLowerCase())).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'message-id', 'date', 'list-unsubscribe']));

    expect(await api.inbox.clear({ recipient: null })).toEqual({ deleted: 1 });
    expect(await api.inbox.recipients()).toEqual([]);
  });

  it('refuses a test send of broken content with the problem named', async () => {
    mail = await startMail({ db: fresh.ws.db, clock: fresh.ws.clock, secret: TEST_SECRET, publicUrl: 'http://localhost:3999' });
    const api = await marketer();
    const input = await contentOf(api, 'welcome');
    const refused = await rejection(api.templates.testSend({ ...input, content: { ...input.content, subject: '{{ nope }}' }, to: 'qa@agency.example' }));
    expect(refused.code).toBe('BAD_REQUEST');
    expect(refused.message).toContain('Unknown variable "nope"');
  });
});

describe('sending settings', () => {
  it('are admin-only to change, validated, and senders keep one default', async () => {
    const api = await marketer();
    const admin = callerFor(fresh.ws, await makeUser(fresh.ws, 'admin'));
    const { settings } = await admin.sending.get();
    expect((await rejection(api.sending.save(settings))).code).toBe('FORBIDDEN');
    const bad = await rejection(admin.sending.save({ ...settings, quietHours: { enabled: true, start: '25:00', end: '08:00' } }));
    expect(bad.code).toBe('BAD_REQUEST');
    await admin.sending.save({ ...settings, frequencyCap: { enabled: true, maxPerWeek: 5 } });
    expect((await api.sending.get()).settings.frequencyCap.maxPerWeek).toBe(5);

    const [starter] = await admin.sending.senders();
    const support = await admin.sending.saveSender({ id: null, label: 'Support', fromName: 'Kairos Support', fromEmail: ' Support@Shop.Example.com ', replyTo: '', isDefault: true });
    expect(support).toMatchObject({ fromEmail: 'support@shop.example.com', replyTo: null, isDefault: true });
    expect((await admin.sending.senders()).filter((s) => s.isDefault).map((s) => s.id)).toEqual([support.id]);
    await admin.sending.removeSender({ id: support.id });
    expect((await admin.sending.senders()).map((s) => [s.id, s.isDefault])).toEqual([[starter!.id, true]]);
    expect((await rejection(admin.sending.removeSender({ id: starter!.id }))).message).toContain('Keep at least one sender');
  });
});

