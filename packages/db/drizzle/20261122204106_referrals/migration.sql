CREATE TYPE "referral_decline_reason" AS ENUM('not_a_candidate', 'not_accepting_new_patients', 'insurance_not_accepted', 'outside_service_area', 'unable_to_contact', 'other');--> statement-breakpoint
CREATE TYPE "referral_status" AS ENUM('sent', 'received', 'accepted', 'scheduled', 'completed', 'declined', 'cancelled');--> statement-breakpoint
CREATE TYPE "referral_urgency" AS ENUM('routine', 'soon', 'urgent');--> statement-breakpoint
CREATE TABLE "referral_access_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"referral_id" uuid NOT NULL,
	"actor_id" uuid,
	"fields" text[] NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referral_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"referral_id" uuid NOT NULL,
	"actor_id" uuid,
	"from_status" "referral_status",
	"to_status" "referral_status" NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referral_messages" (
	"id" uuid PRIMARY KEY,
	"referral_id" uuid NOT NULL,
	"author_id" uuid,
	"body_sealed" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" uuid PRIMARY KEY,
	"sender_id" uuid NOT NULL,
	"clinic_id" uuid NOT NULL,
	"location_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" "referral_status" DEFAULT 'sent'::"referral_status" NOT NULL,
	"urgency" "referral_urgency" NOT NULL,
	"condition_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"route_code" text,
	"payer_code" text,
	"patient_sealed" text NOT NULL,
	"scheduled_for" timestamp with time zone,
	"decline_reason" "referral_decline_reason",
	"closing_note_sealed" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referrals_scheduled_has_date" CHECK ("status" <> 'scheduled' OR "scheduled_for" IS NOT NULL),
	CONSTRAINT "referrals_declined_has_reason" CHECK ("status" <> 'declined' OR "decline_reason" IS NOT NULL)
);
--> statement-breakpoint
CREATE INDEX "referral_access_log_referral_idx" ON "referral_access_log" ("referral_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "referral_events_referral_status_key" ON "referral_events" ("referral_id","to_status");--> statement-breakpoint
CREATE INDEX "referral_events_referral_idx" ON "referral_events" ("referral_id","at");--> statement-breakpoint
CREATE INDEX "referral_messages_referral_idx" ON "referral_messages" ("referral_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_sender_idempotency_key" ON "referrals" ("sender_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "referrals_sender_idx" ON "referrals" ("sender_id","updated_at");--> statement-breakpoint
CREATE INDEX "referrals_clinic_idx" ON "referrals" ("clinic_id","status","updated_at");--> statement-breakpoint
CREATE INDEX "referrals_location_idx" ON "referrals" ("location_id");--> statement-breakpoint
ALTER TABLE "referral_access_log" ADD CONSTRAINT "referral_access_log_referral_id_referrals_id_fkey" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "referral_access_log" ADD CONSTRAINT "referral_access_log_actor_id_users_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "referral_events" ADD CONSTRAINT "referral_events_referral_id_referrals_id_fkey" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "referral_events" ADD CONSTRAINT "referral_events_actor_id_users_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "referral_messages" ADD CONSTRAINT "referral_messages_referral_id_referrals_id_fkey" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "referral_messages" ADD CONSTRAINT "referral_messages_author_id_users_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_sender_id_users_id_fkey" FOREIGN KEY ("sender_id") REFERENCES "users"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_clinic_id_clinics_id_fkey" FOREIGN KEY ("clinic_id") REFERENCES "clinics"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_location_id_locations_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE RESTRICT;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_route_code_routes_code_fkey" FOREIGN KEY ("route_code") REFERENCES "routes"("code");--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_payer_code_insurance_payers_code_fkey" FOREIGN KEY ("payer_code") REFERENCES "insurance_payers"("code");