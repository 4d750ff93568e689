// The simulator's form (a contact, a start, a script of events) and the journeys.simulate input made from it.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { DURATION_UNITS, UNIT_MS, type DurationUnit, type Scalar } from '../../../shared/journey/common.ts';
import type { JourneyGraph } from '../../../shared/journey/graph.ts';
import { eventNameSchema } from '../../../shared/journey/common.ts';

export const SUBSCRIPTIONS = [
  { value: 'subscribed', label: 'Subscribed' },
  { value: 'pending', label: 'Pending' },
  { value: 'unsubscribed', label: 'Unsubscribed' },
  { value: 'none', label: 'Never subscribed' },
] as const;
export type Subscription = (typeof SUBSCRIPTIONS)[number]['value'];

/** The persona select's value for a contact without a persona (as the contacts list filters it). */
export const NO_PERSONA = 'none';

const keyValueSchema = z.object({
  key: z.string().trim().min(1, 'Name it.').max(100),
  value: z.string().max(1000),
});
export type KeyValue = z.infer<typeof keyValueSchema>;

export const scriptedEventSchema = z.object({
  name: eventNameSchema,
  /** When the contact does it, counted from the start. */
  after: z.number({ error: 'Enter a number.' }).min(0, 'Not before the start.').max(100_000),
  unit: z.enum(DURATION_UNITS),
  properties: z.array(keyValueSchema).max(50),
});
export type ScriptedEventValues = z.infer<typeof scriptedEventSchema>;

export const simulatorValuesSchema = z
  .object({
    source: z.enum(['describe', 'pick']),
    contactId: z.string().nullable(),
    email: z.string().trim().max(200),
    traits: z.array(keyValueSchema).max(100),
    personaKey: z.string(),
    phase: z.string().min(1, 'Choose a phase.'),
    subscription: z.enum(SUBSCRIPTIONS.map((s) => s.value) as [Subscription, ...Subscription[]]),
    timezone: z.string(),
    /** A local date and time (an <input type="datetime-local"> value) in the contact's time zone. */
    start: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'Enter a date and a time.'),
    events: z.array(scriptedEventSchema).max(200),
    opens: z.boolean(),
    clicks: z.boolean(),
    horizonDays: z.number({ error: 'Enter a number of days.' }).int('Whole days only.').min(1, 'At least one day.').max(730, 'At most 730 days.'),
  })
  .refine((v) => v.source === 'describe' || v.contactId !== null, { path: ['contactId'], message: 'Pick a contact, or describe one.' });
export type SimulatorValues = z.infer<typeof simulatorValuesSchema>;

/** What the form starts with: a subscriber entering at the next full hour, with the journey's persona. */
export function defaultSimulatorValues(options: { personaKey: string | null; now: number; timezone: string; entryEvent?: string | null }): SimulatorValues {
  const start = DateTime.fromMillis(options.now, { zone: options.timezone }).startOf('hour').plus({ hours: 1 });
  return {
    source: 'describe',
    contactId: null,
    email: 'simulated@example.com',
    traits: [{ key: 'first_name', value: 'Alex' }],
    personaKey: options.personaKey ?? NO_PERSONA,
    phase: 'subscriber',
    subscription: 'subscribed',
    timezone: options.timezone,
    start: start.toFormat("yyyy-MM-dd'T'HH:mm"),
    events: options.entryEvent ? [{ name: options.entryEvent, after: 0, unit: 'minutes', properties: [] }] : [],
    opens: false,
    clicks: false,
    horizonDays: 60,
  };
}

/** A typed value from what a marketer typed: numbers, true/false and null are themselves; the rest is text. */
export function parseScalar(text: string): Scalar {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (t !== '' && /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  return text;
}

/** Rows of key and value as an object; a later row with the same key wins, as it would in a form post. */
export function toRecord(rows: readonly KeyValue[]): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (key) out[key] = parseScalar(row.value);
  }
  return out;
}

/** The IANA zone the simulation runs in: the contact's own, or UTC as the executor assumes without one. */
export function zoneOf(timezone: string | null | undefined): string {
  return timezone && DateTime.local().setZone(timezone).isValid ? timezone : 'UTC';
}

/** The start as an instant: the local date and time read in the given zone; null when it is no time at all. */
export function startInstant(start: string, zone: string): number | null {
  const t = DateTime.fromISO(start, { zone: zoneOf(zone) });
  return t.isValid ? t.toMillis() : null;
}

export function offsetMs(after: number, unit: DurationUnit): number {
  return Math.round(after * UNIT_MS[unit]);
}

export interface SimulateRequest {
  graph: JourneyGraph;
  contactId?: string;
  contact?: { email: string; traits: Record<string, Scalar>; personaKey: string | null; phase: string; subscription: string; timezone: string | null };
  start: string;
  events: { name: string; at: string; properties: Record<string, Scalar> }[];
  assume: { opens: boolean; clicks: boolean };
  horizonDays: number;
}

/**
 * The journeys.simulate input for the form's values. `zone` is the time zone the start is read in: the described
 * contact's, or the picked contact's own (the caller looks it up).
 */
export function toSimulateRequest(values: SimulatorValues, graph: JourneyGraph, zone: string): SimulateRequest {
  const start = startInstant(values.start, zone);
  if (start === null) throw new Error(`"${values.start}" is not a date and time.`);
  const events = values.events.map((e) => ({
    name: e.name.trim(),
    at: new Date(start + offsetMs(e.after, e.unit)).toISOString(),
    properties: toRecord(e.properties),
  }));
  const common = { graph, start: new Date(start).toISOString(), events, assume: { opens: values.opens || values.clicks, clicks: values.clicks }, horizonDays: values.horizonDays };
  if (values.source === 'pick' && values.contactId) return { ...common, contactId: values.contactId };
  return {
    ...common,
    contact: {
      email: values.email.trim() || 'simulated@example.com',
      traits: toRecord(values.traits),
      personaKey: values.personaKey && values.personaKey !== NO_PERSONA ? values.personaKey : null,
      phase: values.phase,
      subscription: values.subscription,
      timezone: values.timezone || null,
    },
  };
}

/** Every IANA time zone the browser knows, UTC first; a short fallback list where Intl cannot list them. */
export function timeZoneNames(): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['Europe/Berlin', 'Europe/London', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo'];
  return ['UTC', ...all.filter((z) => z !== 'UTC')];
}

/**
 * The event names this journey reacts to (its trigger, awaited events, conditions, goal, exit events), to offer
 * when scripting events. Read loosely from draft configs, which may be incomplete.
 */
export function eventNamesOf(graph: JourneyGraph): string[] {
  const names = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === 'string' && v.trim()) names.add(v.trim());
  };
  for (const node of graph.nodes) {
    const c = node.config;
    if (node.kind === 'trigger' && c.on === 'event') add(c.event);
    if (node.kind === 'wait_for_event') add(c.event);
    if (node.kind === 'condition' && Array.isArray(c.rules)) {
      for (const rule of c.rules as Record<string, unknown>[]) if (rule?.type === 'event_count') add(rule.event);
    }
  }
  add(graph.settings.goal?.event);
  for (const e of graph.settings.exitEvents) add(e);
  return [...names].sort();
}

/** The event an event-triggered journey enters on, to start the script with; null for other triggers. */
export function entryEventOf(graph: JourneyGraph): string | null {
  const trigger = graph.nodes.find((n) => n.kind === 'trigger');
  return trigger?.config.on === 'event' && typeof trigger.config.event === 'string' && trigger.config.event.trim() ? trigger.config.event.trim() : null;
}
