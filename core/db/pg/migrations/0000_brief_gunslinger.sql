CREATE TABLE "application_credentials" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"user_id" text COLLATE "C" NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"description" text COLLATE "C",
	"secret_hash" text COLLATE "C" NOT NULL,
	"expires_at" bigint,
	"unrestricted" bigint DEFAULT 0 NOT NULL,
	"role_ids" text COLLATE "C" NOT NULL,
	"access_rules" text COLLATE "C" DEFAULT '[]' NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credentials" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"user_id" text COLLATE "C" NOT NULL,
	"project_id" text COLLATE "C",
	"type" text COLLATE "C" NOT NULL,
	"blob" text COLLATE "C" NOT NULL,
	"access_key" text COLLATE "C",
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "domains" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"description" text COLLATE "C" DEFAULT '' NOT NULL,
	"enabled" bigint DEFAULT 1 NOT NULL,
	"extra" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "group_members" (
	"group_id" text COLLATE "C" NOT NULL,
	"user_id" text COLLATE "C" NOT NULL,
	CONSTRAINT "group_members_group_id_user_id_pk" PRIMARY KEY("group_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "groups" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"domain_id" text COLLATE "C" NOT NULL,
	"description" text COLLATE "C" DEFAULT '' NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "implied_roles" (
	"prior_role_id" text COLLATE "C" NOT NULL,
	"implied_role_id" text COLLATE "C" NOT NULL,
	CONSTRAINT "implied_roles_prior_role_id_implied_role_id_pk" PRIMARY KEY("prior_role_id","implied_role_id")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"payload" text COLLATE "C" NOT NULL,
	"run_at" bigint NOT NULL,
	"attempts" bigint DEFAULT 0 NOT NULL,
	"status" text COLLATE "C" DEFAULT 'pending' NOT NULL,
	"locked_until" bigint,
	"last_error" text COLLATE "C",
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "obj_accounts" (
	"project_id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"metadata" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "obj_blob_refs" (
	"blob_key" text COLLATE "C" PRIMARY KEY NOT NULL,
	"refs" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "obj_bucket_configs" (
	"container_id" text COLLATE "C" NOT NULL,
	"kind" text COLLATE "C" NOT NULL,
	"document" text COLLATE "C" NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "obj_bucket_configs_container_id_kind_pk" PRIMARY KEY("container_id","kind")
);
--> statement-breakpoint
CREATE TABLE "obj_containers" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"metadata" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"swift_read" text COLLATE "C",
	"swift_write" text COLLATE "C",
	"s3_acl" text COLLATE "C" DEFAULT '{"grants":[]}' NOT NULL,
	"tags" text COLLATE "C",
	"region" text COLLATE "C" NOT NULL,
	"versioning" text COLLATE "C",
	"encryption" text COLLATE "C",
	"swift_versions_location" text COLLATE "C",
	"swift_versions_mode" text COLLATE "C",
	"object_count" bigint DEFAULT 0 NOT NULL,
	"bytes_used" bigint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "obj_objects" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"container_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"size" bigint NOT NULL,
	"etag" text COLLATE "C" NOT NULL,
	"swift_etag" text COLLATE "C" NOT NULL,
	"content_type" text COLLATE "C" NOT NULL,
	"user_meta" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"sys_meta" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"last_modified" bigint NOT NULL,
	"delete_at" bigint,
	"tags" text COLLATE "C",
	"acl" text COLLATE "C" DEFAULT '{"grants":[]}' NOT NULL,
	"checksum" text COLLATE "C",
	"kind" text COLLATE "C" NOT NULL,
	"blob_key" text COLLATE "C",
	"manifest" text COLLATE "C",
	"dlo_manifest" text COLLATE "C",
	"encryption" text COLLATE "C",
	"version_id" text COLLATE "C"
);
--> statement-breakpoint
CREATE TABLE "obj_parts" (
	"upload_id" text COLLATE "C" NOT NULL,
	"part_number" bigint NOT NULL,
	"blob_key" text COLLATE "C" NOT NULL,
	"size" bigint NOT NULL,
	"etag" text COLLATE "C" NOT NULL,
	"checksum" text COLLATE "C",
	"last_modified" bigint NOT NULL,
	"cipher" text COLLATE "C",
	CONSTRAINT "obj_parts_upload_id_part_number_pk" PRIMARY KEY("upload_id","part_number")
);
--> statement-breakpoint
CREATE TABLE "obj_uploads" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"container_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"initiated" bigint NOT NULL,
	"initiator_user_id" text COLLATE "C",
	"initiator_user_name" text COLLATE "C",
	"settings" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"completed_version_id" text COLLATE "C",
	"completed_etag" text COLLATE "C"
);
--> statement-breakpoint
CREATE TABLE "obj_versions" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"delete_marker" bigint DEFAULT 0 NOT NULL,
	"id" text COLLATE "C" NOT NULL,
	"container_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"size" bigint NOT NULL,
	"etag" text COLLATE "C" NOT NULL,
	"swift_etag" text COLLATE "C" NOT NULL,
	"content_type" text COLLATE "C" NOT NULL,
	"user_meta" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"sys_meta" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"last_modified" bigint NOT NULL,
	"delete_at" bigint,
	"tags" text COLLATE "C",
	"acl" text COLLATE "C" DEFAULT '{"grants":[]}' NOT NULL,
	"checksum" text COLLATE "C",
	"kind" text COLLATE "C" NOT NULL,
	"blob_key" text COLLATE "C",
	"manifest" text COLLATE "C",
	"dlo_manifest" text COLLATE "C",
	"encryption" text COLLATE "C",
	"version_id" text COLLATE "C"
);
--> statement-breakpoint
CREATE TABLE "password_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" text COLLATE "C" NOT NULL,
	"password_hash" text COLLATE "C" NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"domain_id" text COLLATE "C" NOT NULL,
	"parent_id" text COLLATE "C",
	"description" text COLLATE "C" DEFAULT '' NOT NULL,
	"enabled" bigint DEFAULT 1 NOT NULL,
	"tags" text COLLATE "C" DEFAULT '[]' NOT NULL,
	"extra" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "revocation_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" text COLLATE "C",
	"project_id" text COLLATE "C",
	"domain_id" text COLLATE "C",
	"role_id" text COLLATE "C",
	"audit_id" text COLLATE "C",
	"app_cred_id" text COLLATE "C",
	"issued_before" bigint NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "role_assignments" (
	"type" text COLLATE "C" NOT NULL,
	"actor_id" text COLLATE "C" NOT NULL,
	"target_id" text COLLATE "C" NOT NULL,
	"role_id" text COLLATE "C" NOT NULL,
	"inherited" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "role_assignments_type_actor_id_target_id_role_id_inherited_pk" PRIMARY KEY("type","actor_id","target_id","role_id","inherited")
);
--> statement-breakpoint
CREATE TABLE "roles" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"domain_id" text COLLATE "C",
	"description" text COLLATE "C",
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"domain_id" text COLLATE "C" NOT NULL,
	"enabled" bigint DEFAULT 1 NOT NULL,
	"email" text COLLATE "C",
	"description" text COLLATE "C",
	"default_project_id" text COLLATE "C",
	"extra" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"password_hash" text COLLATE "C",
	"password_created_at" bigint,
	"password_expires_at" bigint,
	"password_self_service" bigint DEFAULT 0 NOT NULL,
	"options" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"failed_auth_count" bigint DEFAULT 0 NOT NULL,
	"failed_auth_at" bigint,
	"last_active_at" bigint,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "app_creds_user_name_uq" ON "application_credentials" USING btree ("user_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "credentials_access_key_uq" ON "credentials" USING btree ("access_key");--> statement-breakpoint
CREATE INDEX "credentials_user_idx" ON "credentials" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "domains_name_uq" ON "domains" USING btree ("name");--> statement-breakpoint
CREATE INDEX "group_members_user_idx" ON "group_members" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "groups_domain_name_uq" ON "groups" USING btree ("domain_id","name");--> statement-breakpoint
CREATE INDEX "implied_roles_implied_idx" ON "implied_roles" USING btree ("implied_role_id");--> statement-breakpoint
CREATE INDEX "jobs_status_run_at_idx" ON "jobs" USING btree ("status","run_at");--> statement-breakpoint
CREATE INDEX "jobs_status_updated_idx" ON "jobs" USING btree ("status","updated_at");--> statement-breakpoint
CREATE INDEX "obj_bucket_configs_kind_idx" ON "obj_bucket_configs" USING btree ("kind");--> statement-breakpoint
CREATE UNIQUE INDEX "obj_containers_project_name_uq" ON "obj_containers" USING btree ("project_id","name");--> statement-breakpoint
CREATE INDEX "obj_containers_name_idx" ON "obj_containers" USING btree ("name","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "obj_objects_container_name_uq" ON "obj_objects" USING btree ("container_id","name");--> statement-breakpoint
CREATE INDEX "obj_objects_delete_at_idx" ON "obj_objects" USING btree ("delete_at");--> statement-breakpoint
CREATE INDEX "obj_uploads_container_name_idx" ON "obj_uploads" USING btree ("container_id","name","initiated");--> statement-breakpoint
CREATE UNIQUE INDEX "obj_versions_id_uq" ON "obj_versions" USING btree ("id");--> statement-breakpoint
CREATE INDEX "obj_versions_container_name_seq_idx" ON "obj_versions" USING btree ("container_id","name","seq");--> statement-breakpoint
CREATE INDEX "password_history_user_idx" ON "password_history" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "projects_domain_name_uq" ON "projects" USING btree ("domain_id","name");--> statement-breakpoint
CREATE INDEX "projects_parent_idx" ON "projects" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "revocation_events_created_idx" ON "revocation_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "role_assignments_actor_idx" ON "role_assignments" USING btree ("actor_id");--> statement-breakpoint
CREATE INDEX "role_assignments_target_idx" ON "role_assignments" USING btree ("target_id");--> statement-breakpoint
CREATE INDEX "role_assignments_role_idx" ON "role_assignments" USING btree ("role_id");--> statement-breakpoint
CREATE UNIQUE INDEX "roles_domain_name_uq" ON "roles" USING btree ("name","domain_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_domain_name_uq" ON "users" USING btree ("domain_id","name");