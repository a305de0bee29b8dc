CREATE TABLE "incident_fact_counts" (
	"org_id" uuid NOT NULL,
	"month" date NOT NULL,
	"department_id" uuid,
	"main_category" text NOT NULL,
	"level" integer NOT NULL,
	"n" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "incident_fact_counts" ADD CONSTRAINT "incident_fact_counts_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "incident_fact_counts_key" ON "incident_fact_counts" USING btree ("org_id","month",coalesce("department_id", '00000000-0000-0000-0000-000000000000'::uuid),"main_category","level");--> statement-breakpoint
-- The cube follows every change of a fact in the same statement: insert adds, delete subtracts,
-- update (a resubmitted report, a removed department, a report deleted by retention) does both.
-- Statement-level triggers with transition tables: a bulk insert is one grouped upsert, not one
-- per row. Keys are locked in one order, so two writers cannot deadlock on them. Subtracting never
-- inserts, so a cascade from a removed organisation finds nothing to do.
CREATE FUNCTION incident_fact_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE incident_fact_counts c SET n = c.n - d.n
    FROM (SELECT org_id, month, department_id, main_category, level, count(*)::int AS n
          FROM old_facts GROUP BY 1, 2, 3, 4, 5) d
    WHERE c.org_id = d.org_id AND c.month = d.month
      AND coalesce(c.department_id, '00000000-0000-0000-0000-000000000000'::uuid)
        = coalesce(d.department_id, '00000000-0000-0000-0000-000000000000'::uuid)
      AND c.main_category = d.main_category AND c.level = d.level;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO incident_fact_counts AS c (org_id, month, department_id, main_category, level, n)
    SELECT org_id, month, department_id, main_category, level, count(*)::int
    FROM new_facts GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (org_id, month, coalesce(department_id, '00000000-0000-0000-0000-000000000000'::uuid), main_category, level)
    DO UPDATE SET n = c.n + excluded.n;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER incident_fact_counts_insert AFTER INSERT ON incident_facts
  REFERENCING NEW TABLE AS new_facts FOR EACH STATEMENT EXECUTE FUNCTION incident_fact_counts_apply();
--> statement-breakpoint
CREATE TRIGGER incident_fact_counts_update AFTER UPDATE ON incident_facts
  REFERENCING OLD TABLE AS old_facts NEW TABLE AS new_facts FOR EACH STATEMENT EXECUTE FUNCTION incident_fact_counts_apply();
--> statement-breakpoint
CREATE TRIGGER incident_fact_counts_delete AFTER DELETE ON incident_facts
  REFERENCING OLD TABLE AS old_facts FOR EACH STATEMENT EXECUTE FUNCTION incident_fact_counts_apply();
--> statement-breakpoint
-- Existing facts, counted once.
INSERT INTO incident_fact_counts (org_id, month, department_id, main_category, level, n)
SELECT org_id, month, department_id, main_category, level, count(*)::int
FROM incident_facts GROUP BY 1, 2, 3, 4, 5;
