-- The map's clusters count every public street location in view. Rows are spread over the whole table, so
-- reading them costs a page per row (at 1M locations, 41,000 rows in view near Manhattan: 54,000 buffers and
-- 1.1 s); this index holds what the count needs (lat, lng, id), so it is answered from the index alone
-- (1,950 buffers). Partial: only what the public search can ever return.
CREATE INDEX "locations_public_earth_idx" ON "locations" USING gist ("earth") INCLUDE ("lat", "lng", "id") WHERE "kind" = 'physical' AND "listed";
