import { haversineMeters, METERS_PER_KM, METERS_PER_MILE } from '@kapmap/geo';
import { clusterRequest } from '@kapmap/geo/map-grid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clustersNearby,
  countedInside,
  type LocationFilter,
  summarizeNearby,
} from '../src/modules/directory/search.js';
import { type Api, type GraphQLResponse, startApi } from './harness.js';

let api: Api;

/** Every location as the database holds it: the ground truth the search is checked against. */
interface Truth {
  id: string;
  name: string;
  clinicName: string;
  published: boolean;
  kind: 'physical' | 'telehealth';
  lat: number | null;
  lng: number | null;
  servesStates: string[];
  acceptingNewPatients: boolean;
  conditions: string[];
  routes: string[];
  insurance: string[];
}
let truth: Truth[];

beforeAll(async () => {
  api = await startApi();
  const rows = await api.db.db.query.locations.findMany({
    with: { clinic: true, conditionLinks: true, routeOfferings: true, insuranceLinks: true },
  });
  truth = rows.map((l) => ({
    id: l.id,
    name: l.name,
    clinicName: l.clinic.name,
    published: l.clinic.published,
    kind: l.kind,
    lat: l.lat,
    lng: l.lng,
    servesStates: l.servesStates,
    acceptingNewPatients: l.acceptingNewPatients,
    conditions: l.conditionLinks.map((c) => c.conditionCode),
    routes: l.routeOfferings.map((r) => r.routeCode),
    insurance: l.insuranceLinks.map((i) => i.payerCode),
  }));
});
afterAll(() => api.close());

const RALEIGH = { lat: 35.848, lng: -78.6317 };

/** Decodes a Relay global ID to the row id. */
const rowId = (globalId: string) => Buffer.from(globalId, 'base64').toString('utf8').split(':')[1];

const SEARCH = `
  query Search($near: GeoPointInput, $place: String, $radius: Float, $unit: DistanceUnit, $filter: LocationFilter, $first: Int, $after: String) {
    searchLocations(near: $near, place: $place, radius: $radius, unit: $unit, filter: $filter, first: $first, after: $after) {
      edges { cursor distance node { id name isTelehealth coordinates { lat lng } clinic { name } } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }`;

interface Edge {
  cursor: string;
  distance: number;
  node: {
    id: string;
    name: string;
    isTelehealth: boolean;
    coordinates: { lat: number; lng: number };
    clinic: { name: string };
  };
}

/** Walks every page of a search and returns all its edges. */
async function searchAll(variables: Record<string, unknown>, pageSize = 100): Promise<Edge[]> {
  const all: Edge[] = [];
  let after: string | null = null;
  for (let page = 0; page < 100; page++) {
    type Page = {
      searchLocations: { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    };
    const res: GraphQLResponse<Page> = await api.gql<Page>(SEARCH, { ...variables, first: pageSize, after });
    expect(res.errors).toBeUndefined();
    const conn = res.data?.searchLocations;
    if (!conn) throw new Error('no search results');
    all.push(...conn.edges);
    if (!conn.pageInfo.hasNextPage) return all;
    after = conn.pageInfo.endCursor;
  }
  throw new Error('more than 100 pages');
}

/** What a brute-force scan says a search should return, nearest first. */
function bruteForce(
  origin: { lat: number; lng: number },
  radiusMeters: number,
  keep: (t: Truth) => boolean = () => true,
) {
  return truth
    .filter((t) => t.published && t.kind === 'physical' && keep(t))
    .map((t) => ({ t, meters: haversineMeters(origin, { lat: t.lat ?? 0, lng: t.lng ?? 0 }) }))
    .filter((x) => x.meters <= radiusMeters)
    .sort((a, b) => a.meters - b.meters || (a.t.id < b.t.id ? -1 : 1));
}

describe('searchLocations near a place', () => {
  it('lists Raleigh-area demo clinics for ZIP 27609, nearest first, from the ZIP centroid', async () => {
    const res = await api.gql(
      `{ searchLocations(place: "27609", radius: 25) {
          origin { label state lat lng }
          edges { distance node { name address { city state } clinic { name isSample } } }
        } }`,
    );
    expect(res.errors).toBeUndefined();
    const conn = res.data?.searchLocations;
    expect(conn.origin).toMatchObject({ label: 'Raleigh, NC 27609', state: 'NC' });
    expect(conn.edges.length).toBeGreaterThanOrEqual(8);
    expect(conn.edges[0].node.name).toMatch(/North Hills/);
    const distances = conn.edges.map((e: Edge) => e.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(distances.at(-1)).toBeLessThanOrEqual(25);
    expect(
      conn.edges.every((e: { node: { address: { state: string } } }) => e.node.address.state === 'NC'),
    ).toBe(true);
    expect(conn.edges.every((e: { node: { clinic: { isSample: boolean } } }) => e.node.clinic.isSample)).toBe(
      true,
    );
  });

  it('reports each distance within 0.1% of a haversine on earthdistance’s sphere, in the unit asked', async () => {
    for (const unit of ['MILES', 'KILOMETERS'] as const) {
      const edges = await searchAll({ near: RALEIGH, radius: 300, unit });
      expect(edges.length).toBeGreaterThan(10);
      for (const e of edges) {
        const expected =
          haversineMeters(RALEIGH, e.node.coordinates) / (unit === 'MILES' ? METERS_PER_MILE : METERS_PER_KM);
        expect(Math.abs(e.distance - expected) / expected).toBeLessThan(0.001);
      }
    }
  });

  it.each([
    ['Raleigh, 40 miles', RALEIGH, 40, 'MILES'],
    ['Raleigh, 500 miles', RALEIGH, 500, 'MILES'],
    ['Manhattan, 120 km', { lat: 40.75, lng: -73.99 }, 120, 'KILOMETERS'],
    ['Denver, 805 km', { lat: 39.74, lng: -104.99 }, 805, 'KILOMETERS'],
    ['mid-Atlantic ocean, 500 miles', { lat: 30, lng: -40 }, 500, 'MILES'],
  ] as const)('finds exactly what a brute-force scan finds (%s)', async (_label, near, radius, unit) => {
    const meters = radius * (unit === 'MILES' ? METERS_PER_MILE : METERS_PER_KM);
    const edges = await searchAll({ near, radius, unit }, 7);
    const expected = bruteForce(near, meters);
    expect(edges.map((e) => rowId(e.node.id))).toEqual(expected.map((x) => x.t.id));
  });

  it('walks every result exactly once when paging, whatever the page size', async () => {
    const whole = await searchAll({ near: RALEIGH, radius: 500 }, 100);
    expect(whole.length).toBeGreaterThan(20);
    for (const size of [1, 4, 13]) {
      const paged = await searchAll({ near: RALEIGH, radius: 500 }, size);
      expect(paged.map((e) => e.node.id)).toEqual(whole.map((e) => e.node.id));
    }
    expect(new Set(whole.map((e) => e.node.id)).size).toBe(whole.length);
  });

  it('says whether pages come before and after', async () => {
    const first = await api.gql(SEARCH, { near: RALEIGH, radius: 40, first: 3 });
    expect(first.data?.searchLocations.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await api.gql(SEARCH, {
      near: RALEIGH,
      radius: 40,
      first: 100,
      after: first.data?.searchLocations.pageInfo.endCursor,
    });
    expect(second.data?.searchLocations.pageInfo).toMatchObject({
      hasNextPage: false,
      hasPreviousPage: true,
    });
  });

  it('counts every match in the radius and gives the box around them, not only the page', async () => {
    const res = await api.gql(
      `{ searchLocations(place: "Raleigh, NC", radius: 200, first: 2) {
          totalCount bounds { north south east west } edges { node { id } }
        } }`,
    );
    const conn = res.data?.searchLocations;
    const origin = (await api.gql(`{ searchLocations(place: "Raleigh, NC") { origin { lat lng } } }`)).data
      ?.searchLocations.origin;
    const expected = bruteForce(origin, 200 * METERS_PER_MILE);
    expect(conn.edges).toHaveLength(2);
    expect(conn.totalCount).toBe(expected.length);
    const lats = expected.map((x) => x.t.lat ?? 0);
    const lngs = expected.map((x) => x.t.lng ?? 0);
    expect(conn.bounds.north).toBeCloseTo(Math.max(...lats), 9);
    expect(conn.bounds.south).toBeCloseTo(Math.min(...lats), 9);
    expect(conn.bounds.east).toBeCloseTo(Math.max(...lngs), 9);
    expect(conn.bounds.west).toBeCloseTo(Math.min(...lngs), 9);
  });

  it('gives the map every match in the radius as points with the same ids as the list, nearest first', async () => {
    const res = await api.gql(
      `{ searchLocations(place: "Raleigh, NC", radius: 200, first: 3, filter: { routes: ["iv"] }) {
          totalCount points { id lat lng } edges { node { id } } origin { lat lng }
        } }`,
    );
    expect(res.errors).toBeUndefined();
    const conn = res.data?.searchLocations;
    const expected = bruteForce(conn.origin, 200 * METERS_PER_MILE, (t) => t.routes.includes('iv'));
    expect(expected.length).toBeGreaterThan(3);
    expect(conn.points).toHaveLength(expected.length);
    expect(conn.points).toHaveLength(conn.totalCount);
    expect(conn.points.map((p: { id: string }) => rowId(p.id))).toEqual(expected.map((x) => x.t.id));
    expect(conn.points[0]).toEqual({
      id: conn.edges[0].node.id,
      lat: expected[0]?.t.lat,
      lng: expected[0]?.t.lng,
    });
  });

  it('caps the points at first, nearest kept, and refuses a cap out of range', async () => {
    const capped = await api.gql(
      `{ searchLocations(place: "27609", radius: 100) { totalCount points(first: 2) { id } edges { node { id } } } }`,
    );
    const conn = capped.data?.searchLocations;
    expect(conn.totalCount).toBeGreaterThan(2);
    expect(conn.points.map((p: { id: string }) => p.id)).toEqual(
      conn.edges.slice(0, 2).map((e: { node: { id: string } }) => e.node.id),
    );
    const bad = await api.gql(`{ searchLocations(place: "27609") { points(first: 0) { id } } }`);
    expect(bad.errors?.[0]?.message).toMatch(/first must be from 1 to 10000/);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers an empty list, zero and no bounds where nothing is near', async () => {
    const res = await api.gql(
      `{ searchLocations(near: { lat: 30, lng: -40 }, radius: 10) { totalCount bounds { north } edges { cursor } pageInfo { hasNextPage endCursor } origin { label state } telehealth { id } } }`,
    );
    expect(res.data?.searchLocations).toEqual({
      totalCount: 0,
      bounds: null,
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
      origin: { label: '30.0000, -40.0000', state: null },
      telehealth: [],
    });
  });

  it('never shows a location of an unpublished clinic', async () => {
    const hidden = truth.filter((t) => !t.published);
    expect(hidden.length).toBeGreaterThan(0);
    const edges = await searchAll({ near: RALEIGH, radius: 500 });
    const all = [...edges, ...(await searchAll({ place: '90401', radius: 100 }))];
    const shown = new Set(all.map((e) => rowId(e.node.id)));
    for (const h of hidden) expect(shown.has(h.id)).toBe(false);
  });
});

describe('what the public may see', () => {
  const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
  const LOOKUP = `query($id: ID!, $locationId: ID!) {
    clinic(id: $id) { name locations { name } }
    location(id: $locationId) { name clinic { name } }
    clinicNode: node(id: $id) { id }
    locationNode: node(id: $locationId) { id }
  }`;

  it('finds a published clinic and its location by id, bare or global, and through node', async () => {
    const shown = truth.find((t) => t.published && t.kind === 'physical');
    const clinicId =
      (await api.db.db.query.locations.findFirst({ where: { id: shown?.id ?? '' } }))?.clinicId ?? '';
    const BY_ID = `query($id: ID!, $locationId: ID!) {
      clinic(id: $id) { name locations { name } }
      location(id: $locationId) { name clinic { name } }
    }`;
    for (const ids of [
      { id: globalId('Clinic', clinicId), locationId: globalId('Location', shown?.id ?? '') },
      { id: clinicId, locationId: shown?.id ?? '' },
    ]) {
      const res = await api.gql(BY_ID, ids);
      expect(res.errors).toBeUndefined();
      expect(res.data?.clinic.name).toBe(shown?.clinicName);
      expect(res.data?.clinic.locations.map((l: { name: string }) => l.name)).toContain(shown?.name);
      expect(res.data?.location).toEqual({ name: shown?.name, clinic: { name: shown?.clinicName } });
    }
    const res = await api.gql(LOOKUP, {
      id: globalId('Clinic', clinicId),
      locationId: globalId('Location', shown?.id ?? ''),
    });
    expect(res.data?.clinicNode.id).toBe(globalId('Clinic', clinicId));
    expect(res.data?.locationNode.id).toBe(globalId('Location', shown?.id ?? ''));
  });

  it('answers an unpublished clinic and its locations as not found, by every path', async () => {
    const hidden = truth.find((t) => !t.published);
    const clinicId =
      (await api.db.db.query.locations.findFirst({ where: { id: hidden?.id ?? '' } }))?.clinicId ?? '';
    const res = await api.gql(LOOKUP, {
      id: globalId('Clinic', clinicId),
      locationId: globalId('Location', hidden?.id ?? ''),
    });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ clinic: null, location: null, clinicNode: null, locationNode: null });
  });
});

describe('filters', () => {
  const around = { near: RALEIGH, radius: 500 };
  const ids = (edges: Edge[]) => edges.map((e) => rowId(e.node.id));
  const all = () => searchAll(around);
  const expectFiltered = async (filter: Record<string, unknown>, keep: (t: Truth) => boolean) => {
    const edges = await searchAll({ ...around, filter });
    const expected = bruteForce(RALEIGH, 500 * METERS_PER_MILE, keep).map((x) => x.t.id);
    expect(ids(edges)).toEqual(expected);
    return edges.length;
  };

  it('keeps only locations that accept every selected condition', async () => {
    const total = (await all()).length;
    const one = await expectFiltered({ conditions: ['ptsd'] }, (t) => t.conditions.includes('ptsd'));
    const two = await expectFiltered(
      { conditions: ['ptsd', 'ocd'] },
      (t) => t.conditions.includes('ptsd') && t.conditions.includes('ocd'),
    );
    expect(one).toBeLessThan(total);
    expect(two).toBeLessThan(one);
    expect(two).toBeGreaterThan(0);
  });

  it('keeps locations that offer at least one selected route', async () => {
    const iv = await expectFiltered({ routes: ['iv'] }, (t) => t.routes.includes('iv'));
    const either = await expectFiltered({ routes: ['iv', 'intranasal_esketamine'] }, (t) =>
      t.routes.some((r) => r === 'iv' || r === 'intranasal_esketamine'),
    );
    expect(either).toBeGreaterThan(iv);
  });

  it('keeps locations that accept at least one selected payer', async () => {
    const one = await expectFiltered({ insurance: ['medicare'] }, (t) => t.insurance.includes('medicare'));
    const two = await expectFiltered({ insurance: ['medicare', 'aetna'] }, (t) =>
      t.insurance.some((i) => i === 'medicare' || i === 'aetna'),
    );
    expect(one).toBeGreaterThan(0);
    expect(two).toBeGreaterThanOrEqual(one);
  });

  it('keeps locations that are, or are not, taking new patients', async () => {
    const open = await expectFiltered({ acceptingNewPatients: true }, (t) => t.acceptingNewPatients);
    const closed = await expectFiltered({ acceptingNewPatients: false }, (t) => !t.acceptingNewPatients);
    expect(open + closed).toBe((await all()).length);
    expect(closed).toBeGreaterThan(0);
  });

  it('matches text in the clinic or location name, ignoring case, with wildcards taken literally', async () => {
    const byClinic = await expectFiltered(
      { text: 'oak city' },
      (t) => /oak city/i.test(t.clinicName) || /oak city/i.test(t.name),
    );
    expect(byClinic).toBe(2);
    const bySite = await expectFiltered(
      { text: 'WAKE forest' },
      (t) => /wake forest/i.test(t.name) || /wake forest/i.test(t.clinicName),
    );
    expect(bySite).toBe(1);
    expect(await expectFiltered({ text: '%' }, () => false)).toBe(0);
    expect(await expectFiltered({ text: '   ' }, () => true)).toBe((await all()).length);
  });

  it('combines filters: a location must pass every one', async () => {
    const n = await expectFiltered(
      { conditions: ['trd'], routes: ['iv', 'im'], insurance: ['self_pay'], acceptingNewPatients: true },
      (t) =>
        t.conditions.includes('trd') &&
        t.routes.some((r) => r === 'iv' || r === 'im') &&
        t.insurance.includes('self_pay') &&
        t.acceptingNewPatients,
    );
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan((await all()).length);
  });
});

describe('telehealth programs', () => {
  const TELEHEALTH = `query($place: String, $near: GeoPointInput, $filter: LocationFilter) {
    searchLocations(place: $place, near: $near, filter: $filter) {
      origin { state } telehealth { name isTelehealth address { city } coordinates { lat } servesStates clinic { name } }
      edges { node { isTelehealth } }
    } }`;

  it('lists the programs serving the searcher’s state apart from the street locations, in one statement', async () => {
    api.sqlLog.length = 0;
    const res = await api.gql(TELEHEALTH, { place: '27609' });
    expect(api.sqlLog.filter((q) => /serves_states/.test(q) && /where/i.test(q))).toHaveLength(1);
    const conn = res.data?.searchLocations;
    const names = conn.telehealth.map((t: { clinic: { name: string } }) => t.clinic.name);
    expect(names).toEqual(['Homeward At-Home Ketamine Program', 'Tidewater Telehealth KAP']);
    for (const t of conn.telehealth) {
      expect(t).toMatchObject({ isTelehealth: true, address: null, coordinates: null });
      expect(t.servesStates).toContain('NC');
    }
    expect(conn.edges.every((e: { node: { isTelehealth: boolean } }) => !e.node.isTelehealth)).toBe(true);
  });

  it('takes the state from a city, or from the ZIP centroid nearest a point', async () => {
    const city = await api.gql(TELEHEALTH, { place: 'Portland, OR' });
    expect(
      city.data?.searchLocations.telehealth.map((t: { clinic: { name: string } }) => t.clinic.name),
    ).toEqual(['Westward Virtual Psychiatry']);
    const point = await api.gql(TELEHEALTH, { near: { lat: 40.7128, lng: -74.006 } });
    expect(point.data?.searchLocations.origin.state).toBe('NY');
    expect(point.data?.searchLocations.telehealth).toHaveLength(1);
  });

  it('applies the same filters to programs', async () => {
    const res = await api.gql(TELEHEALTH, { place: '27609', filter: { text: 'tidewater' } });
    expect(
      res.data?.searchLocations.telehealth.map((t: { clinic: { name: string } }) => t.clinic.name),
    ).toEqual(['Tidewater Telehealth KAP']);
    const none = await api.gql(TELEHEALTH, { place: '27609', filter: { routes: ['iv'] } });
    expect(none.data?.searchLocations.telehealth).toEqual([]);
  });
});

describe('places people type', () => {
  const SUGGEST = `query ($prefix: String!) { placeSuggestions(prefix: $prefix) { label description state lat lng } }`;

  it('suggests places for a prefix as the person types, each one a place the search finds', async () => {
    const res = await api.gql(SUGGEST, { prefix: 'Winston' });
    const [first] = res.data?.placeSuggestions ?? [];
    expect(first).toMatchObject({ label: 'Winston-Salem, NC', description: 'Winston-Salem, North Carolina' });
    const found = await api.gql(`query ($p: String) { searchLocations(place: $p) { origin { label } } }`, {
      p: first.label,
    });
    expect(found.data?.searchLocations.origin.label).toBe('Winston-Salem, NC');
    const zips = await api.gql(SUGGEST, { prefix: '276' });
    expect(zips.data?.placeSuggestions).toHaveLength(8);
  });

  it('refuses a prefix longer than any place with a message naming it', async () => {
    const res = await api.gql(SUGGEST, { prefix: 'x'.repeat(101) });
    expect(res.errors?.[0]?.message).toMatch(/prefix must be at most 100 characters/);
  });

  it('offers the places a city without its state may be', async () => {
    const res = await api.gql(`{ searchLocations(place: "Springfield") { totalCount } }`);
    const error = res.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'place' });
    expect(error?.extensions?.choices).toEqual(
      expect.arrayContaining(['Springfield, MO', 'Springfield, IL']),
    );
  });
});

describe('language and age filters', () => {
  const Q = `query ($filter: LocationFilter) {
    searchLocations(place: "27609", radius: 100, filter: $filter, first: 100) {
      edges { node { id languages minAge maxAge } }
    }
  }`;
  type Node = { id: string; languages: string[]; minAge: number | null; maxAge: number | null };
  const nodes = async (filter: object): Promise<Node[]> =>
    ((await api.gql(Q, { filter })).data?.searchLocations.edges ?? []).map((e: { node: Node }) => e.node);

  it('keeps the locations offering care in at least one language asked for, and only those', async () => {
    const all = await nodes({});
    const spanish = await nodes({ languages: ['es'] });
    expect(spanish.length).toBeGreaterThan(0);
    expect(spanish.map((n) => n.id)).toEqual(all.filter((n) => n.languages.includes('es')).map((n) => n.id));
    const unknown = await api.gql(Q, { filter: { languages: ['xx'] } });
    expect(unknown.errors?.[0]?.message).toMatch(/Unknown languages code: xx/);
  });

  it('keeps the locations whose stated ages include the patient’s, counting unstated bounds as open', async () => {
    const all = await nodes({});
    const teen = await nodes({ age: 16 });
    const fits = (n: Node) => (n.minAge ?? 0) <= 16 && (n.maxAge ?? 200) >= 16;
    expect(teen.map((n) => n.id)).toEqual(all.filter(fits).map((n) => n.id));
    expect(teen.length).toBeLessThan(all.length);
    const bad = await api.gql(Q, { filter: { age: 200 } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'age' });
  });

  it('names the languages a listing can offer', async () => {
    const res = await api.gql(`{ languages { code name } }`);
    expect(res.data?.languages).toEqual(expect.arrayContaining([{ code: 'es', name: 'Spanish' }]));
  });
});

describe('sorting', () => {
  const Q = `query ($sort: LocationSort, $after: String, $first: Int) {
    searchLocations(place: "27609", radius: 60, sort: $sort, after: $after, first: $first) {
      edges { distance node { id typicalWaitDays offeredRoutes { priceUsd } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;
  type Node = { id: string; typicalWaitDays: number | null; offeredRoutes: { priceUsd: number | null }[] };
  type Edge = { distance: number; node: Node };
  async function walk(sort: string, first: number) {
    const out: Edge[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const res: GraphQLResponse<{
        searchLocations: { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      }> = await api.gql(Q, { sort, after, first });
      expect(res.errors).toBeUndefined();
      const c = res.data?.searchLocations;
      if (!c) throw new Error('no answer');
      out.push(...c.edges);
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    return out;
  }
  const lowest = (n: Node) => {
    const prices = n.offeredRoutes.map((r) => r.priceUsd).filter((p): p is number => p !== null);
    return prices.length ? Math.min(...prices) : null;
  };
  /** Ascending by value, nulls last, ties nearest first. */
  const inOrder = (edges: Edge[], value: (n: Node) => number | null) =>
    edges.every((e, i) => {
      const prev = edges[i - 1];
      if (!prev) return true;
      const [a, b] = [value(prev.node), value(e.node)];
      if (a === null) return b === null && prev.distance <= e.distance;
      if (b === null) return true;
      return a < b || (a === b && prev.distance <= e.distance);
    });

  it('orders by shortest wait or lowest price, with unstated ones last, and pages through every match once', async () => {
    const nearest = await walk('DISTANCE', 100);
    for (const [sort, value] of [
      ['WAIT', (n: Node) => n.typicalWaitDays],
      ['PRICE', lowest],
    ] as const) {
      const all = await walk(sort, 3);
      expect(inOrder(all, value), sort).toBe(true);
      expect(all.map((e) => e.node.id).sort()).toEqual(nearest.map((e) => e.node.id).sort());
      for (const e of all) expect(e.distance).toBeLessThanOrEqual(60);
    }
  });

  it('refuses a cursor from a search in another order', async () => {
    const first = await api.gql(Q, { sort: 'WAIT', first: 2 });
    const res = await api.gql(Q, { sort: 'PRICE', after: first.data?.searchLocations.pageInfo.endCursor });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'after' });
  });
});

describe('a bounded count', () => {
  const COUNT = `query ($upTo: Int, $filter: LocationFilter) { searchLocations(place: "Raleigh, NC", radius: 500, filter: $filter, first: 1) {
    totalCount boundedCount(upTo: $upTo) { value exact } } }`;

  it('is the exact count when the radius holds at most upTo, whatever the filter', async () => {
    for (const filter of [undefined, { conditions: ['ptsd'] }, { routes: ['iv'] }]) {
      const res = await api.gql(COUNT, { upTo: 1000, filter });
      expect(res.errors).toBeUndefined();
      const { totalCount, boundedCount } = res.data?.searchLocations ?? {};
      expect(totalCount).toBeGreaterThan(2);
      expect(boundedCount).toEqual({ value: totalCount, exact: true });
    }
  });

  it('says "more than upTo" once there are more, and counts no further', async () => {
    const res = await api.gql(COUNT, { upTo: 2 });
    expect(res.data?.searchLocations.boundedCount).toEqual({ value: 2, exact: false });
    const exactly = (await api.gql(COUNT, {})).data?.searchLocations;
    const at = await api.gql(COUNT, { upTo: exactly.totalCount });
    expect(at.data?.searchLocations.boundedCount).toEqual({ value: exactly.totalCount, exact: true });
  });

  it('says "more than upTo" from the map’s cells in a dense radius, counting no location one by one', async () => {
    const BOUNDED = `query ($upTo: Int, $filter: LocationFilter) { searchLocations(place: "Raleigh, NC", radius: 500, filter: $filter, first: 1) {
      boundedCount(upTo: $upTo) { value exact } } }`;
    api.sqlLog.length = 0;
    const res = await api.gql(BOUNDED, { upTo: 2 });
    expect(res.data?.searchLocations.boundedCount).toEqual({ value: 2, exact: false });
    expect(api.sqlLog.filter((q) => /join "map_cells"/i.test(q))).toHaveLength(1);
    expect(api.sqlLog.filter((q) => /count\(\*\)|count\(\)/i.test(q) && /"locations"/.test(q))).toHaveLength(
      0,
    );
    // With a filter the cells cannot say: the locations are counted.
    api.sqlLog.length = 0;
    const filtered = await api.gql(BOUNDED, { upTo: 2, filter: { routes: ['iv'] } });
    expect(filtered.data?.searchLocations.boundedCount).toEqual({ value: 2, exact: false });
    expect(api.sqlLog.filter((q) => /join "map_cells"/i.test(q))).toHaveLength(0);
  });

  it('never takes the cells for more locations than the radius holds, however small or large', async () => {
    const unfiltered: LocationFilter = {
      conditions: [],
      routes: [],
      insurance: [],
      acceptingNewPatients: null,
      languages: [],
      age: null,
      text: null,
    };
    let some = 0;
    for (const origin of [
      RALEIGH,
      { lat: 35.9, lng: -79.05 },
      { lat: 40.7128, lng: -74.006 },
      { lat: 30.27, lng: -97.74 },
    ]) {
      for (const miles of [0.5, 2, 10, 25, 100, 500]) {
        const q = { origin, radiusMeters: miles * METERS_PER_MILE, filter: unfiltered };
        const lower = await countedInside(api.db.db, q);
        const { total } = await summarizeNearby(api.db.db, q);
        expect(lower, `${miles} miles from ${origin.lat}, ${origin.lng}`).toBeLessThanOrEqual(total);
        if (lower > 0) some++;
      }
    }
    expect(some).toBeGreaterThan(3);
  });

  it('counts with one statement over the locations, and refuses an upTo outside 1 to 10,000', async () => {
    api.sqlLog.length = 0;
    await api.gql(
      `{ searchLocations(near: { lat: 35.848, lng: -78.6317 }, radius: 50, first: 1) { boundedCount { value } } }`,
    );
    expect(api.sqlLog.filter((q) => /count\(/i.test(q))).toHaveLength(1);
    for (const upTo of [0, 10_001]) {
      const res = await api.gql(COUNT, { upTo });
      expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      expect(res.errors?.[0]?.message).toMatch(/upTo must be from 1 to 10000/);
    }
  });
});

describe('the map’s clusters', () => {
  const CLUSTERS = `query ($zoom: Int!, $within: GeoBoundsInput, $filter: LocationFilter) {
    searchLocations(place: "Raleigh, NC", radius: 500, filter: $filter, first: 1) {
      origin { lat lng }
      boundedCount { value exact }
      mapClusters(zoom: $zoom, within: $within) { count lat lng id bounds { north south east west } }
    } }`;
  interface Cell {
    count: number;
    lat: number;
    lng: number;
    id: string | null;
    bounds: { north: number; south: number; east: number; west: number };
  }
  async function clusters(variables: Record<string, unknown>) {
    const res = await api.gql<{
      searchLocations: {
        origin: { lat: number; lng: number };
        boundedCount: { value: number };
        mapClusters: Cell[];
      };
    }>(CLUSTERS, variables);
    expect(res.errors).toBeUndefined();
    return (
      res.data?.searchLocations ?? { origin: { lat: 0, lng: 0 }, boundedCount: { value: 0 }, mapClusters: [] }
    );
  }
  /** The cell a point falls in on a grid of 8 × 2^zoom Web Mercator cells across the world. */
  function cellOf(lat: number, lng: number, zoom: number): string {
    const n = 8 * 2 ** zoom;
    const y = 0.5 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / (2 * Math.PI);
    return `${Math.floor(((lng + 180) / 360) * n)}:${Math.floor(y * n)}`;
  }

  it('counts every match once at a national zoom, each cluster at the center of its locations', async () => {
    const got = await clusters({ zoom: 4 });
    const expected = bruteForce(got.origin, 500 * METERS_PER_MILE);
    const cells = new Map<string, typeof expected>();
    for (const x of expected) {
      const key = cellOf(x.t.lat ?? 0, x.t.lng ?? 0, 4);
      cells.set(key, [...(cells.get(key) ?? []), x]);
    }
    expect(cells.size).toBeLessThan(expected.length); // the demo data crowds at this zoom
    expect(got.mapClusters.reduce((n, c) => n + c.count, 0)).toBe(expected.length);
    expect(got.mapClusters).toHaveLength(cells.size);
    const want = [...cells.values()].map((xs) => ({
      count: xs.length,
      lat: xs.reduce((a, x) => a + (x.t.lat ?? 0), 0) / xs.length,
      lng: xs.reduce((a, x) => a + (x.t.lng ?? 0), 0) / xs.length,
      id: xs.length === 1 ? xs[0]?.t.id : null,
    }));
    const key = (c: { lat: number; lng: number }) => `${c.lat.toFixed(6)},${c.lng.toFixed(6)}`;
    const byCentre = new Map(want.map((w) => [key(w), w]));
    for (const c of got.mapClusters) {
      const w = byCentre.get(key(c));
      expect(w, `a cell at ${key(c)}`).toBeDefined();
      expect(c.count).toBe(w?.count);
      expect(c.id === null ? null : rowId(c.id)).toBe(w?.id ?? null);
      expect(c.bounds.south).toBeLessThanOrEqual(c.lat);
      expect(c.bounds.north).toBeGreaterThanOrEqual(c.lat);
    }
    // The fullest first.
    const counts = got.mapClusters.map((c) => c.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });

  it('draws every location as its own point above zoom 13, with its ID', async () => {
    const got = await clusters({ zoom: 14, filter: { routes: ['iv'] } });
    const expected = bruteForce(got.origin, 500 * METERS_PER_MILE, (t) => t.routes.includes('iv'));
    expect(got.mapClusters.every((c) => c.count === 1 && c.id !== null)).toBe(true);
    expect(got.mapClusters.map((c) => rowId(c.id ?? '')).sort()).toEqual(expected.map((x) => x.t.id).sort());
  });

  it('counts only what is on screen when given the view, also across the antimeridian', async () => {
    const within = { north: 36.5, south: 35, east: -78, west: -80 };
    const got = await clusters({ zoom: 8, within });
    const inView = bruteForce(got.origin, 500 * METERS_PER_MILE).filter(
      (x) =>
        (x.t.lat ?? 0) >= within.south &&
        (x.t.lat ?? 0) <= within.north &&
        (x.t.lng ?? 0) >= within.west &&
        (x.t.lng ?? 0) <= within.east,
    );
    expect(inView.length).toBeGreaterThan(0);
    expect(got.mapClusters.reduce((n, c) => n + c.count, 0)).toBe(inView.length);

    // West of east crosses 180°: from -78.7 eastward round the world to -78.8, all but a sliver of longitude.
    const around = { north: 36.5, south: 35, east: -78.8, west: -78.7 };
    const sliver = await clusters({ zoom: 8, within: around });
    const all = bruteForce(got.origin, 500 * METERS_PER_MILE).filter(
      (x) => (x.t.lat ?? 0) >= around.south && (x.t.lat ?? 0) <= around.north,
    );
    const inSliver = all.filter((x) => (x.t.lng ?? 0) > around.east && (x.t.lng ?? 0) < around.west);
    expect(inSliver.length).toBeGreaterThan(0);
    expect(sliver.mapClusters.reduce((n, c) => n + c.count, 0)).toBe(all.length - inSliver.length);
  });

  it('keeps to the radius where the view reaches past it, and counts a view inside it in full', async () => {
    const Q = `query ($within: GeoBoundsInput) {
      searchLocations(place: "Raleigh, NC", radius: 20, first: 1) {
        origin { lat lng }
        mapClusters(zoom: 12, within: $within) { count }
      } }`;
    const sum = async (within: Record<string, number>) => {
      const res = await api.gql<{
        searchLocations: { origin: { lat: number; lng: number }; mapClusters: { count: number }[] };
      }>(Q, { within });
      expect(res.errors).toBeUndefined();
      const s = res.data?.searchLocations;
      return {
        origin: s?.origin ?? { lat: 0, lng: 0 },
        n: (s?.mapClusters ?? []).reduce((a, c) => a + c.count, 0),
      };
    };
    const inBox = (b: Record<string, number>, x: { t: Truth }) =>
      (x.t.lat ?? 0) >= (b.south ?? 0) &&
      (x.t.lat ?? 0) <= (b.north ?? 0) &&
      (x.t.lng ?? 0) >= (b.west ?? 0) &&
      (x.t.lng ?? 0) <= (b.east ?? 0);
    // Two degrees wide: the 20-mile circle's edge runs through it.
    const wide = { north: 36.8, south: 34.8, east: -77.6, west: -79.6 };
    const a = await sum(wide);
    const within20 = bruteForce(a.origin, 20 * METERS_PER_MILE);
    const beyond = bruteForce(a.origin, 200 * METERS_PER_MILE).filter((x) => inBox(wide, x)).length;
    expect(beyond).toBeGreaterThan(within20.filter((x) => inBox(wide, x)).length); // some in view are too far
    expect(a.n).toBe(within20.filter((x) => inBox(wide, x)).length);
    // A few miles across, all of it within 20 miles of Raleigh: every location in it counts.
    const small = { north: 35.85, south: 35.72, east: -78.55, west: -78.72 };
    const b = await sum(small);
    expect(b.n).toBeGreaterThan(0);
    expect(b.n).toBe(within20.filter((x) => inBox(small, x)).length);
  });

  it('answers a view on the grid inside the radius from the cells counted ahead, as counting each location would', async () => {
    const unfiltered: LocationFilter = {
      conditions: [],
      routes: [],
      insurance: [],
      acceptingNewPatients: null,
      languages: [],
      age: null,
      text: null,
    };
    const origin = (await clusters({ zoom: 4 })).origin;
    const query = { origin, radiusMeters: 500 * METERS_PER_MILE, filter: unfiltered };
    let fromCells = 0;
    // The views a map of the Triangle and of the Southeast asks for (clusterRequest widens them to the grid).
    for (const [zoom, half] of [
      [13, 0.05],
      [11, 0.2],
      [9, 0.8],
      [6, 3],
    ] as const) {
      const { within } = clusterRequest(
        {
          north: origin.lat + half,
          south: origin.lat - half,
          east: origin.lng + half,
          west: origin.lng - half,
        },
        zoom,
      );
      api.sqlLog.length = 0;
      const got = await clusters({ zoom, within });
      fromCells += api.sqlLog.filter((q) => /from "map_cells"/.test(q) && /"first_id"/.test(q)).length;
      expect(api.sqlLog.filter((q) => /group by/i.test(q))).toHaveLength(0);
      const counted = await clustersNearby(api.db.db, query, zoom, within, 5000, { counted: false });
      expect(got.mapClusters.length).toBeGreaterThan(0);
      expect(got.mapClusters.map((c) => [c.count, c.id && rowId(c.id), c.bounds])).toEqual(
        counted.map((c) => [c.count, c.id, c.bounds]),
      );
      got.mapClusters.forEach((c, i) => {
        expect(c.lat).toBeCloseTo(counted[i]?.lat ?? Number.NaN, 9);
        expect(c.lng).toBeCloseTo(counted[i]?.lng ?? Number.NaN, 9);
      });
    }
    expect(fromCells).toBe(4);
    // A view off the grid, or a filter, counts the locations themselves.
    for (const variables of [
      { zoom: 9, within: { north: 36.1, south: 35.5, east: -78.3, west: -79.1 } },
      {
        zoom: 9,
        within: clusterRequest({ north: 36.1, south: 35.5, east: -78.3, west: -79.1 }, 9).within,
        filter: { routes: ['iv'] },
      },
    ]) {
      api.sqlLog.length = 0;
      await clusters(variables);
      expect(api.sqlLog.filter((q) => /from "map_cells"/.test(q) && /"first_id"/.test(q))).toHaveLength(0);
      expect(api.sqlLog.filter((q) => /group by/i.test(q))).toHaveLength(1);
    }
  });

  it('costs one statement, and refuses a zoom or a view that is not one', async () => {
    api.sqlLog.length = 0;
    await clusters({ zoom: 6 });
    expect(api.sqlLog.filter((q) => /group by/i.test(q))).toHaveLength(1);
    for (const [variables, message] of [
      [{ zoom: -1 }, /zoom must be a whole number from 0 to 22/],
      [{ zoom: 23 }, /zoom must be a whole number from 0 to 22/],
      [{ zoom: 5, within: { north: 30, south: 40, east: 0, west: 1 } }, /within.south must not be north/],
      [
        { zoom: 5, within: { north: 95, south: 40, east: 0, west: 1 } },
        /within.north must be between -90 and 90/,
      ],
    ] as const) {
      const res = await api.gql(CLUSTERS, variables);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toMatch(message);
    }
  });
});
