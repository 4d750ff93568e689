// The lifecycle dashboard's question and answer: one zod schema each, used by the tRPC procedure, the CLI's
// `report lifecycle --json` and the dashboard page.
import { z } from 'zod';

export const lifecycleReportInput = z
  .object({
    /** One persona's key, or null for all contacts. */
    persona: z.string().min(1).nullable().default(null),
    /** The period, as ISO-8601 times; `from` inclusive, `to` exclusive. */
    from: z.iso.datetime({ offset: true, error: 'from: use an ISO-8601 time such as 2026-09-01T00:00:00Z.' }),
    to: z.iso.datetime({ offset: true, error: 'to: use an ISO-8601 time such as 2026-12-01T00:00:00Z.' }),
  })
  .refine((v) => Date.parse(v.from) < Date.parse(v.to), { message: 'The period must end after it starts.', path: ['to'] });
export type LifecycleReportInput = z.input<typeof lifecycleReportInput>;

const count = z.number().int().nonnegative();

export const phaseFlowSchema = z.object({ from: z.string().nullable(), to: z.string(), n: count });

export const lifecycleReportSchema = z.object({
  /**
   * The period asked for; figures over it are counted per whole UTC day (firstDay to lastDay, both included: every day
   * the period touches), because the rollups behind them are daily.
   */
  period: z.object({ from: z.string(), to: z.string(), firstDay: z.string().optional(), lastDay: z.string().optional() }),
  persona: z.string().nullable(),
  /** Contacts in each phase now (every phase key present, zeros included). */
  phases: z.array(z.object({ phase: z.string(), label: z.string(), n: count })),
  /** Phase-to-phase transitions in the period (from null: a contact's first phase). */
  flows: z.array(phaseFlowSchema),
  /** Phase entries per ISO week (week starting Monday, UTC), one row per week of the period. */
  entriesPerWeek: z.array(z.object({ weekStart: z.string(), byPhase: z.record(z.string(), count) })),
  /** Medians over the transitions in the period, in days; null when none happened. */
  medians: z.object({
    subscriberToFirstPurchaseDays: z.number().nullable(),
    customerToLoyalDays: z.number().nullable(),
    firstPurchases: count,
    becameLoyal: count,
  }),
  lapsed: count,
  reactivated: count,
  referrals: count,
  /**
   * Per persona (all personas when persona is null, then also key null for contacts without one, when there are any):
   * contacts per phase now, transitions and referrals in the period. A transition counts for the persona the contact
   * had when it happened.
   */
  personas: z.array(
    z.object({
      key: z.string().nullable(),
      name: z.string(),
      color: z.string().optional(),
      phases: z.record(z.string(), count),
      flows: z.array(phaseFlowSchema),
      referrals: count,
    }),
  ),
  /** Per moment, its journeys (in the persona's scope) with their figures; entered and converted in the period. */
  moments: z.array(
    z.object({
      moment: z.string(),
      label: z.string(),
      /** The phases the moment serves (shared/lifecycle/moments.ts MOMENT_PHASES) and the contacts in them now. */
      phases: z.array(z.string()).optional(),
      inPhaseNow: count.optional(),
      journeys: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          status: z.string(),
          personaKey: z.string().nullable(),
          entered: count,
          inJourneyNow: count,
          converted: count,
          /** Conversions in the period per entry in the period; null when nobody entered. */
          conversionRate: z.number().nullable(),
        }),
      ),
    }),
  ),
  /** Email performance per template in the period; rates as fractions of delivered. */
  templates: z.array(
    z.object({
      templateId: z.string(),
      name: z.string(),
      sent: count,
      delivered: count,
      uniqueOpens: count,
      uniqueClicks: count,
      unsubscribes: count,
      /** Hard bounces: refused while sending, or reported later by a delivery status notification. */
      bounces: count,
      /** Soft bounces reported later (a full mailbox, a server that did not answer). */
      softBounces: count,
      /** Feedback-loop complaints: the contact marked the email as spam. */
      complaints: count,
      clickRate: z.number().nullable(),
    }),
  ),
});
export type LifecycleReport = z.infer<typeof lifecycleReportSchema>;
