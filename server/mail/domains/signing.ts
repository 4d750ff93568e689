// DKIM signatures and the VERP Return-Path of mail from a configured sending domain, made where emails are prepared
// (on the preparation worker thread or in-process): no database, the job carries the domain and its encrypted keys.
import { domainToASCII } from 'node:url';
import { dkimSign } from 'mailauth';
import { verpAddress } from '../inbound/verp.ts';
import { decryptSecret, type DkimAlgorithm, type MailauthDkimOptions, type MailauthDkimSignature } from './keys.ts';

export interface SigningKey {
  selector: string;
  algorithm: DkimAlgorithm;
  /** encryptSecret(privateKeyPem, SECRET), as sending_domains keeps it. */
  privateKeyEncrypted: string;
}

/** A configured sending domain as the send path needs it: what it signs with and where its bounces come back. */
export interface SigningDomain {
  domain: string;
  bounceDomain: string;
  keys: SigningKey[];
  /** The last DNS check found the bounce domain's MX (returnPathReady): mail may carry the VERP envelope sender. */
  returnPathReady: boolean;
}

/** The host part of an address as DNS writes it (lower case, punycode), or '' for an address without one. */
export function emailDomainOf(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return '';
  const host = email.slice(at + 1).trim().replace(/\.$/, '');
  return /^[\x21-\x7e]*$/.test(host) ? host.toLowerCase() : domainToASCII(host);
}

/**
 * The configured domain that a From address is on, itself or as a subdomain (news.example.com signs as example.com:
 * DMARC's relaxed alignment, RFC 7489 3.1.1, accepts that); the most specific one when several fit. Null: send unsigned.
 */
export function signingDomainFor(domains: readonly SigningDomain[], fromEmail: string): SigningDomain | null {
  const host = emailDomainOf(fromEmail);
  if (!host) return null;
  let best: SigningDomain | null = null;
  for (const candidate of domains) {
    const fits = host === candidate.domain || host.endsWith(`.${candidate.domain}`);
    if (fits && (!best || candidate.domain.length > best.domain.length)) best = candidate;
  }
  return best;
}

/** The message could not be signed (a key that does not decrypt with this SECRET, or one mailauth refuses). */
export class DkimSignError extends Error {
  override name = 'DkimSignError';
}

export interface MailAuthenticator {
  /**
   * The message with one DKIM-Signature header per key of the domain put before it (RSA and Ed25519: Gmail verifies
   * only RSA, RFC 8463 receivers prefer Ed25519), t= the given time. Throws a DkimSignError when it cannot sign.
   */
  sign(raw: Buffer, domain: SigningDomain, signedAt: number): Promise<Buffer>;
  /**
   * The SMTP envelope sender: the message's own VERP address on the domain's bounce domain, or null while the bounce
   * domain's MX is not known to be published (send with the From address as envelope sender then).
   */
  returnPath(messageId: string, domain: SigningDomain): string | null;
}

/**
 * The header fields signed (h=): mailauth's default list, plus List-Unsubscribe-Post, which RFC 8058 4 says MUST be
 * signed together with List-Unsubscribe (mailauth's list lacks it), else anyone on the way could turn a message into a
 * one-click unsubscribe of their choosing. Fields a message lacks are left out by the signer. mailauth's signer lists
 * each field only as often as the message has it, so From and Subject cannot be oversigned (named once more than
 * present, RFC 6376 8.15) through it.
 */
const SIGNED_HEADERS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version', 'Content-Type',
  'Content-Transfer-Encoding', 'Content-ID', 'Content-Description', 'Resent-Date', 'Resent-From', 'Resent-Sender',
  'Resent-To', 'Resent-Cc', 'Resent-Message-ID', 'In-Reply-To', 'References', 'List-Id', 'List-Help', 'List-Unsubscribe',
  'List-Subscribe', 'List-Post', 'List-Owner', 'List-Archive', 'BIMI-Selector', 'List-Unsubscribe-Post',
].join(':');

/** Decrypted keys kept, at most: a workspace has a few domains with two keys each. */
const MAX_KEYS = 64;

/** Signs with keys encrypted by `secret`, decrypting each key once. */
export function createMailAuthenticator(secret: string): MailAuthenticator {
  const pems = new Map<string, string>();
  const pemOf = (key: SigningKey, domain: string): string => {
    let pem = pems.get(key.privateKeyEncrypted);
    if (pem === undefined) {
      try {
        pem = decryptSecret(key.privateKeyEncrypted, secret);
      } catch (error) {
        throw new DkimSignError(`the DKIM key ${key.selector}._domainkey.${domain} cannot be used: ${error instanceof Error ? error.message : String(error)} Remove the domain and add it again to make new keys.`);
      }
      if (pems.size >= MAX_KEYS) pems.clear();
      pems.set(key.privateKeyEncrypted, pem);
    }
    return pem;
  };

  return {
    async sign(raw, domain, signedAt) {
      const signatures = domain.keys.map(
        (key): MailauthDkimSignature => ({
          signingDomain: domain.domain,
          selector: key.selector,
          privateKey: pemOf(key, domain.domain),
          algorithm: key.algorithm === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256',
        }),
      );
      if (!signatures[0]) throw new DkimSignError(`the sending domain ${domain.domain} has no DKIM key`);
      // mailauth reads only signatureData (see mailauthDkimOptionsFor); it writes into each entry, hence the copies.
      const options: MailauthDkimOptions & { signTime: Date; headerList: string[] } = {
        ...signatures[0],
        signatureData: signatures.map((s) => ({ ...s })),
        signTime: new Date(signedAt),
        // mailauth 4's types say string[], but its signer reads only a colon-separated string: given an array, it
        // quietly signs its default list instead.
        headerList: SIGNED_HEADERS as unknown as string[],
      };
      const result = await dkimSign(raw, options);
      const failed = result.errors[0] as { selector?: string; err?: Error } | undefined;
      if (failed) throw new DkimSignError(`mailauth could not sign with ${failed.selector ?? 'a key'}._domainkey.${domain.domain}: ${failed.err?.message ?? 'unknown error'}`);
      return Buffer.concat([Buffer.from(result.signatures, 'latin1'), raw]);
    },
    returnPath: (messageId, domain) => (domain.returnPathReady ? verpAddress(messageId, domain.bounceDomain, secret) : null),
  };
}
