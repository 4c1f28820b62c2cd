import { readFileSync } from 'node:fs';
import type { GraphQLObjectType } from 'graphql';
import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.js';
import { printedSchema } from '../src/print-schema.js';
import { type Api, startApi } from './harness.js';

let api: Api;
let url: string;
beforeAll(async () => {
  api = await startApi({ demo: false });
  const address = await api.app.listen({ host: '127.0.0.1', port: 0 });
  url = `${address}/graphql`;
});
afterAll(() => api.close());

describe('GraphQL over HTTP', () => {
  it('passes every MUST of the GraphQL-over-HTTP spec (graphql-http audit)', async () => {
    const results = await auditServer({ url });
    const failedMusts = results.filter((r) => r.name.startsWith('MUST') && r.status !== 'ok');
    expect(failedMusts.map((r) => `${r.name}: ${'reason' in r ? r.reason : ''}`)).toEqual([]);
    expect(results.length).toBeGreaterThan(20);
  });

  it('answers a GET query, as a browser or a CDN would send it', async () => {
    const res = await fetch(`${url}?query=${encodeURIComponent('{ routes { code } }')}`, {
      headers: { accept: 'application/graphql-response+json', 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { routes: { code: string }[] } };
    expect(body.data.routes.map((r) => r.code)).toContain('iv');
  });

  it('refuses a mutation-less GET that could be a cross-site request without a preflight header', async () => {
    const res = await fetch(`${url}?query=${encodeURIComponent('{ routes { code } }')}`);
    // Apollo's CSRF prevention: a simple GET without a content-type or apollo-require-preflight header is refused.
    expect(res.status).toBe(400);
  });

  it('reports healthy', async () => {
    const res = await fetch(url.replace('/graphql', '/healthz'));
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe('the committed schema', () => {
  it('matches the schema the code builds (run `pnpm print-schema` after a change)', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(printedSchema()).toBe(committed);
  });

  it('keeps the public contract of searchLocations', () => {
    const field = schema.getQueryType()?.getFields().searchLocations;
    expect(String(field?.type)).toBe('LocationSearchConnection!');
    const args = Object.fromEntries(
      (field?.args ?? []).map((a) => [a.name, [String(a.type), a.defaultValue]]),
    );
    expect(args).toEqual({
      near: ['GeoPointInput', undefined],
      place: ['String', undefined],
      radius: ['Float', 25],
      unit: ['DistanceUnit', 'MILES'],
      filter: ['LocationFilter', undefined],
      first: ['Int', 20],
      after: ['String', undefined],
      // Added beside the contract: the default keeps every earlier client's order.
      sort: ['LocationSort', 'DISTANCE'],
    });
    const connection = schema.getType('LocationSearchConnection') as GraphQLObjectType;
    const fields = Object.fromEntries(
      Object.values(connection.getFields()).map((f) => [f.name, String(f.type)]),
    );
    expect(fields).toMatchObject({
      edges: '[LocationSearchEdge!]!',
      pageInfo: 'PageInfo!',
      totalCount: 'Int!',
      bounds: 'GeoBounds',
      origin: 'ResolvedPlace!',
      telehealth: '[Location!]!',
    });
  });
});
