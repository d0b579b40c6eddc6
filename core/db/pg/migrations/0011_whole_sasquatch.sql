CREATE TABLE "cmp_virtual_interfaces" (
	"port_id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"instance_id" text COLLATE "C" NOT NULL,
	"tag" text COLLATE "C" NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_consumers" (
	"holder" text COLLATE "C" PRIMARY KEY NOT NULL,
	"beat_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cmp_migrations" ADD COLUMN "requested_op" text COLLATE "C";--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "locked_by" text COLLATE "C";--> statement-breakpoint
CREATE INDEX "cmp_virtual_interfaces_instance_idx" ON "cmp_virtual_interfaces" USING btree ("instance_id");