import { randomBytes } from 'node:crypto';
import { createDb } from '@kapmap/db/client';
import { offlineGeocoder } from '@kapmap/geo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSealer } from '../src/modules/referrals/sealing.js';
import { createServer } from '../src/server.js';
import { type Api, startApi } from './harness.js';

/** Health for a load balancer: alive, ready, draining, and a database that has gone away. */
let api: Api;
beforeAll(async () => {
  api = await startApi({ demo: false });
});
afterAll(() => api.close());

const serve = (options: Partial<Parameters<typeof createServer>[0]> = {}) =>
  createServer({
    db: api.db.db,
    geocoder: offlineGeocoder(),
    sealer: createSealer(randomBytes(32)),
    logLevel: 'silent',
    ...options,
  });

describe('health and readiness', () => {
  it('is alive and ready when the database answers and its schema is current', async () => {
    const app = await serve({ pendingMigrations: () => api.db.pendingMigrations() });
    try {
      expect(await api.db.pendingMigrations()).toEqual([]);
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
      const ready = await app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ ready: true });
    } finally {
      await app.close();
    }
  });

  it('is not ready while the schema is behind this build', async () => {
    const app = await serve({ pendingMigrations: async () => ['20991231000000_from_the_future'] });
    try {
      const res = await app.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json().reason).toMatch(/schema is behind/);
    } finally {
      await app.close();
    }
  });

  it('answers 503 from the moment it starts draining, and still serves the requests it gets', async () => {
    const lifecycle = { draining: false };
    const app = await serve({ lifecycle });
    try {
      lifecycle.draining = true;
      const res = await app.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ ready: false, reason: 'shutting down' });
      const q = await app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json' },
        payload: { query: '{ __typename }' },
      });
      expect(q.json()).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await app.close();
    }
  });

  it('with its database away: alive, not ready, and requests fail fast with DATABASE_UNAVAILABLE', async () => {
    // A PostgreSQL address where nothing listens.
    const away = await createDb({ url: 'postgres://postgres@127.0.0.1:9/kapmap' });
    const app = await serve({
      db: away.db,
      publicDb: away.publicDb,
      pendingMigrations: () => away.pendingMigrations(),
    });
    try {
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
      const started = Date.now();
      const ready = await app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().reason).toMatch(/does not answer/);
      const res = await app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json' },
        payload: { query: '{ conditions { code } }' },
      });
      expect(res.json().errors?.[0]).toMatchObject({ extensions: { code: 'DATABASE_UNAVAILABLE' } });
      // Signed in: the session is looked up before GraphQL runs (Apollo's context), and fails the same way.
      const signedIn = await app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', cookie: 'kapmap_session=some-session-token-value' },
        payload: { query: '{ viewer { id } }' },
      });
      expect(signedIn.json().errors?.[0]).toMatchObject({ extensions: { code: 'DATABASE_UNAVAILABLE' } });
      // Not the 30 s postgres.js would wait by default.
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await app.close();
      await away.close();
    }
  });
});
