import { clinics, locations } from '@kapmap/db/schema';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { eq } from 'drizzle-orm';
import {
  type GraphQLField,
  type GraphQLNamedType,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.js';
import { MAX_LOCATIONS_PER_CLINIC } from '../src/modules/directory/clinic.js';
import { type Api, startApi } from './harness.js';

/**
 * What one request may cost. The fan-out query below passed the depth, alias and cost rules and, with a
 * clinic of 379 locations, took the server down: it must now be refused before any SQL runs.
 */
const FAN_OUT = `{ searchLocations(place: "27609", radius: 50, first: 100) { edges { node { clinic { locations { clinic { locations { name } } } } } } } }`;

let api: Api;
let bigClinicId: string;
beforeAll(async () => {
  api = await startApi();
  // A published clinic near 27609 with the most locations a clinic may have.
  const [clinic] = await api.db.db
    .insert(clinics)
    .values({ name: 'Big network (fictional)', verification: 'verified', published: true })
    .returning({ id: clinics.id });
  bigClinicId = clinic?.id ?? '';
  await api.db.db.insert(locations).values(
    Array.from({ length: MAX_LOCATIONS_PER_CLINIC }, (_, i) => ({
      clinicId: bigClinicId,
      name: `Site ${i} (fictional)`,
      addressLine1: `${i} Sample St`,
      city: 'Raleigh',
      state: 'NC',
      postalCode: '27609',
      lat: 35.84 + i / 10_000,
      lng: -78.63,
    })),
  );
}, 120_000);
afterAll(() => api?.close());

describe('the cost of a query is the rows it can return', () => {
  it('refuses the fan-out query with ROW_LIMIT_EXCEEDED before running any SQL', async () => {
    api.sqlLog.length = 0;
    const res = await api.gql(FAN_OUT);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('ROW_LIMIT_EXCEEDED');
    expect(res.errors?.[0]?.message).toMatch(/could return up to [\d,]+ rows/);
    expect(api.sqlLog).toEqual([]);
  });

  it('counts a page by the first it was sent, through variables too', async () => {
    const q = `query ($n: Int) { searchLocations(place: "27609", radius: 50, first: $n) { edges { node { clinic { locations { clinic { locations { name } } } } } } } }`;
    expect((await api.gql(q, { n: 100 })).errors?.[0]?.extensions?.code).toBe('ROW_LIMIT_EXCEEDED');
    const one = await api.gql(q, { n: 1 });
    expect(one.errors).toBeUndefined();
    expect(one.data?.searchLocations.edges).toHaveLength(1);
    // The count is kept per document and page size: the same text with a bigger page is refused again.
    expect((await api.gql(q, { n: 100 })).errors?.[0]?.extensions?.code).toBe('ROW_LIMIT_EXCEEDED');
    expect((await api.gql(q, { n: 1 })).errors).toBeUndefined();
  });

  it('counts what a directive keeps: the same document is refused when @include turns the fan-out on', async () => {
    const q = `query ($deep: Boolean!) { searchLocations(place: "27609", radius: 50, first: 100) { edges { node { name clinic @include(if: $deep) { locations { clinic { locations { name } } } } } } } }`;
    expect((await api.gql(q, { deep: false })).errors).toBeUndefined();
    expect((await api.gql(q, { deep: true })).errors?.[0]?.extensions?.code).toBe('ROW_LIMIT_EXCEEDED');
    expect((await api.gql(q, { deep: false })).errors).toBeUndefined();
  });

  it('counts what a directive in a fragment keeps, at each page size', async () => {
    const q = `query ($deep: Boolean!, $n: Int) { searchLocations(place: "27609", radius: 50, first: $n) { ...Page } }
      fragment Page on LocationSearchConnection { edges { node { name ...Fan } } }
      fragment Fan on Location { clinic @include(if: $deep) { locations { clinic { locations { name } } } } }`;
    expect((await api.gql(q, { deep: false, n: 100 })).errors).toBeUndefined();
    expect((await api.gql(q, { deep: true, n: 100 })).errors?.[0]?.extensions?.code).toBe(
      'ROW_LIMIT_EXCEEDED',
    );
    expect((await api.gql(q, { deep: true, n: 1 })).errors).toBeUndefined();
    expect((await api.gql(q, { deep: true, n: 100 })).errors?.[0]?.extensions?.code).toBe(
      'ROW_LIMIT_EXCEEDED',
    );
  });

  it('keeps answering ordinary searches while fan-out queries are refused', async () => {
    const attacks = Array.from({ length: 20 }, () => api.gql(FAN_OUT));
    const search = await api.gql(
      `{ searchLocations(place: "27609", radius: 25) { edges { node { name clinic { name } } } } }`,
    );
    expect(search.errors).toBeUndefined();
    expect(search.data?.searchLocations.edges.length).toBeGreaterThan(0);
    for (const res of await Promise.all(attacks))
      expect(res.errors?.[0]?.extensions?.code).toBe('ROW_LIMIT_EXCEEDED');
  });

  it('lists a clinic’s locations up to the cap, and refuses one more', async () => {
    const res = await api.gql(`query ($id: ID!) { clinic(id: $id) { locations { name } } }`, {
      id: encodeGlobalID('Clinic', bigClinicId),
    });
    expect(res.data?.clinic.locations).toHaveLength(MAX_LOCATIONS_PER_CLINIC);
  });

  it('declares a cap on every list of objects a client can reach, unless it takes first', () => {
    const uncapped: string[] = [];
    for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
        const inner = isNonNullType(field.type) ? field.type.ofType : field.type;
        if (!isListType(inner) || !isObjectType(getNamedType(field.type))) continue;
        const hasFirst = field.args.some((a) => a.name === 'first');
        if (!hasFirst && typeof field.extensions?.maxItems !== 'number')
          uncapped.push(`${type.name}.${field.name}`);
      }
    }
    expect(uncapped).toEqual([]);
  });
});

describe('documents built to exhaust the parser or the validator', () => {
  it('answers a 10,000-level query with a coded parse error, not a stack overflow', async () => {
    const deep = `{${'a{'.repeat(10_000)}b${'}'.repeat(10_000)}}`;
    const res = await api.gql(deep);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.errors?.[0]?.message).not.toMatch(/call stack/i);
  });

  it('counts aliases of __typename like any other', async () => {
    const aliases = Array.from({ length: 101 }, (_, i) => `a${i}: __typename`).join(' ');
    const res = await api.gql(`{ ${aliases} }`);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('a clinic cannot list more locations than the cap', () => {
  it('refuses the next location with CONFLICT and a message saying why', async () => {
    const { signedUp } = await import('./people.js');
    const admin = await signedUp(api, 'big-network-admin@example.org');
    const { clinicMembers } = await import('@kapmap/db/schema');
    await api.db.db
      .insert(clinicMembers)
      .values({ clinicId: bigClinicId, userId: admin.userId, role: 'admin' });
    const res = await admin.gql(
      `mutation ($c: ID!) { createLocation(clinicId: $c, input: { name: "One too many", addressLine1: "1 Main St", city: "Raleigh", state: "NC", postalCode: "27609" }) { id } }`,
      { c: encodeGlobalID('Clinic', bigClinicId) },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(res.errors?.[0]?.message).toMatch(`at most ${MAX_LOCATIONS_PER_CLINIC} locations`);
    const held = await api.db.db.select().from(locations).where(eq(locations.clinicId, bigClinicId));
    expect(held).toHaveLength(MAX_LOCATIONS_PER_CLINIC);
  });
});

describe('a statement that runs too long', () => {
  it.runIf(process.env.KAPMAP_TEST_DB === 'postgres')(
    'is cancelled by PostgreSQL, sooner on the anonymous pool than on the signed-in one',
    async () => {
      const { createDb, QUERY_CANCELED } = await import('@kapmap/db/client');
      const { sql } = await import('drizzle-orm');
      const handle = await createDb({
        url: api.db.url,
        statementTimeoutMs: 1_500,
        publicStatementTimeoutMs: 200,
      });
      try {
        const started = Date.now();
        await expect(handle.publicDb.execute(sql`select pg_sleep(5)`)).rejects.toMatchObject({
          cause: { code: QUERY_CANCELED },
        });
        expect(Date.now() - started).toBeLessThan(1_500);
        await expect(handle.db.execute(sql`select pg_sleep(0.5)`)).resolves.toBeDefined();
        await expect(handle.db.execute(sql`select pg_sleep(5)`)).rejects.toMatchObject({
          cause: { code: QUERY_CANCELED },
        });
      } finally {
        await handle.close();
      }
    },
  );

  it('reaches the client as QUERY_TIMEOUT, not as a masked server error', async () => {
    const { formatError } = await import('../src/graphql/errors.js');
    const cancelled = Object.assign(new Error('canceling statement due to statement timeout'), {
      code: '57014',
    });
    const logged: unknown[] = [];
    const formatted = formatError(
      { message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      new Error('Failed query', { cause: cancelled }),
      (e) => logged.push(e),
    );
    expect(formatted.extensions?.code).toBe('QUERY_TIMEOUT');
  });
});
