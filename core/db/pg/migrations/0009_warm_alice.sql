CREATE TABLE "catalog_project_endpoint_groups" (
	"project_id" text COLLATE "C" NOT NULL,
	"endpoint_group_id" text COLLATE "C" NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "catalog_project_endpoint_groups_project_id_endpoint_group_id_pk" PRIMARY KEY("project_id","endpoint_group_id")
);
--> statement-breakpoint
CREATE TABLE "catalog_project_endpoints" (
	"project_id" text COLLATE "C" NOT NULL,
	"endpoint_id" text COLLATE "C" NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "catalog_project_endpoints_project_id_endpoint_id_pk" PRIMARY KEY("project_id","endpoint_id")
);
--> statement-breakpoint
CREATE INDEX "catalog_project_endpoint_groups_group_idx" ON "catalog_project_endpoint_groups" USING btree ("endpoint_group_id");--> statement-breakpoint
CREATE INDEX "catalog_project_endpoints_endpoint_idx" ON "catalog_project_endpoints" USING btree ("endpoint_id");