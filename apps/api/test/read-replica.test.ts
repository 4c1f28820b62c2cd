import type { Database } from '@kapmap/db/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Api, startApi } from './harness.js';
import { PASSWORD, SIGN_IN, signedUp, VIEWER } from './people.js';

/**
 * With DATABASE_READ_URL, anonymous queries read the directory from the replica; writes, sessions and every
 * signed-in read stay on the primary. Here the "replica" is the test database behind a handle that counts
 * its use; the scale test (test:scale) shows the same against a real streaming replica.
 */
let api: Api;
let replicaUses = 0;

/** The same database, through a handle that counts every use of it. */
function counted(db: Database): Database {
  return new Proxy(db, {
    get(target, property, receiver) {
      replicaUses++;
      return Reflect.get(target, property, receiver);
    },
  });
}

beforeAll(async () => {
  api = await startApi({ readDb: (db) => counted(db.db) });
  await signedUp(api, 'reader@example.org');
});
afterAll(() => api.close());
beforeEach(() => {
  replicaUses = 0;
});

const SEARCH = `{ searchLocations(place: "Raleigh, NC", radius: 100, first: 3) {
  totalCount edges { node { id name clinic { id name } } } } }`;

describe('a read replica', () => {
  it('answers an anonymous search, clinic page and reference data', async () => {
    const search = await api.gql(SEARCH);
    expect(search.errors).toBeUndefined();
    expect(search.data?.searchLocations.totalCount).toBeGreaterThan(0);
    expect(replicaUses).toBeGreaterThan(0);

    replicaUses = 0;
    const clinicId = search.data?.searchLocations.edges[0].node.clinic.id;
    const page = await api.gql(
      `query ($id: ID!) { clinic(id: $id) { name locations { id } } routes { code } }`,
      {
        id: clinicId,
      },
    );
    expect(page.data?.clinic.name).toBeTruthy();
    expect(page.data?.routes.length).toBeGreaterThan(0);
    expect(replicaUses).toBeGreaterThan(0);
  });

  it('is never used for what a signed-in user reads, nor to look up their session', async () => {
    const agent = api.agent();
    await agent.gql(SIGN_IN, { input: { email: 'reader@example.org', password: PASSWORD } });
    replicaUses = 0;
    const search = await agent.gql(SEARCH);
    expect(search.data?.searchLocations.totalCount).toBeGreaterThan(0);
    const viewer = await agent.gql(VIEWER);
    expect(viewer.data?.viewer.email).toBe('reader@example.org');
    expect(replicaUses).toBe(0);
  });

  it('is never used by an anonymous mutation', async () => {
    const search = await api.gql(SEARCH);
    const clinicId = search.data?.searchLocations.edges[0].node.clinic.id;
    replicaUses = 0;
    const report = await api.gql(
      `mutation ($id: ID!) { reportListing(input: { clinicId: $id, what: "The phone number is wrong" }) }`,
      { id: clinicId },
    );
    expect(report.errors).toBeUndefined();
    expect(report.data?.reportListing).toBe(true);
    const wrong = await api.gql(SIGN_IN, {
      input: { email: 'reader@example.org', password: 'not it at all' },
    });
    expect(wrong.data?.signIn ?? null).toBeNull();
    expect(replicaUses).toBe(0);
  });
});
