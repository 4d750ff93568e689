// Seeded randomness for the living demo: a small fast PRNG (sfc32) and streams keyed by name, so one seed gives
// the same population and the same behaviour on every run; pure.

export interface Rng {
  /** A number in [0, 1). */
  next(): number;
}

/** A 32-bit hash of the parts (cyrb53's mixing, folded to 32 bits): the seed of a keyed stream. */
export function hashSeed(...parts: (string | number)[]): number {
  const text = parts.join('\u0000');
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

/** sfc32 seeded from the parts: a stream of its own per (seed, purpose, contact), so one contact's draws never shift another's. */
export function createRng(...parts: (string | number)[]): Rng {
  let a = hashSeed(...parts, 'a');
  let b = hashSeed(...parts, 'b');
  let c = hashSeed(...parts, 'c');
  let d = 1;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first draws of sfc32 are weakly mixed: skipped, as its authors advise.
  for (let i = 0; i < 12; i++) next();
  return { next };
}

/** True with probability p. */
export function chance(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/** A whole number in [min, max]. */
export function between(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng.next() * (max - min + 1));
}

/** One of the items, by weight. */
export function pickWeighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let r = rng.next() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}

/** A delay with a long tail (exponential), at least `minMs`: how long people take to react to an email. */
export function delayMs(rng: Rng, meanMs: number, minMs = 0): number {
  return Math.round(minMs - Math.log(1 - rng.next()) * meanMs);
}
