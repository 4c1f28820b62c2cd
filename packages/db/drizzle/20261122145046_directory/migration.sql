CREATE TYPE "clinic_verification" AS ENUM('pending', 'verified', 'rejected');--> statement-breakpoint
CREATE TYPE "location_kind" AS ENUM('physical', 'telehealth');--> statement-breakpoint
CREATE TABLE "clinics" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"name" text NOT NULL,
	"description" text,
	"website" text,
	"phone" text,
	"email" text,
	"verification" "clinic_verification" DEFAULT 'pending'::"clinic_verification" NOT NULL,
	"published" boolean DEFAULT false NOT NULL,
	"is_sample" boolean DEFAULT false NOT NULL,
	"last_confirmed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conditions" (
	"code" text PRIMARY KEY,
	"name" text NOT NULL,
	"icd10" text NOT NULL,
	"sort_order" smallint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "insurance_payers" (
	"code" text PRIMARY KEY,
	"name" text NOT NULL,
	"sort_order" smallint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "location_conditions" (
	"location_id" uuid,
	"condition_code" text,
	CONSTRAINT "location_conditions_pkey" PRIMARY KEY("location_id","condition_code")
);
--> statement-breakpoint
CREATE TABLE "location_insurance" (
	"location_id" uuid,
	"payer_code" text,
	CONSTRAINT "location_insurance_pkey" PRIMARY KEY("location_id","payer_code")
);
--> statement-breakpoint
CREATE TABLE "location_routes" (
	"location_id" uuid,
	"route_code" text,
	"price_cents" integer,
	"session_minutes" smallint,
	CONSTRAINT "location_routes_pkey" PRIMARY KEY("location_id","route_code"),
	CONSTRAINT "location_routes_price_nonnegative" CHECK ("price_cents" >= 0),
	CONSTRAINT "location_routes_minutes_positive" CHECK ("session_minutes" > 0)
);
--> statement-breakpoint
CREATE TABLE "location_services" (
	"location_id" uuid,
	"service_code" text,
	CONSTRAINT "location_services_pkey" PRIMARY KEY("location_id","service_code")
);
--> statement-breakpoint
CREATE TABLE "locations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"clinic_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" "location_kind" DEFAULT 'physical'::"location_kind" NOT NULL,
	"address_line1" text,
	"address_line2" text,
	"city" text,
	"state" text,
	"postal_code" text,
	"lat" double precision,
	"lng" double precision,
	"serves_states" text[] DEFAULT '{}'::text[] NOT NULL,
	"phone" text,
	"email" text,
	"hours" jsonb DEFAULT '[]' NOT NULL,
	"accepting_new_patients" boolean DEFAULT true NOT NULL,
	"typical_wait_days" smallint,
	"languages" text[] DEFAULT '{en}'::text[] NOT NULL,
	"min_age" smallint,
	"max_age" smallint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "locations_kind_shape" CHECK (("kind" = 'physical' AND "lat" IS NOT NULL AND "lng" IS NOT NULL)
        OR ("kind" = 'telehealth' AND "lat" IS NULL AND "lng" IS NULL AND cardinality("serves_states") > 0)),
	CONSTRAINT "locations_lat_range" CHECK ("lat" BETWEEN -90 AND 90),
	CONSTRAINT "locations_lng_range" CHECK ("lng" BETWEEN -180 AND 180),
	CONSTRAINT "locations_wait_nonnegative" CHECK ("typical_wait_days" >= 0)
);
--> statement-breakpoint
CREATE TABLE "routes" (
	"code" text PRIMARY KEY,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"sort_order" smallint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "services" (
	"code" text PRIMARY KEY,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"sort_order" smallint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "location_conditions_condition_idx" ON "location_conditions" ("condition_code","location_id");--> statement-breakpoint
CREATE INDEX "location_insurance_payer_idx" ON "location_insurance" ("payer_code","location_id");--> statement-breakpoint
CREATE INDEX "location_routes_route_idx" ON "location_routes" ("route_code","location_id");--> statement-breakpoint
CREATE INDEX "location_services_service_idx" ON "location_services" ("service_code","location_id");--> statement-breakpoint
CREATE INDEX "locations_clinic_id_idx" ON "locations" ("clinic_id");--> statement-breakpoint
CREATE INDEX "locations_earth_idx" ON "locations" USING gist (ll_to_earth("lat", "lng"));--> statement-breakpoint
CREATE INDEX "locations_serves_states_idx" ON "locations" USING gin ("serves_states");--> statement-breakpoint
ALTER TABLE "location_conditions" ADD CONSTRAINT "location_conditions_location_id_locations_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "location_conditions" ADD CONSTRAINT "location_conditions_condition_code_conditions_code_fkey" FOREIGN KEY ("condition_code") REFERENCES "conditions"("code");--> statement-breakpoint
ALTER TABLE "location_insurance" ADD CONSTRAINT "location_insurance_location_id_locations_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "location_insurance" ADD CONSTRAINT "location_insurance_payer_code_insurance_payers_code_fkey" FOREIGN KEY ("payer_code") REFERENCES "insurance_payers"("code");--> statement-breakpoint
ALTER TABLE "location_routes" ADD CONSTRAINT "location_routes_location_id_locations_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "location_routes" ADD CONSTRAINT "location_routes_route_code_routes_code_fkey" FOREIGN KEY ("route_code") REFERENCES "routes"("code");--> statement-breakpoint
ALTER TABLE "location_services" ADD CONSTRAINT "location_services_location_id_locations_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE CASCADE;--> statement-breakpoint
ALTER TABLE "location_services" ADD CONSTRAINT "location_services_service_code_services_code_fkey" FOREIGN KEY ("service_code") REFERENCES "services"("code");--> statement-breakpoint
ALTER TABLE "locations" ADD CONSTRAINT "locations_clinic_id_clinics_id_fkey" FOREIGN KEY ("clinic_id") REFERENCES "clinics"("id") ON DELETE CASCADE;