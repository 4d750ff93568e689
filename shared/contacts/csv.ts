// CSV import of contacts: column mapping, row validation with line numbers, consent never invented; pure.
import { z } from 'zod';
import { emailSchema } from '../accounts.ts';
import { traitNameSchema } from '../journey/common.ts';
import { PHASE_KEYS, type PhaseKey } from '../lifecycle/phases.ts';
import { isTimeZone } from './traits.ts';

/** Contact fields a column can fill; anything else becomes a trait or is ignored. */
export const IMPORT_FIELDS = ['email', 'external_id', 'name', 'first_name', 'last_name', 'consent', 'consent_at', 'consent_ip', 'phase', 'persona', 'timezone'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export const IMPORT_FIELD_LABELS: Record<ImportField, string> = {
  email: 'Email',
  external_id: 'External id (userId)',
  name: 'Full name',
  first_name: 'First name',
  last_name: 'Last name',
  consent: 'Consent (yes / no)',
  consent_at: 'Consent date',
  consent_ip: 'Consent IP address',
  phase: 'Lifecycle phase',
  persona: 'Persona',
  timezone: 'Time zone',
};

export const IMPORT_MODES = ['all_or_nothing', 'valid_rows'] as const;
export const importModeSchema = z.enum(IMPORT_MODES);
export type ImportMode = z.infer<typeof importModeSchema>;

/** What one column becomes: a contact field, `trait:<name>`, or `ignore`. */
export const columnTargetSchema = z.union([
  z.enum(IMPORT_FIELDS),
  z.literal('ignore'),
  z.templateLiteral(['trait:', z.string()]).refine((t) => traitNameSchema.safeParse(t.slice(6)).success, {
    message: 'Use letters, digits, _ or . in trait names.',
  }),
]);
export type ColumnTarget = z.infer<typeof columnTargetSchema>;

/** One target per column, in the file's column order. */
export const columnMappingSchema = z.array(columnTargetSchema).superRefine((targets, ctx) => {
  if (!targets.includes('email')) ctx.addIssue({ code: 'custom', message: 'Choose the column that holds the email address.' });
  const seen = new Set<string>();
  targets.forEach((t, i) => {
    if (t === 'ignore') return;
    if (seen.has(t)) ctx.addIssue({ code: 'custom', path: [i], message: `Two columns are mapped to ${t.startsWith('trait:') ? `trait ${t.slice(6)}` : t}.` });
    seen.add(t);
  });
});
export type ColumnMapping = z.infer<typeof columnMappingSchema>;

export interface RowError {
  /** Line in the file (the header is line 1). */
  line: number;
  column?: string;
  message: string;
}

export interface ImportRow {
  line: number;
  email: string;
  externalId: string | null;
  traits: Record<string, unknown>;
  /** Only what a consent column says; absent means the contact's consent is left as it is. */
  consent: 'subscribed' | 'unsubscribed' | null;
  consentAt: number | null;
  consentIp: string | null;
  phase: PhaseKey | null;
  timezone: string | null;
}

const YES = new Set(['yes', 'y', 'true', '1', 'subscribed', 'opted_in', 'opt_in', 'opt-in', 'x']);
const NO = new Set(['no', 'n', 'false', '0', 'unsubscribed', 'opted_out', 'opt_out', 'opt-out']);

function snakeCase(header: string): string {
  return header
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

const SUGGESTIONS: Record<string, ImportField> = {
  email: 'email', e_mail: 'email', email_address: 'email', mail: 'email',
  external_id: 'external_id', user_id: 'external_id', userid: 'external_id', customer_id: 'external_id', id: 'external_id',
  name: 'name', full_name: 'name', fullname: 'name',
  first_name: 'first_name', firstname: 'first_name', first: 'first_name', given_name: 'first_name',
  last_name: 'last_name', lastname: 'last_name', last: 'last_name', surname: 'last_name', family_name: 'last_name',
  consent: 'consent', subscribed: 'consent', opt_in: 'consent', optin: 'consent', newsletter: 'consent', email_consent: 'consent', marketing_consent: 'consent',
  consent_at: 'consent_at', consent_date: 'consent_at', consented_at: 'consent_at', opt_in_date: 'consent_at', subscribed_at: 'consent_at',
  consent_ip: 'consent_ip', ip: 'consent_ip', ip_address: 'consent_ip', opt_in_ip: 'consent_ip',
  phase: 'phase', lifecycle_phase: 'phase', stage: 'phase', lifecycle_stage: 'phase',
  persona: 'persona',
  timezone: 'timezone', time_zone: 'timezone', tz: 'timezone',
};

/** A first guess at the mapping from the header names; the person confirms or changes it. */
export function suggestMapping(columns: readonly string[]): ColumnMapping {
  const used = new Set<string>();
  return columns.map((column): ColumnTarget => {
    const key = snakeCase(column);
    const field = SUGGESTIONS[key];
    if (field && !used.has(field)) {
      used.add(field);
      return field;
    }
    const trait = `trait:${key}` as const;
    if (key && traitNameSchema.safeParse(key).success && !used.has(trait)) {
      used.add(trait);
      return trait;
    }
    return 'ignore';
  });
}

function parseDate(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

const IP_PATTERN = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:.]{2,45})$/;

export interface RowContext {
  columns: readonly string[];
  /** Known personas, by key and name, for a persona column. */
  personas: readonly { key: string; name: string }[];
}

/**
 * One record of the file, validated against the mapping. Every problem of the row is listed with its column;
 * consent is set only by a consent column, and an empty cell leaves a value as it is.
 */
export function mapRow(record: readonly string[], mapping: ColumnMapping, line: number, ctx: RowContext): { ok: true; row: ImportRow } | { ok: false; errors: RowError[] } {
  const errors: RowError[] = [];
  const row: ImportRow = { line, email: '', externalId: null, traits: {}, consent: null, consentAt: null, consentIp: null, phase: null, timezone: null };
  const fail = (i: number, message: string) => errors.push({ line, column: ctx.columns[i] ?? `column ${i + 1}`, message });
  if (record.length !== ctx.columns.length && !(record.length === 1 && record[0] === '')) {
    errors.push({ line, message: `has ${record.length} fields where the header has ${ctx.columns.length}` });
  }
  mapping.forEach((target, i) => {
    const value = (record[i] ?? '').trim();
    if (target === 'ignore') return;
    if (target === 'email') {
      const parsed = emailSchema.safeParse(value);
      if (parsed.success) row.email = parsed.data;
      else fail(i, value === '' ? 'the email address is missing' : `"${value.slice(0, 80)}" is not an email address`);
      return;
    }
    if (value === '') return;
    switch (target) {
      case 'external_id':
        if (value.length > 200) fail(i, 'is longer than 200 characters');
        else row.externalId = value;
        return;
      case 'name':
        row.traits.name = value;
        return;
      case 'first_name':
        row.traits.firstName = value;
        return;
      case 'last_name':
        row.traits.lastName = value;
        return;
      case 'consent': {
        const v = value.toLowerCase();
        if (YES.has(v)) row.consent = 'subscribed';
        else if (NO.has(v)) row.consent = 'unsubscribed';
        else fail(i, `"${value.slice(0, 40)}" is not a consent value; use yes or no (or leave it empty)`);
        return;
      }
      case 'consent_at': {
        const ms = parseDate(value);
        if (ms === null) fail(i, `"${value.slice(0, 40)}" is not a date such as 2024-05-01 or 2024-05-01T12:00:00Z`);
        else row.consentAt = ms;
        return;
      }
      case 'consent_ip':
        if (IP_PATTERN.test(value)) row.consentIp = value;
        else fail(i, `"${value.slice(0, 40)}" is not an IP address`);
        return;
      case 'phase': {
        const phase = PHASE_KEYS.find((p) => p === value.toLowerCase());
        if (phase) row.phase = phase;
        else fail(i, `"${value.slice(0, 40)}" is not a phase; use one of ${PHASE_KEYS.join(', ')}`);
        return;
      }
      case 'persona': {
        const wanted = value.toLowerCase();
        const persona = ctx.personas.find((p) => p.key.toLowerCase() === wanted || p.name.toLowerCase() === wanted);
        if (persona) row.traits.persona = persona.key;
        else fail(i, `"${value.slice(0, 40)}" is not a persona of this workspace`);
        return;
      }
      case 'timezone':
        if (isTimeZone(value)) {
          row.timezone = value;
          row.traits.timezone = value;
        } else fail(i, `"${value.slice(0, 40)}" is not a time zone such as Europe/Berlin`);
        return;
      default:
        row.traits[target.slice(6)] = value;
    }
  });
  if (row.consent !== 'subscribed' && (row.consentAt !== null || row.consentIp !== null)) {
    // A consent date or IP without a consent column saying yes does not make a subscription.
    row.consentAt = null;
    row.consentIp = null;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, row };
}
