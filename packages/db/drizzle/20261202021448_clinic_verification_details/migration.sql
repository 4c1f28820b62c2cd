ALTER TABLE "clinics" ADD COLUMN "license_number" text;--> statement-breakpoint
ALTER TABLE "clinics" ADD COLUMN "license_state" text;--> statement-breakpoint
ALTER TABLE "clinics" ADD COLUMN "medical_director" text;--> statement-breakpoint
ALTER TABLE "clinics" ADD COLUMN "organization_npi" text;