// Ids for contacts, imports, keys, enrollments and messages: time-ordered (like monotonic ULIDs), so the newest sort last,
// keyset pagination by id doubles as ordering by creation, and a bulk insert appends to the end of each id index
// instead of dirtying random pages (measured: twice the executor's write rate).
import { randomBytes, randomFillSync } from 'node:crypto';

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

// Random bytes are drawn 4 KB at a time: one call per id costs more than the rest of making it.
let pool = randomBytes(4096);
let offset = 0;
let refill: (buffer: Buffer) => void = (buffer) => randomFillSync(buffer);
function randomChars(n: number): string {
  if (offset + n > pool.length) {
    refill(pool);
    offset = 0;
  }
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHABET[pool[offset++]! & 31];
  return out;
}

let lastMs = -1;
let sequence = 0;

/** 10 characters of milliseconds, 5 of a sequence within the millisecond, 11 random ones. */
export function timeOrderedId(prefix: string, nowMs: number): string {
  if (nowMs === lastMs) sequence += 1;
  else {
    lastMs = nowMs;
    sequence = 0;
  }
  return `${prefix}${base32(nowMs, 10)}${base32(sequence % 32 ** 5, 5)}${randomChars(11)}`;
}

/** The smallest id made at or after `ms`: ids made in [a, b) are those >= idFloor(a) and < idFloor(b). */
export function idFloor(prefix: string, ms: number): string {
  return `${prefix}${base32(ms, 10)}`;
}

/**
 * Draws the random part of ids from `random` (values in [0, 1)) instead of the system's source, and starts the
 * sequence afresh; null restores the system source. Only the demo sets one: its figures must not depend on ids
 * (split assignment hashes the contact id), so the same seed gives the same ids.
 */
export function useIdRandomSource(random: (() => number) | null): void {
  refill = random
    ? (buffer) => {
        for (let i = 0; i < buffer.length; i++) buffer[i] = Math.floor(random() * 256);
      }
    : (buffer) => randomFillSync(buffer);
  offset = pool.length;
  lastMs = -1;
  sequence = 0;
}
