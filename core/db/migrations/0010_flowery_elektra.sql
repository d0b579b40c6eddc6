CREATE TABLE `net_address_scopes` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`ip_version` integer NOT NULL,
	`shared` integer DEFAULT false NOT NULL,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `net_address_scopes_project_idx` ON `net_address_scopes` (`project_id`);--> statement-breakpoint
CREATE TABLE `net_agents` (
	`id` text PRIMARY KEY NOT NULL,
	`agent_type` text NOT NULL,
	`binary` text NOT NULL,
	`host` text NOT NULL,
	`topic` text NOT NULL,
	`availability_zone` text,
	`admin_state_up` integer DEFAULT true NOT NULL,
	`description` text,
	`configurations` text DEFAULT '{}' NOT NULL,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `net_agents_type_host_uq` ON `net_agents` (`agent_type`,`host`);--> statement-breakpoint
CREATE TABLE `net_floating_ips` (
	`id` text PRIMARY KEY NOT NULL,
	`ec2_id` text NOT NULL,
	`project_id` text NOT NULL,
	`floating_network_id` text NOT NULL,
	`floating_ip_address` text NOT NULL,
	`floating_port_id` text NOT NULL,
	`port_id` text,
	`fixed_ip_address` text,
	`router_id` text,
	`status` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`dns_name` text DEFAULT '' NOT NULL,
	`dns_domain` text DEFAULT '' NOT NULL,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`floating_network_id`) REFERENCES `net_networks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `net_floating_ips_ec2_id_uq` ON `net_floating_ips` (`ec2_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `net_floating_ips_fixed_uq` ON `net_floating_ips` (`port_id`,`fixed_ip_address`);--> statement-breakpoint
CREATE INDEX `net_floating_ips_project_idx` ON `net_floating_ips` (`project_id`);--> statement-breakpoint
CREATE TABLE `net_ip_allocations` (
	`subnet_id` text NOT NULL,
	`ip_address` text NOT NULL,
	`port_id` text NOT NULL,
	`network_id` text NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`subnet_id`, `ip_address`),
	FOREIGN KEY (`subnet_id`) REFERENCES `net_subnets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`port_id`) REFERENCES `net_ports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `net_ip_allocations_port_idx` ON `net_ip_allocations` (`port_id`);--> statement-breakpoint
CREATE TABLE `net_networks` (
	`id` text PRIMARY KEY NOT NULL,
	`ec2_id` text NOT NULL,
	`project_id` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`admin_state_up` integer DEFAULT true NOT NULL,
	`status` text NOT NULL,
	`shared` integer DEFAULT false NOT NULL,
	`external` integer DEFAULT false NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`mtu` integer NOT NULL,
	`network_type` text NOT NULL,
	`physical_network` text,
	`segmentation_id` integer,
	`segment_key` text,
	`port_security_enabled` integer DEFAULT true NOT NULL,
	`dns_domain` text DEFAULT '' NOT NULL,
	`az_hints` text DEFAULT '[]' NOT NULL,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `net_networks_ec2_id_uq` ON `net_networks` (`ec2_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `net_networks_segment_uq` ON `net_networks` (`segment_key`);--> statement-breakpoint
CREATE INDEX `net_networks_project_idx` ON `net_networks` (`project_id`);--> statement-breakpoint
CREATE TABLE `net_port_security_groups` (
	`port_id` text NOT NULL,
	`security_group_id` text NOT NULL,
	PRIMARY KEY(`port_id`, `security_group_id`),
	FOREIGN KEY (`port_id`) REFERENCES `net_ports`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`security_group_id`) REFERENCES `net_security_groups`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `net_port_sgs_group_idx` ON `net_port_security_groups` (`security_group_id`);--> statement-breakpoint
CREATE TABLE `net_ports` (
	`id` text PRIMARY KEY NOT NULL,
	`ec2_id` text NOT NULL,
	`network_id` text NOT NULL,
	`project_id` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`admin_state_up` integer DEFAULT true NOT NULL,
	`status` text NOT NULL,
	`mac_address` text NOT NULL,
	`device_id` text DEFAULT '' NOT NULL,
	`device_owner` text DEFAULT '' NOT NULL,
	`host_id` text DEFAULT '' NOT NULL,
	`vnic_type` text DEFAULT 'normal' NOT NULL,
	`vif_type` text DEFAULT 'unbound' NOT NULL,
	`vif_details` text DEFAULT '{}' NOT NULL,
	`binding_profile` text DEFAULT '{}' NOT NULL,
	`port_security_enabled` integer DEFAULT true NOT NULL,
	`allowed_address_pairs` text DEFAULT '[]' NOT NULL,
	`extra_dhcp_opts` text DEFAULT '[]' NOT NULL,
	`dns_name` text DEFAULT '' NOT NULL,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`network_id`) REFERENCES `net_networks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `net_ports_ec2_id_uq` ON `net_ports` (`ec2_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `net_ports_network_mac_uq` ON `net_ports` (`network_id`,`mac_address`);--> statement-breakpoint
CREATE INDEX `net_ports_device_idx` ON `net_ports` (`device_id`);--> statement-breakpoint
CREATE INDEX `net_ports_project_idx` ON `net_ports` (`project_id`);--> statement-breakpoint
CREATE INDEX `net_ports_network_idx` ON `net_ports` (`network_id`);--> statement-breakpoint
CREATE TABLE `net_quotas` (
	`project_id` text NOT NULL,
	`resource` text NOT NULL,
	`limit_value` integer NOT NULL,
	PRIMARY KEY(`project_id`, `resource`)
);
--> statement-breakpoint
CREATE TABLE `net_routers` (
	`id` text PRIMARY KEY NOT NULL,
	`ec2_id` text NOT NULL,
	`igw_ec2_id` text NOT NULL,
	`project_id` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`admin_state_up` integer DEFAULT true NOT NULL,
	`status` text NOT NULL,
	`gw_network_id` text,
	`enable_snat` integer DEFAULT true NOT NULL,
	`routes` text DEFAULT '[]' NOT NULL,
	`distributed` integer DEFAULT false NOT NULL,
	`ha` integer DEFAULT false NOT NULL,
	`az_hints` text DEFAULT '[]' NOT NULL,
	`l3_host` text,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `net_routers_ec2_id_uq` ON `net_routers` (`ec2_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `net_routers_igw_ec2_id_uq` ON `net_routers` (`igw_ec2_id`);--> statement-breakpoint
CREATE INDEX `net_routers_project_idx` ON `net_routers` (`project_id`);--> statement-breakpoint
CREATE TABLE `net_security_group_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`security_group_id` text NOT NULL,
	`project_id` text NOT NULL,
	`direction` text NOT NULL,
	`ethertype` text NOT NULL,
	`protocol` text,
	`port_range_min` integer,
	`port_range_max` integer,
	`remote_ip_prefix` text,
	`remote_group_id` text,
	`remote_address_group_id` text,
	`description` text DEFAULT '' NOT NULL,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`security_group_id`) REFERENCES `net_security_groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `net_sg_rules_group_idx` ON `net_security_group_rules` (`security_group_id`);--> statement-breakpoint
CREATE INDEX `net_sg_rules_remote_group_idx` ON `net_security_group_rules` (`remote_group_id`);--> statement-breakpoint
CREATE TABLE `net_security_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`ec2_id` text NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`stateful` integer DEFAULT true NOT NULL,
	`default_for` text,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `net_security_groups_ec2_id_uq` ON `net_security_groups` (`ec2_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `net_security_groups_default_uq` ON `net_security_groups` (`default_for`);--> statement-breakpoint
CREATE INDEX `net_security_groups_project_idx` ON `net_security_groups` (`project_id`);--> statement-breakpoint
CREATE TABLE `net_subnet_pools` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`ip_version` integer NOT NULL,
	`prefixes` text DEFAULT '[]' NOT NULL,
	`default_prefixlen` integer NOT NULL,
	`min_prefixlen` integer NOT NULL,
	`max_prefixlen` integer NOT NULL,
	`shared` integer DEFAULT false NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`address_scope_id` text,
	`default_quota` integer,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `net_subnet_pools_project_idx` ON `net_subnet_pools` (`project_id`);--> statement-breakpoint
CREATE TABLE `net_subnets` (
	`id` text PRIMARY KEY NOT NULL,
	`ec2_id` text NOT NULL,
	`network_id` text NOT NULL,
	`project_id` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`ip_version` integer NOT NULL,
	`cidr` text NOT NULL,
	`gateway_ip` text,
	`enable_dhcp` integer DEFAULT true NOT NULL,
	`allocation_pools` text DEFAULT '[]' NOT NULL,
	`dns_nameservers` text DEFAULT '[]' NOT NULL,
	`host_routes` text DEFAULT '[]' NOT NULL,
	`ipv6_ra_mode` text,
	`ipv6_address_mode` text,
	`subnetpool_id` text,
	`segment_id` text,
	`service_types` text DEFAULT '[]' NOT NULL,
	`dns_publish_fixed_ip` integer DEFAULT false NOT NULL,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`network_id`) REFERENCES `net_networks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `net_subnets_ec2_id_uq` ON `net_subnets` (`ec2_id`);--> statement-breakpoint
CREATE INDEX `net_subnets_network_idx` ON `net_subnets` (`network_id`);--> statement-breakpoint
CREATE INDEX `net_subnets_project_idx` ON `net_subnets` (`project_id`);--> statement-breakpoint
CREATE TABLE `net_tags` (
	`resource_type` text NOT NULL,
	`resource_id` text NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`resource_type`, `resource_id`, `tag`)
);
--> statement-breakpoint
CREATE INDEX `net_tags_resource_idx` ON `net_tags` (`resource_id`);