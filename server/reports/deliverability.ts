// Reads what the Deliverability page shows: the sending domains with their last DNS check, the domain_* daily
// rollups of the last 30 days, and the inbound reports that changed nothing; the arithmetic is shared/reports/deliverability.ts.
import { dayOf } from '../../shared/reports/metrics.ts';
import { deliverabilityDomains, HISTORY_DAYS, THRESHOLDS, type ConfiguredDomain, type DeliverabilityReport, type DomainCount } from '../../shared/reports/deliverability.ts';
import type { Db } from '../db/client.ts';

/** The latest reports that changed nothing, shown by reason. */
export const UNAPPLIED_SHOWN = 5;

/** Unmatched reports, and bounces or complaints that named no message (or address) of ours: no contact was touched. */
const UNAPPLIED = `(kind = 'unmatched' OR contact_id IS NULL)`;

export function deliverabilityReport(db: Db, nowMs: number): DeliverabilityReport {
  const today = dayOf(nowMs);
  const c = db.$client;
  const domains = (c.prepare(`SELECT domain, bounce_domain AS bounceDomain, last_check AS lastCheck FROM sending_domains ORDER BY domain`).all() as {
    domain: string;
    bounceDomain: string;
    lastCheck: string | null;
  }[]).map((d): ConfiguredDomain => ({ domain: d.domain, bounceDomain: d.bounceDomain, lastCheck: d.lastCheck ? (JSON.parse(d.lastCheck) as ConfiguredDomain['lastCheck']) : null }));
  const counts = c
    .prepare(`SELECT metric, day, key, sum(n) AS n FROM daily_counts
      WHERE metric IN ('domain_sent', 'domain_bounced', 'domain_complained') AND day > ? AND day <= ? GROUP BY metric, day, key`)
    .all(today - HISTORY_DAYS, today) as DomainCount[];
  const since = (today - HISTORY_DAYS + 1) * 86_400_000;
  const unappliedCount = (c.prepare(`SELECT count(*) AS n FROM inbound_reports WHERE received_at >= ? AND ${UNAPPLIED}`).get(since) as { n: number }).n;
  const latest = c
    .prepare(`SELECT id, received_at AS receivedAt, kind, note, envelope_from AS envelopeFrom, envelope_to AS envelopeTo, size
      FROM inbound_reports WHERE received_at >= ? AND ${UNAPPLIED} ORDER BY received_at DESC, id DESC LIMIT ?`)
    .all(since, UNAPPLIED_SHOWN) as DeliverabilityReport['unapplied']['latest'];
  return {
    today: new Date(today * 86_400_000).toISOString().slice(0, 10),
    thresholds: { ...THRESHOLDS },
    domains: deliverabilityDomains(domains, counts, today),
    unapplied: { count: unappliedCount, latest },
  };
}
