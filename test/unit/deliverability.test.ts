// The Deliverability page's arithmetic: windows of 7 and 30 days from daily rollups, subdomains under their sending
// domain and the rest under "other domains", rates against the providers' limits, and the sentences said when over.
import { describe, expect, it } from 'vitest';
import { authStatus, deliverabilityDomains, formatRate, OTHER_DOMAINS, warningsFor, type ConfiguredDomain, type DomainCount } from '../../shared/reports/deliverability.ts';
import { bounceReason } from '../../shared/mail/bounces.ts';

const TODAY = 20_500;
const shop: ConfiguredDomain = { domain: 'shop.example', bounceDomain: 'bounces.shop.example', lastCheck: null };
const count = (metric: DomainCount['metric'], daysAgo: number, key: string, n: number): DomainCount => ({ metric, day: TODAY - daysAgo, key, n });

describe('deliverabilityDomains', () => {
  it('sums 7 and 30 days, counts a subdomain for its sending domain, and leaves out what is older than 30 days', () => {
    const [d, ...rest] = deliverabilityDomains(
      [shop],
      [
        count('domain_sent', 0, 'shop.example', 100),
        count('domain_sent', 6, 'news.shop.example', 100),
        count('domain_sent', 7, 'shop.example', 800),
        count('domain_bounced', 1, 'shop.example', 3),
        count('domain_bounced', 20, 'shop.example', 5),
        count('domain_complained', 2, 'news.shop.example', 1),
        count('domain_sent', 30, 'shop.example', 5_000),
      ],
      TODAY,
    );
    expect(rest).toEqual([]);
    expect(d!.fromDomains).toEqual(['news.shop.example', 'shop.example']);
    expect(d!.windows).toEqual([
      { days: 7, sent: 200, bounced: 3, complained: 1, bounceRate: 0.015, complaintRate: 0.005 },
      { days: 30, sent: 1_000, bounced: 8, complained: 1, bounceRate: 0.008, complaintRate: 0.001 },
    ]);
    expect(d!.daily).toHaveLength(30);
    expect(d!.daily.at(-1)).toMatchObject({ date: new Date(TODAY * 86_400_000).toISOString().slice(0, 10), sent: 100, bounceRate: 0 });
    expect(d!.daily.at(-2)).toMatchObject({ sent: 0, bounced: 3, bounceRate: null });
    // 0.5% complaints over 7 days is over the 0.3% limit; bounces are under 2% in both windows.
    expect(d!.warnings).toHaveLength(1);
    expect(d!.warnings[0]).toMatch(/^Complaints were 0\.5% of sent mail over the last 7 days, at or above the 0\.3% Gmail and Yahoo allow/);
  });

  it('puts mail From unconfigured domains under other domains, after the configured ones', () => {
    const domains = deliverabilityDomains([shop], [count('domain_sent', 0, 'kairos.example.com', 10), count('domain_bounced', 0, 'kairos.example.com', 1)], TODAY);
    expect(domains.map((d) => [d.domain, d.configured, d.auth])).toEqual([
      ['shop.example', true, { status: 'unchecked', checkedAt: null, problems: [] }],
      [OTHER_DOMAINS, false, null],
    ]);
    expect(domains[1]!.fromDomains).toEqual(['kairos.example.com']);
    expect(domains[1]!.warnings[0]).toMatch(/^Bounces were 10% of sent mail over the last 7 days/);
    expect(deliverabilityDomains([shop], [], TODAY)).toHaveLength(1);
  });

  it('says the 30-day warning only for a limit the 7-day one does not already name', () => {
    const [d] = deliverabilityDomains([shop], [count('domain_sent', 20, 'shop.example', 100), count('domain_bounced', 20, 'shop.example', 5), count('domain_sent', 0, 'shop.example', 100)], TODAY);
    expect(d!.warnings).toEqual([expect.stringMatching(/^Bounces were 2\.5% of sent mail over the last 30 days/)]);
  });
});

describe('warningsFor', () => {
  it('puts the limit exceeded the most first, and is quiet at nothing sent', () => {
    const w = warningsFor({ days: 7, sent: 1_000, bounced: 30, complained: 10, bounceRate: 0.03, complaintRate: 0.01 });
    expect(w.map((x) => x.limit)).toEqual(['complaints', 'bounces']);
    expect(warningsFor({ days: 7, sent: 0, bounced: 2, complained: 0, bounceRate: null, complaintRate: null })).toEqual([]);
  });
});

describe('authStatus', () => {
  const record = (status: string) => ({ purpose: 'dkim', name: 'k1._domainkey.shop.example', status, message: `${status} record` });
  it('reads the last DNS check', () => {
    expect(authStatus({ at: 5, ok: true, records: [record('ok')] })).toEqual({ status: 'ok', checkedAt: 5, problems: [] });
    expect(authStatus({ at: 5, ok: false, records: [record('ok'), record('missing')] })).toMatchObject({ status: 'problems', problems: [{ message: 'missing record' }] });
    expect(authStatus({ at: 5, ok: false, records: [record('unreachable'), record('unreachable')] }).status).toBe('unreachable');
  });
});

describe('words', () => {
  it('formats rates with two decimals below 1%', () => {
    expect([0.003, 0.0045, 0.02, 0.125, 0, null].map(formatRate)).toEqual(['0.3%', '0.45%', '2%', '12.5%', '0%', '—']);
  });
  it('says what a status code means, falling back to its subject and class', () => {
    expect(bounceReason('5.1.1')).toBe('the mailbox does not exist');
    expect(bounceReason('4.2.2')).toBe('the mailbox is full');
    expect(bounceReason('5.7.99')).toBe('the receiving server refused it (policy or security)');
    expect(bounceReason('5.9.9')).toBe('delivery failed for good');
    expect(bounceReason('nonsense')).toBe('delivery failed');
  });
});
