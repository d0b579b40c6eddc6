CREATE TABLE `cache_generations` (
	`name` text PRIMARY KEY NOT NULL,
	`gen` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `periodic_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`until` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `token_keys` (
	`idx` integer PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`created_at` integer NOT NULL
);
