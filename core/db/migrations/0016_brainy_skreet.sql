CREATE TABLE `catalog_project_endpoint_groups` (
	`project_id` text NOT NULL,
	`endpoint_group_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `endpoint_group_id`)
);
--> statement-breakpoint
CREATE INDEX `catalog_project_endpoint_groups_group_idx` ON `catalog_project_endpoint_groups` (`endpoint_group_id`);--> statement-breakpoint
CREATE TABLE `catalog_project_endpoints` (
	`project_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`project_id`, `endpoint_id`)
);
--> statement-breakpoint
CREATE INDEX `catalog_project_endpoints_endpoint_idx` ON `catalog_project_endpoints` (`endpoint_id`);