// DKIM signing checked by an independent verifier: messages signed with a domain's stored key verify with mailauth against the record
// Kairos tells the user to publish (through a stub resolver), and fail once one body byte changes or another key is published.
import { dkimSign, dkimVerify, type DKIMResult } from 'mailauth';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { describe, expect, it } from 'vitest';
import {
  dkimOptionsFor,
  dkimSelector,
  encryptSecret,
  generateDkimKey,
  mailauthDkimOptionsFor,
  type DkimAlgorithm,
  type DkimKey,
  type DomainKey,
} from '../../server/mail/domains/keys.ts';
import { dnsRecordsFor } from '../../server/mail/domains/records.ts';
import { buildMime } from '../../server/mail/mime.ts';
import { TEST_SECRET } from './helpers.ts';

const DOMAIN = 'example.com';

interface Published {
  key: DkimKey;
  stored: DomainKey;
}

function domainWith<A extends DkimAlgorithm>(algorithm: A): { key: DkimKey; stored: Extract<DomainKey, { algorithm: A }> } {
  const key = generateDkimKey(algorithm);
  const stored = { domain: DOMAIN, selector: dkimSelector(algorithm), algorithm, privateKeyEncrypted: encryptSecret(key.privateKeyPem, TEST_SECRET) };
  return { key, stored: stored as Extract<DomainKey, { algorithm: A }> };
}

/** mailauth's resolver, answering the DKIM TXT records dnsRecordsFor gives for these keys (as the strings DNS stores); nothing else exists. */
function resolverPublishing(...domains: Published[]) {
  const published = new Map<string, string[]>();
  for (const domain of domains) {
    const result = dnsRecordsFor({ domain: DOMAIN, selector: domain.stored.selector, algorithm: domain.stored.algorithm, publicKeyDns: domain.key.publicKeyDns });
    if (!result.ok) throw new Error(result.message);
    const dkim = result.records.find((r) => r.purpose === 'dkim')!;
    published.set(dkim.name, dkim.chunks);
  }
  return async (name: string, type: string): Promise<string[][]> => {
    const chunks = type === 'TXT' ? published.get(name) : undefined;
    if (chunks) return [chunks];
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
}

const mail = {
  from: 'Kairos Shop <news@example.com>',
  to: 'ana@example.org',
  subject: 'Welcome to the shop',
  text: 'Hello Ana, welcome aboard.',
  html: '<p>Hello Ana, welcome aboard.</p>',
  date: new Date('2026-12-01T09:00:00Z'),
  messageId: '<m-1@example.com>',
};

/** Signed by nodemailer's per-message `dkim` option, as a transport would send it. */
async function signedByNodemailer(options: Mail.Options): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await transport.sendMail(options);
  return info.message as Buffer;
}

/** Signed by mailauth: its DKIM-Signature header put before the message. */
async function signedByMailauth(message: Buffer, stored: DomainKey): Promise<Buffer> {
  const { signatures, errors } = await dkimSign(message, mailauthDkimOptionsFor(stored, TEST_SECRET));
  expect(errors).toEqual([]);
  return Buffer.concat([Buffer.from(signatures), message]);
}

/** The a= tag of a verified signature: mailauth's result carries it as `algo` (its index.d.ts says `algorithm`) and in status.header.a. */
const algorithmOf = (result: DKIMResult): unknown => result.status.header?.a;

async function verified(message: Buffer, domain: Published): Promise<DKIMResult> {
  const { results } = await dkimVerify(message, { resolver: resolverPublishing(domain) });
  expect(results).toHaveLength(1);
  return results[0]!;
}

/** The same message with one byte of its body changed ("Hello" → "Jello"). */
function withBodyByteChanged(message: Buffer): Buffer {
  const bodyStart = message.indexOf('\r\n\r\n') + 4;
  const at = message.indexOf('Hello', bodyStart);
  expect(at).toBeGreaterThan(bodyStart);
  const changed = Buffer.from(message);
  changed[at] = 'J'.charCodeAt(0);
  return changed;
}

const unsignedComposed = () => signedByNodemailer({ ...mail });

describe('DKIM signatures an independent verifier accepts', () => {
  const rsa = domainWith('rsa');
  const ed25519 = domainWith('ed25519');

  it('RSA: nodemailer signs with the stored key and mailauth verifies it against the published record', async () => {
    const message = await signedByNodemailer({ ...mail, dkim: dkimOptionsFor(rsa.stored, TEST_SECRET) });
    const result = await verified(message, rsa);
    expect(result.status.result).toBe('pass');
    expect([result.signingDomain, result.selector, algorithmOf(result)]).toEqual([DOMAIN, 'kairos1', 'rsa-sha256']);
    expect(result.status.aligned).toBe(DOMAIN);
  });

  it('RSA: the raw MIME Kairos builds (as delivery sends it) is signed by the per-message dkim option', async () => {
    const raw = buildMime(mail);
    const message = await signedByNodemailer({
      raw,
      envelope: { from: 'news@example.com', to: 'ana@example.org' },
      dkim: dkimOptionsFor(rsa.stored, TEST_SECRET),
    });
    expect(message.subarray(message.length - raw.length).equals(raw)).toBe(true);
    expect((await verified(message, rsa)).status.result).toBe('pass');
  });

  it('Ed25519: mailauth signs (nodemailer cannot) and the signature verifies against the bare 32-byte key record', async () => {
    const message = await signedByMailauth(await unsignedComposed(), ed25519.stored);
    const result = await verified(message, ed25519);
    expect(result.status.result).toBe('pass');
    expect([result.signingDomain, result.selector, algorithmOf(result)]).toEqual([DOMAIN, 'kairos-ed1', 'ed25519-sha256']);
  });

  it('RSA and Ed25519 together: mailauth adds one signature per key in one pass, and both verify', async () => {
    const unsigned = await unsignedComposed();
    const { signatures, errors } = await dkimSign(unsigned, mailauthDkimOptionsFor([rsa.stored, ed25519.stored], TEST_SECRET));
    expect(errors).toEqual([]);
    const message = Buffer.concat([Buffer.from(signatures), unsigned]);
    const { results } = await dkimVerify(message, { resolver: resolverPublishing(rsa, ed25519) });
    expect(results.map((r) => [r.selector, algorithmOf(r), r.status.result]).sort()).toEqual([
      ['kairos-ed1', 'ed25519-sha256', 'pass'],
      ['kairos1', 'rsa-sha256', 'pass'],
    ]);
  });

  it('Ed25519: nodemailer 10 leaves the message unsigned without an error (why Ed25519 goes through mailauth)', async () => {
    const options = { domainName: DOMAIN, keySelector: 'kairos-ed1', privateKey: ed25519.key.privateKeyPem };
    const message = await signedByNodemailer({ ...mail, dkim: options });
    expect(message.toString('latin1')).not.toMatch(/^DKIM-Signature:/im);
  });

  it.each([
    ['RSA', () => signedByNodemailer({ ...mail, dkim: dkimOptionsFor(rsa.stored, TEST_SECRET) }), rsa],
    ['Ed25519', async () => signedByMailauth(await unsignedComposed(), ed25519.stored), ed25519],
  ] as const)('%s: one changed body byte breaks the signature (body hash)', async (_name, sign, domain) => {
    const message = await sign();
    expect((await verified(message, domain)).status.result).toBe('pass');
    const result = await verified(withBodyByteChanged(message), domain);
    // mailauth reports a body hash mismatch as "neutral (body hash did not verify)": anything but pass fails DMARC's DKIM check.
    expect(result.status.result).not.toBe('pass');
    expect(['fail', 'neutral']).toContain(result.status.result);
    expect(result.status.comment).toBe('body hash did not verify');
  });

  it.each([
    ['RSA', 'rsa'],
    ['Ed25519', 'ed25519'],
  ] as const)('%s: a signature does not verify against another published key', async (_name, algorithm) => {
    const signer = algorithm === 'rsa' ? rsa : ed25519;
    const message =
      algorithm === 'rsa'
        ? await signedByNodemailer({ ...mail, dkim: dkimOptionsFor(rsa.stored, TEST_SECRET) })
        : await signedByMailauth(await unsignedComposed(), ed25519.stored);
    const impostor = { key: generateDkimKey(algorithm), stored: signer.stored };
    const result = await verified(message, impostor);
    expect(result.status.result).toBe('fail');
    expect(result.status.comment).toBe('bad signature');
  });
});
