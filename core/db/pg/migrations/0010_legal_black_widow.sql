CREATE TABLE "job_consumers" (
	"holder" text COLLATE "C" PRIMARY KEY NOT NULL,
	"beat_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "locked_by" text COLLATE "C";