ALTER TABLE "alarm_receivers" ADD COLUMN "coming_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alarm_receivers" ADD COLUMN "police_called_at" timestamp with time zone;--> statement-breakpoint
UPDATE "alarm_receivers" SET "coming_at" = "responded_at" WHERE "response" = 'coming';--> statement-breakpoint
UPDATE "alarm_receivers" SET "police_called_at" = "responded_at" WHERE "response" = 'police_called';
