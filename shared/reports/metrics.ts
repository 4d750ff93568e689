// The report rollups' vocabulary: which daily counters exist and what their key means; pure, shared by writers and readers.

/** Metric → what its `key` holds. Every counter is per UTC day and per persona (the contact's at the time). */
export const METRICS = {
  /** A phase transition; key `from>to` (`>to` when the contact had no phase before). */
  phase_flow: 'from>to',
  /** A referred person confirmed; counted for the referrer's persona; key ''. */
  referral: '',
  /** First purchase: whole days since the contact became a subscriber; key the number of days. */
  days_to_first_purchase: 'days',
  /** Became loyal: whole days since the first purchase; key the number of days. */
  days_customer_to_loyal: 'days',
  /** A contact entered a journey; key the journey id. */
  journey_entered: 'journeyId',
  /** A run reached its journey's goal within the window; key the journey id. */
  journey_converted: 'journeyId',
  /** Email figures per template; key the template id. */
  template_sent: 'templateId',
  template_delivered: 'templateId',
  template_opened: 'templateId',
  template_clicked: 'templateId',
  template_unsubscribed: 'templateId',
  template_bounced: 'templateId',
  /** A feedback-loop complaint (ARF) about one of the template's emails; key the template id. */
  template_complained: 'templateId',
  /** A soft bounce reported later (DSN, 4.x.x); key the template id. */
  template_soft_bounced: 'templateId',
  /** Deliverability per sending domain (the From address's domain); key the domain. */
  domain_sent: 'domain',
  domain_bounced: 'domain',
  domain_complained: 'domain',
} as const;
export type Metric = keyof typeof METRICS;

const DAY_MS = 86_400_000;

/** The UTC day number a time falls on: the rollups' `day`. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** The first millisecond of a rollup day. */
export function dayStart(day: number): number {
  return day * DAY_MS;
}

export function flowKey(from: string | null, to: string): string {
  return `${from ?? ''}>${to}`;
}

export function parseFlowKey(key: string): { from: string | null; to: string } {
  const at = key.indexOf('>');
  const from = key.slice(0, at);
  return { from: from === '' ? null : from, to: key.slice(at + 1) };
}
