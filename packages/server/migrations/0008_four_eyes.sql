CREATE TABLE "role_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"role" text NOT NULL,
	"requested_by_id" uuid,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"decision" text,
	"decided_by_id" uuid,
	"decided_by" text,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "password_set_by" text;--> statement-breakpoint
ALTER TABLE "role_requests" ADD CONSTRAINT "role_requests_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_requests" ADD CONSTRAINT "role_requests_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_requests" ADD CONSTRAINT "role_requests_requested_by_id_people_id_fk" FOREIGN KEY ("requested_by_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_requests" ADD CONSTRAINT "role_requests_decided_by_id_people_id_fk" FOREIGN KEY ("decided_by_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "role_requests_org" ON "role_requests" USING btree ("org_id","decided_at");--> statement-breakpoint
CREATE UNIQUE INDEX "role_requests_open" ON "role_requests" USING btree ("person_id","role") WHERE decided_at is null;--> statement-breakpoint
-- hand-written: passwords set before this migration may be known to whoever set them (an
-- administrator's reset); a four-eyes role is confirmed only after the holder chose their own.
UPDATE "people" SET "password_set_by" = 'vor Einführung des Vier-Augen-Prinzips' WHERE "password_hash" IS NOT NULL;
