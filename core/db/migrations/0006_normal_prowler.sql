CREATE TABLE `obj_bucket_configs` (
	`container_id` text NOT NULL,
	`kind` text NOT NULL,
	`document` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`container_id`, `kind`)
);
--> statement-breakpoint
CREATE INDEX `obj_bucket_configs_kind_idx` ON `obj_bucket_configs` (`kind`);