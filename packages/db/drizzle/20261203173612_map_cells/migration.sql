CREATE TABLE "map_cells" (
	"zoom" smallint NOT NULL,
	"x" integer NOT NULL,
	"y" integer NOT NULL,
	"count" integer NOT NULL,
	"sum_lat" double precision NOT NULL,
	"sum_lng" double precision NOT NULL,
	"south" double precision NOT NULL,
	"north" double precision NOT NULL,
	"west" double precision NOT NULL,
	"east" double precision NOT NULL,
	"first_id" uuid NOT NULL,
	CONSTRAINT "map_cells_pkey" PRIMARY KEY("zoom","x","y")
);
--> statement-breakpoint
-- The map's cell of a point at zoom 13, 65,536 cells across the world: the same arithmetic as the API's
-- mapClusters at that zoom. A cell at zoom z is (x >> (13 - z), y >> (13 - z)): scaling by a power of two is
-- exact in floating point, so this is the cell mapClusters computes at every zoom.
CREATE FUNCTION kapmap_map_x(lng float8) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN floor((lng + 180) / 360 * 65536::float8)::int;
--> statement-breakpoint
CREATE FUNCTION kapmap_map_y(lat float8) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN floor((0.5 - ln(tan(pi() / 4 + radians(least(greatest(lat, -85), 85)) / 2)) / (2 * pi())) * 65536::float8)::int;
--> statement-breakpoint
-- A zoom-13 cell's locations, found without a scan.
CREATE INDEX "locations_map_cell_idx" ON "locations" (kapmap_map_x("lng"), kapmap_map_y("lat"))
  WHERE "kind" = 'physical' AND "listed";
--> statement-breakpoint
-- Counts the given zoom-13 cells again from locations, and each zoom below from the four cells under it: a
-- few small statements per zoom, whatever the table holds. Writers that move cells take turns (a lock held to
-- commit), so each counts after the one before it has committed and no two write the same cell at once.
CREATE FUNCTION kapmap_refresh_map_cells(xs int[], ys int[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  z int;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('kapmap:map_cells'));
  SELECT array_agg(c.x), array_agg(c.y) INTO xs, ys FROM (SELECT DISTINCT x, y FROM unnest(xs, ys) AS u(x, y)) c;
  DELETE FROM map_cells m USING unnest(xs, ys) AS c(x, y) WHERE m.zoom = 13 AND m.x = c.x AND m.y = c.y;
  INSERT INTO map_cells (zoom, x, y, count, sum_lat, sum_lng, south, north, west, east, first_id)
    SELECT 13, c.x, c.y, count(*), sum(l.lat), sum(l.lng), min(l.lat), max(l.lat), min(l.lng), max(l.lng),
           min(l.id::text)::uuid
    FROM unnest(xs, ys) AS c(x, y)
    JOIN locations l ON kapmap_map_x(l.lng) = c.x AND kapmap_map_y(l.lat) = c.y
    WHERE l.kind = 'physical' AND l.listed
    GROUP BY c.x, c.y;
  FOR z IN REVERSE 12..0 LOOP
    SELECT array_agg(p.x), array_agg(p.y) INTO xs, ys
      FROM (SELECT DISTINCT x >> 1 AS x, y >> 1 AS y FROM unnest(xs, ys) AS u(x, y)) p;
    DELETE FROM map_cells m USING unnest(xs, ys) AS c(x, y) WHERE m.zoom = z AND m.x = c.x AND m.y = c.y;
    INSERT INTO map_cells (zoom, x, y, count, sum_lat, sum_lng, south, north, west, east, first_id)
      SELECT z, c.x, c.y, sum(m.count)::int, sum(m.sum_lat), sum(m.sum_lng), min(m.south), max(m.north),
             min(m.west), max(m.east), min(m.first_id::text)::uuid
      FROM unnest(xs, ys) AS c(x, y)
      JOIN map_cells m ON m.zoom = z + 1 AND m.x BETWEEN c.x * 2 AND c.x * 2 + 1 AND m.y BETWEEN c.y * 2 AND c.y * 2 + 1
      GROUP BY c.x, c.y;
  END LOOP;
END
$$;
--> statement-breakpoint
-- Every cell counted again from scratch.
CREATE FUNCTION kapmap_rebuild_map_cells() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  z int;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('kapmap:map_cells'));
  DELETE FROM map_cells;
  INSERT INTO map_cells (zoom, x, y, count, sum_lat, sum_lng, south, north, west, east, first_id)
    SELECT 13, kapmap_map_x(lng), kapmap_map_y(lat), count(*), sum(lat), sum(lng), min(lat), max(lat), min(lng),
           max(lng), min(id::text)::uuid
    FROM locations WHERE kind = 'physical' AND listed
    GROUP BY 2, 3;
  FOR z IN REVERSE 12..0 LOOP
    INSERT INTO map_cells (zoom, x, y, count, sum_lat, sum_lng, south, north, west, east, first_id)
      SELECT z, x >> 1, y >> 1, sum(count)::int, sum(sum_lat), sum(sum_lng), min(south), max(north), min(west),
             max(east), min(first_id::text)::uuid
      FROM map_cells WHERE zoom = z + 1
      GROUP BY 2, 3;
  END LOOP;
END
$$;
--> statement-breakpoint
-- After a statement that wrote locations: the cells its rows left and entered. An edit that moves no location
-- in or out of the public map (a phone number, a name) changes no cell and takes no lock.
CREATE FUNCTION kapmap_locations_map_cells() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  xs int[];
  ys int[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(kapmap_map_x(lng)), array_agg(kapmap_map_y(lat)) INTO xs, ys
      FROM new_rows WHERE kind = 'physical' AND listed;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(kapmap_map_x(lng)), array_agg(kapmap_map_y(lat)) INTO xs, ys
      FROM old_rows WHERE kind = 'physical' AND listed;
  ELSE
    SELECT array_agg(c.x), array_agg(c.y) INTO xs, ys FROM (
      SELECT kapmap_map_x(o.lng) AS x, kapmap_map_y(o.lat) AS y
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.kind = 'physical' AND o.listed
          AND (o.lat, o.lng, o.kind, o.listed) IS DISTINCT FROM (n.lat, n.lng, n.kind, n.listed)
      UNION ALL
      SELECT kapmap_map_x(n.lng), kapmap_map_y(n.lat)
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.kind = 'physical' AND n.listed
          AND (o.lat, o.lng, o.kind, o.listed) IS DISTINCT FROM (n.lat, n.lng, n.kind, n.listed)
    ) c;
  END IF;
  IF xs IS NOT NULL THEN
    PERFORM kapmap_refresh_map_cells(xs, ys);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION kapmap_locations_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM map_cells;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER locations_map_cells_inserted AFTER INSERT ON locations REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kapmap_locations_map_cells();
--> statement-breakpoint
CREATE TRIGGER locations_map_cells_updated AFTER UPDATE ON locations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kapmap_locations_map_cells();
--> statement-breakpoint
CREATE TRIGGER locations_map_cells_deleted AFTER DELETE ON locations REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kapmap_locations_map_cells();
--> statement-breakpoint
CREATE TRIGGER locations_map_cells_truncated AFTER TRUNCATE ON locations
  FOR EACH STATEMENT EXECUTE FUNCTION kapmap_locations_truncated();
--> statement-breakpoint
SELECT kapmap_rebuild_map_cells();
