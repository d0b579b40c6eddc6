CREATE TABLE "net_address_scopes" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"ip_version" bigint NOT NULL,
	"shared" bigint DEFAULT 0 NOT NULL,
	"revision" bigint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "net_agents" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"agent_type" text COLLATE "C" NOT NULL,
	"binary" text COLLATE "C" NOT NULL,
	"host" text COLLATE "C" NOT NULL,
	"topic" text COLLATE "C" NOT NULL,
	"availability_zone" text COLLATE "C",
	"admin_state_up" bigint DEFAULT 1 NOT NULL,
	"description" text COLLATE "C",
	"configurations" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"started_at" bigint NOT NULL,
	"heartbeat_at" bigint NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "net_floating_ips" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"ec2_id" text COLLATE "C" NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"floating_network_id" text COLLATE "C" NOT NULL,
	"floating_ip_address" text COLLATE "C" NOT NULL,
	"floating_port_id" text COLLATE "C" NOT NULL,
	"port_id" text COLLATE "C",
	"fixed_ip_address" text COLLATE "C",
	"router_id" text COLLATE "C",
	"status" text COLLATE "C" NOT NULL,
	"description" text COLLATE "C" DEFAULT '' NOT NULL,
	"dns_name" text COLLATE "C" DEFAULT '' NOT NULL,
	"dns_domain" text COLLATE "C" DEFAULT '' NOT NULL,
	"revision" bigint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "net_ip_allocations" (
	"subnet_id" text COLLATE "C" NOT NULL,
	"ip_address" text COLLATE "C" NOT NULL,
	"port_id" text COLLATE "C" NOT NULL,
	"network_id" text COLLATE "C" NOT NULL,
	"position" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "net_ip_allocations_subnet_id_ip_address_pk" PRIMARY KEY("subnet_id","ip_address")
);
--> statement-breakpoint
CREATE TABLE "net_networks" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"ec2_id" text COLLATE "C" NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" DEFAULT '' NOT NULL,
	"description" text COLLATE "C" DEFAULT '' NOT NULL,
	"admin_state_up" bigint DEFAULT 1 NOT NULL,
	"status" text COLLATE "C" NOT NULL,
	"shared" bigint DEFAULT 0 NOT NULL,
	"external" bigint DEFAULT 0 NOT NULL,
	"is_default" bigint DEFAULT 0 NOT NULL,
	"mtu" bigint NOT NULL,
	"network_type" text COLLATE "C" NOT NULL,
	"physical_network" text COLLATE "C",
	"segmentation_id" bigint,
	"segment_key" text COLLATE "C",
	"port_security_enabled" bigint DEFAULT 1 NOT NULL,
	"dns_domain" text COLLATE "C" DEFAULT '' NOT NULL,
	"az_hints" text COLLATE "C" DEFAULT '[]' NOT NULL,
	"revision" bigint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "net_port_security_groups" (
	"port_id" text COLLATE "C" NOT NULL,
	"security_group_id" text COLLATE "C" NOT NULL,
	CONSTRAINT "net_port_security_groups_port_id_security_group_id_pk" PRIMARY KEY("port_id","security_group_id")
);
--> statement-breakpoint
CREATE TABLE "net_ports" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"ec2_id" text COLLATE "C" NOT NULL,
	"network_id" text COLLATE "C" NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" DEFAULT '' NOT NULL,
	"description" text COLLATE "C" DEFAULT '' NOT NULL,
	"admin_state_up" bigint DEFAULT 1 NOT NULL,
	"status" text COLLATE "C" NOT NULL,
	"mac_address" text COLLATE "C" NOT NULL,
	"device_id" text COLLATE "C" DEFAULT '' NOT NULL,
	"device_owner" text COLLATE "C" DEFAULT '' NOT NULL,
	"host_id" text COLLATE "C" DEFAULT '' NOT NULL,
	"vnic_type" text COLLATE "C" DEFAULT 'normal' NOT NULL,
	"vif_type" text COLLATE "C" DEFAULT 'unbound' NOT NULL,
	"vif_details" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"binding_profile" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"port_security_enabled" bigint DEFAULT 1 NOT NULL,
	"allowed_address_pairs" text COLLATE "C" DEFAULT '[]' NOT NULL,
	"extra_dhcp_opts" text COLLATE "C" DEFAULT '[]' NOT NULL,
	"dns_name" text COLLATE "C" DEFAULT '' NOT NULL,
	"revision" bigint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "net_quotas" (
	"project_id" text COLLATE "C" NOT NULL,
	"resource" text COLLATE "C" NOT NULL,
	"limit_value" bigint NOT NULL,
	CONSTRAINT "net_quotas_project_id_resource_pk" PRIMARY KEY("project_id","resource")
);
--> statement-breakpoint
CREATE TABLE "net_routers" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"ec2_id" text COLLATE "C" NOT NULL,
	"igw_ec2_id" text COLLATE "C" NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" DEFAULT '' NOT NULL,
	"description" text COLLATE "C" DEFAULT '' NOT NULL,
	"admin_state_up" bigint DEFAULT 1 NOT NULL,
	"status" text COLLATE "C" NOT NULL,
	"gw_network_id" text COLLATE "C",
	"enable_snat" bigint DEFAULT 1 NOT NULL,
	"routes" text COLLATE "C" DEFAULT '[]' NOT NULL,
	"distributed" bigint DEFAULT 0 NOT NULL,
	"ha" bigint DEFAULT 0 NOT NULL,
	"az_hints" text COLLATE "C" DEFAULT '[]' NOT NULL,
	"l3_host" text COLLATE "C",
	"revision" bigint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "net_security_group_rules" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"security_group_id" text COLLATE "C" NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"direction" text COLLATE "C" NOT NULL,
	"ethertype" text COLLATE "C" NOT NULL,
	"protocol" text COLLATE "C",
	"port_range_min" bigint,
	"port_range_max" bigint,
	"remote_ip_prefix" text COLLATE "C",
	"remote_group_id" text COLLATE "C",
	"remote_address_group_id" text COLLATE "C",
	"description" text COLLATE "C" DEFAULT '' NOT NULL,
	"revision" bigint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "net_security_groups" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"ec2_id" text COLLATE "C" NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"description" text COLLATE "C" DEFAULT '' NOT NULL,
	"stateful" bigint DEFAULT 1 NOT NULL,
	"default_for" text COLLATE "C",
	"revision" bigint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "net_subnet_pools" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" DEFAULT '' NOT NULL,
	"description" text COLLATE "C" DEFAULT '' NOT NULL,
	"ip_version" bigint NOT NULL,
	"prefixes" text COLLATE "C" DEFAULT '[]' NOT NULL,
	"default_prefixlen" bigint NOT NULL,
	"min_prefixlen" bigint NOT NULL,
	"max_prefixlen" bigint NOT NULL,
	"shared" bigint DEFAULT 0 NOT NULL,
	"is_default" bigint DEFAULT 0 NOT NULL,
	"address_scope_id" text COLLATE "C",
	"default_quota" bigint,
	"revision" bigint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "net_subnets" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"ec2_id" text COLLATE "C" NOT NULL,
	"network_id" text COLLATE "C" NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" DEFAULT '' NOT NULL,
	"description" text COLLATE "C" DEFAULT '' NOT NULL,
	"ip_version" bigint NOT NULL,
	"cidr" text COLLATE "C" NOT NULL,
	"gateway_ip" text COLLATE "C",
	"enable_dhcp" bigint DEFAULT 1 NOT NULL,
	"allocation_pools" text COLLATE "C" DEFAULT '[]' NOT NULL,
	"dns_nameservers" text COLLATE "C" DEFAULT '[]' NOT NULL,
	"host_routes" text COLLATE "C" DEFAULT '[]' NOT NULL,
	"ipv6_ra_mode" text COLLATE "C",
	"ipv6_address_mode" text COLLATE "C",
	"subnetpool_id" text COLLATE "C",
	"segment_id" text COLLATE "C",
	"service_types" text COLLATE "C" DEFAULT '[]' NOT NULL,
	"dns_publish_fixed_ip" bigint DEFAULT 0 NOT NULL,
	"revision" bigint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "net_tags" (
	"resource_type" text COLLATE "C" NOT NULL,
	"resource_id" text COLLATE "C" NOT NULL,
	"tag" text COLLATE "C" NOT NULL,
	CONSTRAINT "net_tags_resource_type_resource_id_tag_pk" PRIMARY KEY("resource_type","resource_id","tag")
);
--> statement-breakpoint
ALTER TABLE "net_floating_ips" ADD CONSTRAINT "net_floating_ips_floating_network_id_net_networks_id_fk" FOREIGN KEY ("floating_network_id") REFERENCES "public"."net_networks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "net_ip_allocations" ADD CONSTRAINT "net_ip_allocations_subnet_id_net_subnets_id_fk" FOREIGN KEY ("subnet_id") REFERENCES "public"."net_subnets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "net_ip_allocations" ADD CONSTRAINT "net_ip_allocations_port_id_net_ports_id_fk" FOREIGN KEY ("port_id") REFERENCES "public"."net_ports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "net_port_security_groups" ADD CONSTRAINT "net_port_security_groups_port_id_net_ports_id_fk" FOREIGN KEY ("port_id") REFERENCES "public"."net_ports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "net_port_security_groups" ADD CONSTRAINT "net_port_security_groups_security_group_id_net_security_groups_id_fk" FOREIGN KEY ("security_group_id") REFERENCES "public"."net_security_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "net_ports" ADD CONSTRAINT "net_ports_network_id_net_networks_id_fk" FOREIGN KEY ("network_id") REFERENCES "public"."net_networks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "net_security_group_rules" ADD CONSTRAINT "net_security_group_rules_security_group_id_net_security_groups_id_fk" FOREIGN KEY ("security_group_id") REFERENCES "public"."net_security_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "net_subnets" ADD CONSTRAINT "net_subnets_network_id_net_networks_id_fk" FOREIGN KEY ("network_id") REFERENCES "public"."net_networks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "net_address_scopes_project_idx" ON "net_address_scopes" USING btree ("project_id");--> statement-breakpoint
CREATE UNIQUE INDEX "net_agents_type_host_uq" ON "net_agents" USING btree ("agent_type","host");--> statement-breakpoint
CREATE UNIQUE INDEX "net_floating_ips_ec2_id_uq" ON "net_floating_ips" USING btree ("ec2_id");--> statement-breakpoint
CREATE UNIQUE INDEX "net_floating_ips_fixed_uq" ON "net_floating_ips" USING btree ("port_id","fixed_ip_address");--> statement-breakpoint
CREATE INDEX "net_floating_ips_project_idx" ON "net_floating_ips" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "net_ip_allocations_port_idx" ON "net_ip_allocations" USING btree ("port_id");--> statement-breakpoint
CREATE UNIQUE INDEX "net_networks_ec2_id_uq" ON "net_networks" USING btree ("ec2_id");--> statement-breakpoint
CREATE UNIQUE INDEX "net_networks_segment_uq" ON "net_networks" USING btree ("segment_key");--> statement-breakpoint
CREATE INDEX "net_networks_project_idx" ON "net_networks" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "net_port_sgs_group_idx" ON "net_port_security_groups" USING btree ("security_group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "net_ports_ec2_id_uq" ON "net_ports" USING btree ("ec2_id");--> statement-breakpoint
CREATE UNIQUE INDEX "net_ports_network_mac_uq" ON "net_ports" USING btree ("network_id","mac_address");--> statement-breakpoint
CREATE INDEX "net_ports_device_idx" ON "net_ports" USING btree ("device_id");--> statement-breakpoint
CREATE INDEX "net_ports_project_idx" ON "net_ports" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "net_ports_network_idx" ON "net_ports" USING btree ("network_id");--> statement-breakpoint
CREATE UNIQUE INDEX "net_routers_ec2_id_uq" ON "net_routers" USING btree ("ec2_id");--> statement-breakpoint
CREATE UNIQUE INDEX "net_routers_igw_ec2_id_uq" ON "net_routers" USING btree ("igw_ec2_id");--> statement-breakpoint
CREATE INDEX "net_routers_project_idx" ON "net_routers" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "net_sg_rules_group_idx" ON "net_security_group_rules" USING btree ("security_group_id");--> statement-breakpoint
CREATE INDEX "net_sg_rules_remote_group_idx" ON "net_security_group_rules" USING btree ("remote_group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "net_security_groups_ec2_id_uq" ON "net_security_groups" USING btree ("ec2_id");--> statement-breakpoint
CREATE UNIQUE INDEX "net_security_groups_default_uq" ON "net_security_groups" USING btree ("default_for");--> statement-breakpoint
CREATE INDEX "net_security_groups_project_idx" ON "net_security_groups" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "net_subnet_pools_project_idx" ON "net_subnet_pools" USING btree ("project_id");--> statement-breakpoint
CREATE UNIQUE INDEX "net_subnets_ec2_id_uq" ON "net_subnets" USING btree ("ec2_id");--> statement-breakpoint
CREATE INDEX "net_subnets_network_idx" ON "net_subnets" USING btree ("network_id");--> statement-breakpoint
CREATE INDEX "net_subnets_project_idx" ON "net_subnets" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "net_tags_resource_idx" ON "net_tags" USING btree ("resource_id");