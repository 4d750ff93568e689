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
CREATE INDEX `phase_history_flow_idx` ON `phase_history` (`to_phase`,`at`);