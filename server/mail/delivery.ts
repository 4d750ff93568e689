// The delivery loop: claims queued messages under a lease, re-checks the sending rules, has each email prepared (rendered and composed), sends it through the pooled transport and records the outcome.
import { sendDecision, retryDelayMs, RETRY, CAP_WINDOW_MS, type CapRival } from '../../shared/mail/rules.ts';
import { holdNote } from '../../shared/mail/holds.ts';
import type { SendingSettings } from '../../shared/mail/settings.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import type { Sender } from '../db/schema.ts';
import { log as defaultLog, type Logger } from '../log.ts';
import { fromDomainOfHeader, messageIdHeader } from './compose.ts';
import { loadSigningDomains } from './domains/service.ts';
import { signingDomainFor, type SigningDomain } from './domains/signing.ts';
import type { Prepared, PrepareJob } from './outgoing.ts';
import type { Preparer } from './preparer.ts';
import { textLiquid } from './render/liquid.ts';
import type { TemplateCache } from './render/renderer.ts';
import { listSenders, readSendingSettings } from './settings.ts';
import { bumpCount, RollupBatch } from '../reports/rollups.ts';
import { countExperimentBounce } from '../experiments/tracker.ts';
import type { Metric } from '../../shared/reports/metrics.ts';
import type { MailTransport, SendResult } from './transport.ts';

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  transport: MailTransport;
  cache: TemplateCache;
  /** Renders, composes and deflates each email (on a worker thread where the machine has cores to spare). */
  preparer: Preparer;
  log?: Logger;
  /** How long a claimed message is held; past it, a crashed send is claimed again. */
  leaseMs?: number;
  /** How often the loop looks for due messages when it has nothing to do. */
  pollMs?: number;
}

export type Outcome = 'sent' | 'retry' | 'failed' | 'suppressed' | 'deferred';

export interface DeliveryReport {
  claimed: number;
  outcomes: Record<Outcome, number>;
}

interface ClaimedRow {
  id: string;
  contactId: string;
  templateId: string;
  templateVersion: number | null;
  data: string;
  category: 'marketing' | 'transactional';
  whenCapped: 'delay' | 'skip';
  attempts: number;
  createdAt: number;
  /** Its journey's priority (3 without a journey) and name: who wins a contact's last cap slot. */
  priority: number;
  journeyName: string | null;
  /** Its next attempt, not moved by the claim: since when it has been due. */
  dueSince: number;
}

interface ContactRow {
  id: string;
  email: string;
  traits: string;
  phase: string | null;
  personaKey: string | null;
  subscription: string;
  timezone: string | null;
}

/** A marketing email to the same contact, as capRivals reads it. */
interface RivalRow extends CapRival {
  status: 'sent' | 'queued';
  sentAt: number | null;
}

interface MessageData {
  purpose?: 'confirmation';
  subjectOverride?: string | null;
  senderId?: string | null;
  entry?: { name: string; properties: Record<string, unknown>; timestamp: number } | null;
  /** $notify: the team address, subject and message. */
  to?: string;
  subject?: string;
  message?: string;
  /** Confirmation: when the confirmation was asked for, so the link can expire. */
  issuedAt?: number;
  /** Set by an admin's "send now" on a held email (server/mail/held.ts). */
  releasedBy?: string;
}

interface Batch {
  settings: SendingSettings;
  senders: Sender[];
  /** Configured sending domains: mail from them is DKIM-signed and gets a VERP Return-Path. */
  domains: SigningDomain[];
  /** Revisions of layouts and partials, part of the compiled-template cache key. */
  partialStamp: string;
}

interface VersionRow {
  subject: string;
  preheader: string;
  body: string;
  text: string;
  layout: string | null;
}

interface SentRecord {
  id: string;
  now: number;
  subject: string;
  html: Buffer;
  text: string;
  messageIdHeader: string;
  providerId: string;
}

type Ready = Extract<Prepared, { ok: true }>;

/** Whose figures a message counts toward on the dashboard: its template, and the contact's persona when it went out. */
interface TemplateFigures {
  templateId: string;
  personaKey: string | null;
}

/** Template figures are kept for templates (journey mail, confirmations), not for internal notices. */
const figuresOf = (m: ClaimedRow, contact: ContactRow): TemplateFigures | null =>
  m.templateId === '$notify' ? null : { templateId: m.templateId, personaKey: contact.personaKey };

// Each message that was attempted counts once as sent, when its attempts end: delivered, or bounced.
const DELIVERED: readonly Metric[] = ['template_sent', 'template_delivered'];
const BOUNCED: readonly Metric[] = ['template_sent', 'template_bounced'];

/** A Buffer over the bytes a worker sent back (they arrive as a plain Uint8Array), without copying them. */
const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/** Sent messages recorded in one transaction, at most; and how long the first of them waits for the others. */
const RECORD_BATCH = 64;
const RECORD_WAIT_MS = 20;

const emptyOutcomes = (): Record<Outcome, number> => ({ sent: 0, retry: 0, failed: 0, suppressed: 0, deferred: 0 });

const CLAIM_COLUMNS = `id, contact_id AS contactId, template_id AS templateId, template_version AS templateVersion, data, category,
  when_capped AS whenCapped, attempts, created_at AS createdAt, next_attempt_at AS dueSince,
  coalesce((SELECT j.priority FROM journeys j WHERE j.id = messages.journey_id), 3) AS priority,
  (SELECT j.name FROM journeys j WHERE j.id = messages.journey_id) AS journeyName`;

/** Prepared once: the loop runs them per message. */
function prepare(db: Db) {
  const p = (sql: string) => db.$client.prepare(sql);
  const pin = `template_version = coalesce(template_version, (SELECT current_version FROM email_templates t WHERE t.id = messages.template_id))`;
  return {
    // One statement claims a batch, so two processes never claim the same message.
    claim: p(`UPDATE messages SET status = 'sending', lease_until = @leaseUntil, attempts = attempts + 1, ${pin}
      WHERE id IN (SELECT id FROM messages WHERE status = 'queued' AND next_attempt_at <= @now ORDER BY next_attempt_at LIMIT @limit)
         OR id IN (SELECT id FROM messages WHERE status = 'sending' AND lease_until < @now LIMIT @limit)
      RETURNING ${CLAIM_COLUMNS}`),
    claimOne: p(`UPDATE messages SET status = 'sending', lease_until = @leaseUntil, attempts = attempts + 1, ${pin}
      WHERE id = @id AND status = 'queued' RETURNING ${CLAIM_COLUMNS}`),
    contact: p(`SELECT id, email, traits, phase, persona_key AS personaKey, subscription, timezone FROM contacts WHERE id = ?`),
    suppression: p(`SELECT reason FROM suppressions WHERE email = ?`),
    // The contact's marketing sends of the cap's window, and the marketing emails due but not claimed yet, by priority.
    capRivals: p(`SELECT m.status, m.sent_at AS sentAt, coalesce(j.priority, 3) AS priority, j.name AS journey FROM messages m
      LEFT JOIN journeys j ON j.id = m.journey_id
      WHERE m.contact_id = @contactId AND m.category = 'marketing'
        AND ((m.status = 'sent' AND m.sent_at > @since) OR (m.status = 'queued' AND m.next_attempt_at <= @now))`),
    version: p(`SELECT v.subject, v.preheader, v.body, v.text, t.layout FROM email_template_versions v
      JOIN email_templates t ON t.id = v.template_id WHERE v.template_id = ? AND v.version = ?`),
    markSent: p(`UPDATE messages SET status = 'sent', sent_at = @now, subject = @subject, html_deflated = @html, text = @text,
      message_id_header = @messageIdHeader, provider_id = @providerId, error = NULL, lease_until = NULL WHERE id = @id`),
    retry: p(`UPDATE messages SET status = 'queued', next_attempt_at = @at, error = @error, lease_until = NULL WHERE id = @id`),
    defer: p(`UPDATE messages SET status = 'queued', next_attempt_at = @at, attempts = attempts - 1, error = @error, lease_until = NULL WHERE id = @id`),
    finish: p(`UPDATE messages SET status = @status, error = @error, lease_until = NULL WHERE id = @id`),
    suppress: p(`INSERT INTO suppressions (email, reason, detail, created_at) VALUES (?, 'hard_bounce', ?, ?) ON CONFLICT(email) DO NOTHING`),
  };
}

export interface Delivery {
  /** Claims what is due (up to `limit`) and processes it all; for tests and the CLI. */
  runOnce(limit?: number): Promise<DeliveryReport>;
  /** Sends one queued message at once (the opt-in confirmation), without waiting for the loop. */
  sendNow(messageId: string): Promise<Outcome | null>;
  /** Starts the loop; it keeps up to `window` messages in flight. */
  start(): void;
  /** Stops claiming, waits for the messages in flight, and resolves. */
  stop(): Promise<void>;
  /** Wakes the loop now (a message was queued). */
  nudge(): void;
  setTransport(transport: MailTransport): void;
  readonly inFlight: number;
}

export function createDelivery(deps: DeliveryDeps): Delivery {
  const { db, clock, cache, preparer } = deps;
  const log = deps.log ?? defaultLog;
  const leaseMs = deps.leaseMs ?? 120_000;
  const pollMs = deps.pollMs ?? 1_000;
  let transport = deps.transport;
  const st = prepare(db);
  const inFlight = new Set<Promise<Outcome>>();
  // Marketing sends approved but not yet recorded, per contact and message: the cap counts them too, by priority.
  const approved = new Map<string, Map<string, CapRival>>();
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let drained = false;
  let current: Batch | null = null;

  const loadBatch = (): Batch => ({ settings: readSendingSettings(db), senders: listSenders(db), domains: loadSigningDomains(db), partialStamp: cache.partialStamp() });
  // Template versions are immutable: read once, not per message.
  const versions = new Map<string, VersionRow | undefined>();
  const versionOf = (templateId: string, version: number): VersionRow | undefined => {
    const key = `${templateId}@${version}`;
    if (!versions.has(key)) {
      if (versions.size > 500) versions.clear();
      versions.set(key, st.version.get(templateId, version) as VersionRow | undefined);
    }
    return versions.get(key);
  };

  /**
   * Sends that succeeded, recorded together: one transaction per batch, because a transaction per email costs
   * about twice as much per row (and writing each rendered body alone costs more than sending it). A batch is
   * written once it is as large as what is still being sent, when nothing else is in flight, or RECORD_WAIT_MS
   * after its first send. Until then its messages keep their place in the window and stay 'sending', which is
   * what a crash may duplicate.
   */
  let pendingSent: { row: SentRecord; capContact: string | null; figures: TemplateFigures | null }[] = [];
  // The dashboard's sent and delivered counts of a recorded batch, written in its transaction.
  const rollups = new RollupBatch();
  let recordTimer: NodeJS.Timeout | null = null;
  /** A marketing send stops counting as approved once its row says sent (or could not be written). */
  const release = (contactId: string, messageId: string) => {
    const left = approved.get(contactId);
    left?.delete(messageId);
    if (left?.size === 0) approved.delete(contactId);
  };
  const flushSent = () => {
    if (recordTimer) clearTimeout(recordTimer);
    recordTimer = null;
    const batch = pendingSent;
    pendingSent = [];
    if (batch.length === 0) return;
    try {
      db.$client.transaction(() => {
        for (const r of batch) {
          st.markSent.run(r.row);
          if (r.figures) for (const metric of DELIVERED) rollups.add(metric, r.row.now, r.figures.personaKey, r.figures.templateId);
          // Every email handed over counts for its From domain's deliverability, internal notices included.
          const domain = fromDomainOfHeader(r.row.messageIdHeader);
          if (domain) rollups.add('domain_sent', r.row.now, null, domain);
        }
        rollups.flush(db);
      })();
    } catch (batchError) {
      rollups.discard();
      // One row should not cost the others their record (they would be sent again): each on its own.
      log.warn({ err: batchError, messages: batch.length }, 'could not record sent emails together; recording them one by one');
      for (const r of batch) {
        try {
          db.$client.transaction(() => {
            st.markSent.run(r.row);
            if (r.figures) for (const metric of DELIVERED) bumpCount(db, metric, r.row.now, r.figures.personaKey, r.figures.templateId);
            const domain = fromDomainOfHeader(r.row.messageIdHeader);
            if (domain) bumpCount(db, 'domain_sent', r.row.now, null, domain);
          })();
        } catch (error) {
          // The lease will send it again: better twice than never, and this is logged.
          log.error({ err: error, messageId: r.row.id }, 'could not record a sent email; it will be sent again');
        }
      }
    } finally {
      for (const r of batch) if (r.capContact) release(r.capContact, r.row.id);
    }
  };
  const recordSent = (row: SentRecord, capContact: string | null, figures: TemplateFigures | null) => {
    pendingSent.push({ row, capContact, figures });
    // At most one per pooled connection waits unrecorded: that, with the sends on the wire, is what a crash can
    // send twice.
    const connections = current?.settings.smtp.maxConnections ?? 1;
    if (pendingSent.length >= Math.min(RECORD_BATCH, connections, inFlight.size)) flushSent();
    else
      recordTimer ??= setTimeout(() => {
        flushSent();
        pump();
      }, RECORD_WAIT_MS);
  };

  function senderFor(batch: Batch, id: string | null | undefined): { name: string; email: string; replyTo: string | null } {
    const s = batch.senders.find((x) => x.id === id) ?? batch.senders.find((x) => x.isDefault) ?? batch.senders[0];
    if (s) return { name: s.fromName, email: s.fromEmail, replyTo: s.replyTo };
    return { name: batch.settings.brand.name, email: `no-reply@${new URL(batch.settings.brand.websiteUrl).hostname}`, replyTo: null };
  }

  function finish(id: string, status: 'failed' | 'suppressed', error: string, figures: TemplateFigures | null = null, now = 0): Outcome {
    db.$client.transaction(() => {
      st.finish.run({ id, status, error });
      // A permanent failure, or an address that bounced before: the template's bounces (and attempts).
      if (figures) for (const metric of BOUNCED) bumpCount(db, metric, now, figures.personaKey, figures.templateId);
    })();
    return status;
  }

  function notRendered(id: string, error: string): Outcome {
    log.warn({ messageId: id, error }, 'email not rendered');
    return finish(id, 'failed', error);
  }

  /** What the preparer needs to make the email ready, or why the message cannot be sent (a template problem). */
  async function jobFor(m: ClaimedRow, data: MessageData, contact: ContactRow, to: string, batch: Batch, isMarketing: boolean): Promise<PrepareJob | string> {
    const sender = senderFor(batch, data.senderId);
    const envelope = {
      messageId: m.id,
      contactId: contact.id,
      to,
      from: { name: sender.name, email: sender.email },
      replyTo: sender.replyTo,
      date: clock.now().getTime(),
      listUnsubscribe: isMarketing,
      sendingDomain: signingDomainFor(batch.domains, sender.email),
    };
    const traits = JSON.parse(contact.traits) as Record<string, unknown>;
    if (m.templateId === '$notify') {
      const scope = { contact: { email: contact.email, traits } };
      const subject = String(textLiquid.parseAndRenderSync(data.subject ?? 'Kairos notification', scope));
      const text = String(textLiquid.parseAndRenderSync(data.message ?? '', scope));
      const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      const html = `<!doctype html><html><body style="font-family:Arial,sans-serif;font-size:15px;color:#1e293b;"><p>${esc(text).replace(/\n/g, '<br>')}</p><p style="color:#64748b;font-size:13px;">Contact: ${esc(contact.email)}</p></body></html>`;
      return { ...envelope, content: { kind: 'rendered', subject, text: `${text}\n\nContact: ${contact.email}`, html } };
    }
    if (m.templateVersion === null) return `There is no template "${m.templateId}"; it was deleted after this message was queued.`;
    const version = versionOf(m.templateId, m.templateVersion);
    if (!version) return `Template "${m.templateId}" has no version ${m.templateVersion}.`;
    const result = await cache.compile({ templateId: m.templateId, version: m.templateVersion, ...version }, batch.partialStamp);
    if (!result.ok) return `Template "${m.templateId}" version ${m.templateVersion} does not compile: ${result.issues[0]?.message ?? 'unknown problem'}`;
    return {
      ...envelope,
      content: {
        kind: 'template',
        key: `${m.templateId}@${m.templateVersion}#${batch.partialStamp}`,
        sources: result.compiled.sources,
        subjectOverride: data.subjectOverride || null,
        contact: { email: contact.email, traits, phase: contact.phase, personaKey: contact.personaKey, timezone: contact.timezone },
        event: data.entry?.properties ?? null,
        brand: batch.settings.brand,
        confirmIssuedAt: data.purpose === 'confirmation' ? (data.issuedAt ?? m.createdAt) : null,
        marketing: m.category === 'marketing',
      },
    };
  }

  function record(m: ClaimedRow, to: string, result: SendResult, prepared: Ready, headerId: string, capContact: string | null, figures: TemplateFigures | null): Outcome {
    const now = clock.now().getTime();
    if (result.ok) {
      recordSent({ id: m.id, now, subject: prepared.subject, html: asBuffer(prepared.htmlDeflated), text: prepared.text, messageIdHeader: headerId, providerId: result.response.slice(0, 200) }, capContact, figures);
      log.debug({ messageId: m.id, to }, 'email sent');
      return 'sent';
    }
    const error = `${result.code ?? ''} ${result.message}`.trim().slice(0, 1000);
    if (result.kind === 'temporary' && m.attempts < RETRY.maxAttempts) {
      const at = now + retryDelayMs(m.attempts, m.id);
      st.retry.run({ id: m.id, at, error });
      log.info({ messageId: m.id, attempts: m.attempts, retryAt: new Date(at).toISOString(), error }, 'email send failed temporarily; will retry');
      return 'retry';
    }
    if (result.kind === 'bounce') {
      db.$client.transaction(() => {
        st.suppress.run(to.toLowerCase(), error, now);
        st.finish.run({ id: m.id, status: 'failed', error: `hard bounce: ${error}` });
        if (figures) for (const metric of BOUNCED) bumpCount(db, metric, now, figures.personaKey, figures.templateId);
        const domain = fromDomainOfHeader(headerId);
        if (domain) for (const metric of ['domain_sent', 'domain_bounced'] as const) bumpCount(db, metric, now, null, domain);
        countExperimentBounce(db.$client, m.id, now);
      })();
      log.warn({ messageId: m.id, to, error }, 'email bounced; address suppressed');
      return 'failed';
    }
    log.warn({ messageId: m.id, attempts: m.attempts, error }, 'email failed permanently');
    return finish(m.id, 'failed', result.kind === 'temporary' ? `gave up after ${m.attempts} attempts: ${error}` : error, figures, now);
  }

  async function processMessage(m: ClaimedRow, batch: Batch): Promise<Outcome> {
    const now = clock.now().getTime();
    const data = JSON.parse(m.data) as MessageData;
    const contact = st.contact.get(m.contactId) as ContactRow | undefined;
    if (!contact) return finish(m.id, 'failed', 'The contact no longer exists.');
    const purpose = m.templateId === '$notify' ? 'notify' : data.purpose === 'confirmation' ? 'confirmation' : 'journey';
    const to = purpose === 'notify' ? (data.to ?? '') : contact.email;
    if (!to) return finish(m.id, 'failed', 'The message has no recipient address.');
    const isMarketing = m.category === 'marketing' && purpose === 'journey';
    // The cap's query only when there is a cap: it is a read per email.
    const capped = isMarketing && batch.settings.frequencyCap.enabled;
    const rivals = capped ? (st.capRivals.all({ contactId: contact.id, since: now - CAP_WINDOW_MS, now }) as RivalRow[]) : [];
    const sends = rivals.filter((r) => r.status === 'sent').map((r) => ({ at: r.sentAt!, priority: r.priority, journey: r.journey }));
    for (const rival of approved.get(contact.id)?.values() ?? []) sends.push({ ...rival, at: now });
    const recent = sends.map((r) => r.at);
    const decision = sendDecision(now, {
      category: m.category,
      purpose,
      whenCapped: m.whenCapped,
      subscription: contact.subscription,
      suppressed: (st.suppression.get(to.toLowerCase()) as { reason: string } | undefined) ?? null,
      timezone: contact.timezone ?? batch.settings.defaultTimezone,
      quietHours: batch.settings.quietHours,
      frequencyCap: batch.settings.frequencyCap,
      recentMarketingSends: recent,
      contest: capped ? { priority: m.priority, dueSince: m.dueSince, sends, due: rivals.filter((r) => r.status === 'queued') } : undefined,
      released: typeof data.releasedBy === 'string',
    });
    if (decision.action === 'suppress') {
      log.info({ messageId: m.id, contactId: contact.id, reason: decision.reason }, 'email not sent');
      const bouncedBefore = (st.suppression.get(to.toLowerCase()) as { reason: string } | undefined)?.reason === 'hard_bounce';
      return finish(m.id, 'suppressed', decision.reason, bouncedBefore ? figuresOf(m, contact) : null, now);
    }
    if (decision.action === 'defer') {
      const lostTo = decision.reason === 'priority' ? (decision.journey ?? undefined) : undefined;
      st.defer.run({ id: m.id, at: decision.until, error: holdNote(decision.reason, decision.until, lostTo) });
      return 'deferred';
    }
    if (isMarketing) {
      if (!approved.has(contact.id)) approved.set(contact.id, new Map());
      approved.get(contact.id)!.set(m.id, { priority: m.priority, journey: m.journeyName });
    }
    // Once sent, the approval is released when the sent row is written (flushSent), not before: in between, the
    // cap must still count this email.
    let handedOver = false;
    try {
      const job = await jobFor(m, data, contact, to, batch, isMarketing);
      if (typeof job === 'string') return notRendered(m.id, job);
      const prepared = await preparer.prepare(job);
      if (!prepared.ok) {
        if ('signError' in prepared) return notRendered(m.id, `The email could not be DKIM-signed: ${prepared.signError}`);
        return notRendered(m.id, `Template "${m.templateId}" could not be rendered for this contact: ${prepared.renderError}`);
      }
      // Composed by the preparer; nodemailer streams it through the pool. The envelope sender is the From address or,
      // on a configured domain, the message's VERP address (receivers write it into Return-Path).
      const headerId = messageIdHeader(m.id, job.from.email);
      const result = await transport.send({ raw: asBuffer(prepared.raw), envelope: { from: prepared.returnPath ?? job.from.email, to }, messageId: headerId });
      const outcome = record(m, to, result, prepared, headerId, isMarketing ? contact.id : null, figuresOf(m, contact));
      handedOver = outcome === 'sent';
      return outcome;
    } finally {
      if (isMarketing && !handedOver) release(contact.id, m.id);
    }
  }

  /** Processes one claimed message; an unexpected error leaves it to the lease, never crashes the loop. */
  function dispatch(m: ClaimedRow, batch: Batch): Promise<Outcome> {
    const work = processMessage(m, batch).catch((error: unknown) => {
      log.error({ messageId: m.id, err: error }, 'email delivery error; the lease will retry it');
      return 'retry' as Outcome;
    });
    inFlight.add(work);
    void work.finally(() => {
      inFlight.delete(work);
      if (inFlight.size === 0) flushSent();
      if (running) pump();
    });
    return work;
  }

  /**
   * Higher-priority journeys' emails first (the sort is stable): messages are decided in this order, so when two compete
   * for a contact's last cap slot, the winner is approved before the other is weighed against it.
   */
  function claim(limit: number): ClaimedRow[] {
    const now = clock.now().getTime();
    return (st.claim.all({ now, leaseUntil: now + leaseMs, limit }) as ClaimedRow[]).sort((a, b) => b.priority - a.priority);
  }

  /**
   * Messages claimed and not yet recorded: enough that every pooled connection always has the next one ready, but
   * under a rate limit no more than go out in half a lease, so none waits past its lease (and is sent twice).
   */
  function windowSize(settings: SendingSettings): number {
    const wanted = Math.max(8, settings.smtp.maxConnections * 8);
    const rate = settings.smtp.ratePerSecond;
    return rate > 0 ? Math.max(1, Math.min(wanted, Math.floor((rate * leaseMs) / 2_000))) : wanted;
  }

  /** Keeps the pipeline full: refills when half the window is free, so the pool never waits on a claim. */
  function pump(): void {
    if (!running || drained) return;
    const batch = current ?? (current = loadBatch());
    const size = windowSize(batch.settings);
    const held = inFlight.size + pendingSent.length;
    const free = size - held;
    if (free < Math.ceil(size / 2) && held > 0) return;
    let claimed: ClaimedRow[];
    try {
      claimed = claim(free);
    } catch (error) {
      log.error({ err: error }, 'could not claim messages');
      return;
    }
    if (claimed.length < free) drained = true;
    for (const m of claimed) void dispatch(m, batch);
  }

  function tick(): void {
    // Settings and senders are read once per poll, not per message.
    current = loadBatch();
    drained = false;
    pump();
    if (running) timer = setTimeout(tick, pollMs);
  }

  return {
    get inFlight() {
      return inFlight.size;
    },
    async runOnce(limit = 1_000) {
      const batch = loadBatch();
      const claimed = claim(limit);
      const outcomes = emptyOutcomes();
      for (const outcome of await Promise.all(claimed.map((m) => dispatch(m, batch)))) outcomes[outcome]++;
      flushSent();
      return { claimed: claimed.length, outcomes };
    },
    async sendNow(messageId) {
      const now = clock.now().getTime();
      const claimed = st.claimOne.all({ id: messageId, now, leaseUntil: now + leaseMs }) as ClaimedRow[];
      const m = claimed[0];
      if (!m) return null;
      const outcome = await dispatch(m, loadBatch());
      flushSent();
      return outcome;
    },
    start() {
      if (running) return;
      running = true;
      preparer.warm();
      tick();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      flushSent();
    },
    nudge() {
      if (!running) return;
      current = loadBatch();
      drained = false;
      pump();
    },
    setTransport(next) {
      const previous = transport;
      transport = next;
      if (previous !== next) previous.close();
    },
  };
}
