ALTER TABLE "provider_profiles" ADD COLUMN "rejection_reason" text;--> statement-breakpoint
ALTER TABLE "provider_profiles" ADD COLUMN "rejected_at" timestamp with time zone;