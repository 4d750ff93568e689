// Matching property filters against event properties or contact traits; pure.
import type { PropertyFilter, Scalar } from './common.ts';

/** Reads a dot path ("address.city") from a plain object. */
export function readPath(source: Record<string, unknown>, path: string): unknown {
  let current: unknown = source;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function asNumber(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** One comparison; numbers compare numerically even when one side arrived as a string ("42"). */
export function compare(actual: unknown, operator: PropertyFilter['operator'], expected: Scalar | undefined): boolean {
  switch (operator) {
    case 'exists':
      return actual !== undefined && actual !== null && actual !== '';
    case 'not_exists':
      return actual === undefined || actual === null || actual === '';
    case 'equals':
    case 'not_equals': {
      const a = asNumber(actual);
      const e = asNumber(expected);
      const equal = a !== null && e !== null ? a === e : String(actual ?? '') === String(expected ?? '') && actual !== undefined;
      return operator === 'equals' ? equal : !equal;
    }
    case 'contains':
      if (Array.isArray(actual)) return actual.some((item) => String(item) === String(expected));
      return typeof actual === 'string' && actual.toLowerCase().includes(String(expected ?? '').toLowerCase());
    case 'greater_than':
    case 'less_than': {
      const a = asNumber(actual);
      const e = asNumber(expected);
      if (a === null || e === null) return false;
      return operator === 'greater_than' ? a > e : a < e;
    }
    default:
      return operator satisfies never;
  }
}

export function matchesFilters(properties: Record<string, unknown>, filters: readonly PropertyFilter[]): boolean {
  return filters.every((f) => compare(readPath(properties, f.property), f.operator, f.value));
}
