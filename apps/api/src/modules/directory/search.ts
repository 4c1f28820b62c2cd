import type { Database } from '@kapmap/db/client';
import {
  clinics,
  locationConditions,
  locationInsurance,
  locationRoutes,
  locations,
  mapCells,
} from '@kapmap/db/schema';
import type { LatLng } from '@kapmap/geo';
import { EARTH_RADIUS_M, haversineMeters } from '@kapmap/geo/distance';
import { CELLS_AT_ZOOM_0, MAX_CLUSTER_ZOOM, mercatorY, type ViewBox } from '@kapmap/geo/map-grid';
import {
  type AnyColumn,
  and,
  asc,
  between,
  count,
  desc,
  eq,
  max,
  min,
  type Placeholder,
  type SQL,
  sql,
} from 'drizzle-orm';

/**
 * The nearby search, as SQL. The radius is answered from the GiST index on ll_to_earth(lat, lng): a box
 * test the index can answer, rows in nearest-first order from the index's `<->` operator, and the exact
 * great-circle check on the few rows that come out. So a page of 20 stops after about 20 rows however
 * dense the radius. STACK.md: sorting every row in a city's radius instead costs 50 to 500 times more.
 */

export interface LocationFilter {
  /** A location must accept every one. */
  conditions: string[];
  /** A location must offer at least one. */
  routes: string[];
  /** A location must accept at least one. */
  insurance: string[];
  acceptingNewPatients: boolean | null;
  /** A location must offer care in at least one (ISO 639-1 codes). */
  languages: string[];
  /** The patient's age in years: a location whose stated ages leave it out is dropped (unstated bounds pass). */
  age: number | null;
  /** Case-insensitive substring of the clinic's or the location's name. */
  text: string | null;
}

/** Keyset position: the index's distance to the last row shown (chord length on the sphere), then its id. */
export interface SearchCursor {
  key: number;
  id: string;
}

export interface NearbyQuery {
  origin: LatLng;
  radiusMeters: number;
  filter: LocationFilter;
}

/** The locations table, or the alias drizzle's relational queries give it. */
type LocationsRef = typeof locations;

/**
 * How a value enters a statement: `inline` puts it in the statement built for this request; a plan cache's
 * binder (graphql/plan-cache.ts) puts a named placeholder there instead, so the statement is built once per
 * shape and only bound afterwards. Each value has one name, wherever it appears.
 */
export type Bind = (name: string, value: unknown) => unknown;
export const inline: Bind = (_name, value) => value;

/**
 * A page size written into the statement instead of bound. PostgreSQL plans a prepared statement once for
 * all values only while that generic plan costs no more than the plans it makes for given values, and with
 * `LIMIT $n` it has to guess the limit (a tenth of the rows it expects): the generic plan looks dear, so every
 * execution was planned again (about 30% of the database's time per search at 1M locations). A page
 * holds at most 100 rows, so the sizes, and the statements they make, are few; callers key statements by it.
 */
export function literalLimit(n: number): Placeholder {
  if (!Number.isSafeInteger(n) || n < 0 || n > 10_000) throw new Error(`Not a page size: ${n}`);
  // drizzle writes whatever SQL chunk it is given after LIMIT as it is (its dialect renders `limit ${limit}`);
  // its types admit a number or a placeholder there.
  return sql.raw(String(n)) as unknown as Placeholder;
}

/**
 * The point on earthdistance's sphere that `ll_to_earth(lat, lng)` makes, as cube text, computed here by the
 * extension's own formula so that the statement binds the search's origin once. Written as
 * `ll_to_earth($lat, $lng)`, each use of the origin is a function of parameters, which a generic plan must
 * evaluate for every row: PostgreSQL then found its generic plan dearer than planning each execution anew, and
 * planned every search again. The origin bound as a value, and the page size written in (literalLimit), the
 * generic plan costs what a custom one does and is kept. Sines and cosines here may differ from the server's
 * in the last bit, a nanometer at most; cursors and ties compare keys computed from this same point.
 */
export function earthPoint(o: LatLng): string {
  const lat = o.lat * (Math.PI / 180);
  const lng = o.lng * (Math.PI / 180);
  const x = EARTH_RADIUS_M * Math.cos(lat) * Math.cos(lng);
  const y = EARTH_RADIUS_M * Math.cos(lat) * Math.sin(lng);
  const z = EARTH_RADIUS_M * Math.sin(lat);
  return `(${x}, ${y}, ${z})`;
}

const originEarth = (o: LatLng, bind: Bind = inline) => sql`${bind('origin', earthPoint(o))}::earth`;
/** The stored point on earthdistance's sphere: what the GiST index holds. */
export const earthOf = (t: LocationsRef) => sql`${t.earth}`;
/** What the GiST index orders by: straight-line (chord) distance, which orders like great-circle distance. */
export const indexDistance = (t: LocationsRef, q: NearbyQuery, bind: Bind = inline) =>
  sql<number>`(${earthOf(t)} <-> ${originEarth(q.origin, bind)})`;
export const greatCircleMeters = (t: LocationsRef, q: NearbyQuery, bind: Bind = inline) =>
  sql<number>`earth_distance(${earthOf(t)}, ${originEarth(q.origin, bind)})`;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The location has a row in a link table (routes, payers) with one of the codes. */
function linkedToAny(
  t: LocationsRef,
  links: typeof locationRoutes | typeof locationInsurance,
  code: AnyColumn,
  codes: string[],
  name: string,
  bind: Bind,
): SQL {
  const list = sql.join(
    codes.map((c, i) => sql`${bind(`${name}${i}`, c)}`),
    sql`, `,
  );
  return sql`EXISTS (SELECT 1 FROM ${links} WHERE ${links.locationId} = ${t.id} AND ${code} IN (${list}))`;
}

/**
 * The filter, for street and telehealth searches alike. Only published clinics' locations are public:
 * `listed` says so on the row (kept by triggers), so no clinic is read unless the text filter needs its name.
 */
export function filterSql(t: LocationsRef, filter: LocationFilter, bind: Bind = inline): SQL {
  const parts: SQL[] = [sql`${t.listed}`];
  if (filter.text) {
    const pattern = bind('text', `%${escapeLike(filter.text)}%`);
    parts.push(
      sql`(${t.name} ILIKE ${pattern} OR EXISTS (SELECT 1 FROM ${clinics} c WHERE c.id = ${t.clinicId} AND c.name ILIKE ${pattern}))`,
    );
  }
  filter.conditions.forEach((code, i) => {
    parts.push(
      sql`EXISTS (SELECT 1 FROM ${locationConditions} lc WHERE lc.location_id = ${t.id} AND lc.condition_code = ${bind(`condition${i}`, code)})`,
    );
  });
  if (filter.routes.length > 0) {
    parts.push(linkedToAny(t, locationRoutes, locationRoutes.routeCode, filter.routes, 'route', bind));
  }
  if (filter.insurance.length > 0) {
    parts.push(
      linkedToAny(t, locationInsurance, locationInsurance.payerCode, filter.insurance, 'payer', bind),
    );
  }
  if (filter.acceptingNewPatients !== null) {
    parts.push(sql`${t.acceptingNewPatients} = ${bind('accepting', filter.acceptingNewPatients)}`);
  }
  if (filter.languages.length > 0) {
    parts.push(
      sql`${t.languages} && ARRAY[${sql.join(
        filter.languages.map((l, i) => sql`${bind(`language${i}`, l)}`),
        sql`, `,
      )}]::text[]`,
    );
  }
  if (filter.age !== null) {
    const age = bind('age', filter.age);
    parts.push(
      sql`(${t.minAge} IS NULL OR ${t.minAge} <= ${age}::int) AND (${t.maxAge} IS NULL OR ${t.maxAge} >= ${age}::int)`,
    );
  }
  return sql.join(parts, sql` AND `);
}

/**
 * Street locations inside the radius's bounding box that pass the filter: what the GiST index answers.
 * A superset of the radius; the exact check is `greatCircleMeters(...) <= radius`.
 */
export function boxSql(
  t: LocationsRef,
  q: NearbyQuery,
  after: SearchCursor | null = null,
  bind: Bind = inline,
): SQL {
  const parts = [
    sql`${t.kind} = 'physical'`,
    sql`earth_box(${originEarth(q.origin, bind)}, ${bind('radius', q.radiusMeters)}::float8) @> ${earthOf(t)}`,
    filterSql(t, q.filter, bind),
  ];
  if (after) {
    const key = indexDistance(t, q, bind);
    const afterKey = bind('afterKey', after.key);
    parts.push(
      sql`(${key} > ${afterKey}::float8 OR (${key} = ${afterKey}::float8 AND ${t.id} > ${bind('afterId', after.id)}::uuid))`,
    );
  }
  return sql.join(parts, sql` AND `);
}

export interface NearbyRow {
  id: string;
  meters: number;
  key: number;
}

/**
 * Cuts one page out of nearest-first rows fetched `first + 1` at a time, ties by id.
 *
 * The SQL orders by the index's distance alone: PostgreSQL cannot add an id tie-break on top of a
 * nearest-neighbor index scan, and sorts the whole box instead when asked to (STACK.md's trap). So:
 * rows beyond the radius (they come after every row within it) are dropped here; every row strictly
 * nearer than the last one fetched is in hand; and if a group of equally distant rows straddles the end
 * of the page (sites placed at one ZIP centroid share a point), `fetchTies` brings the whole group.
 */
export async function cutPage<R extends NearbyRow>(
  fetched: R[],
  first: number,
  radiusMeters: number,
  fetchTies: (key: number) => Promise<R[]>,
): Promise<{ rows: R[]; hasNextPage: boolean }> {
  let rows = fetched.filter((r) => r.meters <= radiusMeters);
  const last = rows.at(-1);
  if (rows.length > first && last && rows[first - 1]?.key === last.key) {
    rows = [...rows.filter((r) => r.key < last.key), ...(await fetchTies(last.key))];
  }
  rows.sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
}

/** A box of degrees: around a search's matches, or the part of the map on screen. */
export type { ViewBox };

export interface NearbySummary {
  total: number;
  bounds: ViewBox | null;
}

/** How many street locations match in the whole radius, and the box around them. Costs a scan of the radius. */
export async function summarizeNearby(db: Database, q: NearbyQuery): Promise<NearbySummary> {
  const [row] = await db
    .select({
      total: count(),
      south: min(locations.lat),
      north: max(locations.lat),
      west: min(locations.lng),
      east: max(locations.lng),
    })
    .from(locations)
    .where(and(boxSql(locations, q), sql`${greatCircleMeters(locations, q)} <= ${q.radiusMeters}::float8`));
  const total = Number(row?.total ?? 0);
  if (
    !row ||
    total === 0 ||
    row.south === null ||
    row.north === null ||
    row.west === null ||
    row.east === null
  ) {
    return { total, bounds: null };
  }
  return {
    total,
    bounds: {
      north: Number(row.north),
      south: Number(row.south),
      east: Number(row.east),
      west: Number(row.west),
    },
  };
}

/** A count that stops at a cap: exact up to it, then "more than `value`". */
export interface BoundedCount {
  value: number;
  exact: boolean;
}

/**
 * How many street locations match in the radius, counted only up to `upTo`: the nearest `upTo + 1` by the
 * GiST index's nearest-first scan, which stops there. A dense city costs `upTo` rows, not the radius.
 */
export async function countNearby(db: Database, q: NearbyQuery, upTo: number): Promise<BoundedCount> {
  // A dense radius without filters: the map's cells counted ahead that lie wholly inside it may already hold
  // more than upTo, and then nothing needs counting one by one.
  if (isUnfiltered(q.filter) && (await countedInside(db, q)) > upTo) return { value: upTo, exact: false };
  return db.transaction(async (tx) => {
    // PostgreSQL's estimate of how many rows a box holds is GiST's fixed guess (about a thousandth of the
    // table). With a LIMIT above that guess it plans to sort the whole box (1.2 s for 104,000 rows near
    // Manhattan at 1M) rather than walk the index nearest-first and stop (40 ms). For this statement only,
    // the sort and the bitmap scan are off the table (SET LOCAL, both in one round trip).
    await tx.execute(
      sql`SELECT set_config('enable_sort', 'off', true), set_config('enable_bitmapscan', 'off', true)`,
    );
    const nearest = tx
      .select({ id: locations.id })
      .from(locations)
      .where(and(boxSql(locations, q), sql`${greatCircleMeters(locations, q)} <= ${q.radiusMeters}::float8`))
      .orderBy(indexDistance(locations, q))
      .limit(upTo + 1)
      .as('nearest');
    const [row] = await tx.select({ n: count() }).from(nearest);
    const n = Number(row?.n ?? 0);
    return n > upTo ? { value: upTo, exact: false } : { value: n, exact: true };
  });
}

/**
 * How many public street locations the map's cells counted ahead (map_cells) place inside the radius for
 * certain: at a zoom whose cells are about a quarter of the radius across, the cells lying wholly within 99%
 * of it (corners and the middles of sides checked here, the margin covering a side along a parallel that
 * bows out), read as a range of rows per column of the grid. A lower bound of the exact count; 0 where the
 * grid cannot say (near a pole, across the antimeridian).
 */
export async function countedInside(db: Database, q: NearbyQuery): Promise<number> {
  const { lat, lng } = q.origin;
  const cos = Math.cos((lat * Math.PI) / 180);
  if (Math.abs(lat) > 80 || !(q.radiusMeters > 0)) return 0;
  const dLat = (q.radiusMeters / EARTH_RADIUS_M) * (180 / Math.PI);
  const dLng = dLat / cos;
  const [west, east] = [lng - dLng, lng + dLng];
  if (west < -180 || east > 180 || lat + dLat > 85 || lat - dLat < -85) return 0;
  const worldMeters = 2 * Math.PI * EARTH_RADIUS_M * cos;
  const zoom = Math.max(
    0,
    Math.min(MAX_CLUSTER_ZOOM, Math.ceil(Math.log2((worldMeters * 4) / (CELLS_AT_ZOOM_0 * q.radiusMeters)))),
  );
  const n = CELLS_AT_ZOOM_0 * 2 ** zoom;
  const within = q.radiusMeters * 0.99;
  const lngOf = (x: number) => (x / n) * 360 - 180;
  const latOf = (y: number) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * (y / n)))) * 180) / Math.PI;
  const cellInside = (x: number, y: number) =>
    [latOf(y), latOf(y + 0.5), latOf(y + 1)].every((la) =>
      [lngOf(x), lngOf(x + 0.5), lngOf(x + 1)].every(
        (lo) => haversineMeters(q.origin, { lat: la, lng: lo }) <= within,
      ),
    );
  const columns: { x: number; y0: number; y1: number }[] = [];
  const [ya, yb] = [Math.floor(mercatorY(lat + dLat) * n), Math.floor(mercatorY(lat - dLat) * n)];
  for (let x = Math.floor(((west + 180) / 360) * n); x <= Math.floor(((east + 180) / 360) * n); x++) {
    // The circle is convex: a column's cells inside it are one run.
    let first = -1;
    let last = -1;
    for (let y = ya; y <= yb; y++) {
      if (cellInside(x, y)) {
        if (first < 0) first = y;
        last = y;
      } else if (first >= 0) break;
    }
    if (first >= 0) columns.push({ x, y0: first, y1: last });
  }
  if (columns.length === 0) return 0;
  const list = (xs: number[]) => `{${xs.join(',')}}`;
  const [row] = await db.select({ n: sql<number>`coalesce(sum(m.count), 0)::int` }).from(
    sql`unnest(${list(columns.map((c) => c.x))}::int[], ${list(columns.map((c) => c.y0))}::int[], ${list(columns.map((c) => c.y1))}::int[]) AS r(x, y0, y1)
        JOIN ${mapCells} m ON m.zoom = ${zoom} AND m.x = r.x AND m.y BETWEEN r.y0 AND r.y1`,
  );
  return Number(row?.n ?? 0);
}

export interface NearbyPoint {
  id: string;
  lat: number;
  lng: number;
}

/**
 * Every matching street location in the radius as bare points, nearest first, at most `limit`: what a
 * map draws. The same index plan as a page (KNN on the GiST index), reading three columns per row.
 */
export async function pointsNearby(db: Database, q: NearbyQuery, limit: number): Promise<NearbyPoint[]> {
  const rows = await db
    .select({ id: locations.id, lat: locations.lat, lng: locations.lng })
    .from(locations)
    .where(and(boxSql(locations, q), sql`${greatCircleMeters(locations, q)} <= ${q.radiusMeters}::float8`))
    .orderBy(indexDistance(locations, q))
    .limit(limit);
  return rows.map((r) => ({ id: r.id, lat: Number(r.lat), lng: Number(r.lng) }));
}

/** Telehealth and at-home programs serving `state` that pass the filter. */
export function telehealthSql(t: LocationsRef, state: string, filter: LocationFilter, bind: Bind): SQL {
  return sql.join(
    [
      sql`${t.kind} = 'telehealth'`,
      sql`${t.servesStates} @> ARRAY[${bind('state', state)}::text]`,
      filterSql(t, filter, bind),
    ],
    sql` AND `,
  );
}

/** The order programs are listed in: by clinic, then program name, then id. */
export function telehealthOrder(t: LocationsRef): SQL[] {
  return [sql`(SELECT c.name FROM ${clinics} c WHERE c.id = ${t.clinicId})`, sql`${t.name}`, sql`${t.id}`];
}

/**
 * Whether every point of the view is inside the search's radius, so the radius need not be checked row by row:
 * its corners and the middles of its sides (a side along a parallel bows away from a great circle) within
 * 99% of the radius. A view across the antimeridian or wider than 10° is always checked.
 */
function viewInsideRadius(v: ViewBox, q: NearbyQuery): boolean {
  if (v.west > v.east || v.east - v.west > 10 || v.north - v.south > 10) return false;
  const lats = [v.south, (v.south + v.north) / 2, v.north];
  const lngs = [v.west, (v.west + v.east) / 2, v.east];
  return lats.every((lat) =>
    lngs.every((lng) => haversineMeters(q.origin, { lat, lng }) <= q.radiusMeters * 0.99),
  );
}

/** A circle holding the whole view: its center and the distance to its farthest corner, with a margin. */
export function circleAroundView(v: ViewBox): { center: LatLng; meters: number } {
  const width = v.west <= v.east ? v.east - v.west : v.east + 360 - v.west;
  if (width >= 180) return { center: { lat: 0, lng: 0 }, meters: Number.POSITIVE_INFINITY };
  const lng = v.west + width / 2;
  const center = { lat: (v.south + v.north) / 2, lng: lng > 180 ? lng - 360 : lng };
  const corners = [v.north, v.south].flatMap((lat) => [v.west, v.east].map((c) => ({ lat, lng: c })));
  return { center, meters: Math.max(...corners.map((c) => haversineMeters(center, c))) * 1.01 + 1 };
}

export { MAX_CLUSTER_ZOOM };

/** The filter lets every public location through: the map's cells counted ahead hold exactly those. */
function isUnfiltered(f: LocationFilter): boolean {
  return (
    f.conditions.length === 0 &&
    f.routes.length === 0 &&
    f.insurance.length === 0 &&
    f.languages.length === 0 &&
    f.acceptingNewPatients === null &&
    f.age === null &&
    f.text === null
  );
}

/**
 * The grid cells at `zoom` that make up the view exactly, first to last in x and y, when its edges lie on the
 * grid's lines (as clusterRequest widens a map's view) and it does not cross the antimeridian; else null.
 */
function gridCells(v: ViewBox, zoom: number): { x0: number; x1: number; y0: number; y1: number } | null {
  if (!Number.isInteger(zoom) || zoom < 0 || zoom > MAX_CLUSTER_ZOOM || v.west > v.east) return null;
  const n = CELLS_AT_ZOOM_0 * 2 ** zoom;
  // A line of the grid, to within a billionth of a cell (degrees turned into cells and back lose a few bits).
  const line = (cells: number) => {
    const r = Math.round(cells);
    return Math.abs(cells - r) < 1e-9 ? r : null;
  };
  const x0 = line(((v.west + 180) / 360) * n);
  const x1 = line(((v.east + 180) / 360) * n);
  // The grid's first and last rows reach the poles (latitudes past 85° are clamped into them).
  const y0 = v.north >= 90 ? 0 : line(mercatorY(v.north) * n);
  const y1 = v.south <= -90 ? n : line(mercatorY(v.south) * n);
  if (x0 === null || x1 === null || y0 === null || y1 === null || x1 <= x0 || y1 <= y0) return null;
  return { x0, x1: x1 - 1, y0, y1: y1 - 1 };
}

/** A cell of the map's grid: how many matches it holds, their center and the box around them. */
export interface MapCell {
  count: number;
  lat: number;
  lng: number;
  /** The one location, when the cell holds one. */
  id: string | null;
  bounds: ViewBox;
}

/**
 * What a map draws at `zoom`: the matches in the radius (and in `within`, the part on screen, if given)
 * counted on a grid of Web Mercator cells 64 px wide at that zoom, so a national view of a million locations
 * is a few hundred cells. Above MAX_CLUSTER_ZOOM every location is its own cell. The cells are fixed to the
 * world, not the screen, so the same zoom gives the same cells however the map is panned.
 * At most `limit` cells, the fullest first.
 */
export async function clustersNearby(
  db: Database,
  q: NearbyQuery,
  zoom: number,
  within: ViewBox | null,
  limit: number,
  options: { counted?: boolean } = {},
): Promise<MapCell[]> {
  // An unfiltered view inside the radius, on whole cells of the grid (as the web app asks): the cells counted
  // ahead (map_cells) answer it, a row per cell on screen. Anything else counts the locations in view.
  const grid =
    within && isUnfiltered(q.filter) && viewInsideRadius(within, q) ? gridCells(within, zoom) : null;
  if (grid && options.counted !== false) {
    const rows = await db
      .select({
        count: mapCells.count,
        lat: sql<number>`${mapCells.sumLat} / ${mapCells.count}`,
        lng: sql<number>`${mapCells.sumLng} / ${mapCells.count}`,
        id: sql<string | null>`CASE WHEN ${mapCells.count} = 1 THEN ${mapCells.firstId}::text END`,
        south: mapCells.south,
        north: mapCells.north,
        west: mapCells.west,
        east: mapCells.east,
      })
      .from(mapCells)
      .where(
        and(
          eq(mapCells.zoom, zoom),
          between(mapCells.x, grid.x0, grid.x1),
          between(mapCells.y, grid.y0, grid.y1),
        ),
      )
      .orderBy(desc(mapCells.count), asc(mapCells.firstId))
      .limit(limit);
    return rows.map((r) => ({
      count: r.count,
      lat: Number(r.lat),
      lng: Number(r.lng),
      id: r.id,
      bounds: { north: r.north, south: r.south, east: r.east, west: r.west },
    }));
  }
  // Everything is read from locations_public_earth_idx alone (kind, listed, lat, lng and id; `earth` only in
  // the index's own box tests), so the distance is worked out from lat and lng, never from the stored point.
  const where = [sql`${locations.kind} = 'physical'`, filterSql(locations, q.filter)];
  const around = within ? circleAroundView(within) : null;
  if (!within || !around || !viewInsideRadius(within, q)) {
    where.push(
      sql`earth_box(${originEarth(q.origin)}, ${q.radiusMeters}::float8) @> ${earthOf(locations)}`,
      sql`earth_distance(ll_to_earth(${locations.lat}, ${locations.lng}), ${originEarth(q.origin)}) <= ${q.radiusMeters}::float8`,
    );
  }
  if (within && around) {
    // The view's own box on the GiST index too, so a city block on screen costs the block, not the radius.
    if (around.meters < q.radiusMeters) {
      where.push(
        sql`earth_box(${originEarth(around.center)}, ${around.meters}::float8) @> ${earthOf(locations)}`,
      );
    }
    where.push(sql`${locations.lat} BETWEEN ${within.south}::float8 AND ${within.north}::float8`);
    // A view across the antimeridian has west > east.
    where.push(
      within.west <= within.east
        ? sql`${locations.lng} BETWEEN ${within.west}::float8 AND ${within.east}::float8`
        : sql`(${locations.lng} >= ${within.west}::float8 OR ${locations.lng} <= ${within.east}::float8)`,
    );
  }
  const cells = CELLS_AT_ZOOM_0 * 2 ** Math.min(zoom, MAX_CLUSTER_ZOOM);
  // The cell a point falls in, by its Web Mercator x and y (0..1 across the world); above the widest
  // clustering zoom, the location itself.
  const cell =
    zoom > MAX_CLUSTER_ZOOM
      ? [sql`${locations.id}`]
      : [
          sql`floor((${locations.lng} + 180) / 360 * ${cells}::float8)::int`,
          sql`floor((0.5 - ln(tan(pi() / 4 + radians(least(greatest(${locations.lat}, -85), 85)) / 2)) / (2 * pi())) * ${cells}::float8)::int`,
        ];
  const rows = await db
    .select({
      count: count(),
      lat: sql<number>`avg(${locations.lat})`,
      lng: sql<number>`avg(${locations.lng})`,
      id: sql<string | null>`CASE WHEN count(*) = 1 THEN min(${locations.id}::text) END`,
      south: min(locations.lat),
      north: max(locations.lat),
      west: min(locations.lng),
      east: max(locations.lng),
    })
    .from(locations)
    .where(and(...where))
    .groupBy(...cell)
    .orderBy(sql`count(*) DESC`, sql`min(${locations.id}::text)`)
    .limit(limit);
  return rows.map((r) => ({
    count: Number(r.count),
    lat: Number(r.lat),
    lng: Number(r.lng),
    id: r.id,
    bounds: { north: Number(r.north), south: Number(r.south), east: Number(r.east), west: Number(r.west) },
  }));
}
