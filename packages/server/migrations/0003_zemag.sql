CREATE TABLE "aftercare_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"report_id" uuid,
	"alarm_id" uuid,
	"assignee_person_id" uuid,
	"affected_person_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone,
	"note" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "help_offers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"contact" text DEFAULT '' NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_facts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"report_id" uuid,
	"month" date NOT NULL,
	"department_id" uuid,
	"main_category" text NOT NULL,
	"categories" text[] NOT NULL,
	"level" integer NOT NULL,
	CONSTRAINT "incident_facts_report_id_unique" UNIQUE("report_id")
);
--> statement-breakpoint
CREATE TABLE "incident_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"reporter_person_id" uuid,
	"department_id" uuid,
	"status" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"level" integer NOT NULL,
	"categories" text[] NOT NULL,
	"data" jsonb NOT NULL,
	"alarm_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"submitted_at" timestamp with time zone,
	"published_at" timestamp with time zone,
	"warning" jsonb,
	"idempotency_key" text
);
--> statement-breakpoint
CREATE TABLE "protection_measures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"department_id" uuid,
	"name" text NOT NULL,
	"date" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "register_access_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_person_id" uuid,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"purpose" text NOT NULL,
	"case_reference" text DEFAULT '' NOT NULL,
	"legal_basis" text DEFAULT '' NOT NULL,
	"query" jsonb NOT NULL,
	"result" jsonb NOT NULL,
	"prev_seq" bigint,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"held_until" date
);
--> statement-breakpoint
CREATE TABLE "register_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name_key" text NOT NULL,
	"name_keys" text[] NOT NULL,
	"last_name" text NOT NULL,
	"first_name" text NOT NULL,
	"birth_date" date,
	"data" jsonb NOT NULL,
	"level" integer NOT NULL,
	"source_report_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"review_at" date NOT NULL,
	"delete_at" date NOT NULL,
	"deletion_warned_at" timestamp with time zone,
	"notification" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	"name" text NOT NULL,
	"mime" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL,
	"uploaded_by" uuid,
	"content" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	"from_status" text NOT NULL,
	"to_status" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_person_id" uuid,
	"actor_role" text NOT NULL,
	"comment" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "zemag_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alarms" ADD COLUMN "position_kind" text;--> statement-breakpoint
ALTER TABLE "alarms" ADD COLUMN "position_address" text;--> statement-breakpoint
ALTER TABLE "buildings" ADD COLUMN "latitude" double precision;--> statement-breakpoint
ALTER TABLE "buildings" ADD COLUMN "longitude" double precision;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "last_position" jsonb;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "last_position_stored_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "aftercare_tasks" ADD CONSTRAINT "aftercare_tasks_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_tasks" ADD CONSTRAINT "aftercare_tasks_report_id_incident_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."incident_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_tasks" ADD CONSTRAINT "aftercare_tasks_alarm_id_alarms_id_fk" FOREIGN KEY ("alarm_id") REFERENCES "public"."alarms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_tasks" ADD CONSTRAINT "aftercare_tasks_assignee_person_id_people_id_fk" FOREIGN KEY ("assignee_person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_tasks" ADD CONSTRAINT "aftercare_tasks_affected_person_id_people_id_fk" FOREIGN KEY ("affected_person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_offers" ADD CONSTRAINT "help_offers_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_facts" ADD CONSTRAINT "incident_facts_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_facts" ADD CONSTRAINT "incident_facts_report_id_incident_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."incident_reports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_facts" ADD CONSTRAINT "incident_facts_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_reports" ADD CONSTRAINT "incident_reports_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_reports" ADD CONSTRAINT "incident_reports_reporter_person_id_people_id_fk" FOREIGN KEY ("reporter_person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_reports" ADD CONSTRAINT "incident_reports_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_reports" ADD CONSTRAINT "incident_reports_alarm_id_alarms_id_fk" FOREIGN KEY ("alarm_id") REFERENCES "public"."alarms"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "protection_measures" ADD CONSTRAINT "protection_measures_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "protection_measures" ADD CONSTRAINT "protection_measures_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "register_access_log" ADD CONSTRAINT "register_access_log_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "register_entries" ADD CONSTRAINT "register_entries_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "register_entries" ADD CONSTRAINT "register_entries_source_report_id_incident_reports_id_fk" FOREIGN KEY ("source_report_id") REFERENCES "public"."incident_reports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "register_entries" ADD CONSTRAINT "register_entries_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_attachments" ADD CONSTRAINT "report_attachments_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_attachments" ADD CONSTRAINT "report_attachments_report_id_incident_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."incident_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_attachments" ADD CONSTRAINT "report_attachments_uploaded_by_people_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_transitions" ADD CONSTRAINT "report_transitions_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_transitions" ADD CONSTRAINT "report_transitions_report_id_incident_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."incident_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_transitions" ADD CONSTRAINT "report_transitions_actor_person_id_people_id_fk" FOREIGN KEY ("actor_person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zemag_settings" ADD CONSTRAINT "zemag_settings_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "aftercare_tasks_assignee" ON "aftercare_tasks" USING btree ("assignee_person_id","done_at");--> statement-breakpoint
CREATE INDEX "help_offers_org" ON "help_offers" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "incident_facts_org_month" ON "incident_facts" USING btree ("org_id","month");--> statement-breakpoint
CREATE INDEX "incident_reports_org_status" ON "incident_reports" USING btree ("org_id","status");--> statement-breakpoint
CREATE INDEX "incident_reports_reporter" ON "incident_reports" USING btree ("reporter_person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "incident_reports_idempotency" ON "incident_reports" USING btree ("org_id","reporter_person_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "protection_measures_org" ON "protection_measures" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "register_access_log_org" ON "register_access_log" USING btree ("org_id","seq");--> statement-breakpoint
CREATE INDEX "register_access_log_at" ON "register_access_log" USING btree ("org_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "register_access_log_successor" ON "register_access_log" USING btree ("org_id",coalesce("prev_seq", 0));--> statement-breakpoint
CREATE INDEX "register_entries_name" ON "register_entries" USING btree ("org_id","name_key");--> statement-breakpoint
CREATE INDEX "register_entries_keys" ON "register_entries" USING gin ("name_keys");--> statement-breakpoint
CREATE INDEX "register_entries_review" ON "register_entries" USING btree ("org_id","review_at");--> statement-breakpoint
CREATE INDEX "register_entries_delete" ON "register_entries" USING btree ("delete_at");--> statement-breakpoint
CREATE INDEX "report_attachments_report" ON "report_attachments" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "report_transitions_report" ON "report_transitions" USING btree ("report_id","id");--> statement-breakpoint
-- The register's access log is append-only: a row's content is never changed. The one column
-- outside the hash chain, held_until (a data-protection hold for a control), may be set; any
-- UPDATE touching another column is refused. Deleting old rows (the one-year retention) stays
-- possible; the retention job records each deleted run in the audit log so the chain check can
-- tell a pruned gap from a removed row.
CREATE FUNCTION register_access_log_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (to_jsonb(NEW) - 'held_until') IS DISTINCT FROM (to_jsonb(OLD) - 'held_until') THEN
    RAISE EXCEPTION 'register_access_log is append-only (only held_until may be set)';
  END IF;
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER register_access_log_append_only BEFORE UPDATE ON register_access_log
  FOR EACH ROW EXECUTE FUNCTION register_access_log_no_update();
