CREATE TABLE "cache_generations" (
	"name" text COLLATE "C" PRIMARY KEY NOT NULL,
	"gen" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "periodic_leases" (
	"name" text COLLATE "C" PRIMARY KEY NOT NULL,
	"holder" text COLLATE "C" NOT NULL,
	"until" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "token_keys" (
	"idx" bigint PRIMARY KEY NOT NULL,
	"key" text COLLATE "C" NOT NULL,
	"created_at" bigint NOT NULL
);
