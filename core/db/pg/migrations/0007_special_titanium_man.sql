CREATE TABLE "cmp_compute_nodes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"uuid" text COLLATE "C" NOT NULL,
	"host" text COLLATE "C" NOT NULL,
	"hypervisor_hostname" text COLLATE "C" NOT NULL,
	"hypervisor_type" text COLLATE "C" NOT NULL,
	"hypervisor_version" bigint NOT NULL,
	"host_ip" text COLLATE "C" NOT NULL,
	"vcpus" bigint NOT NULL,
	"memory_mb" bigint NOT NULL,
	"local_gb" bigint NOT NULL,
	"vcpus_used" bigint DEFAULT 0 NOT NULL,
	"memory_mb_used" bigint DEFAULT 0 NOT NULL,
	"local_gb_used" bigint DEFAULT 0 NOT NULL,
	"running_vms" bigint DEFAULT 0 NOT NULL,
	"cpu_allocation_ratio" double precision NOT NULL,
	"ram_allocation_ratio" double precision NOT NULL,
	"disk_allocation_ratio" double precision NOT NULL,
	"started_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cmp_console_tokens" (
	"token_hash" text COLLATE "C" PRIMARY KEY NOT NULL,
	"instance_id" text COLLATE "C" NOT NULL,
	"console_type" text COLLATE "C" NOT NULL,
	"expires_at" bigint NOT NULL,
	"used_at" bigint
);
--> statement-breakpoint
CREATE TABLE "cmp_flavor_access" (
	"flavor_id" text COLLATE "C" NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	CONSTRAINT "cmp_flavor_access_flavor_id_project_id_pk" PRIMARY KEY("flavor_id","project_id")
);
--> statement-breakpoint
CREATE TABLE "cmp_flavor_extra_specs" (
	"flavor_id" text COLLATE "C" NOT NULL,
	"key" text COLLATE "C" NOT NULL,
	"value" text COLLATE "C" NOT NULL,
	CONSTRAINT "cmp_flavor_extra_specs_flavor_id_key_pk" PRIMARY KEY("flavor_id","key")
);
--> statement-breakpoint
CREATE TABLE "cmp_flavors" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"vcpus" bigint NOT NULL,
	"ram_mb" bigint NOT NULL,
	"disk_gb" bigint NOT NULL,
	"ephemeral_gb" bigint DEFAULT 0 NOT NULL,
	"swap_mb" bigint DEFAULT 0 NOT NULL,
	"rxtx_factor" double precision DEFAULT 1 NOT NULL,
	"is_public" bigint DEFAULT 1 NOT NULL,
	"disabled" bigint DEFAULT 0 NOT NULL,
	"description" text COLLATE "C",
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cmp_instance_action_events" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"action_id" text COLLATE "C" NOT NULL,
	"event" text COLLATE "C" NOT NULL,
	"host" text COLLATE "C",
	"result" text COLLATE "C",
	"traceback" text COLLATE "C",
	"start_time" bigint NOT NULL,
	"finish_time" bigint
);
--> statement-breakpoint
CREATE TABLE "cmp_instance_actions" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"instance_id" text COLLATE "C" NOT NULL,
	"request_id" text COLLATE "C" NOT NULL,
	"action" text COLLATE "C" NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"user_id" text COLLATE "C" NOT NULL,
	"message" text COLLATE "C",
	"start_time" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cmp_instance_faults" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"instance_id" text COLLATE "C" NOT NULL,
	"code" bigint NOT NULL,
	"message" text COLLATE "C" NOT NULL,
	"details" text COLLATE "C" DEFAULT '' NOT NULL,
	"host" text COLLATE "C",
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cmp_instance_tags" (
	"instance_id" text COLLATE "C" NOT NULL,
	"tag" text COLLATE "C" NOT NULL,
	CONSTRAINT "cmp_instance_tags_instance_id_tag_pk" PRIMARY KEY("instance_id","tag")
);
--> statement-breakpoint
CREATE TABLE "cmp_instances" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"ec2_id" text COLLATE "C" NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"user_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"hostname" text COLLATE "C" NOT NULL,
	"description" text COLLATE "C",
	"reservation_id" text COLLATE "C" NOT NULL,
	"launch_index" bigint DEFAULT 0 NOT NULL,
	"flavor" text COLLATE "C" NOT NULL,
	"new_flavor" text COLLATE "C",
	"old_flavor" text COLLATE "C",
	"image_id" text COLLATE "C",
	"key_name" text COLLATE "C",
	"key_data" text COLLATE "C",
	"user_data" text COLLATE "C",
	"admin_pass" text COLLATE "C",
	"metadata" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"vm_state" text COLLATE "C" NOT NULL,
	"task_state" text COLLATE "C",
	"power_state" bigint DEFAULT 0 NOT NULL,
	"previous_vm_state" text COLLATE "C",
	"host" text COLLATE "C",
	"node" text COLLATE "C",
	"availability_zone" text COLLATE "C",
	"requested_zone" text COLLATE "C",
	"locked" bigint DEFAULT 0 NOT NULL,
	"locked_by" text COLLATE "C",
	"locked_reason" text COLLATE "C",
	"access_ipv4" text COLLATE "C",
	"access_ipv6" text COLLATE "C",
	"config_drive" text COLLATE "C" DEFAULT '' NOT NULL,
	"progress" bigint DEFAULT 0 NOT NULL,
	"requested_networks" text COLLATE "C" NOT NULL,
	"addresses" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"security_groups" text COLLATE "C" DEFAULT '[]' NOT NULL,
	"schedule" text COLLATE "C" NOT NULL,
	"server_group_id" text COLLATE "C",
	"launched_at" bigint,
	"terminated_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"deleted_at" bigint
);
--> statement-breakpoint
CREATE TABLE "cmp_keypairs" (
	"user_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"ec2_id" text COLLATE "C" NOT NULL,
	"project_id" text COLLATE "C",
	"type" text COLLATE "C" NOT NULL,
	"public_key" text COLLATE "C" NOT NULL,
	"fingerprint" text COLLATE "C" NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "cmp_keypairs_user_id_name_pk" PRIMARY KEY("user_id","name")
);
--> statement-breakpoint
CREATE TABLE "cmp_quota_limits" (
	"project_id" text COLLATE "C" NOT NULL,
	"resource" text COLLATE "C" NOT NULL,
	"hard_limit" bigint NOT NULL,
	CONSTRAINT "cmp_quota_limits_project_id_resource_pk" PRIMARY KEY("project_id","resource")
);
--> statement-breakpoint
CREATE TABLE "cmp_quota_usage" (
	"project_id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"instances" bigint DEFAULT 0 NOT NULL,
	"cores" bigint DEFAULT 0 NOT NULL,
	"ram_mb" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cmp_server_group_members" (
	"group_id" text COLLATE "C" NOT NULL,
	"instance_id" text COLLATE "C" NOT NULL,
	CONSTRAINT "cmp_server_group_members_group_id_instance_id_pk" PRIMARY KEY("group_id","instance_id")
);
--> statement-breakpoint
CREATE TABLE "cmp_server_groups" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"user_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"policy" text COLLATE "C" NOT NULL,
	"rules" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cmp_services" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"uuid" text COLLATE "C" NOT NULL,
	"binary" text COLLATE "C" NOT NULL,
	"host" text COLLATE "C" NOT NULL,
	"zone" text COLLATE "C" NOT NULL,
	"disabled" bigint DEFAULT 0 NOT NULL,
	"disabled_reason" text COLLATE "C",
	"forced_down" bigint DEFAULT 0 NOT NULL,
	"last_seen_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cmp_flavor_access" ADD CONSTRAINT "cmp_flavor_access_flavor_id_cmp_flavors_id_fk" FOREIGN KEY ("flavor_id") REFERENCES "public"."cmp_flavors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmp_flavor_extra_specs" ADD CONSTRAINT "cmp_flavor_extra_specs_flavor_id_cmp_flavors_id_fk" FOREIGN KEY ("flavor_id") REFERENCES "public"."cmp_flavors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmp_instance_action_events" ADD CONSTRAINT "cmp_instance_action_events_action_id_cmp_instance_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."cmp_instance_actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmp_instance_tags" ADD CONSTRAINT "cmp_instance_tags_instance_id_cmp_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."cmp_instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmp_server_group_members" ADD CONSTRAINT "cmp_server_group_members_group_id_cmp_server_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."cmp_server_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cmp_compute_nodes_host_uq" ON "cmp_compute_nodes" USING btree ("host");--> statement-breakpoint
CREATE UNIQUE INDEX "cmp_compute_nodes_uuid_uq" ON "cmp_compute_nodes" USING btree ("uuid");--> statement-breakpoint
CREATE UNIQUE INDEX "cmp_flavors_name_uq" ON "cmp_flavors" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "cmp_instance_action_events_uq" ON "cmp_instance_action_events" USING btree ("action_id","event");--> statement-breakpoint
CREATE INDEX "cmp_instance_actions_instance_idx" ON "cmp_instance_actions" USING btree ("instance_id","start_time");--> statement-breakpoint
CREATE INDEX "cmp_instance_actions_request_idx" ON "cmp_instance_actions" USING btree ("instance_id","request_id");--> statement-breakpoint
CREATE INDEX "cmp_instance_faults_instance_idx" ON "cmp_instance_faults" USING btree ("instance_id","created_at");--> statement-breakpoint
CREATE INDEX "cmp_instance_tags_tag_idx" ON "cmp_instance_tags" USING btree ("tag");--> statement-breakpoint
CREATE UNIQUE INDEX "cmp_instances_ec2_id_uq" ON "cmp_instances" USING btree ("ec2_id");--> statement-breakpoint
CREATE INDEX "cmp_instances_project_idx" ON "cmp_instances" USING btree ("project_id","deleted_at","created_at");--> statement-breakpoint
CREATE INDEX "cmp_instances_host_idx" ON "cmp_instances" USING btree ("host","deleted_at");--> statement-breakpoint
CREATE INDEX "cmp_instances_updated_idx" ON "cmp_instances" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "cmp_instances_reservation_idx" ON "cmp_instances" USING btree ("reservation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cmp_keypairs_ec2_id_uq" ON "cmp_keypairs" USING btree ("ec2_id");--> statement-breakpoint
CREATE INDEX "cmp_server_group_members_instance_idx" ON "cmp_server_group_members" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "cmp_server_groups_project_idx" ON "cmp_server_groups" USING btree ("project_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cmp_services_host_binary_uq" ON "cmp_services" USING btree ("host","binary");--> statement-breakpoint
CREATE UNIQUE INDEX "cmp_services_uuid_uq" ON "cmp_services" USING btree ("uuid");