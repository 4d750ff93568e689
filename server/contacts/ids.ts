// Ids for contacts and imports: time-ordered (like ULIDs), so the newest sort last and keyset pagination by id
// doubles as ordering by creation.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function base32(value: number, length: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < length; i++) {
    out = ALPHABET[v % 32] + out;
    v = Math.floor(v / 32);
  }
  return out;
}

/** 10 characters of milliseconds, then 16 random ones. */
export function timeOrderedId(prefix: string, nowMs: number): string {
  const random = randomBytes(16);
  let tail = '';
  for (const byte of random) tail += ALPHABET[byte & 31];
  return `${prefix}${base32(nowMs, 10)}${tail}`;
}
