CREATE TABLE "instances" (
	"id" text PRIMARY KEY NOT NULL,
	"heard_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "connections_device" ON "connections" USING btree ("device_id");--> statement-breakpoint
CREATE INDEX "connections_instance" ON "connections" USING btree ("instance_id");