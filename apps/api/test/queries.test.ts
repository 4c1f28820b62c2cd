import { generateLocations } from '@kapmap/db/generate';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, startApi } from './harness.js';

describe('a nested search issues a bounded number of SQL statements', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  const NESTED = `query($first: Int) {
    searchLocations(place: "Raleigh, NC", radius: 500, first: $first) {
      edges { distance node {
        name
        clinic { name locations { name } }
        offeredRoutes { priceUsd route { code name } }
        acceptedConditions { code icd10 }
        services { code }
        acceptedInsurance { code }
      } }
      telehealth { name clinic { name } offeredRoutes { route { code } } }
    } }`;

  async function statementsFor(first: number) {
    await api.gql(NESTED, { first }); // warms the reference-code cache
    api.sqlLog.length = 0;
    const res = await api.gql(NESTED, { first });
    expect(res.errors).toBeUndefined();
    return { count: api.sqlLog.length, edges: res.data?.searchLocations.edges.length as number };
  }

  it('the same few statements for a page of 2 or of 30', async () => {
    const small = await statementsFor(2);
    const large = await statementsFor(30);
    expect(small.edges).toBe(2);
    expect(large.edges).toBe(30);
    // the page with every relation of its nodes + telehealth ids + telehealth nodes
    expect(large.count).toBe(small.count);
    expect(large.count).toBeLessThanOrEqual(3);
  });

  it('computes totalCount and bounds only when they are asked for, in one statement together', async () => {
    api.sqlLog.length = 0;
    await api.gql('{ searchLocations(place: "27609") { edges { distance } } }');
    expect(api.sqlLog.some((q) => /count\(/i.test(q))).toBe(false);
    api.sqlLog.length = 0;
    await api.gql('{ searchLocations(place: "27609") { totalCount bounds { north } } }');
    expect(api.sqlLog.filter((q) => /count\(/i.test(q))).toHaveLength(1);
    expect(api.sqlLog.some((q) => /<->/.test(q))).toBe(false);
  });
});

describe('the search is answered from the GiST index', () => {
  let api: Api;
  const captured: { text: string; params: unknown[] }[] = [];
  beforeAll(async () => {
    api = await startApi({
      demo: false,
      prepare: (db) => generateLocations(db, { locations: 20_000, chunkSize: 10_000 }),
      onQuery: (text, params) => captured.push({ text, params }),
    });
  });
  afterAll(() => api.close());

  /**
   * EXPLAIN of the nearest-first statement a GraphQL search sends, on a session with `settings` applied
   * (a connection of its own on PostgreSQL; PGlite has one session).
   */
  async function planOf(args: string, settings: string[] = []): Promise<string> {
    captured.length = 0;
    const res = await api.gql(
      `{ searchLocations(${args}, first: 20) { edges { distance node { name clinic { name } } } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.searchLocations.edges.length).toBeGreaterThan(0);
    const query = captured.find((q) => q.text.includes('<->'));
    if (!query) throw new Error('no nearest-first statement was sent');
    const explain = async (run: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>) => {
      for (const setting of settings) await run(`SET ${setting}`);
      const rows = await run(`EXPLAIN ${query.text}`, query.params);
      return rows.map((r) => Object.values(r)[0]).join('\n');
    };
    if (api.db.engine === 'pglite') {
      try {
        return await explain((text, params) => api.db.rawQuery(text, params));
      } finally {
        await api.db.rawQuery('RESET ALL');
      }
    }
    const own = postgres(api.db.url ?? '', { max: 1, onnotice: () => {} });
    try {
      return await explain((text, params) => own.unsafe(text, (params ?? []) as never[], { prepare: true }));
    } finally {
      await own.end();
    }
  }

  // Which path PostgreSQL takes depends on its estimate of how many rows the radius holds: with 20,000
  // generated locations it may read the box and sort the few inside; at 1,000,000 the benchmark shows it
  // walking the index nearest-first. Both start from the GiST index; neither scans the table.
  it('reads the radius from the GiST index and never scans the table, in a dense city', async () => {
    const explained = await planOf('near: { lat: 40.7128, lng: -74.006 }, radius: 25');
    expect(explained).toMatch(/(Index|Bitmap Index) Scan (using|on) locations_(public_)?earth_idx/);
    expect(explained).not.toMatch(/Seq Scan on locations/);
  });

  it('reads the radius from the GiST index and never scans the table, with filters', async () => {
    const explained = await planOf(
      'near: { lat: 40.75, lng: -73.99 }, radius: 25, filter: { conditions: ["ptsd"], routes: ["iv"], acceptingNewPatients: true }',
    );
    expect(explained).toMatch(/(Index|Bitmap Index) Scan (using|on) locations_(public_)?earth_idx/);
    expect(explained).not.toMatch(/Seq Scan on locations/);
  });

  // The statement must leave PostgreSQL a nearest-first path that needs no sort: ordering by anything more
  // than the index's distance (an id tie-break, say) would force it to sort the whole box at any size.
  it('can be answered nearest-first from the index with no sort', async () => {
    const explained = await planOf('near: { lat: 40.7128, lng: -74.006 }, radius: 25', [
      'enable_bitmapscan = off',
    ]);
    expect(explained).toMatch(/Index Scan using locations_(public_)?earth_idx/);
    expect(explained).toMatch(/Order By: \(\(earth\)::cube <->/);
    expect(explained).not.toMatch(/Sort/);
  });

  // Statements are prepared, and after five runs PostgreSQL may switch to a generic plan that knows
  // nothing of the point or the radius (STACK.md). That plan must keep the nearest-first path too.
  it.runIf(process.env.KAPMAP_TEST_DB === 'postgres')(
    'keeps the nearest-first path when PostgreSQL switches to the generic plan',
    async () => {
      const explained = await planOf('near: { lat: 40.7128, lng: -74.006 }, radius: 25', [
        'plan_cache_mode = force_generic_plan',
        'enable_bitmapscan = off',
      ]);
      expect(explained).toMatch(/Index Scan using locations_(public_)?earth_idx/);
      expect(explained).toMatch(/Order By: \(\(earth\)::cube <->/);
      expect(explained).not.toMatch(/Sort/);
      expect(explained).not.toMatch(/Seq Scan on locations/);
    },
  );

  it.runIf(process.env.KAPMAP_TEST_DB === 'postgres')(
    'runs its statements without JIT, which would charge a plan kept from sorting 100 ms to compile',
    async () => {
      const rows = await api.db.rawQuery('SHOW jit');
      expect(Object.values(rows[0] ?? {})[0]).toBe('off');
    },
  );
});
