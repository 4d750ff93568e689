CREATE TABLE `journey_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`journey_id` text NOT NULL,
	`version` integer NOT NULL,
	`graph` text NOT NULL,
	`layout` text NOT NULL,
	`migration` text DEFAULT 'stay' NOT NULL,
	`published_at` integer NOT NULL,
	`published_by` text,
	FOREIGN KEY (`journey_id`) REFERENCES `journeys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `journey_versions_journey_version_idx` ON `journey_versions` (`journey_id`,`version`);--> statement-breakpoint
CREATE TABLE `journeys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`moment` text NOT NULL,
	`persona_key` text,
	`status` text DEFAULT 'draft' NOT NULL,
	`draft_graph` text NOT NULL,
	`draft_layout` text NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`current_version` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`moment`) REFERENCES `moments`(`key`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`persona_key`) REFERENCES `personas`(`key`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `journeys_moment_persona_idx` ON `journeys` (`moment`,`persona_key`);--> statement-breakpoint
CREATE TABLE `moments` (
	`key` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`purpose` text NOT NULL,
	`position` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `personas` (
	`key` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`color` text DEFAULT 'gray' NOT NULL,
	`priority` integer DEFAULT 100 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `phases` (
	`key` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`description` text NOT NULL,
	`position` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `account` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`user_id` text NOT NULL,
	`access_token` text,
	`refresh_token` text,
	`id_token` text,
	`access_token_expires_at` integer,
	`refresh_token_expires_at` integer,
	`scope` text,
	`password` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `account_userId_idx` ON `account` (`user_id`);--> statement-breakpoint
CREATE TABLE `session` (
	`id` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL,
	`token` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer NOT NULL,
	`ip_address` text,
	`user_agent` text,
	`user_id` text NOT NULL,
	`impersonated_by` text,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `session_token_unique` ON `session` (`token`);--> statement-breakpoint
CREATE INDEX `session_userId_idx` ON `session` (`user_id`);--> statement-breakpoint
CREATE TABLE `user` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`email_verified` integer DEFAULT false NOT NULL,
	`image` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`role` text,
	`banned` integer DEFAULT false,
	`ban_reason` text,
	`ban_expires` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_email_unique` ON `user` (`email`);--> statement-breakpoint
CREATE TABLE `verification` (
	`id` text PRIMARY KEY NOT NULL,
	`identifier` text NOT NULL,
	`value` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `verification_identifier_idx` ON `verification` (`identifier`);--> statement-breakpoint
CREATE TABLE `contact_aliases` (
	`anonymous_id` text PRIMARY KEY NOT NULL,
	`contact_id` text NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `contact_aliases_contact_idx` ON `contact_aliases` (`contact_id`);--> statement-breakpoint
CREATE TABLE `contact_search_terms` (
	`term` text NOT NULL,
	`contact_id` text NOT NULL,
	PRIMARY KEY(`term`, `contact_id`),
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `contact_search_terms_contact_idx` ON `contact_search_terms` (`contact_id`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`external_id` text,
	`traits` text DEFAULT '{}' NOT NULL,
	`name` text,
	`persona_key` text,
	`persona_source` text,
	`phase` text DEFAULT 'prospect' NOT NULL,
	`subscription` text DEFAULT 'none' NOT NULL,
	`consent_at` integer,
	`consent_source` text,
	`consent_ip` text,
	`timezone` text,
	`last_active_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`persona_key`) REFERENCES `personas`(`key`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_email_idx` ON `contacts` (`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_external_id_idx` ON `contacts` (`external_id`);--> statement-breakpoint
CREATE INDEX `contacts_persona_idx` ON `contacts` (`persona_key`,`id`);--> statement-breakpoint
CREATE INDEX `contacts_phase_idx` ON `contacts` (`phase`,`id`);--> statement-breakpoint
CREATE INDEX `contacts_subscription_idx` ON `contacts` (`subscription`,`id`);--> statement-breakpoint
CREATE INDEX `contacts_phase_active_idx` ON `contacts` (`phase`,`last_active_at`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`contact_id` text NOT NULL,
	`name` text NOT NULL,
	`properties` text DEFAULT '{}' NOT NULL,
	`timestamp` integer NOT NULL,
	`received_at` integer NOT NULL,
	`message_id` text,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_message_id_idx` ON `events` (`message_id`);--> statement-breakpoint
CREATE INDEX `events_contact_name_time_idx` ON `events` (`contact_id`,`name`,`timestamp`);--> statement-breakpoint
CREATE TABLE `phase_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`contact_id` text NOT NULL,
	`from_phase` text,
	`to_phase` text NOT NULL,
	`at` integer NOT NULL,
	`cause` text NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `phase_history_contact_idx` ON `phase_history` (`contact_id`,`at`);--> statement-breakpoint
CREATE TABLE `unresolved_calls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text,
	`anonymous_id` text,
	`message` text NOT NULL,
	`message_id` text,
	`received_at` integer NOT NULL,
	`ip` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `unresolved_calls_message_id_idx` ON `unresolved_calls` (`message_id`);--> statement-breakpoint
CREATE INDEX `unresolved_calls_user_idx` ON `unresolved_calls` (`user_id`);--> statement-breakpoint
CREATE INDEX `unresolved_calls_anonymous_idx` ON `unresolved_calls` (`anonymous_id`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`contact_id` text NOT NULL,
	`enrollment_id` text,
	`journey_id` text,
	`node_id` text,
	`visit` integer DEFAULT 1 NOT NULL,
	`template_id` text NOT NULL,
	`template_version` integer,
	`data` text DEFAULT '{}' NOT NULL,
	`category` text NOT NULL,
	`when_capped` text DEFAULT 'delay' NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`subject` text,
	`html` text,
	`text` text,
	`html_deflated` blob,
	`message_id_header` text,
	`provider_id` text,
	`error` text,
	`sent_at` integer,
	`first_opened_at` integer,
	`open_count` integer DEFAULT 0 NOT NULL,
	`first_clicked_at` integer,
	`click_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_step_visit_idx` ON `messages` (`enrollment_id`,`node_id`,`visit`);--> statement-breakpoint
CREATE INDEX `messages_due_idx` ON `messages` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `messages_contact_idx` ON `messages` (`contact_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `enrollments` (
	`id` text PRIMARY KEY NOT NULL,
	`journey_id` text NOT NULL,
	`version` integer NOT NULL,
	`contact_id` text NOT NULL,
	`entry_key` text NOT NULL,
	`node_id` text NOT NULL,
	`status` text NOT NULL,
	`wake_at` integer,
	`awaiting_event` text,
	`held_event` text,
	`state` text NOT NULL,
	`enrolled_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`ended_at` integer,
	`goal_reached_at` integer,
	`error` text,
	FOREIGN KEY (`journey_id`) REFERENCES `journeys`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `enrollments_identity_idx` ON `enrollments` (`journey_id`,`contact_id`,`entry_key`);--> statement-breakpoint
CREATE INDEX `enrollments_due_idx` ON `enrollments` (`status`,`wake_at`);--> statement-breakpoint
CREATE INDEX `enrollments_contact_idx` ON `enrollments` (`contact_id`,`status`);--> statement-breakpoint
CREATE INDEX `enrollments_journey_node_idx` ON `enrollments` (`journey_id`,`status`,`node_id`);--> statement-breakpoint
CREATE TABLE `executor_locks` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`lease_until` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `executor_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `step_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`enrollment_id` text NOT NULL,
	`journey_id` text NOT NULL,
	`version` integer NOT NULL,
	`node_id` text NOT NULL,
	`at` integer NOT NULL,
	`outcome` text NOT NULL,
	FOREIGN KEY (`enrollment_id`) REFERENCES `enrollments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `step_log_journey_node_idx` ON `step_log` (`journey_id`,`node_id`);--> statement-breakpoint
CREATE INDEX `step_log_enrollment_idx` ON `step_log` (`enrollment_id`,`id`);--> statement-breakpoint
CREATE TABLE `webhook_calls` (
	`id` text PRIMARY KEY NOT NULL,
	`enrollment_id` text NOT NULL,
	`node_id` text NOT NULL,
	`visit` integer NOT NULL,
	`url` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`response_status` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_calls_step_idx` ON `webhook_calls` (`enrollment_id`,`node_id`,`visit`);--> statement-breakpoint
CREATE INDEX `webhook_calls_due_idx` ON `webhook_calls` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `captured_emails` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`recipient` text NOT NULL,
	`from_address` text DEFAULT '' NOT NULL,
	`subject` text DEFAULT '' NOT NULL,
	`html` text,
	`text` text,
	`headers` text DEFAULT '[]' NOT NULL,
	`message_id_header` text,
	`size` integer DEFAULT 0 NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `captured_emails_recipient_idx` ON `captured_emails` (`recipient`,`id`);--> statement-breakpoint
CREATE TABLE `email_partials` (
	`key` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`source` text NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `email_template_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`template_id` text NOT NULL,
	`version` integer NOT NULL,
	`subject` text NOT NULL,
	`preheader` text DEFAULT '' NOT NULL,
	`body` text NOT NULL,
	`text` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`created_by` text,
	FOREIGN KEY (`template_id`) REFERENCES `email_templates`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `email_template_versions_idx` ON `email_template_versions` (`template_id`,`version`);--> statement-breakpoint
CREATE TABLE `email_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`moment` text,
	`layout` text,
	`preview_event` text DEFAULT '{}' NOT NULL,
	`current_version` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `senders` (
	`id` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`from_name` text NOT NULL,
	`from_email` text NOT NULL,
	`reply_to` text,
	`is_default` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `suppressions` (
	`email` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`detail` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `persona_rules` (
	`persona_key` text PRIMARY KEY NOT NULL,
	`rules` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`persona_key`) REFERENCES `personas`(`key`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_idx` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_created_idx` ON `api_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `contact_imports` (
	`id` text PRIMARY KEY NOT NULL,
	`file_name` text NOT NULL,
	`file_path` text NOT NULL,
	`file_bytes` integer NOT NULL,
	`columns` text NOT NULL,
	`status` text DEFAULT 'uploaded' NOT NULL,
	`mode` text,
	`mapping` text,
	`bytes_read` integer DEFAULT 0 NOT NULL,
	`rows_read` integer DEFAULT 0 NOT NULL,
	`rows_written` integer DEFAULT 0 NOT NULL,
	`created` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`error_count` integer DEFAULT 0 NOT NULL,
	`errors` text DEFAULT '[]' NOT NULL,
	`message` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `contact_imports_created_idx` ON `contact_imports` (`created_at`);