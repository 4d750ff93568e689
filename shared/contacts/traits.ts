// Traits as a contact keeps them: merging identify calls, the display name, search terms, time zone; pure.

/** Traits that live in their own columns or consent paths, never in the traits object. */
export const RESERVED_TRAITS = ['email', 'consent'] as const;

/**
 * Merges incoming traits over the stored ones, as identify does: a value replaces, null removes the trait,
 * and reserved traits (email, consent) are handled by their own paths.
 */
export function mergeTraits(stored: Record<string, unknown>, incoming: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...stored };
  for (const [key, value] of Object.entries(incoming)) {
    if ((RESERVED_TRAITS as readonly string[]).includes(key)) continue;
    if (value === null || value === undefined) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** Display name from Segment's reserved traits: name, or firstName + lastName (snake_case too). */
export function displayName(traits: Record<string, unknown>): string | null {
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const full = str(traits.name);
  if (full) return full.slice(0, 200);
  const parts = [str(traits.firstName) ?? str(traits.first_name), str(traits.lastName) ?? str(traits.last_name)].filter(Boolean);
  return parts.length > 0 ? parts.join(' ').slice(0, 200) : null;
}

/** Search terms of a contact: the email and each word of the name, lower-cased without accents. */
export function searchTerms(email: string, name: string | null): string[] {
  const terms = new Set([normaliseSearch(email)]);
  for (const word of normaliseSearch(name ?? '').split(/[\s,.'-]+/)) if (word) terms.add(word);
  return [...terms];
}

export function normaliseSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

const zoneCache = new Map<string, boolean>();

/** Whether a string is an IANA time zone this runtime knows (Europe/Berlin). */
export function isTimeZone(zone: string): boolean {
  if (zone === '' || zone.length > 64) return false;
  let known = zoneCache.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    if (zoneCache.size < 1000) zoneCache.set(zone, known);
  }
  return known;
}
