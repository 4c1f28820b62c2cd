ALTER TABLE "locations" ADD COLUMN "earth" earth GENERATED ALWAYS AS (ll_to_earth(lat, lng)) STORED;--> statement-breakpoint
ALTER TABLE "locations" ADD COLUMN "listed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
DROP INDEX "locations_earth_idx";--> statement-breakpoint
CREATE INDEX "locations_earth_idx" ON "locations" USING gist ("earth");