CREATE TABLE `obj_versions` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delete_marker` integer DEFAULT false NOT NULL,
	`id` text NOT NULL,
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
	`dlo_manifest` text,
	`version_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `obj_versions_id_uq` ON `obj_versions` (`id`);--> statement-breakpoint
CREATE INDEX `obj_versions_container_name_seq_idx` ON `obj_versions` (`container_id`,`name`,`seq`);--> statement-breakpoint
ALTER TABLE `obj_containers` ADD `swift_versions_location` text;--> statement-breakpoint
ALTER TABLE `obj_containers` ADD `swift_versions_mode` text;--> statement-breakpoint
ALTER TABLE `obj_objects` ADD `version_id` text;