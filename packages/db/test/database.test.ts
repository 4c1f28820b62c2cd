import { haversineMeters, offlineGeocoder } from '@kapmap/geo';
import { count, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/client.js';
import { generateLocations } from '../src/generate.js';
import { clinics, locationRoutes, locations, routes } from '../src/schema.js';
import { CONDITIONS, DEMO_CLINICS, prepareDatabase, ROUTES } from '../src/seed/index.js';
import { createTestDb, DEFAULT_TEST_DATABASE_URL, type TestDb } from '../src/testing.js';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await prepareDatabase(t, { demo: true });
});
afterAll(() => t.drop());

describe('migrations and demo data', () => {
  it('creates the cube and earthdistance extensions the search relies on', async () => {
    const [row] = await t.rows<{ d: number }>(
      sql`SELECT earth_distance(ll_to_earth(0, 0), ll_to_earth(0, 1)) AS d`,
    );
    // One degree of longitude on the equator of earthdistance's sphere (radius 6,378,168 m).
    expect(Number(row?.d)).toBeCloseTo((6_378_168 * Math.PI) / 180, 3);
  });

  it('seeds every route and condition with its ICD-10 code', async () => {
    const rows = await t.db.query.conditions.findMany();
    expect(rows.map((c) => c.code).sort()).toEqual(CONDITIONS.map((c) => c.code).sort());
    expect(rows.every((c) => /^[A-Z]\d{2}(\.\d{1,3})?$/.test(c.icd10))).toBe(true);
    expect(await t.db.$count(routes)).toBe(ROUTES.length);
  });

  it('seeds 40+ published sample clinics with 80+ locations in 10+ states, Raleigh and telehealth included', async () => {
    const published = await t.db.query.clinics.findMany({
      where: { published: true },
      with: { locations: true },
    });
    expect(published.length).toBeGreaterThanOrEqual(40);
    expect(published.every((c) => c.isSample)).toBe(true);
    const sites = published.flatMap((c) => c.locations);
    expect(sites.length).toBeGreaterThanOrEqual(80);
    expect(new Set(sites.map((l) => l.state).filter(Boolean)).size).toBeGreaterThanOrEqual(10);
    const raleigh = { lat: 35.848, lng: -78.6317 };
    const nearRaleigh = sites.filter(
      (l) =>
        l.lat !== null && l.lng !== null && haversineMeters(raleigh, { lat: l.lat, lng: l.lng }) < 40_000,
    );
    expect(nearRaleigh.length).toBeGreaterThanOrEqual(8);
    const telehealth = sites.filter((l) => l.kind === 'telehealth');
    expect(telehealth.length).toBeGreaterThanOrEqual(3);
    expect(telehealth.every((l) => l.lat === null && l.servesStates.length > 0)).toBe(true);
  });

  it('places every demo location within 2 km of its ZIP centroid', async () => {
    const geocoder = offlineGeocoder();
    const rows = await t.db.select().from(locations).where(eq(locations.kind, 'physical'));
    expect(rows).toHaveLength(DEMO_CLINICS.flatMap((c) => c.locations).length);
    for (const l of rows) {
      const zip = geocoder.zips.get(l.postalCode ?? '');
      expect(zip, l.name).toBeDefined();
      expect(haversineMeters({ lat: l.lat ?? 0, lng: l.lng ?? 0 }, zip ?? { lat: 0, lng: 0 })).toBeLessThan(
        2000,
      );
    }
  });

  it('seeds the demo directory only once, however often the server starts', async () => {
    const before = await t.db.$count(clinics);
    expect(await prepareDatabase(t, { demo: true })).toEqual({ seededDemo: false });
    expect(await t.db.$count(clinics)).toBe(before);
  });

  it('lists a location exactly while its clinic is published, whichever side changes', async () => {
    const [clinic] = await t.db
      .insert(clinics)
      .values({ name: 'Trigger Test Clinic (fictional)', published: false })
      .returning({ id: clinics.id });
    const clinicId = clinic?.id ?? '';
    const [loc] = await t.db
      .insert(locations)
      .values({ clinicId, name: 'Site', kind: 'physical', lat: 40, lng: -100, listed: true })
      .returning({ id: locations.id, listed: locations.listed });
    expect(loc?.listed).toBe(false);
    const listed = async () =>
      (
        await t.db
          .select({ listed: locations.listed })
          .from(locations)
          .where(eq(locations.id, loc?.id ?? ''))
      )[0]?.listed;
    await t.db.update(clinics).set({ published: true }).where(eq(clinics.id, clinicId));
    expect(await listed()).toBe(true);
    await t.db
      .update(locations)
      .set({ listed: false })
      .where(eq(locations.id, loc?.id ?? ''));
    expect(await listed()).toBe(true);
    await t.db.update(clinics).set({ published: false }).where(eq(clinics.id, clinicId));
    expect(await listed()).toBe(false);
    await t.db.delete(clinics).where(eq(clinics.id, clinicId));
  });

  it('never lists a closed location, whether its clinic is published or not', async () => {
    const [clinic] = await t.db
      .insert(clinics)
      .values({ name: 'Closing Test Clinic (fictional)', published: true })
      .returning({ id: clinics.id });
    const clinicId = clinic?.id ?? '';
    const [loc] = await t.db
      .insert(locations)
      .values({ clinicId, name: 'Site', kind: 'physical', lat: 40, lng: -100 })
      .returning({ id: locations.id, listed: locations.listed });
    expect(loc?.listed).toBe(true);
    const id = loc?.id ?? '';
    const listed = async () =>
      (await t.db.select({ listed: locations.listed }).from(locations).where(eq(locations.id, id)))[0]
        ?.listed;
    await t.db.update(locations).set({ closedAt: new Date() }).where(eq(locations.id, id));
    expect(await listed()).toBe(false);
    await t.db.update(clinics).set({ published: false }).where(eq(clinics.id, clinicId));
    await t.db.update(clinics).set({ published: true }).where(eq(clinics.id, clinicId));
    expect(await listed()).toBe(false);
    await t.db.update(locations).set({ closedAt: null }).where(eq(locations.id, id));
    expect(await listed()).toBe(true);
    await t.db.delete(clinics).where(eq(clinics.id, clinicId));
  });

  it.runIf(process.env.KAPMAP_TEST_DB === 'postgres')(
    'migrates a new database once when several servers start at once, one of them with a pool of one',
    async () => {
      const admin = postgres(process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL, {
        max: 1,
        onnotice: () => {},
      });
      const name = `kapmap_race_${process.pid}_${Date.now()}`;
      await admin.unsafe(`CREATE DATABASE ${name}`);
      const url = new URL(process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL);
      url.pathname = `/${name}`;
      const replicas = await Promise.all(
        // A pool of one migrates too: the lock is held on a connection of its own, not the pool's only one.
        [1, 2, 3].map((n) => createDb({ url: url.toString(), maxConnections: n })),
      );
      try {
        await Promise.all(replicas.map((r) => r.migrate()));
        for (const r of replicas) expect(await r.pendingMigrations()).toEqual([]);
        const [row] =
          (await replicas[0]?.rawQuery<{ n: number; d: number }>(
            'SELECT count(*)::int AS n, count(DISTINCT name)::int AS d FROM drizzle.__drizzle_migrations',
          )) ?? [];
        // Each migration recorded once: nobody applied one twice.
        expect(row?.n).toBeGreaterThan(0);
        expect(row?.n).toBe(row?.d);
      } finally {
        await Promise.all(replicas.map((r) => r.close()));
        await admin.unsafe(`DROP DATABASE ${name} WITH (FORCE)`);
        await admin.end();
      }
    },
  );

  it.runIf(process.env.KAPMAP_TEST_DB === 'postgres')(
    'migrates without the requests’ statement timeout: building an index may take longer than a request may',
    async () => {
      const admin = postgres(process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL, {
        max: 1,
        onnotice: () => {},
      });
      const name = `kapmap_slow_${process.pid}_${Date.now()}`;
      await admin.unsafe(`CREATE DATABASE ${name}`);
      const url = new URL(process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL);
      url.pathname = `/${name}`;
      // Requests may take a millisecond; the migrations take far longer, and must still complete.
      const handle = await createDb({ url: url.toString(), maxConnections: 1, statementTimeoutMs: 1 });
      const check = await createDb({ url: url.toString(), maxConnections: 1 });
      try {
        await handle.migrate();
        expect(await check.pendingMigrations()).toEqual([]);
      } finally {
        await handle.close();
        await check.close();
        await admin.unsafe(`DROP DATABASE ${name} WITH (FORCE)`);
        await admin.end();
      }
    },
  );

  it('stores each location’s point on earthdistance’s sphere for the index', async () => {
    const [row] = await t.rows<{ d: number }>(
      sql`SELECT max(earth_distance(earth, ll_to_earth(lat, lng))) AS d FROM locations WHERE kind = 'physical'`,
    );
    expect(Number(row?.d)).toBeLessThan(0.001);
  });

  it('refuses a physical location without coordinates and a telehealth one without states', async () => {
    const [clinic] = await t.db.select({ id: clinics.id }).from(clinics).limit(1);
    const clinicId = clinic?.id ?? '';
    await expect(
      t.db.insert(locations).values({ clinicId, name: 'No point', kind: 'physical' }),
    ).rejects.toThrow();
    await expect(
      t.db.insert(locations).values({ clinicId, name: 'No states', kind: 'telehealth' }),
    ).rejects.toThrow();
    await expect(
      t.db.insert(locations).values({ clinicId, name: 'Off the globe', kind: 'physical', lat: 91, lng: 0 }),
    ).rejects.toThrow();
  });
});

describe('the map’s cells counted ahead (map_cells)', () => {
  /** Cells where map_cells and a count from scratch of the public street locations disagree, at any zoom. */
  const disagreements = () =>
    t.rows<{ zoom: number; x: number; y: number }>(sql`
      WITH fresh AS (
        SELECT z.zoom, kapmap_map_x(l.lng) >> (13 - z.zoom) AS x, kapmap_map_y(l.lat) >> (13 - z.zoom) AS y,
               count(*)::int AS count, sum(l.lat) AS sum_lat, sum(l.lng) AS sum_lng, min(l.lat) AS south,
               max(l.lat) AS north, min(l.lng) AS west, max(l.lng) AS east, min(l.id::text) AS first_id
        FROM locations l CROSS JOIN generate_series(0, 13) AS z(zoom)
        WHERE l.kind = 'physical' AND l.listed
        GROUP BY 1, 2, 3
      )
      SELECT coalesce(f.zoom, m.zoom) AS zoom, coalesce(f.x, m.x) AS x, coalesce(f.y, m.y) AS y
      FROM fresh f FULL JOIN map_cells m ON m.zoom = f.zoom AND m.x = f.x AND m.y = f.y
      WHERE m.zoom IS NULL OR f.zoom IS NULL OR m.count <> f.count OR m.south <> f.south OR m.north <> f.north
         OR m.west <> f.west OR m.east <> f.east OR m.first_id::text <> f.first_id
         OR abs(m.sum_lat - f.sum_lat) > 1e-6 OR abs(m.sum_lng - f.sum_lng) > 1e-6`);
  const cellCount = async () =>
    Number((await t.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM map_cells`))[0]?.n);

  it('holds every public street location at every zoom from 0 to 13, as counted from scratch', async () => {
    const byZoom = await t.rows<{ zoom: number; total: number }>(
      sql`SELECT zoom, sum(count)::int AS total FROM map_cells GROUP BY zoom ORDER BY zoom`,
    );
    const [publicSites] = await t.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM locations WHERE kind = 'physical' AND listed`,
    );
    expect(publicSites?.n).toBeGreaterThan(50);
    expect(byZoom).toEqual(Array.from({ length: 14 }, (_, zoom) => ({ zoom, total: publicSites?.n })));
    expect(await disagreements()).toEqual([]);
  });

  it('follows every write: a new site, a move, unpublishing, closing, a batch, a deleted clinic', async () => {
    const [clinic] = await t.db
      .insert(clinics)
      .values({ name: 'Map Cells Test Clinic (fictional)', published: true })
      .returning({ id: clinics.id });
    const clinicId = clinic?.id ?? '';
    const sites = await t.db
      .insert(locations)
      .values([
        // Beside a demo site in Raleigh, alone in the Plains, and on the antimeridian's edge.
        { clinicId, name: 'Raleigh', kind: 'physical', lat: 35.7796, lng: -78.6382 },
        { clinicId, name: 'Plains', kind: 'physical', lat: 40, lng: -100 },
        { clinicId, name: 'Edge', kind: 'physical', lat: 51.8, lng: 179.99 },
      ])
      .returning({ id: locations.id });
    expect(await disagreements()).toEqual([]);
    const [raleigh, plains] = sites.map((s) => s.id);
    await t.db
      .update(locations)
      .set({ lat: 35.9, lng: -79 })
      .where(eq(locations.id, raleigh ?? ''));
    expect(await disagreements()).toEqual([]);
    const before = await cellCount();
    await t.db
      .update(locations)
      .set({ phone: '(919) 555-0100' })
      .where(eq(locations.id, plains ?? ''));
    expect(await cellCount()).toBe(before);
    await t.db.update(clinics).set({ published: false }).where(eq(clinics.id, clinicId));
    expect(await disagreements()).toEqual([]);
    await t.db.update(clinics).set({ published: true }).where(eq(clinics.id, clinicId));
    await t.db
      .update(locations)
      .set({ closedAt: new Date() })
      .where(eq(locations.id, plains ?? ''));
    expect(await disagreements()).toEqual([]);
    // One statement moving every site of the clinic a little north.
    await t.db
      .update(locations)
      .set({ lat: sql`${locations.lat} + 0.3` })
      .where(eq(locations.clinicId, clinicId));
    expect(await disagreements()).toEqual([]);
    await t.db.delete(clinics).where(eq(clinics.id, clinicId));
    expect(await disagreements()).toEqual([]);
  });

  it('stays exact when two writers change the same cells at once', async () => {
    const [clinic] = await t.db
      .insert(clinics)
      .values({ name: 'Concurrent Map Clinic (fictional)', published: true })
      .returning({ id: clinics.id });
    const clinicId = clinic?.id ?? '';
    // Each holds its transaction open after writing, so on PostgreSQL the two overlap.
    const writer = (lat: number) =>
      t.db.transaction(async (tx) => {
        await tx
          .insert(locations)
          .values({ clinicId, name: `At ${lat}`, kind: 'physical', lat, lng: -78.64 });
        await tx.execute(sql`SELECT pg_sleep(0.2)`);
      });
    await Promise.all([writer(35.78), writer(35.781)]);
    expect(await disagreements()).toEqual([]);
    await t.db.delete(clinics).where(eq(clinics.id, clinicId));
    expect(await disagreements()).toEqual([]);
  });
});

describe('synthetic generator', () => {
  it('adds N sample locations spread like the US population, each offering at least one route', async () => {
    const g = await createTestDb();
    try {
      await generateLocations(g, { locations: 3000, chunkSize: 1000 });
      expect(await g.db.$count(locations)).toBe(3000);
      const [noRoute] = await g.rows<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM locations l WHERE NOT EXISTS (SELECT 1 FROM location_routes r WHERE r.location_id = l.id)`,
      );
      expect(noRoute?.n).toBe(0);
      expect(await g.db.$count(locationRoutes)).toBeGreaterThan(3000);
      const byState = await g.rows<{ state: string; n: number }>(
        sql`SELECT state, count(*)::int AS n FROM locations GROUP BY state ORDER BY n DESC`,
      );
      const share = (s: string) => (byState.find((r) => r.state === s)?.n ?? 0) / 3000;
      // California holds about 12% of Americans and Wyoming under 0.2%: the draw should show it.
      expect(share('CA')).toBeGreaterThan(0.07);
      expect(share('CA')).toBeGreaterThan(share('WY') * 10);
      expect(byState.length).toBeGreaterThan(40);
      const [clinicCount] = await g.db.select({ n: count() }).from(clinics);
      expect(clinicCount?.n).toBe(1500);
    } finally {
      await g.drop();
    }
  });

  it('rejects a count outside 1..1,000,000', async () => {
    await expect(generateLocations(t, { locations: 0 })).rejects.toThrow(/1 to 1,000,000/);
    await expect(generateLocations(t, { locations: 1_000_001 })).rejects.toThrow(/1 to 1,000,000/);
  });
});
