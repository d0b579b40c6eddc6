CREATE TABLE `img_images` (
	`id` text PRIMARY KEY NOT NULL,
	`ec2_id` text NOT NULL,
	`name` text,
	`status` text NOT NULL,
	`visibility` text NOT NULL,
	`owner` text,
	`container_format` text,
	`disk_format` text,
	`size` integer,
	`virtual_size` integer,
	`checksum` text,
	`os_hash_algo` text,
	`os_hash_value` text,
	`min_disk` integer DEFAULT 0 NOT NULL,
	`min_ram` integer DEFAULT 0 NOT NULL,
	`protected` integer DEFAULT false NOT NULL,
	`os_hidden` integer DEFAULT false NOT NULL,
	`data_object` text,
	`stage_object` text,
	`stage_size` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `img_images_ec2_id_uq` ON `img_images` (`ec2_id`);--> statement-breakpoint
CREATE INDEX `img_images_owner_idx` ON `img_images` (`owner`);--> statement-breakpoint
CREATE INDEX `img_images_visibility_idx` ON `img_images` (`visibility`);--> statement-breakpoint
CREATE INDEX `img_images_created_idx` ON `img_images` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `img_members` (
	`image_id` text NOT NULL,
	`member` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`image_id`, `member`),
	FOREIGN KEY (`image_id`) REFERENCES `img_images`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `img_members_member_idx` ON `img_members` (`member`,`status`);--> statement-breakpoint
CREATE TABLE `img_properties` (
	`image_id` text NOT NULL,
	`name` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`image_id`, `name`),
	FOREIGN KEY (`image_id`) REFERENCES `img_images`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `img_properties_name_value_idx` ON `img_properties` (`name`,`value`);--> statement-breakpoint
CREATE TABLE `img_tags` (
	`image_id` text NOT NULL,
	`tag` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`image_id`, `tag`),
	FOREIGN KEY (`image_id`) REFERENCES `img_images`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `img_tags_tag_idx` ON `img_tags` (`tag`);--> statement-breakpoint
CREATE TABLE `img_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`owner` text,
	`image_id` text,
	`input` text DEFAULT '{}' NOT NULL,
	`result` text,
	`message` text DEFAULT '' NOT NULL,
	`request_id` text,
	`user_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`expires_at` integer
);
--> statement-breakpoint
CREATE INDEX `img_tasks_owner_idx` ON `img_tasks` (`owner`,`created_at`);--> statement-breakpoint
CREATE INDEX `img_tasks_image_idx` ON `img_tasks` (`image_id`);