CREATE TABLE `cmp_migrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text NOT NULL,
	`instance_id` text NOT NULL,
	`project_id` text NOT NULL,
	`user_id` text NOT NULL,
	`migration_type` text NOT NULL,
	`status` text NOT NULL,
	`source_compute` text NOT NULL,
	`source_node` text NOT NULL,
	`dest_compute` text,
	`dest_node` text,
	`dest_host` text,
	`requested_host` text,
	`old_flavor_id` text NOT NULL,
	`new_flavor_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cmp_migrations_uuid_uq` ON `cmp_migrations` (`uuid`);--> statement-breakpoint
CREATE INDEX `cmp_migrations_instance_idx` ON `cmp_migrations` (`instance_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `cmp_migrations_updated_idx` ON `cmp_migrations` (`updated_at`);