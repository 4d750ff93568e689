// The journey outline a screen reader reads: every step once, in the order contacts pass them, branches nested.
import { describe, expect, test } from 'vitest';
import { toFlow } from '../../client/editor/convert.ts';
import { nodeSummary } from '../../client/editor/kindMeta.ts';
import { journeyOutline, outlineSize, type JourneyOutline, type OutlineEdge, type OutlineNode, type OutlineStep } from '../../client/editor/outline.ts';
import type { NodeKind } from '../../shared/journey/kinds.ts';
import { bigJourney, welcomeGraph } from './editor-builders.ts';

const step = (id: string, type: NodeKind, config: Record<string, unknown> = {}, name?: string): OutlineNode => ({
  id,
  type,
  data: name === undefined ? { config } : { name, config },
});
const edge = (source: string, sourceHandle: string, target: string): OutlineEdge => ({ source, sourceHandle, target });

/** The outline as indented lines: a step as "id", an output as "output → target", its branch indented under it. */
function lines(outline: JourneyOutline): string[] {
  const out: string[] = [];
  const walk = (steps: OutlineStep[], depth: number) => {
    for (const s of steps) {
      out.push(`${'  '.repeat(depth)}${s.id}`);
      for (const o of s.outputs) {
        out.push(`${'  '.repeat(depth + 1)}${o.label} → ${o.target?.id ?? '(not connected)'}`);
        walk(o.branch, depth + 2);
      }
    }
  };
  outline.paths.forEach((p) => walk(p, 0));
  if (outline.unreachable.length > 0) out.push('-- not reached --');
  outline.unreachable.forEach((p) => walk(p, 0));
  return out;
}

describe('journey outline', () => {
  test('a straight journey reads as one list, each step with what it does and where it leads', () => {
    const nodes = [
      step('start', 'trigger', { on: 'subscription_confirmed' }),
      step('hello', 'email', { templateId: 'welcome', category: 'marketing', whenCapped: 'delay' }, 'Welcome'),
      step('end', 'exit'),
    ];
    const outline = journeyOutline(nodes, [edge('start', 'next', 'hello'), edge('hello', 'next', 'end')], {
      summary: (n) => (n.type === 'email' ? 'template “Welcome aboard”' : nodeSummary(n.type, n.data.config)),
    });
    expect(outline.unreachable).toEqual([]);
    expect(outline.paths).toHaveLength(1);
    const [trigger, email, exit] = outline.paths[0]!;
    expect(trigger).toMatchObject({ id: 'start', title: 'Trigger', description: 'What makes a contact enter this journey. Subscription confirmed.' });
    expect(trigger!.outputs).toEqual([{ key: 'next', label: 'Next', target: { id: 'hello', title: 'Welcome' }, branch: [] }]);
    expect(email).toMatchObject({ id: 'hello', kind: 'email', title: 'Welcome', description: 'Send an email from a template. Template “Welcome aboard”.' });
    expect(exit).toMatchObject({ id: 'end', title: 'Exit', description: 'The contact leaves the journey.', outputs: [] });
  });

  test('by default a step says its kind’s summary; a step missing its setup says so', () => {
    const outline = journeyOutline([step('start', 'trigger', { on: 'subscription_confirmed' }), step('mail', 'email', { templateId: '' })], [edge('start', 'next', 'mail')]);
    expect(outline.paths[0]!.map((s) => s.description)).toEqual([
      'What makes a contact enter this journey. Subscription confirmed.',
      'Send an email from a template. Needs setup.',
    ]);
  });

  test('a condition nests one branch per output; a step both branches reach is shown once, then pointed at', () => {
    const { graph, layout } = welcomeGraph();
    const { nodes, edges } = toFlow(graph, layout);
    // The "no" branch joins the "yes" branch's exit instead of its own.
    const joined = edges.map((e) => (e.id === 'clicked:no' ? { ...e, target: 'done' } : e));
    const outline = journeyOutline(nodes.filter((n) => n.id !== 'done_no'), joined);
    expect(lines(outline)).toEqual([
      'start',
      '  Next → welcome',
      'welcome',
      '  Next → pause',
      'pause',
      '  Next → clicked',
      'clicked',
      '  Yes → engaged',
      '    engaged',
      '      Next → done',
      '    done',
      '  No → done',
    ]);
  });

  test('a loop back to an earlier step ends the list there, pointing back; a self-loop on a wait too', () => {
    const nodes = [
      step('start', 'trigger', { on: 'manual' }),
      step('pause', 'wait', { mode: 'duration', duration: { amount: 1, unit: 'days' } }),
      step('check', 'condition', { match: 'all', rules: [] }),
      step('hold', 'wait', { mode: 'duration', duration: { amount: 1, unit: 'hours' } }),
    ];
    const edges = [edge('start', 'next', 'pause'), edge('pause', 'next', 'check'), edge('check', 'yes', 'pause'), edge('check', 'no', 'hold'), edge('hold', 'next', 'hold')];
    const outline = journeyOutline(nodes, edges);
    expect(lines(outline)).toEqual([
      'start',
      '  Next → pause',
      'pause',
      '  Next → check',
      'check',
      '  Yes → pause',
      '  No → hold',
      '    hold',
      '      Next → hold',
    ]);
    expect(outlineSize(outline)).toBe(4);
  });

  test('unconnected outputs say so, and steps no trigger reaches come after, loops among them included', () => {
    const nodes = [
      step('start', 'trigger', { on: 'manual' }),
      step('stray', 'email', { templateId: 'welcome' }),
      step('after_stray', 'exit'),
      step('ring_a', 'wait', { mode: 'duration', duration: { amount: 1, unit: 'days' } }),
      step('ring_b', 'wait', { mode: 'duration', duration: { amount: 2, unit: 'days' } }),
    ];
    const edges = [edge('stray', 'next', 'after_stray'), edge('ring_a', 'next', 'ring_b'), edge('ring_b', 'next', 'ring_a')];
    const outline = journeyOutline(nodes, edges);
    expect(lines(outline)).toEqual([
      'start',
      '  Next → (not connected)',
      '-- not reached --',
      'stray',
      '  Next → after_stray',
      'after_stray',
      'ring_a',
      '  Next → ring_b',
      'ring_b',
      '  Next → ring_a',
    ]);
    expect(outline.unreachable).toHaveLength(2);
  });

  test('a draft without a trigger is all unreached; an empty draft is an empty outline', () => {
    expect(journeyOutline([], [])).toEqual({ paths: [], unreachable: [] });
    const outline = journeyOutline([step('mail', 'email', { templateId: '' }), step('end', 'exit')], [edge('mail', 'next', 'end')]);
    expect(outline.paths).toEqual([]);
    expect(lines(outline)).toEqual(['-- not reached --', 'mail', '  Next → end', 'end']);
  });

  test('edges to steps that are gone are ignored, and a large journey shows every step exactly once', () => {
    const outline = journeyOutline([step('start', 'trigger', { on: 'manual' })], [edge('start', 'next', 'deleted')]);
    expect(outline.paths[0]![0]!.outputs[0]!.target).toBeNull();

    const { graph, layout } = bigJourney(2000);
    const { nodes, edges } = toFlow(graph, layout);
    const big = journeyOutline(nodes, edges);
    expect(outlineSize(big)).toBe(nodes.length);
    expect(big.unreachable).toEqual([]);
  });
});
