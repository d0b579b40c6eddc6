CREATE TABLE `obj_accounts` (
	`project_id` text PRIMARY KEY NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `obj_blob_refs` (
	`blob_key` text PRIMARY KEY NOT NULL,
	`refs` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `obj_containers` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`swift_read` text,
	`swift_write` text,
	`s3_acl` text DEFAULT '{"grants":[]}' NOT NULL,
	`tags` text,
	`region` text NOT NULL,
	`versioning` text,
	`object_count` integer DEFAULT 0 NOT NULL,
	`bytes_used` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `obj_containers_project_name_uq` ON `obj_containers` (`project_id`,`name`);--> statement-breakpoint
CREATE INDEX `obj_containers_name_idx` ON `obj_containers` (`name`,`created_at`);--> statement-breakpoint
CREATE TABLE `obj_objects` (
	`id` text PRIMARY KEY NOT NULL,
	`container_id` text NOT NULL,
	`name` text NOT NULL,
	`size` integer NOT NULL,
	`etag` text NOT NULL,
	`swift_etag` text NOT NULL,
	`content_type` text NOT NULL,
	`user_meta` text DEFAULT '{}' NOT NULL,
	`sys_meta` text DEFAULT '{}' NOT NULL,
	`last_modified` integer NOT NULL,
	`delete_at` integer,
	`tags` text,
	`acl` text DEFAULT '{"grants":[]}' NOT NULL,
	`checksum` text,
	`kind` text NOT NULL,
	`blob_key` text,
	`manifest` text,
	`dlo_manifest` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `obj_objects_container_name_uq` ON `obj_objects` (`container_id`,`name`);--> statement-breakpoint
CREATE INDEX `obj_objects_delete_at_idx` ON `obj_objects` (`delete_at`);--> statement-breakpoint
CREATE TABLE `obj_parts` (
	`upload_id` text NOT NULL,
	`part_number` integer NOT NULL,
	`blob_key` text NOT NULL,
	`size` integer NOT NULL,
	`etag` text NOT NULL,
	`checksum` text,
	`last_modified` integer NOT NULL,
	PRIMARY KEY(`upload_id`, `part_number`)
);
--> statement-breakpoint
CREATE TABLE `obj_uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`container_id` text NOT NULL,
	`name` text NOT NULL,
	`initiated` integer NOT NULL,
	`initiator_user_id` text,
	`initiator_user_name` text,
	`settings` text DEFAULT '{}' NOT NULL,
	`completed_version_id` text,
	`completed_etag` text
);
--> statement-breakpoint
CREATE INDEX `obj_uploads_container_name_idx` ON `obj_uploads` (`container_id`,`name`,`initiated`);