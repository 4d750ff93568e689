// CSV rows as an import reads them: mapping guessed from headers, every problem of a row named with its column,
// consent only from a consent column.
import { describe, expect, test } from 'vitest';
import { columnMappingSchema, mapRow, suggestMapping } from '../../shared/contacts/csv.ts';

const ctx = (columns: string[]) => ({ columns, personas: [{ key: 'researcher', name: 'Researcher' }] });

describe('mapping', () => {
  test('guessed from common header names; a field is guessed once; other columns become traits', () => {
    expect(suggestMapping(['E-mail', 'FirstName', 'surname', 'Customer ID', 'Opt-in', 'Opt-in date', 'Lifecycle stage', 'Loyalty tier', 'email', '#'])).toEqual([
      'email', 'first_name', 'last_name', 'external_id', 'consent', 'consent_at', 'phase', 'trait:loyalty_tier', 'trait:email', 'ignore',
    ]);
  });
  test('an email column is required and no target twice', () => {
    expect(columnMappingSchema.safeParse(['name']).success).toBe(false);
    expect(columnMappingSchema.safeParse(['email', 'trait:plan', 'trait:plan']).error?.issues[0]?.message).toBe('Two columns are mapped to trait plan.');
    expect(columnMappingSchema.safeParse(['email', 'trait:has space']).success).toBe(false);
  });
});

describe('rows', () => {
  const columns = ['email', 'consent', 'consent_at', 'phase', 'persona', 'tz', 'plan'];
  const mapping = columnMappingSchema.parse(['email', 'consent', 'consent_at', 'phase', 'persona', 'timezone', 'trait:plan']);

  test('a valid row; empty cells leave values alone; consent date kept only with consent', () => {
    expect(mapRow([' Ana@Example.com ', 'Yes', '2024-02-03', 'loyal', 'researcher', 'Europe/Lisbon', 'pro'], mapping, 2, ctx(columns))).toEqual({
      ok: true,
      row: { line: 2, email: 'ana@example.com', externalId: null, traits: { persona: 'researcher', timezone: 'Europe/Lisbon', plan: 'pro' }, consent: 'subscribed', consentAt: Date.parse('2024-02-03'), consentIp: null, phase: 'loyal', timezone: 'Europe/Lisbon' },
    });
    const noConsent = mapRow(['b@example.com', '', '2024-02-03', '', '', '', ''], mapping, 3, ctx(columns));
    expect(noConsent.ok && noConsent.row).toMatchObject({ consent: null, consentAt: null, traits: {} });
  });

  test('every problem of a row, by column', () => {
    expect(mapRow(['nope', 'maybe', 'yesterday', 'vip', 'astronaut', 'Mars/Base', 'x'], mapping, 9, ctx(columns))).toEqual({
      ok: false,
      errors: [
        { line: 9, column: 'email', message: '"nope" is not an email address' },
        { line: 9, column: 'consent', message: '"maybe" is not a consent value; use yes or no (or leave it empty)' },
        { line: 9, column: 'consent_at', message: '"yesterday" is not a date such as 2024-05-01 or 2024-05-01T12:00:00Z' },
        { line: 9, column: 'phase', message: '"vip" is not a phase; use one of prospect, subscriber, engaged, customer, loyal, advocate, lapsed' },
        { line: 9, column: 'persona', message: '"astronaut" is not a persona of this workspace' },
        { line: 9, column: 'tz', message: '"Mars/Base" is not a time zone such as Europe/Berlin' },
      ],
    });
    expect(mapRow(['a@example.com', 'yes'], mapping, 4, ctx(columns))).toMatchObject({ ok: false, errors: [{ line: 4, message: 'has 2 fields where the header has 7' }] });
  });
});
