import { generateLocations } from '@kapmap/db/generate';
import { createTestDb, type TestDb } from '@kapmap/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchNearby } from '../src/modules/directory/search.js';
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
  let db: TestDb;
  const captured: { text: string; params: unknown[] }[] = [];
  beforeAll(async () => {
    db = await createTestDb({ onQuery: (text, params) => captured.push({ text, params }) });
    await generateLocations(db, { locations: 20_000, chunkSize: 10_000 });
  });
  afterAll(() => db.drop());

  async function plan(text: string, params: unknown[]): Promise<string> {
    const rows = await db.rawQuery<Record<string, unknown>>(`EXPLAIN ${text}`, params);
    return rows.map((r) => Object.values(r)[0]).join('\n');
  }

  it('walks the index nearest-first and stops after the page, in a dense city', async () => {
    captured.length = 0;
    const filter = { conditions: [], routes: [], insurance: [], acceptingNewPatients: null, text: null };
    await searchNearby(
      db.db,
      { origin: { lat: 40.7128, lng: -74.006 }, radiusMeters: 40_000, filter },
      { first: 20, after: null },
    );
    const query = captured.find((q) => q.text.includes('<->'));
    const explained = await plan(query?.text ?? '', query?.params ?? []);
    expect(explained).toMatch(/Index Scan using locations_earth_idx/);
    expect(explained).toMatch(/Order By: \(\(ll_to_earth/);
    expect(explained).not.toMatch(/Sort/);
  });

  // With the radius as an index condition, PostgreSQL either walks the index in nearest-first order or
  // reads the box from it and sorts the few rows inside: both start from the GiST index, neither scans the table.
  it('reads the radius from the GiST index and never scans the table', async () => {
    captured.length = 0;
    const filter = {
      conditions: ['ptsd'],
      routes: ['iv'],
      insurance: [],
      acceptingNewPatients: true,
      text: null,
    };
    await searchNearby(
      db.db,
      { origin: { lat: 40.75, lng: -73.99 }, radiusMeters: 40_000, filter },
      { first: 20, after: null },
    );
    const query = captured.find((q) => q.text.includes('<->'));
    expect(query).toBeDefined();
    const explained = await plan(query?.text ?? '', query?.params ?? []);
    expect(explained).toMatch(/(Index|Bitmap Index) Scan (using|on) locations_earth_idx/);
    expect(explained).not.toMatch(/Seq Scan on locations/);
  });
});
