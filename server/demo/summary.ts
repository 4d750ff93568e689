// What a demo cohort came to, read back from the database: contacts per phase, emails, engagement, orders,
// referrals and the welcome split's variants. The same queries serve the CLI's summary and the tests.
import type { Db } from '../db/client.ts';

export interface SplitFigures {
  variant: string;
  entered: number;
  converted: number;
}

export interface DemoSummary {
  contacts: number;
  phases: Record<string, number>;
  subscriptions: Record<string, number>;
  emailsSent: number;
  /** Messages opened / clicked at least once. */
  opened: number;
  clicked: number;
  purchases: number;
  /** Contacts of the cohort who came through a referral and confirmed. */
  referrals: number;
  split: SplitFigures[];
}

const COHORT = `SELECT id FROM contacts WHERE json_extract(traits, '$.demo_cohort') = @cohort`;

export function demoSummary(db: Db, cohort: number): DemoSummary {
  const q = <T>(sql: string) => db.$client.prepare<{ cohort: number }, T>(sql);
  const phases = Object.fromEntries(
    q<{ phase: string; n: number }>(`SELECT phase, count(*) AS n FROM contacts WHERE id IN (${COHORT}) GROUP BY phase ORDER BY phase`)
      .all({ cohort })
      .map((r) => [r.phase, r.n]),
  );
  const subscriptions = Object.fromEntries(
    q<{ subscription: string; n: number }>(`SELECT subscription, count(*) AS n FROM contacts WHERE id IN (${COHORT}) GROUP BY subscription ORDER BY subscription`)
      .all({ cohort })
      .map((r) => [r.subscription, r.n]),
  );
  const mail = q<{ sent: number; opened: number; clicked: number }>(
    `SELECT count(*) AS sent, count(first_opened_at) AS opened, count(first_clicked_at) AS clicked
     FROM messages WHERE status = 'sent' AND contact_id IN (${COHORT})`,
  ).get({ cohort })!;
  const purchases = q<{ n: number }>(`SELECT count(*) AS n FROM events WHERE name = 'order_completed' AND contact_id IN (${COHORT})`).get({ cohort })!.n;
  const referrals = q<{ n: number }>(`SELECT count(*) AS n FROM contacts WHERE referred_by IS NOT NULL AND id IN (${COHORT})`).get({ cohort })!.n;
  const split = q<SplitFigures>(
    `SELECT json_extract(e.state, '$.variants.welcome_split') AS variant, count(*) AS entered, count(e.goal_reached_at) AS converted
     FROM enrollments e JOIN journeys j ON j.id = e.journey_id
     WHERE j.moment = 'first_communication' AND e.contact_id IN (${COHORT}) AND variant IS NOT NULL
     GROUP BY variant ORDER BY variant`,
  ).all({ cohort });
  const contacts = Object.values(phases).reduce((a, b) => a + b, 0);
  return { contacts, phases, subscriptions, emailsSent: mail.sent, opened: mail.opened, clicked: mail.clicked, purchases, referrals, split };
}
