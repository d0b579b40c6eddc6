CREATE TABLE `job_consumers` (
	`holder` text PRIMARY KEY NOT NULL,
	`beat_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `cmp_virtual_interfaces` (
	`port_id` text PRIMARY KEY NOT NULL,
	`instance_id` text NOT NULL,
	`tag` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `cmp_virtual_interfaces_instance_idx` ON `cmp_virtual_interfaces` (`instance_id`);--> statement-breakpoint
ALTER TABLE `jobs` ADD `locked_by` text;--> statement-breakpoint
ALTER TABLE `cmp_migrations` ADD `requested_op` text;