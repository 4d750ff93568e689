// The living demo's engine: a synthetic cohort lives through D days of virtual time on DATA_DIR, driven through the
// real code paths (subscribe and confirm through consent, events through ingestion, the executor ticking hourly,
// emails through the delivery loop into the Inbox, opens and clicks through the signed tracking links). What people
// do is drawn from the behaviour model in shared/demo/; this file carries it out and moves the clock.
import { eq } from 'drizzle-orm';
import { segmentCallSchema, type SegmentCall } from '../../shared/contacts/segment.ts';
import { DAY_MS, DEMO_PERSONAS, HOUR_MS, dailyActions, initialState, reactToEmail, recordOrder, type DemoAction, type SimState } from '../../shared/demo/model.ts';
import { planContact, traitsOf, type PlannedContact } from '../../shared/demo/population.ts';
import { between, createRng, type Rng } from '../../shared/demo/random.ts';
import { starterJourney } from '../../shared/journey/starters.ts';
import { MOMENT_KEYS, STARTER_MOMENTS } from '../../shared/lifecycle/moments.ts';
import { fixedClock } from '../clock.ts';
import type { Config } from '../config.ts';
import { ingestCalls } from '../contacts/ingest.ts';
import { markLapsed } from '../contacts/lapse.ts';
import { createReferralCodes } from '../contacts/referrals.ts';
import { forgetRules, LIFECYCLE_SETTINGS_KEY, loadLifecycleSettings } from '../contacts/rules.ts';
import type { Db } from '../db/client.ts';
import { journeys, personas, settings } from '../db/schema.ts';
import { createExecutor } from '../executor/executor.ts';
import { useIdRandomSource } from '../ids.ts';
import { createJourney, publishJourney } from '../journeys/service.ts';
import type { Logger } from '../log.ts';
import { storeCapturedEmail } from '../mail/capture.ts';
import { confirmFromLink, requestSubscription, unsubscribeFromLink } from '../mail/consent.ts';
import { createDelivery } from '../mail/delivery.ts';
import { createPreparer } from '../mail/preparer.ts';
import { TemplateCache } from '../mail/render/renderer.ts';
import { addMissingStarterTemplates } from '../mail/starterTemplates.ts';
import { createTokens } from '../mail/tokens.ts';
import { recordClick, recordOpen } from '../mail/tracking.ts';
import type { MailTransport } from '../mail/transport.ts';
import type { Workspace } from '../workspace.ts';
import { linksIn, type EmailLinks } from './links.ts';
import { demoSummary, type DemoSummary } from './summary.ts';

export interface DemoOptions {
  contacts: number;
  days: number;
  seed: string;
  log: Logger;
  /** The real time of the run (default: now); the virtual period ends at the Monday 00:00 UTC before it. */
  now?: Date;
  /** Called after each simulated hour. */
  onProgress?(hoursDone: number, hoursTotal: number, figures: { subscribers: number; emails: number }): void;
}

/** The demo will not run: the message says why and what to do. */
export class DemoRefusal extends Error {}

/** Why the demo must not run against this configuration, or null. Its emails must never reach a real mailbox. */
export function demoRefusal(config: Config): string | null {
  if (config.smtpUrl) {
    return 'The demo does not run while SMTP_URL is set: it sends thousands of emails, and they must stay in the Inbox, not reach a real mail server. Unset SMTP_URL for this command and run it again.';
  }
  return null;
}

/** The settings key listing the demo cohorts run on this workspace. */
export const DEMO_RUNS_KEY = 'demo_runs';

export interface DemoRun {
  cohort: number;
  seed: string;
  contacts: number;
  days: number;
  from: string;
  to: string;
}

/**
 * The virtual period: D days ending at the Monday 00:00 UTC before `now`. Whole weeks from a fixed weekday keep
 * weekday-and-time-of-day waits landing the same way, so a seed gives the same figures whenever it runs.
 */
export function demoPeriod(now: Date, days: number): { start: number; end: number } {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const sinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
  const end = midnight - sinceMonday * DAY_MS;
  return { start: end - days * DAY_MS, end };
}

function readRuns(db: Db): DemoRun[] {
  const row = db.select().from(settings).where(eq(settings.key, DEMO_RUNS_KEY)).get();
  return Array.isArray(row?.value) ? (row.value as DemoRun[]) : [];
}

function addRun(db: Db, run: DemoRun): void {
  const value = [...readRuns(db), run];
  db.insert(settings).values({ key: DEMO_RUNS_KEY, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();
}

interface Person {
  plan: PlannedContact;
  state: SimState;
  rng: Rng;
  contactId: string | null;
  /** The shop's user id, which its events carry. */
  userId: string;
  ip: string;
  events: number;
  referrer: Person | null;
}

interface Scheduled {
  at: number;
  seq: number;
  person: Person;
  action: DemoAction | { kind: 'subscribe'; at: number };
  /** The signed link the action follows (open, click, confirm, unsubscribe). */
  token?: string;
}

/** A binary min-heap on (at, seq): actions run in time order, ties in the order they were planned. */
class Agenda {
  private items: Scheduled[] = [];
  private seq = 0;
  push(item: Omit<Scheduled, 'seq'>): void {
    const a = this.items;
    a.push({ ...item, seq: this.seq++ });
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }
  peek(): Scheduled | undefined {
    return this.items[0];
  }
  pop(): Scheduled | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
const before = (x: Scheduled, y: Scheduled) => x.at < y.at || (x.at === y.at && x.seq < y.seq);

/** The starter journeys the demo needs: one per moment where no live journey covers it (first communication per persona). */
function publishStarters(db: Db, clock: ReturnType<typeof fixedClock>): { id: string; name: string }[] {
  const live = db.select({ moment: journeys.moment, personaKey: journeys.personaKey }).from(journeys).where(eq(journeys.status, 'live')).all();
  const present = new Map(db.select({ key: personas.key, name: personas.name }).from(personas).all().map((p) => [p.key, p.name]));
  const keys = DEMO_PERSONAS.filter((p) => present.has(p));
  const published: { id: string; name: string }[] = [];
  for (const moment of MOMENT_KEYS) {
    const uncovered = keys.filter((p) => !live.some((j) => j.moment === moment && (j.personaKey === null || j.personaKey === p)));
    if (uncovered.length === 0) continue;
    // First communication speaks to each persona (its starter has a nurture email per persona); the others serve all.
    const scopes: (string | null)[] = moment !== 'first_communication' && uncovered.length === keys.length ? [null] : uncovered;
    for (const personaKey of scopes) {
      const templates = starterJourney(moment, personaKey).graph.nodes.flatMap((n) => (n.kind === 'email' ? [String(n.config.templateId)] : []));
      addMissingStarterTemplates(db, templates);
      const label = STARTER_MOMENTS.find((m) => m.key === moment)?.label ?? moment;
      const name = `${label} · ${personaKey ? present.get(personaKey) : 'all personas'} (demo starter)`;
      const { id } = createJourney(db, clock, { moment, personaKey, name });
      publishJourney(db, clock, { id, publishedBy: 'kairos demo' });
      published.push({ id, name });
    }
  }
  return published;
}

/**
 * Contacts lapse after the workspace's inactivity window; the default (90 days) is longer than most demos. On the first
 * demo run, a window longer than a third of the period is shortened to that (at least 7 days), so lapsing and
 * reactivation are seen; the summary says so.
 */
function fitInactivityWindow(db: Db, days: number): { from: number; to: number } | null {
  const current = loadLifecycleSettings(db);
  const wanted = Math.max(7, Math.round(days / 3));
  if (current.inactivityDays <= wanted) return null;
  const value = { ...current, inactivityDays: wanted };
  db.insert(settings).values({ key: LIFECYCLE_SETTINGS_KEY, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();
  forgetRules(db);
  return { from: current.inactivityDays, to: wanted };
}

interface Captured {
  messageId: string;
  to: string;
  html: string | null;
}

/** Stores each email as the development SMTP server does (the Inbox shows it), in-process: no socket per email. */
function inboxTransport(db: Db, clock: ReturnType<typeof fixedClock>, captured: Captured[]): MailTransport {
  return {
    description: 'the Inbox (demo, in-process)',
    async send(mail) {
      const raw = Buffer.isBuffer(mail.raw) ? mail.raw : Buffer.from(String(mail.raw ?? ''));
      const envelope = (mail.envelope ?? {}) as { from?: string; to?: string | string[] };
      const recipients = (Array.isArray(envelope.to) ? envelope.to : [envelope.to ?? '']).map((r) => String(r).toLowerCase());
      const stored = await storeCapturedEmail(db, clock, { raw, from: String(envelope.from ?? ''), recipients });
      // Message-ID is <message id@sender domain>.
      const messageId = String(mail.messageId ?? '').replace(/^<|@.*$/g, '');
      captured.push({ messageId, to: recipients[0] ?? '', html: stored.html });
      return { ok: true, response: '250 stored in the demo inbox' };
    },
    close() {},
  };
}

export interface DemoResult {
  summary: DemoSummary;
  cohort: number;
  period: { start: number; end: number };
  published: { id: string; name: string }[];
  inactivityWindow: { from: number; to: number } | null;
  elapsedMs: number;
}

export async function runDemo(ws: Workspace, options: DemoOptions): Promise<DemoResult> {
  const refusal = demoRefusal(ws.config);
  if (refusal) throw new DemoRefusal(refusal);
  const began = performance.now();
  const { db, secret } = ws;
  const { publicUrl } = ws.config;
  const log = options.log;
  const cohort = readRuns(db).reduce((max, r) => Math.max(max, r.cohort), 0) + 1;
  const period = demoPeriod(options.now ?? new Date(), options.days);
  const clock = fixedClock(new Date(period.start));
  const seed = options.seed;
  // Ids from the seed (and the cohort, so a second cohort never meets the first's): split assignment hashes them.
  useIdRandomSource(createRng(seed, cohort, 'ids').next);
  const sqlite = db.$client;
  try {
    const published = publishStarters(db, clock);
    // Only for the first cohort: a shorter window later would lapse the earlier cohorts' contacts after the fact.
    const inactivityWindow = cohort === 1 ? fitInactivityWindow(db, options.days) : null;
    addRun(db, { cohort, seed, contacts: options.contacts, days: options.days, from: new Date(period.start).toISOString(), to: new Date(period.end).toISOString() });

    const tokens = createTokens(secret);
    const referrals = createReferralCodes(secret, publicUrl);
    const captured: Captured[] = [];
    // Where the server prepares emails (a worker only with 4 cores or more): on 2 cores a worker cost more CPU in all.
    const preparer = createPreparer({ secret, publicUrl, log });
    const delivery = createDelivery({ db, clock, transport: inboxTransport(db, clock, captured), cache: new TemplateCache(db), preparer, log });
    const executor = createExecutor({ db, clock, log });
    const messageRow = sqlite.prepare<[string], { contactId: string; templateId: string; category: 'marketing' | 'transactional' }>(
      'SELECT contact_id AS contactId, template_id AS templateId, category FROM messages WHERE id = ?',
    );

    const agenda = new Agenda();
    const byContact = new Map<string, Person>();
    let friends = 0;
    let subscribers = 0;
    let emails = 0;
    // Subscriptions over the first two thirds of the period, so the last ones still live through a few journeys.
    const joinWindow = { startMs: period.start, endMs: period.start + Math.round(((period.end - period.start) * 2) / 3) };
    const personOf = (plan: PlannedContact, referrer: Person | null): Person => ({
      plan,
      state: initialState(plan.persona),
      rng: createRng(seed, cohort, 'behaviour', plan.index),
      contactId: null,
      userId: `demo-c${cohort}-${plan.index}`,
      ip: `203.0.113.${(plan.index % 254) + 1}`,
      events: 0,
      referrer,
    });
    for (let i = 0; i < options.contacts; i++) {
      const person = personOf(planContact(seed, cohort, i, joinWindow), null);
      agenda.push({ at: person.plan.joinAt, person, action: { kind: 'subscribe', at: person.plan.joinAt } });
    }

    /** The shop's events, as its Segment SDK would send them: validated with the API's schema, stored by ingestion. */
    const ingest = (person: Person, call: Record<string, unknown>) => {
      person.events += 1;
      const parsed = segmentCallSchema.parse({
        ...call,
        userId: person.userId,
        timestamp: clock.now().toISOString(),
        messageId: `${person.userId}-${person.events}`,
        context: { ip: person.ip },
      }) as SegmentCall;
      ingestCalls(db, clock, [parsed], { ip: person.ip });
    };
    const track = (person: Person, event: string, properties: Record<string, unknown>) => ingest(person, { type: 'track', event, properties });

    /** What each received email leads to: the model decides, the links of the email carry it out. */
    const react = () => {
      // In message order, not in the order sends finished (a worker thread's timing varies): a contact's draws
      // must come in the same order on every run.
      const mails = captured.splice(0).sort((a, b) => (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0));
      for (const mail of mails) {
        emails += 1;
        const row = messageRow.get(mail.messageId);
        const person = row ? byContact.get(row.contactId) : undefined;
        if (!row || !person || mail.to !== person.plan.email) continue; // a notification to the team
        const links = linksIn(mail.html, publicUrl);
        for (const action of reactToEmail(person.state, { templateId: row.templateId, at: clock.now().getTime(), category: row.category }, person.rng)) {
          const token = tokenFor(action, links, person.rng);
          if (token === undefined) continue;
          agenda.push({ at: action.at, person, action, token: token ?? undefined });
        }
      }
    };
    const deliverDue = async () => {
      for (let round = 0; round < 100; round++) {
        const report = await delivery.runOnce(500);
        react();
        if (report.claimed === 0) return;
      }
    };

    const subscribe = async (person: Person) => {
      const ref = person.referrer?.contactId ? new URL(referrals.url(person.referrer.contactId)).searchParams.get('ref') : null;
      const result = requestSubscription(
        db,
        clock,
        { email: person.plan.email, traits: { ...traitsOf(person.plan), demo_cohort: cohort }, ref },
        { source: 'subscribe_form', ip: person.ip, referrals },
      );
      person.contactId = result.contactId;
      byContact.set(result.contactId, person);
      // The shop links its account to the address (its identify call), as a signed-in visitor's would.
      ingest(person, { type: 'identify', traits: { email: person.plan.email } });
      // The confirmation goes out at once, as the subscribe route sends it.
      if (result.confirmationId) await delivery.sendNow(result.confirmationId);
      react();
    };

    const perform = async (item: Scheduled) => {
      const { person, action } = item;
      switch (action.kind) {
        case 'subscribe':
          return subscribe(person);
        case 'confirm':
          if (confirmFromLink(db, clock, tokens, item.token!, person.ip).outcome === 'confirmed') {
            person.state.subscribed = true;
            subscribers += 1;
          }
          return;
        case 'open':
          recordOpen(db, clock, tokens, item.token!);
          return;
        case 'click':
          recordClick(db, clock, tokens, item.token!);
          return;
        case 'unsubscribe':
          unsubscribeFromLink(db, clock, tokens, item.token!, { source: 'unsubscribe_page', ip: person.ip });
          return;
        case 'order': {
          recordOrder(person.state);
          const price = between(person.rng, 19, 189);
          track(person, 'order_completed', { order_id: `KS-${cohort}-${person.plan.index}-${person.state.orders}`, revenue: price, currency: 'EUR' });
          return;
        }
        case 'view_pricing':
          track(person, 'viewed_pricing', { path: '/pricing' });
          return;
        case 'review':
          track(person, 'review_submitted', { rating: between(person.rng, 3, 5) });
          return;
        case 'share_referral':
          track(person, 'referral_sent', { channel: 'email' });
          return;
        case 'friend_subscribes': {
          const index = options.contacts + friends++;
          const plan = { ...planContact(seed, cohort, index, joinWindow), joinAt: action.at };
          return subscribe(personOf(plan, person));
        }
        default:
          return action satisfies never;
      }
    };

    const hours = Math.round((period.end - period.start) / HOUR_MS);
    for (let h = 0; h < hours; h++) {
      const from = period.start + h * HOUR_MS;
      const to = from + HOUR_MS;
      if ((from - period.start) % DAY_MS === 0) {
        // The start of a UTC day: what each subscriber does on its own today.
        for (const person of byContact.values()) {
          for (const action of dailyActions(person.state, from, person.rng)) agenda.push({ at: action.at, person, action });
        }
      }
      for (let next = agenda.peek(); next && next.at < to; next = agenda.peek()) {
        agenda.pop();
        clock.set(new Date(next.at));
        await perform(next);
      }
      clock.set(new Date(to));
      // The server's daily lapse check runs at night; here at 03:00 UTC of each virtual day.
      if (new Date(to).getUTCHours() === 3) markLapsed(db, clock);
      await tick(executor);
      await deliverDue();
      options.onProgress?.(h + 1, hours, { subscribers, emails });
    }
    await delivery.stop();
    await preparer.close();
    return { summary: demoSummary(db, cohort), cohort, period, published, inactivityWindow, elapsedMs: performance.now() - began };
  } finally {
    useIdRandomSource(null);
  }
}

/** The signed link an action follows: undefined when the email has none (the action is dropped), null when it needs none. */
function tokenFor(action: DemoAction, links: EmailLinks, rng: Rng): string | null | undefined {
  switch (action.kind) {
    case 'open':
      return links.open ?? undefined;
    case 'click':
      return links.clicks.length > 0 ? links.clicks[Math.floor(rng.next() * links.clicks.length)]! : undefined;
    case 'confirm':
      return links.confirm ?? undefined;
    case 'unsubscribe':
      return links.unsubscribe ?? undefined;
    default:
      return null;
  }
}

/** One executor tick; another process holding the lease (a running server) is waited for briefly, then refused. */
async function tick(executor: ReturnType<typeof createExecutor>): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const report = executor.tick();
    if (!report.skipped) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new DemoRefusal('Another process keeps ticking the executor on this DATA_DIR (is the Kairos server running?). Stop it, then run the demo.');
}
