// Preparing emails for sending on the worker thread: the same email as in-process, templates sent to it once, and mail still goes out when it fails.
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SENDING_SETTINGS } from '../../shared/mail/settings.ts';
import { inflateHtml } from '../../server/mail/archive.ts';
import { createPreparation, UnknownTemplateError, type PrepareJob, type Prepared } from '../../server/mail/outgoing.ts';
import { createPreparer, type Preparer } from '../../server/mail/preparer.ts';
import { compileTemplate, type CompiledSources, type PartialSet } from '../../server/mail/render/compile.ts';
import { readStarterFile, readStarterManifest } from '../../server/mail/starterTemplates.ts';
import { createTokens } from '../../server/mail/tokens.ts';
import { log } from '../../server/log.ts';
import { TEST_SECRET } from './helpers.ts';

const PUBLIC_URL = 'https://kairos.example.com';
const silent = log.child({}, { level: 'silent' });

async function welcomeSources(): Promise<CompiledSources> {
  const manifest = readStarterManifest();
  const set: PartialSet = {
    layouts: Object.fromEntries(manifest.layouts.map((l) => [l.key, readStarterFile(l.file)])),
    partials: Object.fromEntries(manifest.partials.map((p) => [p.key, readStarterFile(p.file)])),
  };
  const t = manifest.templates.find((x) => x.id === 'welcome')!;
  const result = await compileTemplate({ subject: t.subject, preheader: t.preheader, body: readStarterFile(t.file), text: '', layout: t.layout }, set);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.compiled.sources;
}

function job(sources: CompiledSources, firstName: string, key = 'welcome@1#'): PrepareJob {
  return {
    messageId: `message-of-${firstName.toLowerCase()}`,
    contactId: `contact-of-${firstName.toLowerCase()}`,
    to: `${firstName.toLowerCase()}@example.com`,
    from: { name: 'Kairos Shop', email: 'hello@shop.example.com' },
    replyTo: null,
    date: Date.parse('2026-05-12T12:00:00Z'),
    listUnsubscribe: true,
    content: {
      kind: 'template',
      key,
      sources,
      subjectOverride: null,
      contact: { email: `${firstName.toLowerCase()}@example.com`, traits: { first_name: firstName } },
      event: null,
      brand: DEFAULT_SENDING_SETTINGS.brand,
      confirmIssuedAt: null,
      marketing: true,
    },
  };
}

async function parsed(result: Prepared): Promise<{ mail: ParsedMail; stored: { subject: string; text: string; html: string | null } }> {
  if (!result.ok) throw new Error('renderError' in result ? result.renderError : result.signError);
  return { mail: await simpleParser(Buffer.from(result.raw)), stored: { subject: result.subject, text: result.text, html: inflateHtml(result.htmlDeflated) } };
}

let preparer: Preparer | null = null;
afterEach(async () => {
  await preparer?.close();
  preparer = null;
});

describe('preparing an email', () => {
  it('gives the same email on the worker as on the calling thread, and keeps what was sent', async () => {
    const sources = await welcomeSources();
    preparer = createPreparer({ secret: TEST_SECRET, publicUrl: PUBLIC_URL, log: silent, worker: true });
    const local = createPreparer({ secret: TEST_SECRET, publicUrl: PUBLIC_URL, log: silent, worker: false });
    const [onWorker, inProcess] = await Promise.all([parsed(await preparer.prepare(job(sources, 'Ana'))), parsed(await local.prepare(job(sources, 'Ana')))]);

    for (const field of ['subject', 'text', 'html', 'messageId'] as const) expect(onWorker.mail[field]).toEqual(inProcess.mail[field]);
    expect(onWorker.mail.headerLines.filter((h) => h.key !== 'content-type')).toEqual(inProcess.mail.headerLines.filter((h) => h.key !== 'content-type'));
    expect(onWorker.mail.subject).toBe('Welcome to Kairos Shop, Ana');
    expect(onWorker.mail.text).toContain('Hi Ana, good to have you with us');
    // What is kept is what was sent.
    expect(onWorker.stored).toEqual({ subject: onWorker.mail.subject, text: onWorker.mail.text, html: onWorker.mail.html });
    // Links signed on the worker verify with the same secret.
    const tokens = createTokens(TEST_SECRET);
    const clicks = [...(onWorker.mail.html as string).matchAll(/href="https:\/\/kairos\.example\.com\/c\/([^"]+)"/g)].map((m) => m[1]!);
    expect(clicks.length).toBeGreaterThan(0);
    for (const token of clicks) expect(tokens.verify('click', token)).toMatchObject({ m: 'message-of-ana' });
  });

  it('renders each contact from a template sent to the worker once, and sends it again when the worker has let it go', async () => {
    const sources = await welcomeSources();
    preparer = createPreparer({ secret: TEST_SECRET, publicUrl: PUBLIC_URL, log: silent, worker: true });
    expect((await parsed(await preparer.prepare(job(sources, 'Ana')))).mail.subject).toBe('Welcome to Kairos Shop, Ana');
    expect((await parsed(await preparer.prepare(job(sources, 'Bo')))).mail.subject).toBe('Welcome to Kairos Shop, Bo');
    // More templates than the worker keeps: the first is gone from its cache, not from the preparer's memory.
    for (let i = 0; i < 200; i++) await preparer.prepare(job(sources, `Reader${i}`, `other@${i}#`));
    expect((await parsed(await preparer.prepare(job(sources, 'Cy')))).mail.subject).toBe('Welcome to Kairos Shop, Cy');
  });

  it('asks for the template when a job comes without one it knows', async () => {
    const sources = await welcomeSources();
    const preparation = createPreparation(TEST_SECRET, PUBLIC_URL);
    const { sources: _left, ...withoutSources } = job(sources, 'Ana').content as Extract<PrepareJob['content'], { kind: 'template' }>;
    await expect(preparation.prepare({ ...job(sources, 'Ana'), content: withoutSources })).rejects.toBeInstanceOf(UnknownTemplateError);
  });

  it('prepares on the calling thread when the worker fails, and loses no email', async () => {
    const sources = await welcomeSources();
    preparer = createPreparer({ secret: TEST_SECRET, publicUrl: PUBLIC_URL, log: silent, worker: true, workerEntry: new URL('./fixtures/failingPrepareWorker.cjs', import.meta.url) });
    const results = await Promise.all(['Ana', 'Bo', 'Cy'].map((name) => preparer!.prepare(job(sources, name))));
    expect(await Promise.all(results.map(async (r) => (await parsed(r)).mail.subject))).toEqual(['Welcome to Kairos Shop, Ana', 'Welcome to Kairos Shop, Bo', 'Welcome to Kairos Shop, Cy']);
    expect((await parsed(await preparer.prepare(job(sources, 'Di')))).mail.subject).toBe('Welcome to Kairos Shop, Di');
  });
});
