ALTER TABLE "devices" ADD COLUMN "action_secret_hash" text;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "allowed_sources" text;--> statement-breakpoint
CREATE UNIQUE INDEX "devices_action_secret" ON "devices" USING btree ("action_secret_hash");