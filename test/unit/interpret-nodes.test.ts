// The interpreter, one node kind at a time: what each node does to the enrollment, the contact and the effects.
import { describe, expect, it } from 'vitest';
import { advance, isTerminal, startEnrollment, type EnrollmentState } from '../../shared/journey/interpret.ts';
import {
  branch,
  compile,
  contact,
  DAY,
  enrolAndAdvance,
  exitNode,
  expectFailedWith,
  facts,
  HOUR,
  link,
  manualTrigger,
  notifyNode,
  path,
  phaseNode,
  resume,
  sendEmail,
  traitsNode,
  utc,
  visited,
  waitFor,
  waitRelative,
  webhookNode,
} from './interpret-builders.ts';

const NOW = utc('2025-05-05T12:00');

describe('trigger', () => {
  it('passes the contact on along "next"', () => {
    const graph = compile([manualTrigger(), exitNode()], path('start', 'end'));

    const result = enrolAndAdvance(graph, NOW);

    expect(result.steps[0]).toEqual({ nodeId: 'start', kind: 'trigger', at: NOW, outcome: 'next' });
    expect(visited(result)).toEqual(['start', 'end']);
    expect(result.state.status).toBe('completed');
  });
});

describe('email', () => {
  it('yields one send_email effect for the first visit, with the node settings', () => {
    const graph = compile(
      [
        manualTrigger(),
        sendEmail('welcome', 'welcome_tpl', { subjectOverride: 'Hello {{ contact.first_name }}', senderId: 'news', category: 'transactional', whenCapped: 'skip' }),
        exitNode(),
      ],
      path('start', 'welcome', 'end'),
    );

    const result = enrolAndAdvance(graph, NOW);

    expect(result.effects).toEqual([
      {
        type: 'send_email',
        nodeId: 'welcome',
        visit: 1,
        templateId: 'welcome_tpl',
        subjectOverride: 'Hello {{ contact.first_name }}',
        senderId: 'news',
        category: 'transactional',
        whenCapped: 'skip',
      },
    ]);
    expect(result.state.visits).toEqual({ welcome: 1 });
  });

  it('uses the defaults (marketing, delay when capped) and leaves out what the node does not set', () => {
    const graph = compile([manualTrigger(), sendEmail('welcome'), exitNode()], path('start', 'welcome', 'end'));

    const [effect] = enrolAndAdvance(graph, NOW).effects;

    expect(effect).toEqual({ type: 'send_email', nodeId: 'welcome', visit: 1, templateId: 'welcome', category: 'marketing', whenCapped: 'delay' });
  });

  it('counts a second pass through a loop (via a wait) as visit 2', () => {
    // start → digest → wait 7 days → digest → …
    const graph = compile([manualTrigger(), sendEmail('digest'), waitFor('weekly', 7)], [...path('start', 'digest', 'weekly'), link('weekly', 'next', 'digest')]);

    const first = enrolAndAdvance(graph, NOW);
    const second = resume(graph, first.state, first.state.wakeAt!);
    const third = resume(graph, second.state, second.state.wakeAt!);

    expect(first.effects.map((e) => e.type === 'send_email' && e.visit)).toEqual([1]);
    expect(second.effects.map((e) => e.type === 'send_email' && e.visit)).toEqual([2]);
    expect(third.effects.map((e) => e.type === 'send_email' && e.visit)).toEqual([3]);
    expect(third.state.status).toBe('waiting');
  });
});

describe('set_phase', () => {
  const graph = compile(
    [manualTrigger(), phaseNode('make_engaged', 'engaged'), branch('is_engaged', [{ type: 'phase', phases: ['engaged'] }]), sendEmail('engaged_mail'), exitNode('no_end'), exitNode()],
    [...path('start', 'make_engaged', 'is_engaged'), link('is_engaged', 'yes', 'engaged_mail'), link('is_engaged', 'no', 'no_end'), link('engaged_mail', 'next', 'end')],
  );

  it('yields the phase change and returns the contact in the new phase', () => {
    const before = contact({ phase: 'subscriber' });

    const result = enrolAndAdvance(graph, NOW, { contact: before });

    expect(result.effects[0]).toEqual({ type: 'set_phase', nodeId: 'make_engaged', phase: 'engaged', onlyForward: false });
    expect(result.contact.phase).toBe('engaged');
    expect(before.phase).toBe('subscriber');
  });

  it('lets a later condition in the same run see the new phase', () => {
    const result = enrolAndAdvance(graph, NOW, { contact: contact({ phase: 'subscriber' }) });

    expect(visited(result)).toEqual(['start', 'make_engaged', 'is_engaged', 'engaged_mail', 'end']);
    expect(result.steps.find((s) => s.nodeId === 'is_engaged')?.outcome).toBe('yes');
  });

  it('yields nothing when the contact is already in that phase, and still goes on', () => {
    const result = enrolAndAdvance(graph, NOW, { contact: contact({ phase: 'engaged' }) });

    expect(result.effects.filter((e) => e.type === 'set_phase')).toEqual([]);
    expect(visited(result)).toContain('engaged_mail');
    expect(result.state.status).toBe('completed');
  });
});

describe('set_phase only forward', () => {
  const graph = compile(
    [manualTrigger(), phaseNode('to_subscriber', 'subscriber', true), exitNode()],
    [...path('start', 'to_subscriber', 'end')],
  );
  const phaseAfter = (phase: string) => {
    const result = enrolAndAdvance(graph, NOW, { contact: contact({ phase }) });
    expect(result.state.status).toBe('completed');
    return { phase: result.contact.phase, effects: result.effects.filter((e) => e.type === 'set_phase') };
  };

  it('moves a prospect up to subscriber', () => {
    expect(phaseAfter('prospect')).toEqual({ phase: 'subscriber', effects: [{ type: 'set_phase', nodeId: 'to_subscriber', phase: 'subscriber', onlyForward: true }] });
  });

  it.each(['engaged', 'customer', 'loyal', 'advocate'])('never moves a contact in %s back to subscriber', (phase) => {
    expect(phaseAfter(phase)).toEqual({ phase, effects: [] });
  });

  it('brings a lapsed contact back: lapsed is off the ladder', () => {
    expect(phaseAfter('lapsed').phase).toBe('subscriber');
  });
});

describe('update_contact', () => {
  const graph = compile(
    [
      manualTrigger(),
      traitsNode('mark', [
        { trait: 'plan', value: 'pro' },
        { trait: 'address.city', value: 'Berlin' },
        { trait: 'vip', value: true },
      ]),
      branch('is_pro', [{ type: 'trait', trait: 'address.city', operator: 'equals', value: 'Berlin' }]),
      exitNode('yes_end'),
      exitNode('no_end'),
    ],
    [...path('start', 'mark', 'is_pro'), link('is_pro', 'yes', 'yes_end'), link('is_pro', 'no', 'no_end')],
  );

  it('yields the assignments and returns the contact with its traits set along dot paths, keeping the others', () => {
    const before = contact({ traits: { plan: 'free', address: { zip: '10115' }, name: 'Ada' } });

    const result = enrolAndAdvance(graph, NOW, { contact: before });

    expect(result.effects).toEqual([{ type: 'update_traits', nodeId: 'mark', traits: { plan: 'pro', 'address.city': 'Berlin', vip: true } }]);
    expect(result.contact.traits).toEqual({ plan: 'pro', address: { zip: '10115', city: 'Berlin' }, name: 'Ada', vip: true });
    expect(before.traits).toEqual({ plan: 'free', address: { zip: '10115' }, name: 'Ada' });
  });

  it('replaces a scalar in the way of a dot path with an object', () => {
    const result = enrolAndAdvance(graph, NOW, { contact: contact({ traits: { address: 'Main Street 1' } }) });

    expect(result.contact.traits.address).toEqual({ city: 'Berlin' });
  });

  it('lets a later condition in the same run see the new traits', () => {
    const result = enrolAndAdvance(graph, NOW, { contact: contact({ traits: {} }) });

    expect(result.steps.find((s) => s.nodeId === 'is_pro')?.outcome).toBe('yes');
    expect(visited(result).at(-1)).toBe('yes_end');
  });
});

describe('notify and webhook', () => {
  it('yield their effects with the visit number, once per pass', () => {
    const graph = compile(
      [manualTrigger(), notifyNode('tell_sales', 'sales@example.com', 'Hot lead: {{ contact.email }}', 'Call within a day'), webhookNode('crm', 'https://crm.example.com/hook'), waitFor('daily', 1)],
      [...path('start', 'tell_sales', 'crm', 'daily'), link('daily', 'next', 'tell_sales')],
    );

    const first = enrolAndAdvance(graph, NOW);
    const second = resume(graph, first.state, first.state.wakeAt!);

    expect(first.effects).toEqual([
      { type: 'notify', nodeId: 'tell_sales', visit: 1, to: 'sales@example.com', subject: 'Hot lead: {{ contact.email }}', message: 'Call within a day' },
      { type: 'webhook', nodeId: 'crm', visit: 1, url: 'https://crm.example.com/hook' },
    ]);
    expect(second.effects.map((e) => [e.type, 'visit' in e ? e.visit : null])).toEqual([
      ['notify', 2],
      ['webhook', 2],
    ]);
  });
});

describe('exit', () => {
  it('completes the enrollment: terminal, not due, awaiting nothing', () => {
    const graph = compile([manualTrigger(), exitNode()], path('start', 'end'));

    const result = enrolAndAdvance(graph, NOW);

    expect(result.state).toMatchObject({ nodeId: 'end', status: 'completed', wakeAt: null, awaiting: null, error: null });
    expect(result.steps.at(-1)).toEqual({ nodeId: 'end', kind: 'exit', at: NOW, outcome: 'completed' });
    expect(isTerminal(result.state.status)).toBe(true);
  });

  it.each(['completed', 'exited', 'failed'] as const)('leaves a %s enrollment as it is', (status) => {
    const graph = compile([manualTrigger(), sendEmail('welcome'), exitNode()], path('start', 'welcome', 'end'));
    const state: EnrollmentState = { ...startEnrollment(graph, null, NOW), nodeId: 'welcome', status, wakeAt: null, error: status === 'failed' ? 'boom' : null };

    const result = resume(graph, state, NOW + DAY);

    expect(result.state).toEqual(state);
    expect(result.effects).toEqual([]);
    expect(result.steps).toEqual([]);
  });

  it('knows which statuses are terminal', () => {
    expect(['active', 'waiting', 'completed', 'exited', 'failed'].filter((s) => isTerminal(s as never))).toEqual(['completed', 'exited', 'failed']);
  });
});

describe('a failing node', () => {
  it('fails the enrollment with the error recorded and a failed step, and does not throw', () => {
    const graph = compile([manualTrigger(), sendEmail('before'), waitRelative('renewal', 'renewal_date', 3, 'days', 'before'), exitNode()], path('start', 'before', 'renewal', 'end'));

    const result = enrolAndAdvance(graph, NOW, { contact: contact({ traits: {} }) });

    expectFailedWith(result, 'renewal_date');
    expect(result.state.nodeId).toBe('renewal');
    expect(result.steps.at(-1)).toMatchObject({ nodeId: 'renewal', kind: 'wait', outcome: expect.stringMatching(/^failed: .*renewal_date/) });
    // What happened before the failing node still happened.
    expect(result.effects.map((e) => e.nodeId)).toEqual(['before']);
  });

  it('fails an enrollment standing at a node the version does not have', () => {
    const graph = compile([manualTrigger(), exitNode()], path('start', 'end'));
    const state: EnrollmentState = { ...startEnrollment(graph, null, NOW), nodeId: 'gone' };

    expectFailedWith(resume(graph, state, NOW), 'gone');
  });

  it('fails an enrollment waiting at a node the version does not have', () => {
    const graph = compile([manualTrigger(), exitNode()], path('start', 'end'));
    const state: EnrollmentState = { ...startEnrollment(graph, null, NOW), nodeId: 'gone', status: 'waiting', wakeAt: NOW - HOUR };

    expectFailedWith(resume(graph, state, NOW), 'gone');
  });

  it('fails an enrollment said to wait at a node that cannot hold anyone', () => {
    const graph = compile([manualTrigger(), sendEmail('welcome'), exitNode()], path('start', 'welcome', 'end'));
    const state: EnrollmentState = { ...startEnrollment(graph, null, NOW), nodeId: 'welcome', status: 'waiting', wakeAt: NOW };

    const result = resume(graph, state, NOW);

    expectFailedWith(result, 'email');
    expect(result.effects).toEqual([]);
  });
});

describe('purity', () => {
  it('changes neither the state nor the contact it was given', () => {
    const graph = compile(
      [manualTrigger(), sendEmail('welcome'), phaseNode('engaged', 'engaged'), traitsNode('mark', [{ trait: 'address.city', value: 'Paris' }]), waitFor('pause', 2)],
      [...path('start', 'welcome', 'engaged', 'mark', 'pause'), link('pause', 'next', 'welcome')],
    );
    const state = startEnrollment(graph, null, NOW);
    const person = contact({ phase: 'subscriber', traits: { address: { city: 'Rome' } } });
    const stateCopy = structuredClone(state);
    const personCopy = structuredClone(person);

    const result = advance({ graph, state, contact: person, now: NOW, facts: facts() });

    expect(state).toEqual(stateCopy);
    expect(person).toEqual(personCopy);
    expect(result.state.visits).toEqual({ welcome: 1 });
  });

  it('gives the same result for the same input', () => {
    const graph = compile([manualTrigger(), sendEmail('welcome'), waitFor('pause', 2, 'hours'), exitNode()], path('start', 'welcome', 'pause', 'end'));

    expect(enrolAndAdvance(graph, NOW)).toEqual(enrolAndAdvance(graph, NOW));
  });
});
