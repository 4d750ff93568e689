// The simulator times a best-hour email as the executor would: from the contact's history, else their persona's or the audience's, else now; and says why.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { JourneyGraph } from '../../shared/journey/graph.ts';
import { simulate, type SimulationInput } from '../../shared/journey/simulate.ts';
import { HOURS_PER_WEEK } from '../../shared/mail/bestHour.ts';
import { workspaceRefs } from './journey-builders.ts';

const zone = 'Asia/Tokyo';
const at = (iso: string) => DateTime.fromISO(iso, { zone }).toMillis();
const START = at('2026-05-11T12:00'); // Monday noon in Tokyo
const tuesday9 = 24 + 9;
const contact = { id: 'c1', email: 'ana@example.com', traits: {}, phase: 'subscriber', personaKey: 'loyalist', subscription: 'subscribed', timezone: zone };
const quiet = { enabled: true, start: '21:00', end: '08:00' };

const graph: JourneyGraph = {
  nodes: [
    { id: 't', kind: 'trigger', config: { on: 'manual' } },
    { id: 'news', kind: 'email', config: { templateId: 'welcome', sendAt: { mode: 'best_hour', withinHours: 48 } } },
    { id: 'x', kind: 'exit', config: {} },
  ],
  edges: [
    { from: 't', output: 'next', to: 'news' },
    { from: 'news', output: 'next', to: 'x' },
  ],
  settings: { reentry: 'once', goal: null, exitEvents: [] },
};

function emailOf(overrides: Partial<SimulationInput>) {
  const result = simulate({ graph, contact, start: START, events: [], assume: { opens: false, clicks: false }, horizonDays: 7, refs: workspaceRefs(), ...overrides });
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('; '));
  return result.emails[0]!;
}

describe('a best-hour email in the simulator', () => {
  it('goes at the contact’s own best hour, said in their zone, while the run moves on at once', () => {
    const history = Array.from({ length: 6 }, (_, week) => at('2026-04-07T09:05') - week * 7 * 86_400_000);
    const email = emailOf({ bestHour: { engagements: history, personaHistogram: null, audienceHistogram: null, quietHours: quiet } });
    expect(email.at).toBe(START);
    expect(email.scheduled).toEqual({ at: at('2026-05-12T09:00'), source: 'contact', reason: 'Tuesday 9:00 in Asia/Tokyo — this contact opened or clicked most often then (6 of 6 engagements).' });
  });

  it('falls back to the persona’s histogram, and says no history when there is none', () => {
    const persona = new Array<number>(HOURS_PER_WEEK).fill(0);
    persona[tuesday9 + 1] = 30;
    const email = emailOf({ bestHour: { engagements: [], personaHistogram: persona, audienceHistogram: null, quietHours: quiet } });
    expect(email.scheduled).toMatchObject({ at: at('2026-05-12T10:00'), source: 'persona' });
    expect(email.scheduled!.reason).toContain("their persona's best hour");
    expect(emailOf({}).scheduled).toEqual({ at: START, source: 'none', reason: 'no engagement history yet: sent now.' });
  });

  it('leaves an email that sends now untimed', () => {
    const now: JourneyGraph = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'news' ? { ...n, config: { templateId: 'welcome' } } : n)) };
    const result = simulate({ graph: now, contact, start: START, events: [], assume: { opens: false, clicks: false }, horizonDays: 7, refs: workspaceRefs() });
    expect(result.ok && result.emails[0]!.scheduled).toBeUndefined();
  });
});
