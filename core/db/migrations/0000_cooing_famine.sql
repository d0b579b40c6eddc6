CREATE TABLE `application_credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`user_id` text NOT NULL,
	`project_id` text NOT NULL,
	`description` text,
	`secret_hash` text NOT NULL,
	`expires_at` integer,
	`unrestricted` integer DEFAULT false NOT NULL,
	`role_ids` text NOT NULL,
	`access_rules` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `app_creds_user_name_uq` ON `application_credentials` (`user_id`,`name`);--> statement-breakpoint
CREATE TABLE `credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`project_id` text,
	`type` text NOT NULL,
	`blob` text NOT NULL,
	`access_key` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credentials_access_key_uq` ON `credentials` (`access_key`);--> statement-breakpoint
CREATE INDEX `credentials_user_idx` ON `credentials` (`user_id`);--> statement-breakpoint
CREATE TABLE `domains` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`extra` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `domains_name_uq` ON `domains` (`name`);--> statement-breakpoint
CREATE TABLE `group_members` (
	`group_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`group_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `group_members_user_idx` ON `group_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `groups` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`domain_id` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `groups_domain_name_uq` ON `groups` (`domain_id`,`name`);--> statement-breakpoint
CREATE TABLE `password_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `password_history_user_idx` ON `password_history` (`user_id`);--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`domain_id` text NOT NULL,
	`parent_id` text,
	`description` text DEFAULT '' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`extra` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `projects_domain_name_uq` ON `projects` (`domain_id`,`name`);--> statement-breakpoint
CREATE INDEX `projects_parent_idx` ON `projects` (`parent_id`);--> statement-breakpoint
CREATE TABLE `revocation_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text,
	`project_id` text,
	`domain_id` text,
	`role_id` text,
	`audit_id` text,
	`app_cred_id` text,
	`issued_before` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `revocation_events_created_idx` ON `revocation_events` (`created_at`);--> statement-breakpoint
CREATE TABLE `role_assignments` (
	`type` text NOT NULL,
	`actor_id` text NOT NULL,
	`target_id` text NOT NULL,
	`role_id` text NOT NULL,
	`inherited` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`type`, `actor_id`, `target_id`, `role_id`, `inherited`)
);
--> statement-breakpoint
CREATE INDEX `role_assignments_actor_idx` ON `role_assignments` (`actor_id`);--> statement-breakpoint
CREATE INDEX `role_assignments_target_idx` ON `role_assignments` (`target_id`);--> statement-breakpoint
CREATE INDEX `role_assignments_role_idx` ON `role_assignments` (`role_id`);--> statement-breakpoint
CREATE TABLE `roles` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`domain_id` text,
	`description` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `roles_domain_name_uq` ON `roles` (`name`,`domain_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`domain_id` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`email` text,
	`description` text,
	`default_project_id` text,
	`extra` text DEFAULT '{}' NOT NULL,
	`password_hash` text,
	`password_created_at` integer,
	`password_expires_at` integer,
	`failed_auth_count` integer DEFAULT 0 NOT NULL,
	`failed_auth_at` integer,
	`last_active_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_domain_name_uq` ON `users` (`domain_id`,`name`);