CREATE TABLE "cmp_migrations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"uuid" text COLLATE "C" NOT NULL,
	"instance_id" text COLLATE "C" NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"user_id" text COLLATE "C" NOT NULL,
	"migration_type" text COLLATE "C" NOT NULL,
	"status" text COLLATE "C" NOT NULL,
	"source_compute" text COLLATE "C" NOT NULL,
	"source_node" text COLLATE "C" NOT NULL,
	"dest_compute" text COLLATE "C",
	"dest_node" text COLLATE "C",
	"dest_host" text COLLATE "C",
	"requested_host" text COLLATE "C",
	"old_flavor_id" text COLLATE "C" NOT NULL,
	"new_flavor_id" text COLLATE "C" NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "cmp_migrations_uuid_uq" ON "cmp_migrations" USING btree ("uuid");--> statement-breakpoint
CREATE INDEX "cmp_migrations_instance_idx" ON "cmp_migrations" USING btree ("instance_id","created_at");--> statement-breakpoint
CREATE INDEX "cmp_migrations_updated_idx" ON "cmp_migrations" USING btree ("updated_at");