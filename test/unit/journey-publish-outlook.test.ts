// The publish dialog's outlook: who enters from now on, and when the first email goes out, from the graph alone.
import { describe, expect, it } from 'vitest';
import { publishOutlook } from '../../shared/journey/publishOutlook.ts';
import { starterJourney } from '../../shared/journey/starters.ts';

const names = { welcome: 'Welcome', nurture_researcher: 'Deep dive for researchers', first_purchase_thanks: 'Thank you' };

describe('publishOutlook', () => {
  it('says the opt-in starter takes contacts who confirm from now on, and welcomes them at once', () => {
    const outlook = publishOutlook(starterJourney('opt_in', null).graph, names);
    expect(outlook.entry).toBe('Contacts enter once when they confirm their subscription from now on; those who confirmed before do not enter.');
    expect(outlook.firstEmail).toBe('The first email, “Welcome”, goes out as soon as a contact enters — within quiet hours and the frequency cap.');
  });

  it('names the waits before the first email of the first-communication starter', () => {
    const outlook = publishOutlook(starterJourney('first_communication', 'researcher').graph, names);
    expect(outlook.entry).toContain('move into the subscriber phase from now on; contacts already there do not enter');
    expect(outlook.firstEmail).toMatch(/^The first email, “.+”, goes out after: wait 3 days, then /);
  });

  it('says nobody enters a manual journey until added', () => {
    const graph = starterJourney('opt_in', null).graph;
    const manual = { ...graph, nodes: graph.nodes.map((n) => (n.kind === 'trigger' ? { ...n, config: { on: 'manual' } } : n)) };
    expect(publishOutlook(manual, names).entry).toBe('Nobody enters until you add contacts by hand or through the API.');
  });
});
