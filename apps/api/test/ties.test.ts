import { clinics, locations } from '@kapmap/db/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, type GraphQLResponse, startApi } from './harness.js';

let api: Api;
const SPOT = { lat: 43.2, lng: -108.4 }; // rural Wyoming: no demo clinic within 100 miles
let sameSpotIds: string[];

beforeAll(async () => {
  api = await startApi({ demo: false });
  const [clinic] = await api.db.db
    .insert(clinics)
    .values({
      name: 'Shared Building Clinics (fictional)',
      published: true,
      verification: 'verified',
      isSample: true,
    })
    .returning({ id: clinics.id });
  const rows = await api.db.db
    .insert(locations)
    .values(
      [1, 2, 3, 4, 5, 6, 7].map((n) => ({
        clinicId: clinic?.id ?? '',
        name: `Suite ${n}`,
        kind: 'physical' as const,
        ...SPOT,
        addressLine1: '1 Sample Plaza',
        city: 'Riverton',
        state: 'WY',
        postalCode: '82501',
      })),
    )
    .returning({ id: locations.id });
  // One more a little further away, which must come after all seven.
  await api.db.db.insert(locations).values({
    clinicId: clinic?.id ?? '',
    name: 'Annex',
    kind: 'physical',
    lat: SPOT.lat + 0.01,
    lng: SPOT.lng,
    addressLine1: '2 Sample Plaza',
    city: 'Riverton',
    state: 'WY',
    postalCode: '82501',
  });
  sameSpotIds = rows.map((r) => r.id).sort();
});
afterAll(() => api.close());

type Page = {
  searchLocations: {
    edges: { distance: number; node: { id: string; name: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

describe('locations at the same distance', () => {
  it.each([1, 2, 3, 7, 8])('come in id order, each exactly once, with pages of %i', async (first) => {
    const seen: { id: string; name: string; distance: number }[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const res: GraphQLResponse<Page> = await api.gql<Page>(
        `query($after: String, $first: Int) { searchLocations(near: { lat: ${SPOT.lat}, lng: ${SPOT.lng} }, radius: 10, first: $first, after: $after) {
          edges { distance node { id name } } pageInfo { hasNextPage endCursor } } }`,
        { after, first },
      );
      expect(res.errors).toBeUndefined();
      const conn = res.data?.searchLocations;
      if (!conn) throw new Error('no result');
      expect(conn.edges.length).toBeLessThanOrEqual(first);
      seen.push(...conn.edges.map((e) => ({ ...e.node, distance: e.distance })));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(8);
    const ids = seen.slice(0, 7).map((s) => Buffer.from(s.id, 'base64').toString().split(':')[1]);
    expect(ids).toEqual(sameSpotIds);
    expect(seen[7]?.name).toBe('Annex');
  });
});
