// The DNS records a sending domain publishes (DKIM, an SPF hint, DMARC, the bounce domain), with what each one is for. Pure: no lookups.
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { DkimAlgorithm } from './keys.ts';

export type DnsRecordPurpose = 'dkim' | 'spf' | 'dmarc' | 'return-path';

export interface DnsRecord {
  purpose: DnsRecordPurpose;
  type: 'TXT' | 'CNAME' | 'MX';
  name: string;
  /** The whole value, to copy into a DNS provider's form (they split long TXT values themselves). */
  value: string;
  /**
   * The value as DNS stores it: a TXT record is a list of strings of at most 255 octets each (RFC 1035 3.3.14), joined
   * back without separators by DKIM and SPF (RFC 6376 3.6.2.2, RFC 7208 3.3). For a zone file: `"chunk1" "chunk2"`.
   * One element for short values and for MX and CNAME records.
   */
  chunks: string[];
  /** MX records only. */
  priority?: number;
  /** What to do with the record, in a sentence or two. */
  note: string;
}

export interface DnsRecordsInput {
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  /** The p= value, from generateDkimKey. */
  publicKeyDns: string;
  /**
   * The SPF mechanisms that allow the server Kairos sends through, such as `include:_spf.relay.example` or
   * `ip4:203.0.113.7`. Default `mx`: the domain's own mail servers.
   */
  spfSenders?: string[];
  /** Where DMARC aggregate reports go; default dmarc-reports@<domain>. */
  dmarcReportEmail?: string;
  /** The Return-Path (VERP) domain, a subdomain such as bounces.example.com; needs bounceMxHost. */
  bounceDomain?: string;
  /** The host whose SMTP listener takes bounces and complaints for bounceDomain. */
  bounceMxHost?: string;
}

export type DnsRecordsResult = { ok: true; domain: string; records: DnsRecord[] } | { ok: false; field: string; message: string };

export type DomainNameResult = { ok: true; domain: string } | { ok: false; field: string; message: string };

/** RFC 1035 2.3.4: 63 octets a label, 253 for the name written without its final dot. */
const MAX_LABEL = 63;
const MAX_NAME = 253;
const TXT_STRING_MAX = 255;
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

function invalid(field: string, input: string, why: string): { ok: false; field: string; message: string } {
  return { ok: false, field, message: `${field}: ${JSON.stringify(input)} ${why}` };
}

/**
 * A domain name as DNS writes it: trimmed, lower case, without a trailing dot, international names in their ASCII
 * (punycode) form; or why it is not one, naming the field.
 */
export function parseDomainName(input: string, field = 'domain'): DomainNameResult {
  const trimmed = input.trim();
  if (trimmed === '') return { ok: false, field, message: `${field}: is empty — enter the domain you send from, such as example.com` };
  if (/\s/.test(trimmed)) return invalid(field, input, 'is not a domain name: it contains a space');
  const bare = trimmed.replace(/\.$/, '');
  if (isIP(bare.replace(/^\[|\]$/g, ''))) {
    return invalid(field, input, 'is an IP address: DKIM, SPF and DMARC records are published on a domain name such as example.com');
  }
  // domainToASCII turns an international name into punycode and gives '' for one that cannot be a host name.
  const ascii = /^[\x21-\x7e]*$/.test(bare) ? bare.toLowerCase() : domainToASCII(bare);
  if (!ascii) return invalid(field, input, 'is not a domain name');
  const labels = ascii.split('.');
  if (labels.length < 2) return invalid(field, input, 'is not a full domain name: it needs a dot, such as example.com');
  for (const label of labels) {
    if (label === '') return invalid(field, input, 'is not a domain name: it has an empty part between two dots');
    if (label.length > MAX_LABEL) return invalid(field, input, `is not a domain name: the part "${label.slice(0, 12)}…" is longer than ${MAX_LABEL} characters`);
    if (label.startsWith('-') || label.endsWith('-')) {
      return invalid(field, input, `is not a domain name: the part "${label}" ${label.startsWith('-') ? 'starts' : 'ends'} with a hyphen`);
    }
    if (!LABEL.test(label)) return invalid(field, input, `is not a domain name: the part "${label}" may hold only letters, digits and hyphens`);
  }
  if (ascii.length > MAX_NAME) return invalid(field, input, `is not a domain name: it is longer than ${MAX_NAME} characters`);
  if (/^\d+$/.test(labels.at(-1)!)) return invalid(field, input, 'is not a domain name: it ends in a number');
  return { ok: true, domain: ascii };
}

/** A TXT value in the strings DNS stores it as. The values here are ASCII, so a character is an octet. */
export function txtChunks(value: string): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < value.length; i += TXT_STRING_MAX) chunks.push(value.slice(i, i + TXT_STRING_MAX));
  return chunks.length ? chunks : [''];
}

/** The tags of a DKIM or DMARC record ("v=DKIM1; k=rsa; p=…"), names lower case; whitespace inside values dropped (RFC 6376 3.2). */
export function parseTagList(value: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    if (!tags.has(name)) tags.set(name, part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

/** The DKIM TXT record of one key (RFC 6376 3.6.1; k=ed25519 from RFC 8463). A domain with an RSA and an Ed25519 key publishes one each. */
export function dkimRecordFor(domain: string, selector: string, algorithm: DkimAlgorithm, publicKeyDns: string): DnsRecord {
  const value = `v=DKIM1; k=${algorithm}; p=${publicKeyDns}`;
  const chunks = txtChunks(value);
  return {
    purpose: 'dkim',
    type: 'TXT',
    name: `${selector}._domainkey.${domain}`,
    value,
    chunks,
    note:
      chunks.length > 1
        ? `Publish this as one TXT record. It is longer than ${TXT_STRING_MAX} characters, so DNS keeps it as ${chunks.length} strings: most DNS providers split the value for you; in a zone file, write the strings one after another.`
        : 'Publish this as one TXT record.',
  };
}

function spfRecordFor(purpose: 'spf' | 'return-path', name: string, senders: string[]): DnsRecord {
  const value = `v=spf1 ${senders.join(' ')} ~all`;
  const mechanisms = senders.join(' ');
  return {
    purpose,
    type: 'TXT',
    name,
    value,
    chunks: txtChunks(value),
    note:
      `If ${name} already has an SPF record (a TXT record starting v=spf1), do not add a second one: add ${mechanisms} to it, before its "all" term. ` +
      'Two SPF records make SPF fail for every message (RFC 7208 3.2).' +
      (purpose === 'return-path' ? ' Receivers check SPF on the Return-Path domain, which is this one.' : ''),
  };
}

const SPF_MECHANISM = /^[+?~-]?(?:a|mx|ptr|include:\S+|exists:\S+|ip4:[0-9./]+|ip6:[0-9a-f:./]+|a[:/]\S+|mx[:/]\S+)$/i;
const EMAIL = /^[^\s@<>()",;:]+@([^\s@<>()",;:]+)$/;

/** The records a user publishes for a sending domain, or the first input that is wrong, by field. */
export function dnsRecordsFor(input: DnsRecordsInput): DnsRecordsResult {
  const parsed = parseDomainName(input.domain, 'domain');
  if (!parsed.ok) return parsed;
  const domain = parsed.domain;
  const selector = input.selector.trim().toLowerCase();
  if (!selector.split('.').every((label) => LABEL.test(label) && label.length <= MAX_LABEL)) {
    return invalid('selector', input.selector, 'is not a DKIM selector: use letters, digits and hyphens, such as kairos1');
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(input.publicKeyDns)) return invalid('publicKeyDns', input.publicKeyDns.slice(0, 16), 'is not a base64 public key');

  const senders = input.spfSenders?.length ? input.spfSenders.map((s) => s.trim()) : ['mx'];
  const badSender = senders.find((s) => !SPF_MECHANISM.test(s));
  if (badSender !== undefined) {
    return invalid('spfSenders', badSender, 'is not an SPF mechanism that allows a sender, such as include:_spf.relay.example or ip4:203.0.113.7');
  }

  const reportEmail = (input.dmarcReportEmail ?? `dmarc-reports@${domain}`).trim();
  const reportDomain = EMAIL.exec(reportEmail)?.[1];
  if (!reportDomain || !parseDomainName(reportDomain).ok) return invalid('dmarcReportEmail', reportEmail, 'is not an email address');

  const dmarcValue = `v=DMARC1; p=none; rua=mailto:${reportEmail}`;
  const records: DnsRecord[] = [
    dkimRecordFor(domain, selector, input.algorithm, input.publicKeyDns),
    spfRecordFor('spf', domain, senders),
    {
      purpose: 'dmarc',
      type: 'TXT',
      name: `_dmarc.${domain}`,
      value: dmarcValue,
      chunks: txtChunks(dmarcValue),
      note:
        'p=none only asks for reports: nothing is rejected yet. Once the reports show your mail passes DKIM, move to p=quarantine, and later to p=reject.' +
        (reportDomain.toLowerCase() === domain ? '' : ` Reports to another domain need that domain's consent: a TXT record "v=DMARC1" at ${domain}._report._dmarc.${reportDomain.toLowerCase()} (RFC 7489 7.1).`),
    },
  ];

  if (input.bounceDomain !== undefined || input.bounceMxHost !== undefined) {
    if (input.bounceDomain === undefined) return { ok: false, field: 'bounceDomain', message: 'bounceDomain: is missing — it is needed with bounceMxHost' };
    if (input.bounceMxHost === undefined) return { ok: false, field: 'bounceMxHost', message: 'bounceMxHost: is missing — name the host that receives bounces for the bounce domain' };
    const bounce = parseDomainName(input.bounceDomain, 'bounceDomain');
    if (!bounce.ok) return bounce;
    // DMARC's relaxed alignment (RFC 7489 3.1.2) needs the Return-Path on the same organisational domain as From.
    if (!bounce.domain.endsWith(`.${domain}`)) {
      return invalid('bounceDomain', input.bounceDomain, `must be a subdomain of ${domain}, such as bounces.${domain}, so the Return-Path aligns with From for DMARC`);
    }
    const mx = parseDomainName(input.bounceMxHost, 'bounceMxHost');
    if (!mx.ok) return mx;
    records.push(
      {
        purpose: 'return-path',
        type: 'MX',
        name: bounce.domain,
        value: mx.domain,
        chunks: [mx.domain],
        priority: 10,
        note: `Bounces and complaints come back to the Return-Path address on ${bounce.domain}; this MX record (priority 10) sends them to Kairos.`,
      },
      spfRecordFor('return-path', bounce.domain, senders),
    );
  }
  return { ok: true, domain, records };
}
