CREATE TABLE `job_consumers` (
	`holder` text PRIMARY KEY NOT NULL,
	`beat_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `jobs` ADD `locked_by` text;