// Sending domains: add one (new RSA-2048 and Ed25519 DKIM keys, kept encrypted), list them with the records to publish
// and the last DNS check (never a private key), remove one, check its DNS; and the domains the send path signs for.
import dns from 'node:dns/promises';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { returnPathReady, type AddDomainInput } from '../../../shared/mail/domains.ts';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/client.ts';
import { sendingDomains, type SendingDomain, type StoredDkimKey, type StoredDnsCheck } from '../../db/schema.ts';
import { timeOrderedId } from '../../ids.ts';
import { checkDomainDns, type DnsResolver } from './dnsCheck.ts';
import { dkimSelector, encryptSecret, generateDkimKeyAsync, type DkimAlgorithm } from './keys.ts';
import { dkimRecordFor, dnsRecordsFor, parseDomainName, type DnsRecord } from './records.ts';
import { rememberRemovedDomain } from './removed.ts';
import type { SigningDomain } from './signing.ts';

/** A request the service refuses, with the input field it is about (null: none) and the tRPC code that fits. */
export class DomainError extends Error {
  constructor(
    readonly code: 'BAD_REQUEST' | 'CONFLICT' | 'NOT_FOUND',
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }
}

/** A domain as Settings shows it: the public halves of its keys, what to publish, what the last check found. */
export interface DomainView {
  id: string;
  domain: string;
  bounceDomain: string;
  createdAt: number;
  keys: { selector: string; algorithm: DkimAlgorithm; createdAt: number }[];
  records: DnsRecord[];
  lastCheck: ParsedCheck | null;
}

export interface DomainsOptions {
  db: Db;
  clock: Clock;
  /** Encrypts the private keys (SECRET). */
  secret: string;
  /** Where "Check DNS" looks records up; dnsResolverFor() by default. */
  resolver?: DnsResolver;
  /** Per lookup; a resolver that does not answer is reported as unreachable after it. */
  dnsTimeoutMs?: number;
  /**
   * The host whose SMTP listener takes the bounces of every bounce domain (their MX record points to it). Unset, or
   * not a domain name (localhost), the bounce domain's MX and SPF records are left out of what to publish.
   */
  bounceMxHost?: string | null;
}

export interface DomainsService {
  list(): DomainView[];
  add(input: AddDomainInput): Promise<DomainView>;
  /** Deletes the domain and its keys; its bounce domain is still taken for REMOVED_BOUNCE_DOMAIN_DAYS (./removed.ts). */
  remove(id: string): void;
  /** Looks every record up, stores what was found as the domain's last check and returns the domain. Never throws for DNS. */
  check(id: string): Promise<DomainView>;
}

/** Seconds c-ares waits per try and how often it tries, below the check's own timeout so a dead server says why. */
const RESOLVER_TIMEOUT_MS = 2_000;
const RESOLVER_TRIES = 2;

/** A resolver asking `servers` (DNS_SERVERS: "1.1.1.1", "127.0.0.1:53", "[::1]:53"), or the system's when none are given. */
export function dnsResolverFor(servers?: readonly string[]): DnsResolver {
  const resolver = new dns.Resolver({ timeout: RESOLVER_TIMEOUT_MS, tries: RESOLVER_TRIES });
  if (servers?.length) resolver.setServers(servers);
  return resolver;
}

const storedKeysSchema = z.array(
  z.object({ selector: z.string(), algorithm: z.enum(['rsa', 'ed25519']), publicKeyDns: z.string(), privateKeyEncrypted: z.string(), createdAt: z.number() }),
);
const storedCheckSchema = z.object({
  at: z.number(),
  ok: z.boolean(),
  records: z.array(
    z.object({
      purpose: z.string(),
      type: z.enum(['TXT', 'CNAME', 'MX']).optional(),
      name: z.string(),
      status: z.enum(['ok', 'missing', 'wrong', 'unreachable']),
      found: z.string().nullable(),
      message: z.string(),
    }),
  ),
});
type ParsedCheck = z.infer<typeof storedCheckSchema>;

const parseKeys = (row: SendingDomain): StoredDkimKey[] => storedKeysSchema.parse(row.keys);
/** A check stored in an older shape reads as none: the next "Check DNS" replaces it. */
const parseCheck = (row: SendingDomain): ParsedCheck | null => storedCheckSchema.safeParse(row.lastCheck).data ?? null;

/** RSA first: the key every receiver verifies, and the one the records' SPF and DMARC are listed with. */
const byAlgorithm = (keys: StoredDkimKey[]) => [...keys].sort((a, b) => (a.algorithm === b.algorithm ? 0 : a.algorithm === 'rsa' ? -1 : 1));

/** The domains mail is signed for, as the delivery loop and test sends need them (once per delivery batch), with whether their VERP Return-Path may be used yet. */
export function loadSigningDomains(db: Db): SigningDomain[] {
  return db
    .select()
    .from(sendingDomains)
    .all()
    .map((row) => ({
      domain: row.domain,
      bounceDomain: row.bounceDomain,
      keys: byAlgorithm(parseKeys(row)).map(({ selector, algorithm, privateKeyEncrypted }) => ({ selector, algorithm, privateKeyEncrypted })),
      returnPathReady: returnPathReady(parseCheck(row), row.bounceDomain),
    }));
}

function bounceHostOf(host: string | null | undefined): string | null {
  if (!host) return null;
  const parsed = parseDomainName(host, 'bounceMxHost');
  return parsed.ok ? parsed.domain : null;
}

export function createDomainsService(options: DomainsOptions): DomainsService {
  const { db, clock, secret } = options;
  const resolver = options.resolver ?? dnsResolverFor();
  const bounceMxHost = bounceHostOf(options.bounceMxHost);

  /** DKIM (one per key), SPF and DMARC, then the bounce domain's MX and SPF when Kairos knows its bounce host. */
  function recordsOf(row: SendingDomain): DnsRecord[] {
    const [first, ...others] = byAlgorithm(parseKeys(row));
    if (!first) return [];
    const result = dnsRecordsFor({
      domain: row.domain,
      selector: first.selector,
      algorithm: first.algorithm,
      publicKeyDns: first.publicKeyDns,
      ...(bounceMxHost ? { bounceDomain: row.bounceDomain, bounceMxHost } : {}),
    });
    // The domain, its bounce domain and keys were checked when it was added.
    if (!result.ok) throw new Error(`the stored sending domain ${row.domain} gives no records: ${result.message}`);
    const extraDkim = others.map((key) => dkimRecordFor(row.domain, key.selector, key.algorithm, key.publicKeyDns));
    return [result.records[0]!, ...extraDkim, ...result.records.slice(1)];
  }

  function view(row: SendingDomain): DomainView {
    return {
      id: row.id,
      domain: row.domain,
      bounceDomain: row.bounceDomain,
      createdAt: row.createdAt,
      keys: byAlgorithm(parseKeys(row)).map(({ selector, algorithm, createdAt }) => ({ selector, algorithm, createdAt })),
      records: recordsOf(row),
      lastCheck: parseCheck(row),
    };
  }

  function rowOf(id: string): SendingDomain {
    const row = db.select().from(sendingDomains).where(eq(sendingDomains.id, id)).get();
    if (!row) throw new DomainError('NOT_FOUND', null, 'This sending domain no longer exists; reload the page.');
    return row;
  }

  function validated(input: AddDomainInput): { domain: string; bounceDomain: string } {
    const parsed = parseDomainName(input.domain, 'domain');
    if (!parsed.ok) throw new DomainError('BAD_REQUEST', 'domain', parsed.message);
    const domain = parsed.domain;
    const wanted = input.bounceDomain?.trim() ? input.bounceDomain : `bounces.${domain}`;
    const bounce = parseDomainName(wanted, 'bounceDomain');
    if (!bounce.ok) throw new DomainError('BAD_REQUEST', 'bounceDomain', bounce.message);
    // DMARC's relaxed alignment (RFC 7489 3.1.2) wants the Return-Path on the From address's organisational domain.
    if (!bounce.domain.endsWith(`.${domain}`)) {
      throw new DomainError('BAD_REQUEST', 'bounceDomain', `bounceDomain: ${JSON.stringify(wanted)} must be a subdomain of ${domain}, such as bounces.${domain}, so the Return-Path aligns with From for DMARC`);
    }
    return { domain, bounceDomain: bounce.domain };
  }

  function refuseDuplicate(domain: string): void {
    if (db.select({ id: sendingDomains.id }).from(sendingDomains).where(eq(sendingDomains.domain, domain)).get()) {
      throw new DomainError('CONFLICT', 'domain', `domain: ${domain} is already a sending domain — its records are listed below.`);
    }
  }

  return {
    list() {
      return db.select().from(sendingDomains).orderBy(sendingDomains.domain).all().map(view);
    },

    async add(input) {
      const { domain, bounceDomain } = validated(input);
      refuseDuplicate(domain);
      const [rsa, ed25519] = await Promise.all([generateDkimKeyAsync('rsa'), generateDkimKeyAsync('ed25519')]);
      const now = clock.now().getTime();
      const keys: StoredDkimKey[] = [rsa, ed25519].map((key) => ({
        selector: dkimSelector(key.algorithm),
        algorithm: key.algorithm,
        publicKeyDns: key.publicKeyDns,
        privateKeyEncrypted: encryptSecret(key.privateKeyPem, secret),
        createdAt: now,
      }));
      const row: SendingDomain = { id: timeOrderedId('dom_', now), domain, bounceDomain, keys, lastCheck: null, createdAt: now };
      try {
        // The keys took a moment: another request may have added the same domain meanwhile.
        refuseDuplicate(domain);
        db.insert(sendingDomains).values(row).run();
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') refuseDuplicate(domain);
        throw error;
      }
      return view(row);
    },

    remove(id) {
      db.$client.transaction(() => {
        const row = rowOf(id);
        // Its keys go; its bounce domain is still taken for a while, for the bounces of mail already sent.
        rememberRemovedDomain(db, { domain: row.domain, bounceDomain: row.bounceDomain }, clock.now().getTime());
        db.delete(sendingDomains).where(eq(sendingDomains.id, id)).run();
      })();
    },

    async check(id) {
      const row = rowOf(id);
      const result = await checkDomainDns(row.domain, recordsOf(row), resolver, { timeoutMs: options.dnsTimeoutMs });
      const lastCheck: StoredDnsCheck = { at: clock.now().getTime(), ok: result.ok, records: result.records };
      // Removed while DNS was asked: nothing to store, and the caller hears so.
      if (db.update(sendingDomains).set({ lastCheck }).where(eq(sendingDomains.id, id)).run().changes === 0) rowOf(id);
      return view({ ...row, lastCheck });
    },
  };
}
