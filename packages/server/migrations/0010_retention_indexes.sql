CREATE INDEX "aftercare_tasks_report" ON "aftercare_tasks" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "aftercare_tasks_alarm" ON "aftercare_tasks" USING btree ("alarm_id");--> statement-breakpoint
CREATE INDEX "audit_subject" ON "audit_log" USING btree ("org_id","subject");--> statement-breakpoint
CREATE INDEX "events_alarm" ON "events" USING btree ("alarm_id");--> statement-breakpoint
CREATE INDEX "incident_reports_alarm" ON "incident_reports" USING btree ("alarm_id");--> statement-breakpoint
CREATE INDEX "register_entries_source" ON "register_entries" USING btree ("source_report_id");