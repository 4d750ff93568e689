// Small builders for the editor's unit tests: a journey graph, its layout and reference data.
import type { GraphLayout, JourneyGraph } from '../../shared/journey/graph.ts';
import { DEFAULT_SETTINGS } from '../../shared/journey/graph.ts';
import type { ReferenceContext } from '../../shared/journey/validate.ts';

export const refs: ReferenceContext = {
  templateIds: new Set(['welcome']),
  personaKeys: new Set(['bargain_hunter']),
  phaseKeys: new Set(['subscriber', 'engaged']),
};

/** trigger → email (welcome) → wait 2 days → condition (yes: set phase engaged → exit; no: exit). */
export function welcomeGraph(): { graph: JourneyGraph; layout: GraphLayout } {
  const graph: JourneyGraph = {
    nodes: [
      { id: 'start', kind: 'trigger', config: { on: 'subscription_confirmed' } },
      { id: 'welcome', kind: 'email', name: 'Welcome email', config: { templateId: 'welcome', category: 'marketing', whenCapped: 'delay' } },
      { id: 'pause', kind: 'wait', config: { mode: 'duration', duration: { amount: 2, unit: 'days' } } },
      { id: 'clicked', kind: 'condition', config: { match: 'all', rules: [{ type: 'engagement', action: 'clicked' }] } },
      { id: 'engaged', kind: 'set_phase', config: { phase: 'engaged' } },
      { id: 'done', kind: 'exit', config: {} },
      { id: 'done_no', kind: 'exit', config: {} },
    ],
    edges: [
      { from: 'start', output: 'next', to: 'welcome' },
      { from: 'welcome', output: 'next', to: 'pause' },
      { from: 'pause', output: 'next', to: 'clicked' },
      { from: 'clicked', output: 'yes', to: 'engaged' },
      { from: 'clicked', output: 'no', to: 'done_no' },
      { from: 'engaged', output: 'next', to: 'done' },
    ],
    settings: { ...DEFAULT_SETTINGS, reentry: 'after_exit' },
  };
  const layout: GraphLayout = Object.fromEntries(graph.nodes.map((n, i) => [n.id, { x: i * 10, y: i * 150 }]));
  return { graph, layout };
}

/** A counter of ids per kind, so tests can name the nodes they add. */
export function sequentialIds() {
  let n = 0;
  return (kind: string) => `${kind}_${++n}`;
}
