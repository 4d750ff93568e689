// "Check DNS": looks up each record a sending domain should publish and says, record by record, what is there, missing or wrong. Never throws.
import dns from 'node:dns/promises';
import { parseTagList, type DnsRecord, type DnsRecordPurpose } from './records.ts';

/** The lookups the check makes; node:dns/promises fits, tests pass a stub. */
export interface DnsResolver {
  resolveTxt(name: string): Promise<string[][]>;
  resolveMx?(name: string): Promise<Array<{ exchange: string; priority: number }>>;
  resolveCname?(name: string): Promise<string[]>;
}

export type DnsCheckStatus = 'ok' | 'missing' | 'wrong' | 'unreachable';

export interface DnsRecordCheck {
  purpose: DnsRecordPurpose;
  /** The record's type: the bounce domain has an MX and a TXT record, both for the return path. */
  type: DnsRecord['type'];
  name: string;
  status: DnsCheckStatus;
  /** What DNS holds there (TXT strings joined; several records one per line), or null when nothing relevant was found. */
  found: string | null;
  message: string;
}

export interface DomainDnsCheck {
  domain: string;
  /** Every record is ok. */
  ok: boolean;
  records: DnsRecordCheck[];
}

export interface DnsCheckOptions {
  /** Per lookup: a resolver that never answers must not hold up the request. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;
/** node:dns codes for "the name or this record type does not exist"; every other failure means DNS was not reached. */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA']);

type Lookup<T> = { kind: 'found'; answers: T[] } | { kind: 'absent' } | { kind: 'unreachable'; reason: string };

async function lookup<T>(run: () => Promise<T[]>, timeoutMs: number): Promise<Lookup<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Lookup<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'unreachable', reason: `no answer within ${formatSeconds(timeoutMs)}` }), timeoutMs);
    timer.unref?.();
  });
  const answer = (async (): Promise<Lookup<T>> => {
    try {
      const answers = await run();
      return answers.length ? { kind: 'found', answers } : { kind: 'absent' };
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && ABSENT.has(code)) return { kind: 'absent' };
      return { kind: 'unreachable', reason: typeof code === 'string' ? code : error instanceof Error ? error.message : String(error) };
    }
  })();
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

const unreachable = (record: DnsRecord, reason: string): DnsRecordCheck => ({
  purpose: record.purpose,
  type: record.type,
  name: record.name,
  status: 'unreachable',
  found: null,
  message: `Could not reach DNS (${reason}) — check the server's network and try again.`,
});

const result = (record: DnsRecord, status: DnsCheckStatus, found: string | null, message: string): DnsRecordCheck => ({
  purpose: record.purpose,
  type: record.type,
  name: record.name,
  status,
  found,
  message,
});

/** Each TXT record's strings joined, as DKIM, SPF and DMARC read them (RFC 6376 3.6.2.2, RFC 7208 3.3). */
async function txtRecords(resolver: DnsResolver, name: string, timeoutMs: number): Promise<Lookup<string>> {
  const found = await lookup(() => resolver.resolveTxt(name), timeoutMs);
  return found.kind === 'found' ? { kind: 'found', answers: found.answers.map((strings) => strings.join('')) } : found;
}

async function checkDkim(resolver: DnsResolver, record: DnsRecord, timeoutMs: number): Promise<DnsRecordCheck> {
  const found = await txtRecords(resolver, record.name, timeoutMs);
  if (found.kind === 'unreachable') return unreachable(record, found.reason);
  if (found.kind === 'absent') return result(record, 'missing', null, `No TXT record at ${record.name} — publish the DKIM record above.`);
  // v= is only recommended (RFC 6376 3.6.1): a record with a p= tag and no v= is a DKIM key too.
  const keys = found.answers.filter((value) => {
    const tags = parseTagList(value);
    return tags.has('v') ? tags.get('v')!.toUpperCase() === 'DKIM1' : tags.has('p');
  });
  const all = found.answers.join('\n');
  if (keys.length === 0) return result(record, 'wrong', all, `The TXT record at ${record.name} is not a DKIM record — replace it with the DKIM record above.`);
  if (keys.length > 1) return result(record, 'wrong', keys.join('\n'), `Two DKIM records at ${record.name}: verifiers read only one — keep only the record above.`);
  const expected = parseTagList(record.value);
  const tags = parseTagList(keys[0]!);
  const kind = (tags.get('k') ?? 'rsa').toLowerCase();
  const expectedKind = expected.get('k') ?? 'rsa';
  if (kind !== expectedKind) {
    return result(record, 'wrong', keys[0]!, `The DKIM record says k=${kind} but Kairos signs with an ${expectedKind} key — publish the record above.`);
  }
  if (!tags.get('p')) return result(record, 'wrong', keys[0]!, `The DKIM record at ${record.name} has an empty key (p=), which revokes it — publish the record above.`);
  if (tags.get('p') !== expected.get('p')) {
    return result(record, 'wrong', keys[0]!, "The DKIM record's key does not match the one Kairos signs with (it may be an old key).");
  }
  return result(record, 'ok', keys[0]!, 'DKIM record found; its key matches the one Kairos signs with.');
}

/** The terms that allow senders, without the version, the "all" term and a "+" qualifier (the default, RFC 7208 4.6.2). */
function spfTerms(value: string): string[] {
  return value
    .trim()
    .split(/\s+/)
    .slice(1)
    .map((term) => term.toLowerCase().replace(/^\+/, ''))
    .filter((term) => !/^[?~-]?all$/.test(term));
}

async function checkSpf(resolver: DnsResolver, record: DnsRecord, timeoutMs: number): Promise<DnsRecordCheck> {
  const found = await txtRecords(resolver, record.name, timeoutMs);
  if (found.kind === 'unreachable') return unreachable(record, found.reason);
  const spf = found.kind === 'found' ? found.answers.filter((value) => /^v=spf1(\s|$)/i.test(value.trim())) : [];
  if (spf.length === 0) return result(record, 'missing', null, `No SPF record at ${record.name} — publish the SPF record above.`);
  // RFC 7208 4.5: more than one v=spf1 record is a permanent error, so SPF fails for every message.
  if (spf.length > 1) return result(record, 'wrong', spf.join('\n'), 'Two SPF records: mailbox providers treat that as an error — merge them.');
  const have = new Set(spfTerms(spf[0]!));
  const lacking = spfTerms(record.value).filter((term) => !have.has(term));
  if (lacking.length) {
    return result(record, 'wrong', spf[0]!, `SPF record found but it does not include ${lacking.join(' ')} — add it before the "all" term.`);
  }
  return result(record, 'ok', spf[0]!, `SPF record found and it includes ${spfTerms(record.value).join(' ')}.`);
}

async function checkDmarc(resolver: DnsResolver, record: DnsRecord, timeoutMs: number): Promise<DnsRecordCheck> {
  const found = await txtRecords(resolver, record.name, timeoutMs);
  if (found.kind === 'unreachable') return unreachable(record, found.reason);
  const dmarc = found.kind === 'found' ? found.answers.filter((value) => /^v=DMARC1\s*(;|$)/i.test(value.trim())) : [];
  if (dmarc.length === 0) return result(record, 'missing', null, `DMARC policy missing: no DMARC record at ${record.name} — publish the DMARC record above.`);
  // RFC 7489 6.6.3: with more than one record, receivers apply no DMARC policy at all.
  if (dmarc.length > 1) return result(record, 'wrong', dmarc.join('\n'), `Two DMARC records at ${record.name}: receivers then ignore both — keep only one.`);
  const policy = parseTagList(dmarc[0]!).get('p')?.toLowerCase();
  if (policy !== 'none' && policy !== 'quarantine' && policy !== 'reject') {
    return result(record, 'wrong', dmarc[0]!, 'DMARC policy missing: the record has no valid p= (none, quarantine or reject) — use the record above.');
  }
  return result(
    record,
    'ok',
    dmarc[0]!,
    policy === 'none' ? 'DMARC record found (p=none: reports only — move to p=quarantine once the reports show your mail passes).' : `DMARC record found (p=${policy}).`,
  );
}

const hostName = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');

async function checkHost(resolver: DnsResolver, record: DnsRecord & { type: 'MX' | 'CNAME' }, timeoutMs: number): Promise<DnsRecordCheck> {
  const resolve =
    record.type === 'MX'
      ? resolver.resolveMx && (async () => (await resolver.resolveMx!(record.name)).map((mx) => mx.exchange))
      : resolver.resolveCname && (() => resolver.resolveCname!(record.name));
  if (!resolve) return unreachable(record, `this resolver cannot look up ${record.type} records`);
  const found = await lookup(resolve, timeoutMs);
  if (found.kind === 'unreachable') return unreachable(record, found.reason);
  if (found.kind === 'absent') return result(record, 'missing', null, `No ${record.type} record at ${record.name} — publish the ${record.type} record above, or bounces will not reach Kairos.`);
  const hosts = found.answers.map(hostName);
  if (!hosts.includes(hostName(record.value))) {
    return result(record, 'wrong', hosts.join('\n'), `The ${record.type} record at ${record.name} points to ${hosts.join(', ')}, not to ${record.value} — bounces would not reach Kairos.`);
  }
  return result(record, 'ok', hosts.join('\n'), `${record.type} record found; it points to ${record.value}.`);
}

function checkRecord(resolver: DnsResolver, record: DnsRecord, timeoutMs: number): Promise<DnsRecordCheck> {
  if (record.type === 'MX' || record.type === 'CNAME') return checkHost(resolver, record as DnsRecord & { type: 'MX' | 'CNAME' }, timeoutMs);
  switch (record.purpose) {
    case 'dkim':
      return checkDkim(resolver, record, timeoutMs);
    case 'spf':
    case 'return-path':
      return checkSpf(resolver, record, timeoutMs);
    case 'dmarc':
      return checkDmarc(resolver, record, timeoutMs);
    default: {
      const never: never = record.purpose;
      throw new Error(`unknown record purpose ${String(never)}`);
    }
  }
}

/** Looks up every expected record (from dnsRecordsFor) at once; each lookup gives up after timeoutMs. */
export async function checkDomainDns(
  domain: string,
  expected: DnsRecord[],
  resolver: DnsResolver = dns,
  options: DnsCheckOptions = {},
): Promise<DomainDnsCheck> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const records = await Promise.all(
    expected.map((record) =>
      // A bug in a check is reported on its record, not thrown at the page that asked.
      checkRecord(resolver, record, timeoutMs).catch((error: unknown) => unreachable(record, error instanceof Error ? error.message : String(error))),
    ),
  );
  return { domain, ok: records.every((r) => r.status === 'ok'), records };
}
