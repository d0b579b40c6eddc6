CREATE TABLE `implied_roles` (
	`prior_role_id` text NOT NULL,
	`implied_role_id` text NOT NULL,
	PRIMARY KEY(`prior_role_id`, `implied_role_id`)
);
--> statement-breakpoint
CREATE INDEX `implied_roles_implied_idx` ON `implied_roles` (`implied_role_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `options` text DEFAULT '{}' NOT NULL;