-- A write to any table a public listing is made of says so on the channel kapmap_listings, once per statement
-- (identical notifications in one transaction are delivered once). Every API process listens, and drops its
-- cache of public answers: whichever process, path or tool made the change. Delivered after commit only.
CREATE FUNCTION kapmap_listings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('kapmap_listings', TG_TABLE_NAME);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER clinics_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clinics
  FOR EACH STATEMENT EXECUTE FUNCTION kapmap_listings_changed();
--> statement-breakpoint
CREATE TRIGGER locations_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON locations
  FOR EACH STATEMENT EXECUTE FUNCTION kapmap_listings_changed();
--> statement-breakpoint
CREATE TRIGGER location_routes_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON location_routes
  FOR EACH STATEMENT EXECUTE FUNCTION kapmap_listings_changed();
--> statement-breakpoint
CREATE TRIGGER location_conditions_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON location_conditions
  FOR EACH STATEMENT EXECUTE FUNCTION kapmap_listings_changed();
--> statement-breakpoint
CREATE TRIGGER location_services_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON location_services
  FOR EACH STATEMENT EXECUTE FUNCTION kapmap_listings_changed();
--> statement-breakpoint
CREATE TRIGGER location_insurance_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON location_insurance
  FOR EACH STATEMENT EXECUTE FUNCTION kapmap_listings_changed();
