// split: each contact gets a variant by weight, the same one every time, in every version and position.
import { describe, expect, it } from 'vitest';
import { assignVariant, holdoutArm, startEnrollment, type EnrollmentState } from '../../shared/journey/interpret.ts';
import { compile, contact, DAY, enrolAndAdvance, exitNode, link, manualTrigger, path, resume, sendEmail, splitNode, utc, waitFor } from './interpret-builders.ts';

const NOW = utc('2025-05-05T12:00');
const v = (key: string, weight: number, holdout = false) => ({ key, label: key.toUpperCase(), weight, holdout });
const ids = (n: number) => Array.from({ length: n }, (_, i) => `contact-${i + 1}`);

/** trigger → split → one email per variant → exit. */
function experiment(variants: { key: string; weight: number; holdout?: boolean }[], splitId = 'subject_test') {
  return compile(
    [manualTrigger(), splitNode(splitId, variants), ...variants.map((x) => sendEmail(`mail_${x.key}`)), exitNode()],
    [link('start', 'next', splitId), ...variants.flatMap((x) => [link(splitId, x.key, `mail_${x.key}`), link(`mail_${x.key}`, 'next', 'end')])],
  );
}

describe('split', () => {
  it('sends the contact down its variant’s output and keeps the variant in the state', () => {
    const graph = experiment([{ key: 'a', weight: 50 }, { key: 'b', weight: 50 }]);
    const expected = assignVariant('contact-1', 'subject_test', [v('a', 50), v('b', 50)]);

    const result = enrolAndAdvance(graph, NOW, { contact: contact({ id: 'contact-1' }) });

    expect(result.steps.find((s) => s.nodeId === 'subject_test')?.outcome).toBe(expected);
    // The first assignment is an effect (the executor counts it for the experiment), then the branch's email.
    expect(result.effects).toEqual([
      { type: 'assign_variant', nodeId: 'subject_test', variant: expected },
      expect.objectContaining({ type: 'send_email', nodeId: `mail_${expected}` }),
    ]);
    expect(result.state.variants).toEqual({ subject_test: expected });
  });

  it('gives the same contact the same variant every time', () => {
    const graph = experiment([{ key: 'a', weight: 34 }, { key: 'b', weight: 33 }, { key: 'c', weight: 33 }]);

    for (const id of ids(50)) {
      const runs = [1, 2, 3].map(() => enrolAndAdvance(graph, NOW, { contact: contact({ id }) }).state.variants.subject_test);
      expect(new Set(runs).size, id).toBe(1);
    }
  });

  it('gives the same variant in a new version with the split elsewhere in the graph', () => {
    const v1 = experiment([{ key: 'a', weight: 50 }, { key: 'b', weight: 50 }]);
    // Version 2: a welcome email and a wait before the same split node, and other mails behind it.
    const v2 = compile(
      [manualTrigger(), sendEmail('welcome'), splitNode('subject_test', [{ key: 'a', weight: 50 }, { key: 'b', weight: 50 }]), sendEmail('new_a'), sendEmail('new_b'), exitNode('done')],
      [...path('start', 'welcome', 'subject_test'), link('subject_test', 'a', 'new_a'), link('subject_test', 'b', 'new_b'), link('new_a', 'next', 'done'), link('new_b', 'next', 'done')],
    );

    for (const id of ids(50)) {
      const first = enrolAndAdvance(v1, NOW, { contact: contact({ id }) }).state.variants.subject_test;
      const second = enrolAndAdvance(v2, NOW + 86_400_000, { contact: contact({ id }) }).state.variants.subject_test;
      expect(second, id).toBe(first);
    }
  });

  it('depends on the split node: other splits assign independently', () => {
    const variants = [v('a', 50), v('b', 50)];
    const same = ids(1000).filter((id) => assignVariant(id, 'split_one', variants) === assignVariant(id, 'split_two', variants)).length;

    // Independent fair coins agree about half of the time; identical assignment would agree always.
    expect(same).toBeGreaterThan(400);
    expect(same).toBeLessThan(600);
  });

  it('reuses the variant kept in the state', () => {
    const graph = experiment([{ key: 'a', weight: 50 }, { key: 'b', weight: 50 }]);
    const assigned = assignVariant('contact-1', 'subject_test', [v('a', 50), v('b', 50)]);
    const other = assigned === 'a' ? 'b' : 'a';
    const state: EnrollmentState = { ...startEnrollment(graph, null, NOW), variants: { subject_test: other } };

    const result = resume(graph, state, NOW, { contact: contact({ id: 'contact-1' }) });

    // A kept variant is no new assignment: no assign_variant effect, so the experiment counts the contact once.
    expect(result.effects.map((e) => `${e.type}:${e.nodeId}`)).toEqual([`send_email:mail_${other}`]);
    expect(result.state.variants).toEqual({ subject_test: other });
  });

  it('assigns afresh when the kept variant is no longer in the split', () => {
    const graph = experiment([{ key: 'a', weight: 50 }, { key: 'b', weight: 50 }]);
    const state: EnrollmentState = { ...startEnrollment(graph, null, NOW), variants: { subject_test: 'gone' } };

    const result = resume(graph, state, NOW, { contact: contact({ id: 'contact-1' }) });

    expect(result.state.variants.subject_test).toBe(assignVariant('contact-1', 'subject_test', [v('a', 50), v('b', 50)]));
  });

  it('takes the same branch on every pass through a loop', () => {
    const graph = compile(
      [manualTrigger(), splitNode('ab', [{ key: 'a', weight: 50 }, { key: 'b', weight: 50 }]), sendEmail('mail_a'), sendEmail('mail_b'), waitFor('weekly', 7)],
      [link('start', 'next', 'ab'), link('ab', 'a', 'mail_a'), link('ab', 'b', 'mail_b'), link('mail_a', 'next', 'weekly'), link('mail_b', 'next', 'weekly'), link('weekly', 'next', 'ab')],
    );

    const first = enrolAndAdvance(graph, NOW);
    let state = first.state;
    expect(first.effects.filter((e) => e.type === 'assign_variant')).toHaveLength(1);
    const sent: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = resume(graph, state, state.wakeAt!);
      expect(r.effects.filter((e) => e.type === 'assign_variant')).toEqual([]);
      sent.push(...r.effects.map((e) => e.nodeId));
      state = r.state;
    }

    expect(new Set(sent).size).toBe(1);
  });
});

describe('journey holdout', () => {
  const goal = { event: 'order_completed', filters: [], windowDays: 14, exitOnGoal: false };
  const journey = (percent: number) =>
    compile([manualTrigger(), sendEmail('welcome'), exitNode()], path('start', 'welcome', 'end'), { goal, holdout: { percent } });

  it('holds out its share: enrolled and waiting for the goal window, sent nothing, then completed', () => {
    const graph = journey(20);
    const results = ids(2000).map((id) => ({ id, r: enrolAndAdvance(graph, NOW, { contact: contact({ id }) }) }));
    const held = results.filter(({ r }) => r.state.variants.$holdout === 'holdout');
    expect(held.length / 2000).toBeGreaterThan(0.17);
    expect(held.length / 2000).toBeLessThan(0.23);
    for (const { id, r } of held) {
      expect(r.effects).toEqual([{ type: 'assign_variant', nodeId: '$holdout', variant: 'holdout' }]);
      expect(r.state).toMatchObject({ status: 'waiting', nodeId: 'start', wakeAt: NOW + 14 * DAY });
      expect(holdoutArm(id, 20)).toBe('holdout');
      const later = resume(graph, r.state, NOW + 14 * DAY, { contact: contact({ id }) });
      expect(later.state.status).toBe('completed');
      expect(later.effects).toEqual([]);
    }
    for (const { r } of results.filter(({ r }) => r.state.variants.$holdout === 'journey')) {
      expect(r.effects.map((e) => e.type)).toEqual(['assign_variant', 'send_email']);
      expect(r.state.status).toBe('completed');
    }
  });

  it('draws each journey’s holdout independently: not the same contacts held out of every journey', () => {
    const people = ids(4000);
    const heldOf = (journeyId: string) => new Set(people.filter((c) => holdoutArm(c, 10, journeyId) === 'holdout'));
    const one = heldOf('journey-one');
    const two = heldOf('journey-two');
    const both = [...one].filter((c) => two.has(c)).length;
    // Independent 10% draws overlap in about 1% of contacts; the same draw would overlap in all 10%.
    expect(one.size / 4000).toBeGreaterThan(0.08);
    expect(both / 4000).toBeLessThan(0.025);
  });

  it('waits for nothing before its window ends', () => {
    const graph = journey(50);
    const id = ids(200).find((c) => holdoutArm(c, 50) === 'holdout')!;
    const r = enrolAndAdvance(graph, NOW, { contact: contact({ id }) });
    expect(resume(graph, r.state, NOW + 13 * DAY, { contact: contact({ id }) }).state.status).toBe('waiting');
  });

  it('without a holdout, nobody is assigned an arm', () => {
    const graph = compile([manualTrigger(), sendEmail('welcome'), exitNode()], path('start', 'welcome', 'end'), { goal });
    const r = enrolAndAdvance(graph, NOW, { contact: contact({ id: 'contact-1' }) });
    expect(r.state.variants).toEqual({});
    expect(r.effects.map((e) => e.type)).toEqual(['send_email']);
  });
});

describe('assignVariant: the distribution follows the weights', () => {
  const share = (variants: ReturnType<typeof v>[], nodeId = 'split') => {
    const counts = new Map<string, number>();
    for (const id of ids(10_000)) {
      const key = assignVariant(id, nodeId, variants);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return (key: string) => (counts.get(key) ?? 0) / 10_000;
  };

  it('20/80 within ±2%', () => {
    const of = share([v('a', 20), v('b', 80)]);

    expect(of('a')).toBeGreaterThan(0.18);
    expect(of('a')).toBeLessThan(0.22);
    expect(of('b')).toBeGreaterThan(0.78);
    expect(of('b')).toBeLessThan(0.82);
  });

  it('50/30/20 within ±2%, with another node id and uuid-like contact ids', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const id = `${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}-4e2b-9c1d-${i.toString(16).padStart(12, '0')}`;
      const key = assignVariant(id, 'hero_image', [v('a', 50), v('b', 30), v('c', 20)]);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }

    expect(Math.abs(counts.get('a')! / 10_000 - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(counts.get('b')! / 10_000 - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(counts.get('c')! / 10_000 - 0.2)).toBeLessThan(0.02);
  });

  it('a holdout is a variant like the others, with its share', () => {
    const of = share([v('control', 10, true), v('treatment', 90)]);

    expect(of('control')).toBeGreaterThan(0.08);
    expect(of('control')).toBeLessThan(0.12);
  });

  it('never assigns a variant of weight 0', () => {
    const of = share([v('a', 0), v('b', 100), v('c', 0)]);

    expect(of('b')).toBe(1);
  });
});
