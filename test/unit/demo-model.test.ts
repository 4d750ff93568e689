// The living demo's behaviour model: the same seed gives the same people and the same behaviour, another seed other
// ones, and the welcome split's variant B truly converts better than A.
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  DEMO_PERSONAS,
  WELCOME_B_TEMPLATE,
  conversionChance,
  dailyActions,
  initialState,
  reactToEmail,
  type DemoAction,
  type DemoPersona,
} from '../../shared/demo/model.ts';
import { planContact } from '../../shared/demo/population.ts';
import { createRng } from '../../shared/demo/random.ts';
import { STARTER_TEMPLATE_IDS } from '../../shared/journey/starters.ts';

const T0 = Date.parse('2026-09-07T00:00:00Z');
const WINDOW = { startMs: T0, endMs: T0 + 60 * DAY_MS };

/** One contact's first 60 days: the emails of the starter journeys arrive, and it lives its days in between. */
function lifeOf(seed: string, index: number, persona: DemoPersona): DemoAction[] {
  const rng = createRng(seed, 1, 'behaviour', index);
  const state = initialState(persona);
  const actions = reactToEmail(state, { templateId: 'confirmation', at: T0, category: 'transactional' }, rng);
  state.subscribed = true;
  const mails = ['welcome', STARTER_TEMPLATE_IDS.nurture(persona), 'first_purchase_thanks', 'review_request', 'loyalty_reward', 'referral_invite', 'winback_coupon'];
  mails.forEach((templateId, i) => actions.push(...reactToEmail(state, { templateId, at: T0 + (i * 5 + 1) * DAY_MS, category: 'marketing' }, rng)));
  for (let day = 0; day < 60; day++) actions.push(...dailyActions(state, T0 + day * DAY_MS, rng));
  return actions;
}

describe('the demo population', () => {
  it('is the same people for the same seed, cohort and index', () => {
    expect(planContact('7', 1, 42, WINDOW)).toEqual(planContact('7', 1, 42, WINDOW));
  });

  it('is other people for another seed, and another cohort never reuses an address', () => {
    const a = Array.from({ length: 50 }, (_, i) => planContact('7', 1, i, WINDOW));
    const b = Array.from({ length: 50 }, (_, i) => planContact('8', 1, i, WINDOW));
    const c = Array.from({ length: 50 }, (_, i) => planContact('7', 2, i, WINDOW));
    expect(a.map((p) => p.email)).not.toEqual(b.map((p) => p.email));
    const first = new Set(a.map((p) => p.email));
    expect(c.some((p) => first.has(p.email))).toBe(false);
  });

  it('has all three personas, IANA time zones, documentation domains and joins inside the window', () => {
    const people = Array.from({ length: 300 }, (_, i) => planContact('7', 1, i, WINDOW));
    expect(new Set(people.map((p) => p.persona))).toEqual(new Set(DEMO_PERSONAS));
    for (const p of people) {
      expect(p.email).toMatch(/^[a-z]+\.[a-z]+\.c1n\d+@example\.(com|org)$/);
      expect(() => new Intl.DateTimeFormat('en', { timeZone: p.timezone })).not.toThrow();
      expect(p.joinAt).toBeGreaterThanOrEqual(WINDOW.startMs);
      expect(p.joinAt).toBeLessThanOrEqual(WINDOW.endMs);
      expect(p.firstName.length).toBeGreaterThan(0);
    }
  });
});

describe('the behaviour model', () => {
  it('does the same for the same seed', () => {
    for (const persona of DEMO_PERSONAS) expect(lifeOf('seed-1', 3, persona)).toEqual(lifeOf('seed-1', 3, persona));
  });

  it('does something else for another seed', () => {
    const one = DEMO_PERSONAS.flatMap((p) => Array.from({ length: 20 }, (_, i) => lifeOf('seed-1', i, p)));
    const two = DEMO_PERSONAS.flatMap((p) => Array.from({ length: 20 }, (_, i) => lifeOf('seed-2', i, p)));
    expect(one).not.toEqual(two);
    expect(one.flat().length).toBeGreaterThan(0);
  });

  it('gives variant B of the welcome split a higher chance to convert than the persona email (A), for every persona', () => {
    expect(WELCOME_B_TEMPLATE).toBe(STARTER_TEMPLATE_IDS.nurtureFounderNote);
    for (const persona of DEMO_PERSONAS) {
      const a = conversionChance(persona, STARTER_TEMPLATE_IDS.nurture(persona));
      const b = conversionChance(persona, WELCOME_B_TEMPLATE);
      expect(b, persona).toBeGreaterThan(a * 1.5);
    }
  });

  it('orders more often after variant B than after A, over many contacts (the split has a measurable effect)', () => {
    const ordersAfter = (templateId: (p: DemoPersona) => string) => {
      let orders = 0;
      for (const persona of DEMO_PERSONAS) {
        for (let i = 0; i < 2000; i++) {
          const state = { ...initialState(persona), subscribed: true };
          const rng = createRng('split', persona, i);
          orders += reactToEmail(state, { templateId: templateId(persona), at: T0, category: 'marketing' }, rng).filter((a) => a.kind === 'order').length;
        }
      }
      return orders;
    };
    const a = ordersAfter((p) => STARTER_TEMPLATE_IDS.nurture(p));
    const b = ordersAfter(() => WELCOME_B_TEMPLATE);
    expect(b).toBeGreaterThan(a * 1.5);
  });

  it('confirms only after the confirmation email, and a quiet contact is woken by the win-back coupon more than by others', () => {
    const opens = (templateId: string) => {
      let n = 0;
      for (let i = 0; i < 3000; i++) {
        const state = { ...initialState('bargain_hunter'), subscribed: true, quiet: true };
        n += reactToEmail(state, { templateId, at: T0, category: 'marketing' }, createRng('quiet', i)).filter((a) => a.kind === 'open').length;
      }
      return n;
    };
    expect(opens('winback_coupon')).toBeGreaterThan(opens('review_request') * 2);
    const confirm = reactToEmail(initialState('researcher'), { templateId: 'welcome', at: T0, category: 'marketing' }, createRng('c', 1));
    expect(confirm.some((a) => a.kind === 'confirm')).toBe(false);
  });
});
