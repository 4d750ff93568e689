// Sending domains: the add form's input, and a domain's authentication status read from its last DNS check. Pure.
import { z } from 'zod';

/** Settings → Sending's "Add a domain"; the server checks the names themselves (punycode, labels) and names the field. */
export const addDomainInputSchema = z.object({
  domain: z.string().trim().min(1, 'must not be empty — enter the domain you send from, such as example.com').max(253, 'must be at most 253 characters'),
  /** Where bounces come back (the VERP Return-Path); empty for bounces.<domain>. */
  bounceDomain: z.string().trim().max(253, 'must be at most 253 characters').optional(),
});
export type AddDomainInput = z.infer<typeof addDomainInputSchema>;

export type RecordCheckStatus = 'ok' | 'missing' | 'wrong' | 'unreachable';

/** What a DNS check found for one record, as it is stored (sending_domains.last_check). */
export interface RecordCheck {
  purpose: string;
  /** TXT, MX or CNAME; missing from checks stored before it was recorded. */
  type?: string;
  name: string;
  status: RecordCheckStatus;
  found: string | null;
  message: string;
}

export interface DomainCheck {
  at: number;
  ok: boolean;
  records: RecordCheck[];
}

export type AuthenticationStatus =
  | { state: 'unchecked' }
  | { state: 'authenticated'; at: number }
  /** DNS could not be asked about any record: nothing is known yet. */
  | { state: 'unreachable'; at: number; message: string }
  /** Some records are missing or wrong (or could not be looked up). */
  | { state: 'incomplete'; at: number; problems: RecordCheck[] };

/** The status a domain's card shows, from its last check (null: never checked). */
export function authenticationStatus(check: DomainCheck | null): AuthenticationStatus {
  if (!check) return { state: 'unchecked' };
  const problems = check.records.filter((r) => r.status !== 'ok');
  if (problems.length === 0) return { state: 'authenticated', at: check.at };
  if (problems.length === check.records.length && problems.every((r) => r.status === 'unreachable')) {
    return { state: 'unreachable', at: check.at, message: problems[0]!.message };
  }
  return { state: 'incomplete', at: check.at, problems };
}

/**
 * The per-message VERP Return-Path goes on mail only once the last check found the bounce domain's MX record: before
 * that a receiver that verifies the sender's domain refuses the envelope (553 at MAIL FROM), and the bounces would have
 * nowhere to go. Until then the envelope sender is the From address (DKIM signing does not wait for this).
 */
export function returnPathReady(check: DomainCheck | null, bounceDomain: string): boolean {
  const name = bounceDomain.trim().toLowerCase().replace(/\.$/, '');
  return check?.records.some((r) => r.purpose === 'return-path' && r.type === 'MX' && r.name === name && r.status === 'ok') ?? false;
}
