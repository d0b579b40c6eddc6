CREATE TABLE `catalog_endpoint_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`filters` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `catalog_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`service_id` text NOT NULL,
	`interface` text NOT NULL,
	`region_id` text,
	`url` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`extra` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `catalog_endpoints_service_idx` ON `catalog_endpoints` (`service_id`);--> statement-breakpoint
CREATE TABLE `catalog_regions` (
	`id` text PRIMARY KEY NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`parent_region_id` text,
	`extra` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `catalog_regions_parent_idx` ON `catalog_regions` (`parent_region_id`);--> statement-breakpoint
CREATE TABLE `catalog_revision` (
	`id` integer PRIMARY KEY NOT NULL,
	`revision` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `catalog_services` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`extra` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `trusts` (
	`id` text PRIMARY KEY NOT NULL,
	`trustor_user_id` text NOT NULL,
	`trustee_user_id` text NOT NULL,
	`project_id` text,
	`impersonation` integer NOT NULL,
	`role_ids` text NOT NULL,
	`expires_at` integer,
	`remaining_uses` integer,
	`redelegation_count` integer DEFAULT 0 NOT NULL,
	`redelegated_trust_id` text,
	`extra` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `trusts_trustor_idx` ON `trusts` (`trustor_user_id`);--> statement-breakpoint
CREATE INDEX `trusts_trustee_idx` ON `trusts` (`trustee_user_id`);--> statement-breakpoint
CREATE INDEX `trusts_parent_idx` ON `trusts` (`redelegated_trust_id`);