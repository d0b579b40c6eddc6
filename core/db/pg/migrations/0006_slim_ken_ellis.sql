CREATE TABLE "net_auto_topologies" (
	"project_id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"network_id" text COLLATE "C" NOT NULL,
	"router_id" text COLLATE "C",
	"created_at" bigint NOT NULL
);
