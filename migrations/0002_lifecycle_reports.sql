CREATE TABLE `daily_counts` (
	`metric` text NOT NULL,
	`day` integer NOT NULL,
	`persona_key` text DEFAULT '' NOT NULL,
	`key` text DEFAULT '' NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`metric`, `day`, `persona_key`, `key`)
);
--> statement-breakpoint
ALTER TABLE `contacts` ADD `referred_by` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `referred_at` integer;--> statement-breakpoint
CREATE INDEX `contacts_referred_by_idx` ON `contacts` (`referred_by`) WHERE referred_by IS NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `quiet` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `phase_history_flow_idx` ON `phase_history` (`to_phase`,`at`);--> statement-breakpoint
-- Backfill of the report rollups from what an upgraded workspace already holds, so the dashboard shows its past.
-- Personas are the contacts' current ones (the persona at the time was not recorded); days are UTC (ms / 86400000).
-- Every contact started as a prospect: its creation is the flow '>prospect'.
INSERT INTO `daily_counts` (`metric`, `day`, `persona_key`, `key`, `n`)
SELECT 'phase_flow', `created_at` / 86400000, coalesce(`persona_key`, ''), '>prospect', count(*) FROM `contacts` WHERE true GROUP BY 2, 3
ON CONFLICT (`metric`, `day`, `persona_key`, `key`) DO UPDATE SET `n` = `n` + excluded.`n`;--> statement-breakpoint
INSERT INTO `daily_counts` (`metric`, `day`, `persona_key`, `key`, `n`)
SELECT 'phase_flow', h.`at` / 86400000, coalesce(c.`persona_key`, ''), coalesce(h.`from_phase`, '') || '>' || h.`to_phase`, count(*)
FROM `phase_history` h JOIN `contacts` c ON c.`id` = h.`contact_id` WHERE true GROUP BY 2, 3, 4
ON CONFLICT (`metric`, `day`, `persona_key`, `key`) DO UPDATE SET `n` = `n` + excluded.`n`;--> statement-breakpoint
-- First purchase: whole days from becoming a subscriber (or, without that in the history, the consent time) to the
-- first entry into customer; loyalty: from that first purchase to the first entry into loyal.
INSERT INTO `daily_counts` (`metric`, `day`, `persona_key`, `key`, `n`)
SELECT 'days_to_first_purchase', m.`customer_at` / 86400000, coalesce(c.`persona_key`, ''),
  CAST((m.`customer_at` - coalesce(m.`subscriber_at`, CASE WHEN c.`subscription` = 'subscribed' THEN c.`consent_at` END)) / 86400000 AS TEXT), count(*)
FROM (
  SELECT `contact_id`, min(CASE WHEN `to_phase` = 'customer' THEN `at` END) AS `customer_at`,
    min(CASE WHEN `to_phase` = 'subscriber' THEN `at` END) AS `subscriber_at`
  FROM `phase_history` GROUP BY `contact_id`
) m JOIN `contacts` c ON c.`id` = m.`contact_id`
WHERE m.`customer_at` IS NOT NULL
  AND coalesce(m.`subscriber_at`, CASE WHEN c.`subscription` = 'subscribed' THEN c.`consent_at` END) <= m.`customer_at`
GROUP BY 2, 3, 4
ON CONFLICT (`metric`, `day`, `persona_key`, `key`) DO UPDATE SET `n` = `n` + excluded.`n`;--> statement-breakpoint
INSERT INTO `daily_counts` (`metric`, `day`, `persona_key`, `key`, `n`)
SELECT 'days_customer_to_loyal', m.`loyal_at` / 86400000, coalesce(c.`persona_key`, ''), CAST((m.`loyal_at` - m.`customer_at`) / 86400000 AS TEXT), count(*)
FROM (
  SELECT `contact_id`, min(CASE WHEN `to_phase` = 'customer' THEN `at` END) AS `customer_at`,
    min(CASE WHEN `to_phase` = 'loyal' THEN `at` END) AS `loyal_at`
  FROM `phase_history` GROUP BY `contact_id`
) m JOIN `contacts` c ON c.`id` = m.`contact_id`
WHERE m.`loyal_at` IS NOT NULL AND m.`customer_at` IS NOT NULL AND m.`customer_at` <= m.`loyal_at`
GROUP BY 2, 3, 4
ON CONFLICT (`metric`, `day`, `persona_key`, `key`) DO UPDATE SET `n` = `n` + excluded.`n`;--> statement-breakpoint
-- Journeys: entries by the day of enrolment, conversions by the day the goal was reached.
INSERT INTO `daily_counts` (`metric`, `day`, `persona_key`, `key`, `n`)
SELECT 'journey_entered', e.`enrolled_at` / 86400000, coalesce(c.`persona_key`, ''), e.`journey_id`, count(*)
FROM `enrollments` e JOIN `contacts` c ON c.`id` = e.`contact_id` WHERE true GROUP BY 2, 3, 4
ON CONFLICT (`metric`, `day`, `persona_key`, `key`) DO UPDATE SET `n` = `n` + excluded.`n`;--> statement-breakpoint
INSERT INTO `daily_counts` (`metric`, `day`, `persona_key`, `key`, `n`)
SELECT 'journey_converted', e.`goal_reached_at` / 86400000, coalesce(c.`persona_key`, ''), e.`journey_id`, count(*)
FROM `enrollments` e JOIN `contacts` c ON c.`id` = e.`contact_id` WHERE e.`goal_reached_at` IS NOT NULL GROUP BY 2, 3, 4
ON CONFLICT (`metric`, `day`, `persona_key`, `key`) DO UPDATE SET `n` = `n` + excluded.`n`;--> statement-breakpoint
-- Email per template (internal notices aside): a message counts as sent once its attempts ended, delivered or bounced
-- (a hard bounce, a permanent refusal, retries given up, or an address suppressed after a bounce). Unique opens and
-- clicks by the day of the first one. Unsubscribes cannot be traced to a message before links carried it.
INSERT INTO `daily_counts` (`metric`, `day`, `persona_key`, `key`, `n`)
SELECT 'template_delivered', m.`sent_at` / 86400000, coalesce(c.`persona_key`, ''), m.`template_id`, count(*)
FROM `messages` m JOIN `contacts` c ON c.`id` = m.`contact_id` WHERE m.`status` = 'sent' AND m.`sent_at` IS NOT NULL AND m.`template_id` <> '$notify' GROUP BY 2, 3, 4
ON CONFLICT (`metric`, `day`, `persona_key`, `key`) DO UPDATE SET `n` = `n` + excluded.`n`;--> statement-breakpoint
INSERT INTO `daily_counts` (`metric`, `day`, `persona_key`, `key`, `n`)
SELECT 'template_bounced', m.`next_attempt_at` / 86400000, coalesce(c.`persona_key`, ''), m.`template_id`, count(*)
FROM `messages` m JOIN `contacts` c ON c.`id` = m.`contact_id`
WHERE m.`template_id` <> '$notify' AND (
  (m.`status` = 'failed' AND m.`attempts` > 0 AND m.`error` NOT LIKE 'Template %' AND m.`error` NOT LIKE 'There is no template%' AND m.`error` NOT LIKE 'The %')
  OR (m.`status` = 'suppressed' AND m.`error` LIKE 'address suppressed (hard_bounce)%'))
GROUP BY 2, 3, 4
ON CONFLICT (`metric`, `day`, `persona_key`, `key`) DO UPDATE SET `n` = `n` + excluded.`n`;--> statement-breakpoint
INSERT INTO `daily_counts` (`metric`, `day`, `persona_key`, `key`, `n`)
SELECT 'template_sent', `day`, `persona_key`, `key`, sum(`n`) FROM `daily_counts`
WHERE `metric` IN ('template_delivered', 'template_bounced') GROUP BY 2, 3, 4
ON CONFLICT (`metric`, `day`, `persona_key`, `key`) DO UPDATE SET `n` = `n` + excluded.`n`;--> statement-breakpoint
INSERT INTO `daily_counts` (`metric`, `day`, `persona_key`, `key`, `n`)
SELECT 'template_opened', m.`first_opened_at` / 86400000, coalesce(c.`persona_key`, ''), m.`template_id`, count(*)
FROM `messages` m JOIN `contacts` c ON c.`id` = m.`contact_id` WHERE m.`first_opened_at` IS NOT NULL AND m.`template_id` <> '$notify' GROUP BY 2, 3, 4
ON CONFLICT (`metric`, `day`, `persona_key`, `key`) DO UPDATE SET `n` = `n` + excluded.`n`;--> statement-breakpoint
INSERT INTO `daily_counts` (`metric`, `day`, `persona_key`, `key`, `n`)
SELECT 'template_clicked', m.`first_clicked_at` / 86400000, coalesce(c.`persona_key`, ''), m.`template_id`, count(*)
FROM `messages` m JOIN `contacts` c ON c.`id` = m.`contact_id` WHERE m.`first_clicked_at` IS NOT NULL AND m.`template_id` <> '$notify' GROUP BY 2, 3, 4
ON CONFLICT (`metric`, `day`, `persona_key`, `key`) DO UPDATE SET `n` = `n` + excluded.`n`;
