CREATE TABLE "catalog_endpoint_groups" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"description" text COLLATE "C" DEFAULT '' NOT NULL,
	"filters" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_endpoints" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"service_id" text COLLATE "C" NOT NULL,
	"interface" text COLLATE "C" NOT NULL,
	"region_id" text COLLATE "C",
	"url" text COLLATE "C" NOT NULL,
	"enabled" bigint DEFAULT 1 NOT NULL,
	"extra" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_regions" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"description" text COLLATE "C" DEFAULT '' NOT NULL,
	"parent_region_id" text COLLATE "C",
	"extra" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_revision" (
	"id" bigint PRIMARY KEY NOT NULL,
	"revision" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_services" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"type" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" DEFAULT '' NOT NULL,
	"description" text COLLATE "C" DEFAULT '' NOT NULL,
	"enabled" bigint DEFAULT 1 NOT NULL,
	"extra" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trusts" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"trustor_user_id" text COLLATE "C" NOT NULL,
	"trustee_user_id" text COLLATE "C" NOT NULL,
	"project_id" text COLLATE "C",
	"impersonation" bigint NOT NULL,
	"role_ids" text COLLATE "C" NOT NULL,
	"expires_at" bigint,
	"remaining_uses" bigint,
	"redelegation_count" bigint DEFAULT 0 NOT NULL,
	"redelegated_trust_id" text COLLATE "C",
	"extra" text COLLATE "C" DEFAULT '{}' NOT NULL,
	"created_at" bigint NOT NULL,
	"deleted_at" bigint
);
--> statement-breakpoint
CREATE INDEX "catalog_endpoints_service_idx" ON "catalog_endpoints" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "catalog_regions_parent_idx" ON "catalog_regions" USING btree ("parent_region_id");--> statement-breakpoint
CREATE INDEX "trusts_trustor_idx" ON "trusts" USING btree ("trustor_user_id");--> statement-breakpoint
CREATE INDEX "trusts_trustee_idx" ON "trusts" USING btree ("trustee_user_id");--> statement-breakpoint
CREATE INDEX "trusts_parent_idx" ON "trusts" USING btree ("redelegated_trust_id");