import type { Database } from '@kapmap/db/client';
import { clinics, locationConditions, locationInsurance, locationRoutes, locations } from '@kapmap/db/schema';
import type { LatLng } from '@kapmap/geo';
import {
  and,
  arrayContains,
  asc,
  count,
  eq,
  exists,
  ilike,
  inArray,
  max,
  min,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';

/**
 * The nearby search, as SQL. Every query here is answered from the GiST index on ll_to_earth(lat, lng):
 * the radius is a box test the index can answer plus an exact great-circle check, and results come in the
 * index's nearest-neighbour order (`<->`), so a page of 20 stops after about 20 rows however dense the
 * radius. See STACK.md: sorting every row in a city's radius instead costs 50 to 500 times more.
 */

export interface LocationFilter {
  /** A location must accept every one. */
  conditions: string[];
  /** A location must offer at least one. */
  routes: string[];
  /** A location must accept at least one. */
  insurance: string[];
  acceptingNewPatients: boolean | null;
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

const earth = sql`ll_to_earth(${locations.lat}, ${locations.lng})`;
const originEarth = (o: LatLng) => sql`ll_to_earth(${o.lat}::float8, ${o.lng}::float8)`;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The filter conditions shared by street and telehealth searches. Everything public is published. */
function filterConditions(filter: LocationFilter): SQL[] {
  const where: SQL[] = [eq(clinics.published, true)];
  for (const code of filter.conditions) {
    where.push(
      exists(
        sql`(SELECT 1 FROM ${locationConditions} WHERE ${locationConditions.locationId} = ${locations.id} AND ${locationConditions.conditionCode} = ${code})`,
      ),
    );
  }
  if (filter.routes.length > 0) {
    where.push(
      exists(
        sql`(SELECT 1 FROM ${locationRoutes} WHERE ${locationRoutes.locationId} = ${locations.id} AND ${inArray(locationRoutes.routeCode, filter.routes)})`,
      ),
    );
  }
  if (filter.insurance.length > 0) {
    where.push(
      exists(
        sql`(SELECT 1 FROM ${locationInsurance} WHERE ${locationInsurance.locationId} = ${locations.id} AND ${inArray(locationInsurance.payerCode, filter.insurance)})`,
      ),
    );
  }
  if (filter.acceptingNewPatients !== null) {
    where.push(eq(locations.acceptingNewPatients, filter.acceptingNewPatients));
  }
  if (filter.text) {
    const pattern = `%${escapeLike(filter.text)}%`;
    where.push(or(ilike(clinics.name, pattern), ilike(locations.name, pattern)) as SQL);
  }
  return where;
}

function nearbyConditions(q: NearbyQuery): SQL[] {
  const o = originEarth(q.origin);
  return [
    eq(locations.kind, 'physical'),
    sql`earth_box(${o}, ${q.radiusMeters}::float8) @> ${earth}`,
    sql`earth_distance(${earth}, ${o}) <= ${q.radiusMeters}::float8`,
    ...filterConditions(q.filter),
  ];
}

export interface NearbyRow {
  id: string;
  meters: number;
  key: number;
}

/** One page of matching street locations, nearest first (ties by id), and whether more follow. */
export async function searchNearby(
  db: Database,
  q: NearbyQuery,
  page: { first: number; after: SearchCursor | null },
): Promise<{ rows: NearbyRow[]; hasNextPage: boolean }> {
  const o = originEarth(q.origin);
  const key = sql<number>`(${earth} <-> ${o})`;
  const where = nearbyConditions(q);
  if (page.after) {
    where.push(sql`(${key}, ${locations.id}) > (${page.after.key}::float8, ${page.after.id}::uuid)`);
  }
  const rows = await db
    .select({ id: locations.id, meters: sql<number>`earth_distance(${earth}, ${o})`, key })
    .from(locations)
    .innerJoin(clinics, eq(clinics.id, locations.clinicId))
    .where(and(...where))
    .orderBy(key, asc(locations.id))
    .limit(page.first + 1);
  return {
    rows: rows.slice(0, page.first).map((r) => ({ id: r.id, meters: Number(r.meters), key: Number(r.key) })),
    hasNextPage: rows.length > page.first,
  };
}

export interface NearbySummary {
  total: number;
  bounds: { north: number; south: number; east: number; west: number } | null;
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
    .innerJoin(clinics, eq(clinics.id, locations.clinicId))
    .where(and(...nearbyConditions(q)));
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

/** Telehealth and at-home programmes serving a state that match the filter, by clinic then programme name. */
export async function searchTelehealth(
  db: Database,
  state: string,
  filter: LocationFilter,
): Promise<string[]> {
  const rows = await db
    .select({ id: locations.id })
    .from(locations)
    .innerJoin(clinics, eq(clinics.id, locations.clinicId))
    .where(
      and(
        eq(locations.kind, 'telehealth'),
        arrayContains(locations.servesStates, [state]),
        ...filterConditions(filter),
      ),
    )
    .orderBy(asc(clinics.name), asc(locations.name), asc(locations.id))
    .limit(100);
  return rows.map((r) => r.id);
}
