// DKIM keys for a sending domain: generated with node:crypto, the private key kept encrypted with SECRET, and the signer options built from it.
import { createCipheriv, createDecipheriv, createHmac, createPublicKey, generateKeyPair, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

export type DkimAlgorithm = 'ed25519' | 'rsa';

export interface DkimKey {
  algorithm: DkimAlgorithm;
  /** PKCS#8 PEM; encrypt it with encryptSecret before it is stored, and never show it again. */
  privateKeyPem: string;
  /** The p= value of the DKIM TXT record. */
  publicKeyDns: string;
}

interface DomainKeyOf<A extends DkimAlgorithm> {
  domain: string;
  selector: string;
  algorithm: A;
  /** encryptSecret(privateKeyPem, SECRET). */
  privateKeyEncrypted: string;
}

/** A domain's key as a later step stores it: plain data, the private key only in its encrypted form. `algorithm` narrows it. */
export type DomainKey = DomainKeyOf<'rsa'> | DomainKeyOf<'ed25519'>;
export type RsaDomainKey = DomainKeyOf<'rsa'>;

/** RFC 8301 3.2: signers use RSA keys of at least 1024 bits; 2048 is what mailbox providers now expect. */
const RSA_BITS = 2048;
/** The DER SubjectPublicKeyInfo header of an Ed25519 key (RFC 8410): the 32 raw key bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * A new key pair. p= is, for RSA, the base64 of the DER SubjectPublicKeyInfo (RFC 6376 3.6.1); for Ed25519 the bare
 * 32-byte public key (RFC 8463 4.2), not wrapped in SPKI.
 */
export function generateDkimKey(algorithm: DkimAlgorithm): DkimKey {
  const pair = algorithm === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: RSA_BITS, publicExponent: 0x10001 }) : generateKeyPairSync('ed25519');
  return dkimKeyOf(algorithm, pair);
}

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * generateDkimKey on libuv's thread pool: an RSA-2048 key takes from a tenth of a second to a second to find, which the
 * server's event loop (and the delivery loop on it) should not wait out.
 */
export async function generateDkimKeyAsync(algorithm: DkimAlgorithm): Promise<DkimKey> {
  const pair = algorithm === 'rsa' ? await generateKeyPairAsync('rsa', { modulusLength: RSA_BITS, publicExponent: 0x10001 }) : await generateKeyPairAsync('ed25519');
  return dkimKeyOf(algorithm, pair);
}

function dkimKeyOf(algorithm: DkimAlgorithm, { privateKey, publicKey }: { privateKey: KeyObject; publicKey: KeyObject }): DkimKey {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    algorithm,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyDns: (algorithm === 'rsa' ? spki : spki.subarray(ED25519_SPKI_PREFIX.length)).toString('base64'),
  };
}

/** The p= value of a private key's public half, to check a stored key against the published record. */
export function publicKeyDnsOf(privateKeyPem: string): string {
  const publicKey = createPublicKey(privateKeyPem);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return (publicKey.asymmetricKeyType === 'ed25519' ? spki.subarray(ED25519_SPKI_PREFIX.length) : spki).toString('base64');
}

/**
 * The selector for a domain's nth key of an algorithm: kairos1, kairos2, … for RSA and kairos-ed1, … for Ed25519. A new
 * key gets a new selector, so the old record can stay published while mail signed with the old key is still in flight.
 */
export function dkimSelector(algorithm: DkimAlgorithm, generation = 1): string {
  if (!Number.isInteger(generation) || generation < 1) throw new RangeError(`generation must be a whole number from 1, got ${generation}`);
  return algorithm === 'rsa' ? `kairos${generation}` : `kairos-ed${generation}`;
}

// Encrypted secrets: "v1:<iv>:<tag>:<ciphertext>" (base64url), AES-256-GCM. The version names both the layout and the key
// derivation, so either can change later without guessing what an old blob is.
const BLOB_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The AES key for v1 blobs: HMAC-SHA256 of a label with SECRET, as server/mail/tokens.ts derives its keys, with a label of its own. */
function blobKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('kairos-encrypted-secret:v1').digest();
}

/** Thrown for a blob that cannot be decrypted; the message says what to do, and never contains the secret. */
export class SecretDecryptError extends Error {
  override name = 'SecretDecryptError';
}

export function encryptSecret(plaintext: string, secret: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', blobKey(secret), iv, { authTagLength: TAG_BYTES });
  // The version is authenticated too: a v1 body relabelled as another version does not decrypt.
  cipher.setAAD(Buffer.from(BLOB_VERSION));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [BLOB_VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join(':');
}

/** The plaintext, or a SecretDecryptError for a blob that was changed, cut short, or encrypted with another SECRET. */
export function decryptSecret(blob: string, secret: string): string {
  const parts = blob.split(':');
  if (parts[0] !== BLOB_VERSION) {
    throw new SecretDecryptError(`The encrypted value has an unknown format (expected "${BLOB_VERSION}:…", got "${parts[0]?.slice(0, 8) ?? ''}…").`);
  }
  const [iv, tag, ciphertext] = parts.slice(1).map((part) => Buffer.from(part, 'base64url'));
  if (parts.length !== 4 || iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || !ciphertext) {
    throw new SecretDecryptError('The encrypted value is damaged (its parts are missing or cut short).');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', blobKey(secret), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(BLOB_VERSION));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    // GCM cannot tell a changed blob from a different key; both are named.
    throw new SecretDecryptError(
      'The encrypted value could not be decrypted: it was changed, or it was encrypted with a different SECRET (was SECRET or DATA_DIR/secret replaced?).',
    );
  }
}

/** What nodemailer's `dkim` option (per message or per transport) takes for one key. */
export interface NodemailerDkimOptions {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/**
 * nodemailer's `dkim` option for an RSA key, decrypting it. RSA only: nodemailer 10 signs with "rsa-sha256" alone, and
 * given an Ed25519 key it sends the message unsigned without an error; sign Ed25519 with mailauthDkimOptionsFor.
 */
export function dkimOptionsFor(domainKey: RsaDomainKey, secret: string): NodemailerDkimOptions {
  // For callers the compiler does not check: an Ed25519 key here would mean mail that silently goes out unsigned.
  if ((domainKey as DomainKey).algorithm !== 'rsa') {
    throw new Error(`nodemailer cannot sign with the ${(domainKey as DomainKey).algorithm} key ${domainKey.selector}._domainkey.${domainKey.domain}: use mailauthDkimOptionsFor`);
  }
  return { domainName: domainKey.domain, keySelector: domainKey.selector, privateKey: decryptSecret(domainKey.privateKeyEncrypted, secret) };
}

/** One signature for mailauth's dkimSign. */
export interface MailauthDkimSignature {
  signingDomain: string;
  selector: string;
  privateKey: string;
  algorithm: 'rsa-sha256' | 'ed25519-sha256';
}

/**
 * mailauth's dkimSign options: the signer reads only `signatureData` (its index.d.ts also demands the first key's fields
 * at the top level, where they are ignored; without signatureData it signs nothing and reports no error).
 */
export type MailauthDkimOptions = MailauthDkimSignature & { signatureData: MailauthDkimSignature[] };

/**
 * dkimSign options for one or more keys of a domain (either algorithm), decrypting them. Several keys make one signature
 * each in one pass: sign with the RSA key too, since some large receivers do not verify Ed25519 signatures yet.
 */
export function mailauthDkimOptionsFor(domainKeys: DomainKey | DomainKey[], secret: string): MailauthDkimOptions {
  const signatures = [domainKeys].flat().map(
    (key): MailauthDkimSignature => ({
      signingDomain: key.domain,
      selector: key.selector,
      privateKey: decryptSecret(key.privateKeyEncrypted, secret),
      algorithm: key.algorithm === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256',
    }),
  );
  if (!signatures[0]) throw new Error('mailauthDkimOptionsFor needs at least one key');
  // Copies: the signer writes a type field into each entry it is given.
  return { ...signatures[0], signatureData: signatures.map((signature) => ({ ...signature })) };
}
