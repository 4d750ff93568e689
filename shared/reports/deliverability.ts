// The Deliverability page's contract and arithmetic: per sending domain, sent mail, bounce and complaint rates over 7
// and 30 days against the limits mailbox providers enforce, from the domain_* daily rollups. Pure.
import { z } from 'zod';

/**
 * The limits Gmail and Yahoo state for bulk senders (2024 sender requirements): spam complaints below 0.3% of mail
 * delivered, and a bounce rate that list-hygiene guidance (and every major ESP) holds below 2%.
 */
export const THRESHOLDS = { bounceRate: 0.02, complaintRate: 0.003 } as const;

/** Days of history the page reads: the chart's span and the longer window. */
export const HISTORY_DAYS = 30;
export const WINDOWS = [7, 30] as const;

/** Mail From a domain no sending domain covers: its figures still count, under one row. */
export const OTHER_DOMAINS = '(other domains)';

const count = z.number().int().nonnegative();
const rate = z.number().nullable();

export const windowFiguresSchema = z.object({
  days: z.number().int().positive(),
  sent: count,
  bounced: count,
  complained: count,
  /** bounced / sent; null when nothing was sent. */
  bounceRate: rate,
  complaintRate: rate,
});
export type WindowFigures = z.infer<typeof windowFiguresSchema>;

export const authStatusSchema = z.object({
  /** unchecked: "Check DNS" never ran; unreachable: DNS could not be asked the last time. */
  status: z.enum(['ok', 'problems', 'unreachable', 'unchecked']),
  checkedAt: z.number().nullable(),
  /** The records that were not right at the last check, in the check's own words. */
  problems: z.array(z.object({ purpose: z.string(), name: z.string(), message: z.string() })),
});
export type AuthStatus = z.infer<typeof authStatusSchema>;

export const domainReportSchema = z.object({
  /** The sending domain, or OTHER_DOMAINS. */
  domain: z.string(),
  configured: z.boolean(),
  bounceDomain: z.string().nullable(),
  /** The From domains counted here: the domain itself and its subdomains (or, for other domains, each one seen). */
  fromDomains: z.array(z.string()),
  auth: authStatusSchema.nullable(),
  windows: z.array(windowFiguresSchema),
  /** One entry per UTC day of the last HISTORY_DAYS, oldest first, today included. */
  daily: z.array(
    z.object({ date: z.string(), sent: count, bounced: count, complained: count, bounceRate: rate, complaintRate: rate }),
  ),
  /** A plain sentence per limit the domain is over, worst first; empty when all is well. */
  warnings: z.array(z.string()),
});
export type DomainReport = z.infer<typeof domainReportSchema>;

export const unappliedReportSchema = z.object({
  id: z.number().int(),
  receivedAt: z.number(),
  kind: z.string(),
  note: z.string(),
  envelopeFrom: z.string(),
  envelopeTo: z.string(),
  size: count,
});

export const deliverabilityReportSchema = z.object({
  today: z.string(),
  thresholds: z.object({ bounceRate: z.number(), complaintRate: z.number() }),
  domains: z.array(domainReportSchema),
  /** Reports received in the last 30 days that changed nothing: unmatched, or naming no message Kairos has. */
  unapplied: z.object({ count, latest: z.array(unappliedReportSchema) }),
});
export type DeliverabilityReport = z.infer<typeof deliverabilityReportSchema>;

/** A domain_* rollup row summed over personas. */
export interface DomainCount {
  metric: 'domain_sent' | 'domain_bounced' | 'domain_complained';
  day: number;
  /** The From domain. */
  key: string;
  n: number;
}

export interface ConfiguredDomain {
  domain: string;
  bounceDomain: string;
  lastCheck: { at: number; ok: boolean; records: { purpose: string; name: string; status: string; message: string }[] } | null;
}

const DAY_MS = 86_400_000;
const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** The configured domain a From domain belongs to: itself, or the longest configured parent (news.shop.example → shop.example). */
export function owningDomain(fromDomain: string, configured: readonly string[]): string | null {
  const d = fromDomain.toLowerCase();
  let best: string | null = null;
  for (const c of configured) if ((d === c || d.endsWith(`.${c}`)) && (best === null || c.length > best.length)) best = c;
  return best;
}

export function authStatus(lastCheck: ConfiguredDomain['lastCheck']): AuthStatus {
  if (!lastCheck) return { status: 'unchecked', checkedAt: null, problems: [] };
  const bad = lastCheck.records.filter((r) => r.status !== 'ok');
  const status = lastCheck.ok || bad.length === 0 ? 'ok' : bad.every((r) => r.status === 'unreachable') ? 'unreachable' : 'problems';
  return { status, checkedAt: lastCheck.at, problems: bad.map((r) => ({ purpose: r.purpose, name: r.name, message: r.message })) };
}

/** A rate as people read it: 2.4%, 0.35%, 0% (two decimals below 1%, where the complaint limit sits). */
export function formatRate(value: number | null): string {
  if (value === null) return '—';
  const percent = value * 100;
  if (percent === 0) return '0%';
  const digits = percent < 1 ? 2 : 1;
  return `${Number(percent.toFixed(digits)).toLocaleString('en-US', { maximumFractionDigits: digits })}%`;
}

export interface Warning {
  limit: 'complaints' | 'bounces';
  /** How many times the limit the rate is: the worst is said first. */
  excess: number;
  text: string;
}

/** What to say when a window is at or over a limit: the figure, the limit, and what usually helps. */
export function warningsFor(w: WindowFigures): Warning[] {
  const out: Warning[] = [];
  if (w.complaintRate !== null && w.complaintRate >= THRESHOLDS.complaintRate) {
    out.push({
      limit: 'complaints',
      excess: w.complaintRate / THRESHOLDS.complaintRate,
      text: `Complaints were ${formatRate(w.complaintRate)} of sent mail over the last ${w.days} days, at or above the ${formatRate(THRESHOLDS.complaintRate)} Gmail and Yahoo allow: mail from this domain may go to spam. Send only to people who asked for it, and make unsubscribing easy.`,
    });
  }
  if (w.bounceRate !== null && w.bounceRate >= THRESHOLDS.bounceRate) {
    out.push({
      limit: 'bounces',
      excess: w.bounceRate / THRESHOLDS.bounceRate,
      text: `Bounces were ${formatRate(w.bounceRate)} of sent mail over the last ${w.days} days, at or above the ${formatRate(THRESHOLDS.bounceRate)} mailbox providers tolerate: look for old, bought or mistyped addresses (bounced ones are already suppressed).`,
    });
  }
  return out.sort((a, b) => b.excess - a.excess);
}

/**
 * The page's figures: per configured sending domain (then one row for every other From domain, when any sent or got
 * reports), each window's totals and rates, the daily series and the warnings. `today` is the current UTC day number.
 */
export function deliverabilityDomains(configured: readonly ConfiguredDomain[], counts: readonly DomainCount[], today: number): DomainReport[] {
  const names = configured.map((d) => d.domain.toLowerCase());
  const firstDay = today - HISTORY_DAYS + 1;
  type Series = { sent: number[]; bounced: number[]; complained: number[]; fromDomains: Set<string> };
  const empty = (): Series => ({ sent: Array(HISTORY_DAYS).fill(0), bounced: Array(HISTORY_DAYS).fill(0), complained: Array(HISTORY_DAYS).fill(0), fromDomains: new Set() });
  const series = new Map<string, Series>(names.map((n) => [n, empty()]));
  for (const c of counts) {
    if (c.day < firstDay || c.day > today || c.n === 0) continue;
    const owner = owningDomain(c.key, names) ?? OTHER_DOMAINS;
    const s = series.get(owner) ?? series.set(owner, empty()).get(owner)!;
    s.fromDomains.add(c.key.toLowerCase());
    const field = c.metric === 'domain_sent' ? 'sent' : c.metric === 'domain_bounced' ? 'bounced' : 'complained';
    s[field][c.day - firstDay]! += c.n;
  }
  const report = (domain: string, s: Series, config: ConfiguredDomain | null): DomainReport => {
    const windows = WINDOWS.map((days): WindowFigures => {
      const sum = (xs: number[]) => xs.slice(HISTORY_DAYS - days).reduce((a, b) => a + b, 0);
      const sent = sum(s.sent);
      const bounced = sum(s.bounced);
      const complained = sum(s.complained);
      return { days, sent, bounced, complained, bounceRate: ratio(bounced, sent), complaintRate: ratio(complained, sent) };
    });
    // The shorter window speaks first; the longer one only adds what the shorter does not already say.
    const short = warningsFor(windows[0]!);
    const long = warningsFor(windows[1]!).filter((w) => !short.some((s) => s.limit === w.limit));
    return {
      domain,
      configured: config !== null,
      bounceDomain: config?.bounceDomain ?? null,
      fromDomains: config ? [...new Set([config.domain.toLowerCase(), ...s.fromDomains])].sort() : [...s.fromDomains].sort(),
      auth: config ? authStatus(config.lastCheck) : null,
      windows,
      daily: s.sent.map((sent, i) => {
        const bounced = s.bounced[i]!;
        const complained = s.complained[i]!;
        return { date: isoDay(firstDay + i), sent, bounced, complained, bounceRate: ratio(bounced, sent), complaintRate: ratio(complained, sent) };
      }),
      warnings: [...short, ...long].map((w) => w.text),
    };
  };
  const out = configured.map((c) => report(c.domain.toLowerCase(), series.get(c.domain.toLowerCase())!, c));
  const other = series.get(OTHER_DOMAINS);
  if (other) out.push(report(OTHER_DOMAINS, other, null));
  return out;
}

/** The chart's one-sentence summary. */
export function chartSummary(d: DomainReport): string {
  const [week, month] = d.windows;
  if (!month || month.sent === 0) return `No mail sent from ${d.domain === OTHER_DOMAINS ? 'other domains' : d.domain} in the last 30 days.`;
  return `Over 30 days: ${month.sent.toLocaleString('en-US')} sent, bounce rate ${formatRate(month.bounceRate)} (limit ${formatRate(THRESHOLDS.bounceRate)}), complaint rate ${formatRate(month.complaintRate)} (limit ${formatRate(THRESHOLDS.complaintRate)}); last 7 days ${formatRate(week?.bounceRate ?? null)} and ${formatRate(week?.complaintRate ?? null)}.`;
}
