// Turns a simulation result into what the marketer reads: a timeline of steps, waits, emails and events,
// and the path to highlight on the canvas. Pure, so the wording and the order are tested without a browser.
import type { GraphNode } from '../../../shared/journey/graph.ts';
import { kindDefinition, type NodeKind } from '../../../shared/journey/kinds.ts';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../../server/api/router.ts';
import type { Scalar } from '../../../shared/journey/common.ts';
import { journeyConsentBlock } from '../../../shared/mail/rules.ts';

/** A run as journeys.simulate answers it (shared/journey/simulate.ts, over the wire). */
export type SimulationRun = Extract<inferRouterOutputs<AppRouter>['journeys']['simulate'], { ok: true }>;

/** A scripted event as the simulator ran it. */
export interface ScriptEvent {
  name: string;
  at: number;
  properties: Record<string, Scalar>;
}

interface Base {
  at: number;
}
interface AtNode extends Base {
  nodeId: string;
  kind: NodeKind;
  /** The node's name on the canvas, or its kind's label. */
  title: string;
}

export type TimelineItem =
  | (Base & { type: 'event'; name: string; properties: Record<string, Scalar>; entry: boolean })
  | (AtNode & { type: 'entered' })
  | (AtNode & { type: 'step'; text: string })
  | (AtNode & { type: 'email'; templateId: string; subjectOverride?: string; category: 'marketing' | 'transactional'; scheduled?: SimulationRun['emails'][number]['scheduled'] })
  | (AtNode & { type: 'wait'; until: number; text: string })
  | (AtNode & { type: 'await'; event: string; until: number })
  | (AtNode & { type: 'resumed'; outcome: 'matched' | 'timeout' })
  | (AtNode & { type: 'failed'; error: string })
  | (AtNode & { type: 'left'; reason: string })
  | (Base & { type: 'goal'; afterEnd: boolean })
  | (Base & { type: 'end'; reason: SimulationRun['stoppedBecause']; text: string });

/** The output a step continued on, or null when it stopped there (waiting, completed, failed, exited). */
export function outputOfStep(outcome: string): string | null {
  if (outcome === 'waited' || outcome === 'no wait needed') return 'next';
  if (outcome === 'matched' || outcome === 'timeout') return outcome;
  if (outcome === 'completed' || outcome.startsWith('waiting') || outcome.startsWith('failed') || outcome.startsWith('exited') || outcome.startsWith('moved')) {
    return null;
  }
  return outcome;
}

export interface SimulatedPath {
  /** Per node, the 1-based positions at which the run entered it (a node in a loop has several). */
  nodes: Map<string, number[]>;
  /** The edges taken, as "from:output" (the canvas's edge ids). */
  edges: Set<string>;
}

/** Which nodes the run went through, in order, and which edges it took. */
export function simulatedPath(steps: readonly { nodeId: string; outcome: string }[]): SimulatedPath {
  const nodes = new Map<string, number[]>();
  const edges = new Set<string>();
  let position = 0;
  for (const step of steps) {
    // Resuming from a wait is the same visit as the waiting step before it.
    const resumed = step.outcome === 'waited' || step.outcome === 'matched' || step.outcome === 'timeout';
    if (!resumed && !step.outcome.startsWith('exited')) {
      position += 1;
      nodes.set(step.nodeId, [...(nodes.get(step.nodeId) ?? []), position]);
    }
    const output = outputOfStep(step.outcome);
    if (output) edges.add(`${step.nodeId}:${output}`);
  }
  return { nodes, edges };
}

function titleOf(node: GraphNode | undefined, kind: NodeKind): string {
  return node?.name || kindDefinition(kind).label;
}

function outputLabel(node: GraphNode | undefined, kind: NodeKind, key: string): string {
  const outputs = kindDefinition(kind).outputs(node?.config ?? {});
  return outputs.find((o) => o.key === key)?.label ?? key;
}

function describeTraits(traits: Record<string, unknown>): string {
  return Object.entries(traits)
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join(', ');
}

export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  const restMinutes = minutes % 60;
  if (hours < 48 && restMinutes !== 0) return `${hours} h ${restMinutes} min`;
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'}`;
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return restHours === 0 ? `${days} days` : `${days} days ${restHours} h`;
}

const END_TEXT: Record<SimulationRun['stoppedBecause'], string> = {
  completed: 'Reached the exit: the run is complete.',
  exited: 'Left the journey before its end.',
  failed: 'The run failed.',
  horizon: 'Still in the journey when the simulation stopped.',
  'never entered': 'Never entered the journey.',
};

/**
 * The timeline of a run: scripted events interleaved with the steps (an event comes before the steps it causes),
 * each email with its template, each wait with its wake-up time, the goal, and why the run stopped.
 */
export function buildTimeline(run: SimulationRun, graphNodes: readonly GraphNode[], script: readonly ScriptEvent[], horizonDays: number): TimelineItem[] {
  const nodes = new Map(graphNodes.map((n) => [n.id, n]));
  const items: TimelineItem[] = [];
  const emails = [...run.emails];
  const effects = [...run.effects];

  if (run.entered === null) {
    return [{ type: 'end', at: Number.NaN, reason: 'never entered', text: END_TEXT['never entered'] }];
  }
  const lastAt = run.steps.at(-1)?.at ?? run.entered;
  const endAt = run.stoppedBecause === 'horizon' ? run.entered + horizonDays * 86_400_000 : lastAt;

  const stepItems: TimelineItem[] = [];
  for (const step of run.steps) {
    const node = nodes.get(step.nodeId);
    const kind = step.kind;
    const base = { at: step.at, nodeId: step.nodeId, kind, title: titleOf(node, kind) };
    const o = step.outcome;
    if (o === 'waited') continue;
    if (o.startsWith('failed')) {
      stepItems.push({ ...base, type: 'failed', error: o.replace(/^failed:\s*/, '') });
    } else if (o.startsWith('exited')) {
      stepItems.push({ ...base, type: 'left', reason: o === 'exited: goal reached' ? 'The goal was reached; the journey exits on its goal.' : `“${o.replace(/^exited:\s*/, '')}” is an exit event of this journey.` });
    } else if (o.startsWith('waiting for')) {
      const awaited = /^waiting for (.+) until (\S+)$/.exec(o);
      stepItems.push({ ...base, type: 'await', event: awaited?.[1] ?? '', until: awaited ? Date.parse(awaited[2]!) : Number.NaN });
    } else if (o.startsWith('waiting')) {
      const wait = run.waits.find((w) => w.nodeId === step.nodeId && w.from === step.at);
      const until = wait?.until ?? Date.parse(o.replace(/^waiting until /, ''));
      stepItems.push({ ...base, type: 'wait', until, text: `Waits ${formatDuration(until - step.at)}` });
    } else if (o === 'matched' || o === 'timeout') {
      stepItems.push({ ...base, type: 'resumed', outcome: o });
    } else if (o === 'no wait needed') {
      stepItems.push({ ...base, type: 'step', text: 'No wait needed: the time had already come.' });
    } else if (o === 'completed') {
      stepItems.push({ ...base, type: 'step', text: 'Leaves the journey: done.' });
    } else if (kind === 'trigger') {
      stepItems.push({ ...base, type: 'entered' });
    } else if (kind === 'email') {
      const i = emails.findIndex((e) => e.nodeId === step.nodeId && e.at === step.at);
      const email = i >= 0 ? emails.splice(i, 1)[0]! : null;
      const templateId = email?.templateId ?? String(node?.config.templateId ?? '');
      stepItems.push({
        ...base,
        type: 'email',
        templateId,
        ...(email?.subjectOverride ? { subjectOverride: email.subjectOverride } : {}),
        category: email?.category ?? 'marketing',
        ...(email?.scheduled ? { scheduled: email.scheduled } : {}),
      });
    } else {
      const i = effects.findIndex((e) => e.nodeId === step.nodeId && e.at === step.at);
      const effect = i >= 0 ? effects.splice(i, 1)[0]! : null;
      let text: string;
      if (kind === 'condition' || kind === 'split') text = `Took “${outputLabel(node, kind, o)}”`;
      else if (effect?.type === 'set_phase') text = `Phase becomes ${effect.phase}`;
      else if (kind === 'set_phase') text = 'Already in this phase: nothing changes.';
      else if (effect?.type === 'update_traits') text = `Sets ${describeTraits(effect.traits)}`;
      else if (effect?.type === 'notify') text = `Notifies ${effect.to}: “${effect.subject}”`;
      else if (effect?.type === 'webhook') text = `Calls ${effect.url}`;
      else text = o === 'next' ? 'Passed' : o;
      stepItems.push({ ...base, type: 'step', text });
    }
  }

  // Events up to the end; the entering event (at the entry time) comes first. Later ones did not matter.
  const shown = script.filter((e) => e.at >= run.entered! && e.at <= endAt);
  const timed: TimelineItem[] = shown.map((e) => ({ type: 'event', at: e.at, name: e.name, properties: e.properties, entry: false }));
  if (run.converted !== null) timed.push({ type: 'goal', at: run.converted, afterEnd: run.converted > endAt });
  const entryEvent = timed.find((t) => t.type === 'event' && t.at === run.entered);
  if (entryEvent && entryEvent.type === 'event' && nodes.get(run.steps[0]?.nodeId ?? '')?.config.on === 'event') entryEvent.entry = true;

  // Merge: at equal times an event (or the goal it reached) comes before the steps it caused.
  timed.sort((a, b) => a.at - b.at);
  let t = 0;
  for (const item of stepItems) {
    while (t < timed.length && timed[t]!.at <= item.at) items.push(timed[t++]!);
    items.push(item);
  }
  while (t < timed.length && timed[t]!.at <= endAt) items.push(timed[t++]!);

  const failedError = run.final?.error;
  items.push({
    type: 'end',
    at: endAt,
    reason: run.stoppedBecause,
    text: run.stoppedBecause === 'failed' && failedError ? `${END_TEXT.failed} ${failedError}` : END_TEXT[run.stoppedBecause],
  });
  // A goal reached after the run ended (within the conversion window) still counts, after the end.
  while (t < timed.length) items.push(timed[t++]!);
  return items;
}

/**
 * Why a journey email of this kind would not reach this contact though the journey sends it (consent is checked
 * again at delivery: see journeyConsentBlock in shared/mail/rules.ts); null when it would go out. Transactional
 * mail goes to any known contact; marketing only to subscribed ones.
 */
export function deliveryNote(subscription: string | null, category: 'marketing' | 'transactional'): string | null {
  if (subscription === null || journeyConsentBlock(category, subscription) === null) return null;
  switch (subscription) {
    case 'pending':
      return 'Not delivered: a pending contact gets no marketing email until it confirms.';
    case 'unsubscribed':
      return 'Not delivered: the contact unsubscribed from marketing email.';
    default:
      return 'Not delivered: the contact never subscribed to marketing email.';
  }
}

/** A time as the contact lives it: "Mon 2 Nov 2026, 10:00" in their zone. */
export function formatInZone(ms: number, zone: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
}

/**
 * When a best-hour email goes out and why, as the executor would time it (shared/mail/bestHour.ts): "Scheduled for
 * Tue 12 May 2026, 09:00, 21 hours after the step" and the reason; null for an email that goes as the step runs.
 */
export function bestHourNote(item: Extract<TimelineItem, { type: 'email' }>, zone: string, locale?: string): { when: string; why: string } | null {
  const scheduled = item.scheduled;
  if (!scheduled) return null;
  const when = scheduled.at > item.at ? `Scheduled for ${formatInZone(scheduled.at, zone, locale)}, ${formatDuration(scheduled.at - item.at)} after the step` : 'Sent at once';
  return { when, why: scheduled.reason };
}
