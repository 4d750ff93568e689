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

/**
 * A valid journey of about `size` nodes with its layout: the trigger, then blocks of
 * wait → condition → (yes: update contact, no: notify) → the next block, and an exit.
 */
export function bigJourney(size: number): { graph: JourneyGraph; layout: GraphLayout } {
  const nodes: JourneyGraph['nodes'] = [{ id: 'trigger', kind: 'trigger', name: 'Subscription confirmed', config: { on: 'subscription_confirmed' } }];
  const edges: JourneyGraph['edges'] = [];
  const layout: GraphLayout = { trigger: { x: 300, y: 0 } };
  let previous = { id: 'trigger', output: 'next' };
  const blocks = Math.max(1, Math.floor((size - 2) / 4));
  for (let b = 0; b < blocks; b++) {
    const y = 150 + b * 600;
    const [wait, check, yes, no] = [`wait_${b}`, `check_${b}`, `tag_${b}`, `tell_${b}`];
    nodes.push(
      { id: wait, kind: 'wait', config: { mode: 'duration', duration: { amount: b + 1, unit: 'days' } } },
      { id: check, kind: 'condition', name: `Viewed pricing ${b + 1}×?`, config: { match: 'all', rules: [{ type: 'event_count', event: 'viewed_pricing', filters: [], comparison: 'at_least', count: b + 1 }] } },
      { id: yes, kind: 'update_contact', config: { assignments: [{ trait: 'interest', value: b + 1 }] } },
      { id: no, kind: 'notify', config: { to: 'sales@example.com', subject: `Block ${b + 1}`, message: '' } },
    );
    edges.push(
      { from: previous.id, output: previous.output, to: wait },
      { from: wait, output: 'next', to: check },
      { from: check, output: 'yes', to: yes },
      { from: check, output: 'no', to: no },
      { from: no, output: 'next', to: yes },
    );
    Object.assign(layout, { [wait]: { x: 300, y }, [check]: { x: 300, y: y + 150 }, [no]: { x: 600, y: y + 300 }, [yes]: { x: 300, y: y + 450 } });
    previous = { id: yes, output: 'next' };
  }
  nodes.push({ id: 'exit', kind: 'exit', config: {} });
  edges.push({ from: previous.id, output: previous.output, to: 'exit' });
  layout.exit = { x: 300, y: 150 + blocks * 600 };
  return { graph: { nodes, edges, settings: { ...DEFAULT_SETTINGS } }, layout };
}
