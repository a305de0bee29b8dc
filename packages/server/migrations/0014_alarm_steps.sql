CREATE TABLE "alarm_steps" (
	"alarm_id" uuid NOT NULL,
	"step" integer NOT NULL,
	"alerted_at" timestamp with time zone NOT NULL,
	"person_ids" uuid[] NOT NULL,
	CONSTRAINT "alarm_steps_alarm_id_step_pk" PRIMARY KEY("alarm_id","step")
);
--> statement-breakpoint
ALTER TABLE "alarm_steps" ADD CONSTRAINT "alarm_steps_alarm_id_alarms_id_fk" FOREIGN KEY ("alarm_id") REFERENCES "public"."alarms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- hand-written: who each step alerted moves from one row per person to one row per step; the
-- per-person rows keep only what happened (a receipt, an answer) and volunteers (step 0).
INSERT INTO "alarm_steps" ("alarm_id", "step", "alerted_at", "person_ids")
  SELECT "alarm_id", "step", min("alerted_at"), array_agg("person_id" ORDER BY "person_id")
  FROM "alarm_receivers" WHERE "step" > 0 GROUP BY "alarm_id", "step";--> statement-breakpoint
DELETE FROM "alarm_receivers"
  WHERE "step" > 0 AND "delivered_at" IS NULL AND "coming_at" IS NULL AND "police_called_at" IS NULL;
