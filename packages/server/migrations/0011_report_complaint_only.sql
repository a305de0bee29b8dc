ALTER TABLE "audit_log" ADD COLUMN "reporter_side" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "incident_reports" ADD COLUMN "complaint_only" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- hand-written: the audit log (read by IT) names no reporter and holds no reviewer comments.
-- Entries on a reporter's own acts (submitting, evidence added after submitting, a report
-- reduced to its count at submission) name "Meldende Person" and are not listed to the
-- administration; entries written before are changed the same way.
UPDATE "audit_log" SET "reporter_side" = true, "actor" = 'Meldende Person', "actor_person_id" = NULL, "actor_device_id" = NULL
  WHERE "action" IN ('report.submit', 'report.attachment_added', 'report.statistics_only');--> statement-breakpoint
UPDATE "audit_log" SET "detail" = "detail" - 'comment' WHERE "action" LIKE 'report.%';
