CREATE TABLE "img_images" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"ec2_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C",
	"status" text COLLATE "C" NOT NULL,
	"visibility" text COLLATE "C" NOT NULL,
	"owner" text COLLATE "C",
	"container_format" text COLLATE "C",
	"disk_format" text COLLATE "C",
	"size" bigint,
	"virtual_size" bigint,
	"checksum" text COLLATE "C",
	"os_hash_algo" text COLLATE "C",
	"os_hash_value" text COLLATE "C",
	"min_disk" bigint DEFAULT 0 NOT NULL,
	"min_ram" bigint DEFAULT 0 NOT NULL,
	"protected" bigint DEFAULT 0 NOT NULL,
	"os_hidden" bigint DEFAULT 0 NOT NULL,
	"data_object" text COLLATE "C",
	"stage_object" text COLLATE "C",
	"stage_size" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "img_members" (
	"image_id" text COLLATE "C" NOT NULL,
	"member" text COLLATE "C" NOT NULL,
	"status" text COLLATE "C" NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "img_members_image_id_member_pk" PRIMARY KEY("image_id","member")
);
--> statement-breakpoint
CREATE TABLE "img_properties" (
	"image_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"value" text COLLATE "C" NOT NULL,
	CONSTRAINT "img_properties_image_id_name_pk" PRIMARY KEY("image_id","name")
);
--> statement-breakpoint
CREATE TABLE "img_tags" (
	"image_id" text COLLATE "C" NOT NULL,
	"tag" text COLLATE "C" NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "img_tags_image_id_tag_pk" PRIMARY KEY("image_id","tag")
);
--> statement-breakpoint
CREATE TABLE "img_tasks" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"type" text COLLATE "C" NOT NULL,
	"status" text COLLATE "C" NOT NULL,
	"owner" text COLLATE "C",
	"image_id" text COLLATE "C",
	"input" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"result" text COLLATE "C",
	"message" text COLLATE "C" DEFAULT '' NOT NULL,
	"request_id" text COLLATE "C",
	"user_id" text COLLATE "C",
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"expires_at" bigint
);
--> statement-breakpoint
ALTER TABLE "img_members" ADD CONSTRAINT "img_members_image_id_img_images_id_fk" FOREIGN KEY ("image_id") REFERENCES "public"."img_images"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "img_properties" ADD CONSTRAINT "img_properties_image_id_img_images_id_fk" FOREIGN KEY ("image_id") REFERENCES "public"."img_images"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "img_tags" ADD CONSTRAINT "img_tags_image_id_img_images_id_fk" FOREIGN KEY ("image_id") REFERENCES "public"."img_images"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "img_images_ec2_id_uq" ON "img_images" USING btree ("ec2_id");--> statement-breakpoint
CREATE INDEX "img_images_owner_idx" ON "img_images" USING btree ("owner");--> statement-breakpoint
CREATE INDEX "img_images_visibility_idx" ON "img_images" USING btree ("visibility");--> statement-breakpoint
CREATE INDEX "img_images_created_idx" ON "img_images" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "img_members_member_idx" ON "img_members" USING btree ("member","status");--> statement-breakpoint
CREATE INDEX "img_properties_name_value_idx" ON "img_properties" USING btree ("name","value");--> statement-breakpoint
CREATE INDEX "img_tags_tag_idx" ON "img_tags" USING btree ("tag");--> statement-breakpoint
CREATE INDEX "img_tasks_owner_idx" ON "img_tasks" USING btree ("owner","created_at");--> statement-breakpoint
CREATE INDEX "img_tasks_image_idx" ON "img_tasks" USING btree ("image_id");