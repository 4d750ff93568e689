-- Per-node step counts for the canvas figures, kept by the executor in the same transaction as the steps;
-- filled here from the existing step log (outcomes grouped as server/executor/steps.ts groups them).
CREATE TABLE `journey_step_counts` (
	`journey_id` text NOT NULL,
	`node_id` text NOT NULL,
	`outcome` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`journey_id`, `node_id`, `outcome`),
	FOREIGN KEY (`journey_id`) REFERENCES `journeys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `journey_step_counts` (`journey_id`, `node_id`, `outcome`, `n`)
SELECT s.`journey_id`, s.`node_id`,
  CASE WHEN s.`outcome` LIKE 'waiting%' THEN 'waiting' WHEN s.`outcome` LIKE 'failed%' THEN 'failed'
       WHEN s.`outcome` LIKE 'exited%' THEN 'exited' WHEN s.`outcome` LIKE 'moved%' THEN 'moved' ELSE s.`outcome` END,
  count(*)
FROM `step_log` s JOIN `journeys` j ON j.`id` = s.`journey_id`
GROUP BY 1, 2, 3;
--> statement-breakpoint
DROP INDEX `enrollments_contact_idx`;--> statement-breakpoint
DROP INDEX `enrollments_identity_idx`;--> statement-breakpoint
CREATE INDEX `enrollments_awaiting_idx` ON `enrollments` (`contact_id`,`awaiting_event`) WHERE awaiting_event IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `enrollments_identity_idx` ON `enrollments` (`contact_id`,`journey_id`,`entry_key`);--> statement-breakpoint
-- The step log becomes one row per advance: each old step becomes a row with a one-step path.
CREATE TABLE `__new_step_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`enrollment_id` text NOT NULL,
	`journey_id` text NOT NULL,
	`version` integer NOT NULL,
	`at` integer NOT NULL,
	`steps` text NOT NULL,
	FOREIGN KEY (`enrollment_id`) REFERENCES `enrollments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_step_log` (`id`, `enrollment_id`, `journey_id`, `version`, `at`, `steps`)
SELECT `id`, `enrollment_id`, `journey_id`, `version`, `at`, json_array(json_array(`node_id`, `outcome`)) FROM `step_log`;
--> statement-breakpoint
DROP TABLE `step_log`;--> statement-breakpoint
ALTER TABLE `__new_step_log` RENAME TO `step_log`;--> statement-breakpoint
CREATE INDEX `step_log_enrollment_idx` ON `step_log` (`enrollment_id`,`id`);
