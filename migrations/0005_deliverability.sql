CREATE TABLE `inbound_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`received_at` integer NOT NULL,
	`kind` text NOT NULL,
	`severity` text,
	`message_id` text,
	`contact_id` text,
	`recipient` text,
	`status` text,
	`diagnostic` text,
	`feedback_type` text,
	`note` text DEFAULT '' NOT NULL,
	`envelope_from` text DEFAULT '' NOT NULL,
	`envelope_to` text DEFAULT '' NOT NULL,
	`raw` blob,
	`size` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `inbound_reports_recipient_idx` ON `inbound_reports` (`recipient`,`kind`,`received_at`);--> statement-breakpoint
CREATE INDEX `inbound_reports_message_idx` ON `inbound_reports` (`message_id`);--> statement-breakpoint
CREATE INDEX `inbound_reports_received_idx` ON `inbound_reports` (`received_at`);--> statement-breakpoint
CREATE TABLE `sending_domains` (
	`id` text PRIMARY KEY NOT NULL,
	`domain` text NOT NULL,
	`bounce_domain` text NOT NULL,
	`keys` text NOT NULL,
	`last_check` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sending_domains_domain_unique` ON `sending_domains` (`domain`);--> statement-breakpoint
ALTER TABLE `journeys` ADD `priority` integer DEFAULT 3 NOT NULL;