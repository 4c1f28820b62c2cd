-- locations.listed mirrors "its clinic is published", so the search filters on the row it already reads
-- instead of probing clinics once per row. These triggers keep it true whichever side changes.
CREATE FUNCTION kapmap_location_listed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.listed := COALESCE((SELECT published FROM clinics WHERE id = NEW.clinic_id), false);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER locations_listed BEFORE INSERT OR UPDATE OF clinic_id, listed ON locations
  FOR EACH ROW EXECUTE FUNCTION kapmap_location_listed();
--> statement-breakpoint
CREATE FUNCTION kapmap_clinic_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE locations SET listed = NEW.published WHERE clinic_id = NEW.id AND listed IS DISTINCT FROM NEW.published;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER clinics_published AFTER UPDATE OF published ON clinics
  FOR EACH ROW WHEN (OLD.published IS DISTINCT FROM NEW.published) EXECUTE FUNCTION kapmap_clinic_published();
--> statement-breakpoint
UPDATE locations l SET listed = c.published FROM clinics c WHERE c.id = l.clinic_id;
