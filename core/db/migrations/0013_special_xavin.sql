CREATE TABLE `net_auto_topologies` (
	`project_id` text PRIMARY KEY NOT NULL,
	`network_id` text NOT NULL,
	`router_id` text,
	`created_at` integer NOT NULL
);
