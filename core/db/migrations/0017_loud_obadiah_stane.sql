CREATE TABLE `obj_inline_blobs` (
	`blob_key` text PRIMARY KEY NOT NULL,
	`data` blob NOT NULL,
	`created_at` integer NOT NULL
);
