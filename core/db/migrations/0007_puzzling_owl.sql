ALTER TABLE `obj_containers` ADD `encryption` text;--> statement-breakpoint
ALTER TABLE `obj_objects` ADD `encryption` text;--> statement-breakpoint
ALTER TABLE `obj_parts` ADD `cipher` text;--> statement-breakpoint
ALTER TABLE `obj_versions` ADD `encryption` text;