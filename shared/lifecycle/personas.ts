// Starter buyer personas loaded on first start; marketers edit or replace them on the Personas page.
export interface StarterPersona {
  key: string;
  name: string;
  description: string;
  color: string;
  priority: number;
}

export const STARTER_PERSONAS: readonly StarterPersona[] = [
  {
    key: 'bargain_hunter',
    name: 'Bargain hunter',
    description: 'Price-driven; reacts to coupons, sales and limited-time offers, compares before buying.',
    color: 'orange',
    priority: 10,
  },
  {
    key: 'researcher',
    name: 'Researcher',
    description: 'Reads specs, guides and reviews before deciding; wants proof, comparisons and detail.',
    color: 'blue',
    priority: 20,
  },
  {
    key: 'loyalist',
    name: 'Loyalist',
    description: 'Trusts the brand and buys again; values recognition, early access and rewards.',
    color: 'grape',
    priority: 30,
  },
];
