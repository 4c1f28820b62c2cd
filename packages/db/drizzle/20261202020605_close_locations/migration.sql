ALTER TABLE "locations" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
-- A closed location is never listed, whatever its clinic: the triggers of migration listed_triggers now see it.
CREATE OR REPLACE FUNCTION kapmap_location_listed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.listed := NEW.closed_at IS NULL AND COALESCE((SELECT published FROM clinics WHERE id = NEW.clinic_id), false);
  RETURN NEW;
END
$$;
--> statement-breakpoint
DROP TRIGGER locations_listed ON locations;
--> statement-breakpoint
CREATE TRIGGER locations_listed BEFORE INSERT OR UPDATE OF clinic_id, listed, closed_at ON locations
  FOR EACH ROW EXECUTE FUNCTION kapmap_location_listed();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION kapmap_clinic_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE locations SET listed = (NEW.published AND closed_at IS NULL)
    WHERE clinic_id = NEW.id AND listed IS DISTINCT FROM (NEW.published AND closed_at IS NULL);
  RETURN NULL;
END
$$;
