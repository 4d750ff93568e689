// Small builders for journey graph tests: valid nodes of each kind, edges, graphs and reference contexts.
import { journeyGraphSchema, type GraphEdge, type GraphNode, type JourneyGraph } from '../../shared/journey/graph.ts';
import type { NodeKind } from '../../shared/journey/kinds.ts';
import type { ReferenceContext, ValidationIssue } from '../../shared/journey/validate.ts';
import { STARTER_PERSONAS } from '../../shared/lifecycle/personas.ts';
import { PHASE_KEYS } from '../../shared/lifecycle/phases.ts';

export const TEMPLATE_IDS = ['welcome', 'welcome_reminder', 'winback_coupon'] as const;

/** What a fresh workspace holds: the default phases, the starter personas and a few templates. */
export function workspaceRefs(overrides: Partial<{ templateIds: Iterable<string>; personaKeys: Iterable<string>; phaseKeys: Iterable<string> }> = {}): ReferenceContext {
  return {
    templateIds: new Set(overrides.templateIds ?? TEMPLATE_IDS),
    personaKeys: new Set(overrides.personaKeys ?? STARTER_PERSONAS.map((p) => p.key)),
    phaseKeys: new Set(overrides.phaseKeys ?? PHASE_KEYS),
  };
}

function node(id: string, kind: NodeKind, config: Record<string, unknown>, name?: string): GraphNode {
  return name === undefined ? { id, kind, config } : { id, kind, name, config };
}

export const trigger = (id = 'trigger', config: Record<string, unknown> = { on: 'subscription_confirmed' }) => node(id, 'trigger', config);
export const email = (id: string, templateId = 'welcome', name?: string) => node(id, 'email', { templateId }, name);
export const emailWith = (id: string, config: Record<string, unknown>) => node(id, 'email', config);
export const waitDays = (id: string, amount: number) => node(id, 'wait', { mode: 'duration', duration: { amount, unit: 'days' } });
export const waitForEvent = (id: string, event = 'order_completed') =>
  node(id, 'wait_for_event', { event, timeout: { amount: 3, unit: 'days' } });
export const condition = (id: string, rules: Record<string, unknown>[] = [{ type: 'engagement', action: 'clicked' }]) =>
  node(id, 'condition', { rules });
export const split = (id: string, weights: number[]) =>
  node(id, 'split', { variants: weights.map((weight, i) => ({ key: String.fromCharCode(97 + i), label: String.fromCharCode(65 + i), weight })) });
export const setPhase = (id: string, phase: string) => node(id, 'set_phase', { phase });
export const updateContact = (id: string) => node(id, 'update_contact', { assignments: [{ trait: 'plan', value: 'pro' }] });
export const notify = (id: string, to = 'sales@example.com') => node(id, 'notify', { to, subject: 'Hot lead' });
export const webhook = (id: string, url = 'https://hooks.example.com/kairos') => node(id, 'webhook', { url });
export const exit = (id = 'end') => node(id, 'exit', {});

export const edge = (from: string, output: string, to: string): GraphEdge => ({ from, output, to });

/** "a > b > c": each step's "next" output leads to the following step. */
export function chain(...ids: string[]): GraphEdge[] {
  return ids.slice(1).map((to, i) => edge(ids[i]!, 'next', to));
}

/** A graph as the API stores it: parsed by the same schema, so defaults are applied as in production. */
export function journey(nodes: GraphNode[], edges: GraphEdge[]): JourneyGraph {
  return journeyGraphSchema.parse({ nodes, edges });
}

/** The smallest sound journey: subscription confirmed → welcome email → exit. */
export function welcomeJourney(): JourneyGraph {
  return journey([trigger(), email('welcome'), exit()], chain('trigger', 'welcome', 'end'));
}

export function codesOf(issues: ValidationIssue[]): string[] {
  return issues.map((i) => i.code).sort();
}
