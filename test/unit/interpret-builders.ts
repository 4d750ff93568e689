// Builders for the interpreter's unit tests: validated graphs, contacts, fake facts, local times and runs.
import { DateTime } from 'luxon';
import { expect } from 'vitest';
import type { PropertyFilter } from '../../shared/journey/common.ts';
import { journeyGraphSchema, type GraphEdge, type GraphNode, type JourneySettings } from '../../shared/journey/graph.ts';
import {
  advance,
  compileGraph,
  startEnrollment,
  type AdvanceResult,
  type CompiledGraph,
  type ContactView,
  type EnrollmentState,
  type Facts,
  type IncomingEvent,
} from '../../shared/journey/interpret.ts';
import type { NodeKind } from '../../shared/journey/kinds.ts';
import { checkGraph, formatIssue, type ReferenceContext } from '../../shared/journey/validate.ts';

/** A set that holds every name: the interpreter's tests are about running graphs, not about references. */
class EverythingSet extends Set<string> {
  override has(): boolean {
    return true;
  }
}
export const permissiveRefs: ReferenceContext = {
  templateIds: new EverythingSet(),
  personaKeys: new EverythingSet(),
  phaseKeys: new EverythingSet(),
};

export function node(id: string, kind: NodeKind, config: Record<string, unknown> = {}): GraphNode {
  return { id, kind, config };
}

export const manualTrigger = (id = 'start') => node(id, 'trigger', { on: 'manual' });
export const eventTrigger = (event: string, extra: Record<string, unknown> = {}, id = 'start') => node(id, 'trigger', { on: 'event', event, ...extra });
export const sendEmail = (id: string, templateId = 'welcome', extra: Record<string, unknown> = {}) => node(id, 'email', { templateId, ...extra });
export const waitFor = (id: string, amount: number, unit: 'minutes' | 'hours' | 'days' | 'weeks' = 'days') =>
  node(id, 'wait', { mode: 'duration', duration: { amount, unit } });
export const waitUntil = (id: string, time: string, weekdays?: string[]) =>
  node(id, 'wait', weekdays ? { mode: 'time_of_day', time, weekdays } : { mode: 'time_of_day', time });
export const waitRelative = (id: string, trait: string, amount: number, unit: 'hours' | 'days' | 'weeks', direction: 'before' | 'after', time = '09:00') =>
  node(id, 'wait', { mode: 'relative_to_trait', trait, offset: { amount, unit }, direction, time });
export const awaitEvent = (id: string, event: string, extra: Record<string, unknown> = {}) =>
  node(id, 'wait_for_event', { event, timeout: { amount: 3, unit: 'days' }, ...extra });
export const branch = (id: string, rules: Record<string, unknown>[], match: 'all' | 'any' = 'all') => node(id, 'condition', { match, rules });
export const splitNode = (id: string, variants: { key: string; weight: number; holdout?: boolean }[]) =>
  node(id, 'split', { variants: variants.map((v) => ({ label: v.key.toUpperCase(), ...v })) });
export const phaseNode = (id: string, phase: string, onlyForward = false) => node(id, 'set_phase', { phase, onlyForward });
export const traitsNode = (id: string, assignments: { trait: string; value: string | number | boolean | null }[]) =>
  node(id, 'update_contact', { assignments });
export const notifyNode = (id: string, to = 'sales@example.com', subject = 'Hot lead', message = 'Call them') =>
  node(id, 'notify', { to, subject, message });
export const webhookNode = (id: string, url = 'https://hooks.example.com/kairos') => node(id, 'webhook', { url });
export const exitNode = (id = 'end') => node(id, 'exit');

export const link = (from: string, output: string, to: string): GraphEdge => ({ from, output, to });
/** "a → b → c" along each node's "next" output. */
export function path(...ids: string[]): GraphEdge[] {
  return ids.slice(1).map((to, i) => link(ids[i]!, 'next', to));
}

/** Parses, validates (every reference allowed) and compiles, as the executor gets a published version. */
export function compile(nodes: GraphNode[], edges: GraphEdge[], settings: Partial<JourneySettings> = {}): CompiledGraph {
  const graph = journeyGraphSchema.parse({ nodes, edges, settings });
  const check = checkGraph(graph, permissiveRefs);
  if (!check.ok) throw new Error(`test graph is invalid:\n${check.issues.map(formatIssue).join('\n')}`);
  return compileGraph(check.graph);
}

export function contact(overrides: Partial<ContactView> = {}): ContactView {
  return {
    id: 'contact-1',
    email: 'ada@example.com',
    traits: {},
    phase: 'subscriber',
    personaKey: null,
    subscription: 'subscribed',
    timezone: 'UTC',
    ...overrides,
  };
}

export interface FakeFacts extends Facts {
  countCalls: { name: string; filters: readonly PropertyFilter[]; sinceMs: number | null }[];
  engagedCalls: { action: 'opened' | 'clicked'; emailNodeId: string | null }[];
}

/** Facts from a table: counts per event name, and the engagement actions (per email node or "any"). */
export function facts(table: { counts?: Record<string, number>; engaged?: string[] } = {}): FakeFacts {
  const f: FakeFacts = {
    countCalls: [],
    engagedCalls: [],
    countEvents(name, filters, sinceMs) {
      f.countCalls.push({ name, filters, sinceMs });
      return table.counts?.[name] ?? 0;
    },
    engaged(action, emailNodeId) {
      f.engagedCalls.push({ action, emailNodeId });
      return (table.engaged ?? []).includes(`${action}:${emailNodeId ?? 'any'}`);
    },
  };
  return f;
}

/** A local wall-clock time in a zone, as ms since the epoch ("2025-03-28T10:00"). */
export function localMs(iso: string, zone: string): number {
  const dt = DateTime.fromISO(iso, { zone });
  if (!dt.isValid) throw new Error(`bad test time ${iso} in ${zone}`);
  return dt.toMillis();
}

export const utc = (iso: string) => localMs(iso, 'UTC');

/** How a clock on the wall in `zone` shows `ms`, read with Intl (independent of luxon): "Mon 2025-03-31 09:00". */
export function wallClock(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  return `${get('weekday')} ${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export interface RunOptions {
  contact?: ContactView;
  facts?: Facts;
  entry?: IncomingEvent | null;
  defaultTimezone?: string;
}

/** Enrols at `now` and advances once: what the executor does for a contact who just entered. */
export function enrolAndAdvance(graph: CompiledGraph, now: number, options: RunOptions = {}): AdvanceResult {
  const state = startEnrollment(graph, options.entry ?? null, now);
  return advance({
    graph,
    state,
    contact: options.contact ?? contact(),
    now,
    facts: options.facts ?? facts(),
    ...(options.defaultTimezone ? { defaultTimezone: options.defaultTimezone } : {}),
  });
}

/** Advances an existing state at `now`, optionally with an incoming event. */
export function resume(
  graph: CompiledGraph,
  state: EnrollmentState,
  now: number,
  options: Omit<RunOptions, 'entry'> & { event?: IncomingEvent } = {},
): AdvanceResult {
  return advance({
    graph,
    state,
    contact: options.contact ?? contact(),
    now,
    facts: options.facts ?? facts(),
    ...(options.event ? { event: options.event } : {}),
    ...(options.defaultTimezone ? { defaultTimezone: options.defaultTimezone } : {}),
  });
}

export function event(name: string, properties: Record<string, unknown> = {}, timestamp = 0): IncomingEvent {
  return { name, properties, timestamp };
}

/** The nodes a run passed, in order. */
export const visited = (result: AdvanceResult) => result.steps.map((s) => s.nodeId);

export function expectFailedWith(result: AdvanceResult, ...mentions: string[]): void {
  expect(result.state.status).toBe('failed');
  expect(result.state.wakeAt).toBeNull();
  expect(result.state.awaiting).toBeNull();
  for (const m of mentions) expect(result.state.error).toContain(m);
}
