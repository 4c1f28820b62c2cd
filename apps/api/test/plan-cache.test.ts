import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldOperations, heldStatements, planCacheStats, setPlanCache } from '../src/graphql/plan-cache.js';
import { type Api, startApi } from './harness.js';
import { signedUp } from './people.js';

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  setPlanCache(true, undefined, { verify: true });
  await api.close();
});

const RALEIGH = { lat: 35.848, lng: -78.6317 };

const FULL = `query ($near: GeoPointInput, $place: String, $radius: Float, $filter: LocationFilter, $first: Int, $after: String, $sort: LocationSort) {
  searchLocations(near: $near, place: $place, radius: $radius, filter: $filter, first: $first, after: $after, sort: $sort) {
    edges { cursor distance node { id name isTelehealth coordinates { lat lng } clinic { name } offeredRoutes { priceUsd route { code } } } }
    pageInfo { hasNextPage endCursor }
    telehealth { id name servesStates clinic { name } offeredRoutes { priceUsd route { code } } acceptedConditions { code } }
  }
}`;
const NAMES = `query ($near: GeoPointInput, $first: Int, $after: String) {
  searchLocations(near: $near, radius: 500, first: $first, after: $after) {
    edges { distance node { name } } pageInfo { hasNextPage endCursor }
  }
}`;

/** Every search the suite's search tests make, by kind: filters of each sort, orders, pages, places. */
const SEARCHES: { name: string; query: string; variables: Record<string, unknown> }[] = [
  { name: 'nearest first', query: FULL, variables: { near: RALEIGH, radius: 500 } },
  { name: 'another origin', query: FULL, variables: { near: { lat: 40.7128, lng: -74.006 }, radius: 500 } },
  { name: 'a place', query: FULL, variables: { place: 'Durham, NC', radius: 100 } },
  { name: 'a small page', query: FULL, variables: { near: RALEIGH, radius: 500, first: 2 } },
  { name: 'by wait', query: FULL, variables: { near: RALEIGH, radius: 500, sort: 'WAIT', first: 3 } },
  { name: 'by price', query: FULL, variables: { near: RALEIGH, radius: 500, sort: 'PRICE', first: 3 } },
  {
    name: 'every filter',
    query: FULL,
    variables: {
      near: RALEIGH,
      radius: 500,
      filter: {
        routes: ['iv', 'im'],
        conditions: ['trd'],
        insurance: ['self_pay'],
        acceptingNewPatients: true,
        languages: ['en', 'es'],
        age: 30,
      },
    },
  },
  { name: 'a text filter', query: FULL, variables: { near: RALEIGH, radius: 500, filter: { text: 'a' } } },
  { name: 'another text', query: FULL, variables: { near: RALEIGH, radius: 500, filter: { text: 'e' } } },
  { name: 'another selection', query: NAMES, variables: { near: RALEIGH, first: 3 } },
];

/** A search and the pages after it (up to four), as the client would walk them. */
async function walk(search: (typeof SEARCHES)[number]) {
  const pages: unknown[] = [];
  let after: string | undefined;
  for (let i = 0; i < 4; i++) {
    const res = await api.gql(search.query, { ...search.variables, ...(after ? { after } : {}) });
    expect(res.errors).toBeUndefined();
    pages.push(res.data);
    const info = res.data?.searchLocations.pageInfo;
    if (!info.hasNextPage) break;
    after = info.endCursor;
  }
  return pages;
}

describe('the plan cache', () => {
  it('answers every search, page by page, as planning afresh does: cold and warm', async () => {
    setPlanCache(false);
    const fresh = [];
    for (const s of SEARCHES) fresh.push(await walk(s));
    expect(fresh.flat().length).toBeGreaterThan(SEARCHES.length);

    setPlanCache(true);
    const cold = [];
    for (const s of SEARCHES) cold.push(await walk(s));
    const missesCold = planCacheStats.misses;
    const hitsCold = planCacheStats.hits;
    const warm = [];
    for (const s of SEARCHES) warm.push(await walk(s));

    // The telehealth programs of the origin's state are planned as the page is, filters and all.
    const programs = fresh.map((pages) => pages[0] as { searchLocations: { telehealth?: unknown[] } });
    expect(programs.filter((p) => (p.searchLocations.telehealth?.length ?? 0) > 0).length).toBeGreaterThan(3);
    expect(cold).toEqual(fresh);
    expect(warm).toEqual(fresh);
    expect(planCacheStats.uncacheable).toBe(0);
    // Warm, every statement came from the cache: nothing was built again.
    expect(planCacheStats.misses).toBe(missesCold);
    // Every page's statement, and every page's programs where asked for, came from it.
    const asked = fresh
      .flat()
      .filter((page) => 'telehealth' in (page as { searchLocations: object }).searchLocations);
    expect(planCacheStats.hits - hitsCold).toBeGreaterThanOrEqual(fresh.flat().length + asked.length);
  });

  it('plans nothing for an anonymous search of a known operation, and answers as planning afresh does', async () => {
    setPlanCache(false);
    const fresh = [];
    for (const s of SEARCHES) fresh.push(await walk(s));
    setPlanCache(true, undefined, { verify: false });
    for (const s of SEARCHES) await walk(s);
    const unplannedCold = planCacheStats.unplanned;
    const warm = [];
    for (const s of SEARCHES) warm.push(await walk(s));
    const unplannedWarm = planCacheStats.unplanned - unplannedCold;
    setPlanCache(true, undefined, { verify: true });
    expect(warm).toEqual(fresh);
    // Warm, every page's statement and every page's programs were run without planning.
    const asked = fresh
      .flat()
      .filter((page) => 'telehealth' in (page as { searchLocations: object }).searchLocations);
    expect(unplannedWarm).toBeGreaterThanOrEqual(fresh.flat().length + asked.length);
  });

  it.each([
    [
      'beneath the search',
      `query ($near: GeoPointInput, $withClinic: Boolean!) {
      searchLocations(near: $near, radius: 500, first: 3) { edges { node { id clinic @include(if: $withClinic) { name } } } } }`,
    ],
    [
      'in a fragment beneath the search',
      `query ($near: GeoPointInput, $withClinic: Boolean!) {
      searchLocations(near: $near, radius: 500, first: 3) { ...Page } }
      fragment Page on LocationSearchConnection { edges { node { ...Row } } }
      fragment Row on Location { id clinic @include(if: $withClinic) { name } }`,
    ],
  ])('gives each value of a variable read %s its own plan', async (_where, query) => {
    setPlanCache(true, undefined, { verify: false });
    const without = await api.gql(query, { near: RALEIGH, withClinic: false });
    api.sqlLog.length = 0;
    const withClinic = await api.gql(query, { near: RALEIGH, withClinic: true });
    const statements = api.sqlLog.filter((q) => /from "(locations|clinics)"/i.test(q)).length;
    const againWithout = await api.gql(query, { near: RALEIGH, withClinic: false });
    setPlanCache(true, undefined, { verify: true });
    expect(without.data?.searchLocations.edges[0].node.clinic).toBeUndefined();
    expect(withClinic.data?.searchLocations.edges[0].node.clinic.name).toEqual(expect.any(String));
    // The clinic came with the page, in its one statement: the plan without it was not taken.
    expect(statements).toBe(1);
    expect(againWithout.data).toEqual(without.data);
  });

  it('plans every signed-in search afresh', async () => {
    setPlanCache(true, undefined, { verify: false });
    const query = `query ($near: GeoPointInput) { searchLocations(near: $near, radius: 500, first: 5) {
      edges { node { id clinic { name } } } } }`;
    const agent = await signedUp(api, 'plan-cache-planner@example.org');
    await agent.gql(query, { near: RALEIGH });
    const before = { ...planCacheStats };
    const res = await agent.gql(query, { near: RALEIGH });
    const after = { ...planCacheStats };
    setPlanCache(true, undefined, { verify: true });
    expect(res.data?.searchLocations.edges.length).toBeGreaterThan(0);
    // Its statement came from the cache, found by its plan: it was planned.
    expect(after.hits).toBeGreaterThan(before.hits);
    expect(after.unplanned).toBe(before.unplanned);
  });

  it('still sends one statement per page of a search when warm', async () => {
    setPlanCache(true);
    await api.gql(FULL, { near: RALEIGH, radius: 500 });
    api.sqlLog.length = 0;
    const res = await api.gql(FULL, { near: { lat: 35.9, lng: -78.7 }, radius: 500 });
    expect(res.data?.searchLocations.edges.length).toBeGreaterThan(0);
    expect(res.data?.searchLocations.telehealth.length).toBeGreaterThan(0);
    // One for the page and everything under it, one for the state's programs and everything under them.
    const statements = api.sqlLog.filter((q) => /from "locations"/i.test(q));
    expect(statements.filter((q) => !/'telehealth'/.test(q))).toHaveLength(1);
    expect(statements.filter((q) => /'telehealth'/.test(q))).toHaveLength(1);
  });

  it('keeps a signed-in viewer’s plan apart from the public one', async () => {
    setPlanCache(true);
    const query = `query ($near: GeoPointInput) { searchLocations(near: $near, radius: 500, first: 5) {
      edges { node { id clinic { name locations { id name } } } } } }`;
    const anonymous = await api.gql(query, { near: RALEIGH });
    const agent = await signedUp(api, 'plan-cache-viewer@example.org');
    const signedIn = await agent.gql(query, { near: RALEIGH });
    setPlanCache(false);
    expect(anonymous).toEqual(await api.gql(query, { near: RALEIGH }));
    expect(signedIn).toEqual(await agent.gql(query, { near: RALEIGH }));
  });

  it('holds no more statements than its cap, however many selections arrive', async () => {
    setPlanCache(true, 3);
    const fields = [
      'name',
      'phone',
      'acceptedConditions { code }',
      'clinic { name }',
      'offeredRoutes { priceUsd route { code } }',
    ];
    for (const f of fields) {
      const res = await api.gql(
        `{ searchLocations(near: {lat: 35.8, lng: -78.6}, radius: 500) { edges { node { ${f} } } } }`,
      );
      expect(res.errors).toBeUndefined();
    }
    expect(planCacheStats.misses).toBe(fields.length);
    expect(heldStatements(api.db.db)).toBe(3);
    expect(heldOperations(api.db.db)).toBe(3);
    setPlanCache(true);
  });

  it('binds the origin as one value and writes the page size in, so the database can keep one plan', async () => {
    // PostgreSQL keeps a generic plan for a prepared statement only while it costs no more than planning each
    // execution: a function of parameters evaluated for every row (ll_to_earth($1, $2)) or a guessed LIMIT $n
    // made the search's generic plan look dearer, and at 1M locations every search was planned again.
    setPlanCache(true);
    api.sqlLog.length = 0;
    const res = await api.gql(FULL, { near: RALEIGH, radius: 500, first: 7 });
    expect(res.data?.searchLocations.edges.length).toBeGreaterThan(0);
    const [search] = api.sqlLog.filter((q) => /from "locations"/i.test(q));
    expect(search).toMatch(/limit 8$/);
    expect(search).not.toMatch(/ll_to_earth\(\$/);
    expect(search).toMatch(/\$\d+::earth/);
  });
});
