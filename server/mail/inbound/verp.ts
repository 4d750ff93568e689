// VERP Return-Paths: one bounce address per message, `bounce+<message id>.<mac>@<bounce domain>`, so a bounce names the
// message it is about, and an address someone made up or mangled names none.
import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'bounce+';

/**
 * Message ids as Kairos makes them (`m_` and 26 characters of lower-case base32, server/ids.ts) already fit an SMTP
 * local part (RFC 5321 4.1.2: `_` and `-` are atext) and survive an MTA that lower-cases addresses, so they go in as
 * they are, with no encoding. Upper case would not survive that, and a `.` would make the address ambiguous; 40
 * characters keep the whole local part within RFC 5321's 64 octets (4.5.3.1.1).
 */
const MESSAGE_ID = /^[a-z0-9_-]{1,40}$/;

/** 10 bytes (80 bits, 16 base32 characters): no one guesses one, and the local part stays at 50 characters for our ids. */
const MAC_BYTES = 10;
const MAC_CHARS = 16;

/**
 * The alphabet of server/ids.ts (lower-case, no i, l, o, u): case-insensitive like the rest of the address, where
 * base64url would lose its meaning the moment an MTA lower-cases it.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const MAC_SHAPE = new RegExp(`^[${ALPHABET}]{${MAC_CHARS}}$`);

const keys = new Map<string, Buffer>();

function keyFor(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    // Its own key, derived like server/mail/tokens.ts and server/contacts/referralCode.ts derive theirs: a Return-Path
    // MAC can never stand in for a link token or a referral code, nor the other way round.
    key = createHmac('sha256', secret).update('kairos-verp-return-path').digest();
    if (keys.size > 16) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function macOf(messageId: string, secret: string): string {
  return base32(createHmac('sha256', keyFor(secret)).update(messageId).digest().subarray(0, MAC_BYTES));
}

function normalDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

/** The per-message Return-Path. Throws for an id Kairos never makes (upper case, a dot, too long): a programming error. */
export function verpAddress(messageId: string, bounceDomain: string, secret: string): string {
  if (!MESSAGE_ID.test(messageId)) throw new RangeError(`verpAddress: "${messageId}" cannot go into a bounce address (a–z, 0–9, _ and -, at most 40)`);
  return `${PREFIX}${messageId}.${macOf(messageId, secret)}@${normalDomain(bounceDomain)}`;
}

/** Id and MAC of an address with our shape on one of the bounce domains, whether or not the MAC is right. */
function splitVerp(address: string, bounceDomains: string | readonly string[]): { messageId: string; mac: string } | null {
  if (typeof address !== 'string' || address.length > 320) return null;
  // Envelope addresses may come with their angle brackets; some MTAs lower-case (or upper-case) the whole address.
  const bare = address.trim().replace(/^<(.*)>$/, '$1').toLowerCase();
  const at = bare.lastIndexOf('@');
  if (at <= 0) return null;
  const domains = (typeof bounceDomains === 'string' ? [bounceDomains] : bounceDomains).map(normalDomain);
  if (!domains.includes(normalDomain(bare.slice(at + 1)))) return null;
  const local = bare.slice(0, at);
  if (!local.startsWith(PREFIX)) return null;
  const rest = local.slice(PREFIX.length);
  const dot = rest.lastIndexOf('.');
  if (dot <= 0) return null;
  const messageId = rest.slice(0, dot);
  const mac = rest.slice(dot + 1);
  return MESSAGE_ID.test(messageId) && MAC_SHAPE.test(mac) ? { messageId, mac } : null;
}

/**
 * The message a bounce address names, or null when it is not one of ours: another domain, another shape, or a MAC that
 * does not match (forged, mangled, another workspace's secret). Matching ignores case.
 */
export function parseVerp(address: string, bounceDomains: string | readonly string[], secret: string): { messageId: string } | null {
  const parts = splitVerp(address, bounceDomains);
  if (!parts) return null;
  const given = Buffer.from(parts.mac);
  const expected = Buffer.from(macOf(parts.messageId, secret));
  return given.length === expected.length && timingSafeEqual(given, expected) ? { messageId: parts.messageId } : null;
}

/**
 * True for an address that has the shape of a bounce address on one of our domains, right MAC or not. A report sent to
 * one whose MAC is wrong was made up: an honest report goes to the exact Return-Path we gave (RFC 5321 4.5.5).
 */
export function looksLikeVerp(address: string, bounceDomains: string | readonly string[]): boolean {
  return splitVerp(address, bounceDomains) !== null;
}
