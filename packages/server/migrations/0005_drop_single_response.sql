ALTER TABLE "alarm_receivers" DROP COLUMN "response";--> statement-breakpoint
ALTER TABLE "alarm_receivers" DROP COLUMN "responded_at";