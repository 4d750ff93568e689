// Email at run time: the transport (SMTP_URL, or the built-in development server with its inbox), the delivery loop, tokens and links.
import type { Clock } from '../clock.ts';
import { createReferralCodes, type ReferralCodes } from '../contacts/referralCode.ts';
import type { Db } from '../db/client.ts';
import { log as defaultLog, type Logger } from '../log.ts';
import { composeMail } from './compose.ts';
import { createDelivery, type Delivery } from './delivery.ts';
import type { DnsResolver } from './domains/dnsCheck.ts';
import { createDomainsService, dnsResolverFor, loadSigningDomains, type DomainsService } from './domains/service.ts';
import { createMailAuthenticator, DkimSignError, signingDomainFor } from './domains/signing.ts';
import { startSmtpServer, type RunningSmtpServer } from './devSmtp.ts';
import { devMailHandler } from './inbound/devMail.ts';
import { createLinks, type Links } from './links.ts';
import { buildMime } from './mime.ts';
import { createPreparer } from './preparer.ts';
import { previewLinks, previewTemplate, type PreviewInput } from './preview.ts';
import { TemplateCache } from './render/renderer.ts';
import { readSendingSettings, resolveSender } from './settings.ts';
import { createTokens, type Tokens } from './tokens.ts';
import { createSmtpTransport, type MailTransport, type SendResult } from './transport.ts';

export interface MailRuntime {
  db: Db;
  clock: Clock;
  publicUrl: string;
  tokens: Tokens;
  links: Links;
  /** Contacts' referral codes and links, signed with this workspace's secret. */
  referrals: ReferralCodes;
  cache: TemplateCache;
  delivery: Delivery;
  /** development: the built-in server catches every email for the Inbox; smtp: SMTP_URL delivers it. */
  mode: 'development' | 'smtp';
  /** Where mail goes, without credentials. */
  destination: string;
  /** Rebuilds the SMTP pool after the connection or rate settings changed. */
  reconfigure(): void;
  /** Sending domains: their DKIM keys (encrypted with this workspace's secret), records and DNS checks. */
  domains: DomainsService;
  /** Renders unsaved template content and sends it to any address, marked as a test. */
  testSend(input: PreviewInput & { to: string }): Promise<SendResult | { ok: false; kind: 'invalid'; message: string }>;
  stop(): Promise<void>;
}

export interface MailOptions {
  db: Db;
  clock: Clock;
  secret: string;
  publicUrl: string;
  /** Unset: start the development SMTP server on loopback and send there. */
  smtpUrl?: string;
  log?: Logger;
  leaseMs?: number;
  pollMs?: number;
  /** Start the delivery loop (the server does; tests drive runOnce themselves). */
  startLoop?: boolean;
  /** Prepare emails on a worker thread (true) or on the delivery loop's own thread (false); unset: by the machine's cores. */
  prepareInWorker?: boolean;
  /** DNS_SERVERS, for "Check DNS"; unset, the system's resolvers. */
  dnsServers?: string[];
  /** Instead of dnsServers (tests answer from a stub). */
  dnsResolver?: DnsResolver;
}

/**
 * The runtime of each database, so the tRPC routers and public routes of a process find the mail engine
 * through the database already in their context (tests open several databases side by side).
 */
const runtimes = new WeakMap<Db, MailRuntime>();

export function mailRuntimeFor(db: Db): MailRuntime | undefined {
  return runtimes.get(db);
}

export async function startMail(options: MailOptions): Promise<MailRuntime> {
  const { db, clock } = options;
  const log = options.log ?? defaultLog;
  let devServer: RunningSmtpServer | null = null;
  if (!options.smtpUrl) {
    devServer = await startSmtpServer({
      // Bounces and complaints to a bounce domain become inbound reports; the rest is caught for the Inbox.
      onMessage: devMailHandler({ db, clock, secret: options.secret, log }),
    });
    log.info({ port: devServer.port }, 'development SMTP server started: emails are caught for the Inbox, not delivered');
  }
  const url = options.smtpUrl ?? devServer!.url;
  const makeTransport = (): MailTransport => createSmtpTransport(url, readSendingSettings(db).smtp);
  const tokens = createTokens(options.secret);
  const links = createLinks(options.publicUrl, tokens);
  const cache = new TemplateCache(db);
  let transport = makeTransport();
  const preparer = createPreparer({ secret: options.secret, publicUrl: options.publicUrl, log, worker: options.prepareInWorker });
  const delivery = createDelivery({ db, clock, transport, cache, preparer, log, leaseMs: options.leaseMs, pollMs: options.pollMs });
  if (options.startLoop) delivery.start();
  const authenticator = createMailAuthenticator(options.secret);
  // Bounces come back to the host people reach Kairos at; its MX record is part of what a domain publishes.
  const domains = createDomainsService({ db, clock, secret: options.secret, resolver: options.dnsResolver ?? dnsResolverFor(options.dnsServers), bounceMxHost: new URL(options.publicUrl).hostname });

  const runtime: MailRuntime = {
    db,
    clock,
    publicUrl: options.publicUrl,
    tokens,
    links,
    referrals: createReferralCodes(options.secret, options.publicUrl),
    cache,
    delivery,
    domains,
    mode: devServer ? 'development' : 'smtp',
    destination: devServer ? `built-in development server (127.0.0.1:${devServer.port})` : transport.description,
    reconfigure() {
      transport = makeTransport();
      delivery.setTransport(transport);
    },
    async testSend(input) {
      const preview = await previewTemplate(db, input, options.publicUrl);
      if (!preview.ok) return { ok: false, kind: 'invalid', message: preview.issues.map((i) => i.message).join('; ') };
      const sender = resolveSender(db, input.senderId);
      const brand = readSendingSettings(db).brand;
      const from = { name: sender?.fromName ?? brand.name, email: sender?.fromEmail ?? 'hello@example.com' };
      // Without dashes: the id goes into the VERP address, whose local part has room for 40 characters.
      const messageId = `test-${crypto.randomUUID().replaceAll('-', '')}`;
      const date = clock.now();
      const mail = composeMail({
        messageId,
        to: input.to,
        from,
        replyTo: sender?.replyTo ?? null,
        subject: `[Test] ${preview.subject}`,
        html: preview.html,
        text: preview.text,
        date,
        unsubscribeUrl: input.layout === 'transactional' ? null : previewLinks(options.publicUrl).unsubscribeUrl,
      });
      // A test from a configured domain is signed and bounces like the real thing, so what arrives shows what contacts get.
      const domain = signingDomainFor(loadSigningDomains(db), from.email);
      if (!domain) return transport.send(mail);
      let raw: Buffer;
      try {
        raw = await authenticator.sign(buildMime({ ...mail, text: preview.text, html: preview.html }), domain, date.getTime());
      } catch (error) {
        if (error instanceof DkimSignError) return { ok: false, kind: 'permanent', message: `the email could not be DKIM-signed: ${error.message}`, code: null };
        throw error;
      }
      return transport.send({ raw, envelope: { from: authenticator.returnPath(messageId, domain) ?? from.email, to: input.to }, messageId: mail.messageId });
    },
    async stop() {
      runtimes.delete(db);
      await delivery.stop();
      await preparer.close();
      transport.close();
      await devServer?.close();
    },
  };
  runtimes.set(db, runtime);
  return runtime;
}
