CREATE TABLE "obj_inline_blobs" (
	"blob_key" text COLLATE "C" PRIMARY KEY NOT NULL,
	"data" "bytea" NOT NULL,
	"created_at" bigint NOT NULL
);
