CREATE TABLE `experiment_daily` (
	`experiment_id` text NOT NULL,
	`arm` text NOT NULL,
	`day` integer NOT NULL,
	`assigned` integer DEFAULT 0 NOT NULL,
	`converted` integer DEFAULT 0 NOT NULL,
	`revenue_sum` real DEFAULT 0 NOT NULL,
	`revenue_sum_squares` real DEFAULT 0 NOT NULL,
	`unsubscribed` integer DEFAULT 0 NOT NULL,
	`bounced` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`experiment_id`, `arm`, `day`),
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `experiment_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`experiment_id` text NOT NULL,
	`at` integer NOT NULL,
	`action` text NOT NULL,
	`user_id` text,
	`user_name` text,
	`arm` text,
	`version` integer,
	`note` text DEFAULT '' NOT NULL,
	`figures` text,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `experiment_history_experiment_idx` ON `experiment_history` (`experiment_id`,`id`);--> statement-breakpoint
CREATE TABLE `experiment_members` (
	`contact_id` text NOT NULL,
	`experiment_id` text NOT NULL,
	`arm` text NOT NULL,
	`enrollment_id` text NOT NULL,
	`assigned_at` integer NOT NULL,
	`converted_at` integer,
	`revenue` real DEFAULT 0 NOT NULL,
	`unsubscribed_at` integer,
	`bounced_at` integer,
	PRIMARY KEY(`contact_id`, `experiment_id`),
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `experiments` (
	`id` text PRIMARY KEY NOT NULL,
	`journey_id` text NOT NULL,
	`node_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`design` text NOT NULL,
	`start_version` integer NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`shipped_arm` text,
	FOREIGN KEY (`journey_id`) REFERENCES `journeys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `experiments_journey_idx` ON `experiments` (`journey_id`,`node_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `experiments_running_idx` ON `experiments` (`journey_id`,`node_id`) WHERE status = 'running';