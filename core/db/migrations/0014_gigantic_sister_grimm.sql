CREATE TABLE `cmp_compute_nodes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text NOT NULL,
	`host` text NOT NULL,
	`hypervisor_hostname` text NOT NULL,
	`hypervisor_type` text NOT NULL,
	`hypervisor_version` integer NOT NULL,
	`host_ip` text NOT NULL,
	`vcpus` integer NOT NULL,
	`memory_mb` integer NOT NULL,
	`local_gb` integer NOT NULL,
	`vcpus_used` integer DEFAULT 0 NOT NULL,
	`memory_mb_used` integer DEFAULT 0 NOT NULL,
	`local_gb_used` integer DEFAULT 0 NOT NULL,
	`running_vms` integer DEFAULT 0 NOT NULL,
	`cpu_allocation_ratio` real NOT NULL,
	`ram_allocation_ratio` real NOT NULL,
	`disk_allocation_ratio` real NOT NULL,
	`started_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cmp_compute_nodes_host_uq` ON `cmp_compute_nodes` (`host`);--> statement-breakpoint
CREATE UNIQUE INDEX `cmp_compute_nodes_uuid_uq` ON `cmp_compute_nodes` (`uuid`);--> statement-breakpoint
CREATE TABLE `cmp_console_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`instance_id` text NOT NULL,
	`console_type` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
CREATE TABLE `cmp_flavor_access` (
	`flavor_id` text NOT NULL,
	`project_id` text NOT NULL,
	PRIMARY KEY(`flavor_id`, `project_id`),
	FOREIGN KEY (`flavor_id`) REFERENCES `cmp_flavors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `cmp_flavor_extra_specs` (
	`flavor_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`flavor_id`, `key`),
	FOREIGN KEY (`flavor_id`) REFERENCES `cmp_flavors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `cmp_flavors` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`vcpus` integer NOT NULL,
	`ram_mb` integer NOT NULL,
	`disk_gb` integer NOT NULL,
	`ephemeral_gb` integer DEFAULT 0 NOT NULL,
	`swap_mb` integer DEFAULT 0 NOT NULL,
	`rxtx_factor` real DEFAULT 1 NOT NULL,
	`is_public` integer DEFAULT true NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`description` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cmp_flavors_name_uq` ON `cmp_flavors` (`name`);--> statement-breakpoint
CREATE TABLE `cmp_instance_action_events` (
	`id` text PRIMARY KEY NOT NULL,
	`action_id` text NOT NULL,
	`event` text NOT NULL,
	`host` text,
	`result` text,
	`traceback` text,
	`start_time` integer NOT NULL,
	`finish_time` integer,
	FOREIGN KEY (`action_id`) REFERENCES `cmp_instance_actions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cmp_instance_action_events_uq` ON `cmp_instance_action_events` (`action_id`,`event`);--> statement-breakpoint
CREATE TABLE `cmp_instance_actions` (
	`id` text PRIMARY KEY NOT NULL,
	`instance_id` text NOT NULL,
	`request_id` text NOT NULL,
	`action` text NOT NULL,
	`project_id` text NOT NULL,
	`user_id` text NOT NULL,
	`message` text,
	`start_time` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `cmp_instance_actions_instance_idx` ON `cmp_instance_actions` (`instance_id`,`start_time`);--> statement-breakpoint
CREATE INDEX `cmp_instance_actions_request_idx` ON `cmp_instance_actions` (`instance_id`,`request_id`);--> statement-breakpoint
CREATE TABLE `cmp_instance_faults` (
	`id` text PRIMARY KEY NOT NULL,
	`instance_id` text NOT NULL,
	`code` integer NOT NULL,
	`message` text NOT NULL,
	`details` text DEFAULT '' NOT NULL,
	`host` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `cmp_instance_faults_instance_idx` ON `cmp_instance_faults` (`instance_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `cmp_instance_tags` (
	`instance_id` text NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`instance_id`, `tag`),
	FOREIGN KEY (`instance_id`) REFERENCES `cmp_instances`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `cmp_instance_tags_tag_idx` ON `cmp_instance_tags` (`tag`);--> statement-breakpoint
CREATE TABLE `cmp_instances` (
	`id` text PRIMARY KEY NOT NULL,
	`ec2_id` text NOT NULL,
	`project_id` text NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`hostname` text NOT NULL,
	`description` text,
	`reservation_id` text NOT NULL,
	`launch_index` integer DEFAULT 0 NOT NULL,
	`flavor` text NOT NULL,
	`new_flavor` text,
	`old_flavor` text,
	`image_id` text,
	`key_name` text,
	`key_data` text,
	`user_data` text,
	`admin_pass` text,
	`metadata` text DEFAULT '{}' NOT NULL,
	`vm_state` text NOT NULL,
	`task_state` text,
	`power_state` integer DEFAULT 0 NOT NULL,
	`previous_vm_state` text,
	`host` text,
	`node` text,
	`availability_zone` text,
	`requested_zone` text,
	`locked` integer DEFAULT false NOT NULL,
	`locked_by` text,
	`locked_reason` text,
	`access_ipv4` text,
	`access_ipv6` text,
	`config_drive` text DEFAULT '' NOT NULL,
	`progress` integer DEFAULT 0 NOT NULL,
	`requested_networks` text NOT NULL,
	`addresses` text DEFAULT '{}' NOT NULL,
	`security_groups` text DEFAULT '[]' NOT NULL,
	`schedule` text NOT NULL,
	`server_group_id` text,
	`launched_at` integer,
	`terminated_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cmp_instances_ec2_id_uq` ON `cmp_instances` (`ec2_id`);--> statement-breakpoint
CREATE INDEX `cmp_instances_project_idx` ON `cmp_instances` (`project_id`,`deleted_at`,`created_at`);--> statement-breakpoint
CREATE INDEX `cmp_instances_host_idx` ON `cmp_instances` (`host`,`deleted_at`);--> statement-breakpoint
CREATE INDEX `cmp_instances_updated_idx` ON `cmp_instances` (`updated_at`);--> statement-breakpoint
CREATE INDEX `cmp_instances_reservation_idx` ON `cmp_instances` (`reservation_id`);--> statement-breakpoint
CREATE TABLE `cmp_keypairs` (
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`ec2_id` text NOT NULL,
	`project_id` text,
	`type` text NOT NULL,
	`public_key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `name`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cmp_keypairs_ec2_id_uq` ON `cmp_keypairs` (`ec2_id`);--> statement-breakpoint
CREATE TABLE `cmp_quota_limits` (
	`project_id` text NOT NULL,
	`resource` text NOT NULL,
	`hard_limit` integer NOT NULL,
	PRIMARY KEY(`project_id`, `resource`)
);
--> statement-breakpoint
CREATE TABLE `cmp_quota_usage` (
	`project_id` text PRIMARY KEY NOT NULL,
	`instances` integer DEFAULT 0 NOT NULL,
	`cores` integer DEFAULT 0 NOT NULL,
	`ram_mb` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `cmp_server_group_members` (
	`group_id` text NOT NULL,
	`instance_id` text NOT NULL,
	PRIMARY KEY(`group_id`, `instance_id`),
	FOREIGN KEY (`group_id`) REFERENCES `cmp_server_groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `cmp_server_group_members_instance_idx` ON `cmp_server_group_members` (`instance_id`);--> statement-breakpoint
CREATE TABLE `cmp_server_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`policy` text NOT NULL,
	`rules` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `cmp_server_groups_project_idx` ON `cmp_server_groups` (`project_id`);--> statement-breakpoint
CREATE TABLE `cmp_services` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text NOT NULL,
	`binary` text NOT NULL,
	`host` text NOT NULL,
	`zone` text NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`disabled_reason` text,
	`forced_down` integer DEFAULT false NOT NULL,
	`last_seen_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cmp_services_host_binary_uq` ON `cmp_services` (`host`,`binary`);--> statement-breakpoint
CREATE UNIQUE INDEX `cmp_services_uuid_uq` ON `cmp_services` (`uuid`);