// The dashboard's arithmetic: periods of whole UTC days, the two-column Sankey that draws cycles between phases,
// where a flow links to, and the sentences that sum each chart up.
import { expect, test } from 'vitest';
import {
  customPeriod,
  entriesSummary,
  flowContactsHref,
  flowsSummary,
  lastDay,
  periodChoiceFromParams,
  phasesSummary,
  presetPeriod,
  sankeyData,
} from '../../client/pages/dashboard/dashboardData.ts';
import { parseMovedParams } from '../../shared/contacts/query.ts';

const ORDER = ['prospect', 'subscriber', 'engaged', 'customer', 'loyal', 'advocate', 'lapsed'];
const label = (p: string | null) => (p === null ? 'New contact' : p[0]!.toUpperCase() + p.slice(1));

test('a preset period is the last N whole UTC days, today included', () => {
  const period = presetPeriod(30, Date.parse('2026-12-03T08:45:00Z'));
  expect(period).toEqual({ from: '2026-11-04T00:00:00.000Z', to: '2026-12-04T00:00:00.000Z' });
  expect(lastDay(period)).toBe('2026-12-03');
  // Just before midnight UTC it is still the same day.
  expect(presetPeriod(30, Date.parse('2026-12-03T23:59:59.999Z'))).toEqual(period);
});

test('custom dates include both days; an empty or reversed period is refused with the field named', () => {
  expect(customPeriod('2026-09-01', '2026-09-30')).toEqual({ ok: true, period: { from: '2026-09-01T00:00:00.000Z', to: '2026-10-01T00:00:00.000Z' } });
  expect(customPeriod('2026-09-01', '2026-09-01')).toMatchObject({ ok: true, period: { to: '2026-09-02T00:00:00.000Z' } });
  expect(customPeriod('2026-09-02', '2026-09-01')).toEqual({ ok: false, error: 'To: the period must end on or after the day it starts.' });
  expect(customPeriod('', '2026-09-01')).toEqual({ ok: false, error: 'From: choose a date.' });
  expect(customPeriod('2026-09-01', '09/30/2026')).toEqual({ ok: false, error: 'To: choose a date.' });
});

test('the URL chooses a preset or custom dates, and 90 days when it says nothing usable', () => {
  expect(periodChoiceFromParams(new URLSearchParams('days=365'))).toEqual({ kind: 'preset', days: 365 });
  expect(periodChoiceFromParams(new URLSearchParams('days=7'))).toEqual({ kind: 'preset', days: 90 });
  expect(periodChoiceFromParams(new URLSearchParams(''))).toEqual({ kind: 'preset', days: 90 });
  expect(periodChoiceFromParams(new URLSearchParams('from=2026-01-01&to=2026-02-01'))).toEqual({ kind: 'custom', fromDate: '2026-01-01', toDate: '2026-02-01' });
});

test('customer → lapsed → customer draws as two links between two columns, so the Sankey stays acyclic', () => {
  const flows = [
    { from: 'customer', to: 'lapsed', n: 12 },
    { from: 'lapsed', to: 'customer', n: 5 },
    { from: 'subscriber', to: 'customer', n: 40 },
    { from: null, to: 'subscriber', n: 3 },
    { from: 'engaged', to: 'loyal', n: 0 },
  ];
  const { nodes, links } = sankeyData(flows, ORDER, label);
  expect(nodes).toEqual([
    { name: 'New contact', phase: null, side: 'from' },
    { name: 'Subscriber', phase: 'subscriber', side: 'from' },
    { name: 'Customer', phase: 'customer', side: 'from' },
    { name: 'Lapsed', phase: 'lapsed', side: 'from' },
    { name: 'Subscriber', phase: 'subscriber', side: 'to' },
    { name: 'Customer', phase: 'customer', side: 'to' },
    { name: 'Lapsed', phase: 'lapsed', side: 'to' },
  ]);
  // Every link goes from the left column to the right one: no cycle, whatever the flows.
  for (const l of links) {
    expect(nodes[l.source]!.side).toBe('from');
    expect(nodes[l.target]!.side).toBe('to');
    expect(nodes[l.source]!.phase).toBe(l.fromPhase);
    expect(nodes[l.target]!.phase).toBe(l.toPhase);
  }
  expect(links.map((l) => [l.fromPhase, l.toPhase, l.value])).toEqual([
    [null, 'subscriber', 3],
    ['subscriber', 'customer', 40],
    ['customer', 'lapsed', 12],
    ['lapsed', 'customer', 5],
  ]);
  expect(sankeyData([], ORDER, label)).toEqual({ nodes: [], links: [] });
});

test('a flow links to the Contacts page filter that reads it back, with the persona when one is chosen', () => {
  const period = { from: '2026-09-04T00:00:00.000Z', to: '2026-12-03T00:00:00.000Z' };
  const href = flowContactsHref({ from: 'customer', to: 'lapsed' }, period, 'researcher');
  expect(href).toBe('/contacts?moved=customer%3Elapsed&from=2026-09-04T00%3A00%3A00.000Z&to=2026-12-03T00%3A00%3A00.000Z&persona=researcher');
  const params = new URL(href, 'http://kairos.test').searchParams;
  expect(parseMovedParams(params.get('moved'), params.get('from'), params.get('to'))).toEqual({
    ok: true,
    filter: { from: 'customer', to: 'lapsed', since: period.from, until: period.to },
  });
  const first = new URL(flowContactsHref({ from: null, to: 'subscriber' }, period, null), 'http://kairos.test').searchParams;
  expect(first.get('moved')).toBe('>subscriber');
  expect(first.has('persona')).toBe(false);
});

test('each chart is summed up in one sentence', () => {
  expect(phasesSummary([{ phase: 'subscriber', label: 'Subscriber', n: 1200 }, { phase: 'customer', label: 'Customer', n: 300 }, { phase: 'loyal', label: 'Loyal', n: 0 }])).toBe(
    '1,500 contacts now; the most in Subscriber (1,200) and Customer (300).',
  );
  expect(phasesSummary([{ phase: 'subscriber', label: 'Subscriber', n: 0 }])).toBe('No contacts yet.');
  expect(flowsSummary([{ from: 'customer', to: 'lapsed', n: 12 }, { from: null, to: 'subscriber', n: 1 }], label)).toBe(
    '13 phase changes in the period; the largest are Customer to Lapsed (12) and New contact to Subscriber (1).',
  );
  expect(flowsSummary([], label)).toBe('No phase changes in this period.');
  expect(
    entriesSummary(
      [
        { weekStart: '2026-11-23T00:00:00.000Z', byPhase: { engaged: 4, customer: 1 } },
        { weekStart: '2026-11-30T00:00:00.000Z', byPhase: { engaged: 9 } },
      ],
      (p) => label(p),
    ),
  ).toBe('14 phase entries over 2 weeks, most into Engaged (13) and Customer (1); the busiest week began 2026-11-30.');
});
