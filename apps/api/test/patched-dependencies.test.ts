import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { cacheKey, getLoaderMapping, setLoaderMappings } from '@pothos/selection-mapper';
import {
  buildSchema,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  getArgumentValues,
  parse,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Context } from '../src/context.js';
import { schema as kapmapSchema } from '../src/graphql/schema.js';

describe('graphql-js as kapmap runs it (patches/graphql@16.15.0.patch)', () => {
  const schema = buildSchema('type Query { plain: Int  withArgs(n: Int = 3): Int }');
  const fields = schema.getQueryType()?.getFields() ?? {};
  const node = (source: string) => {
    const op = parse(`{ ${source} }`).definitions[0];
    if (op?.kind !== 'OperationDefinition') throw new Error('not an operation');
    const field = op.selectionSet.selections[0];
    if (field?.kind !== 'Field') throw new Error('not a field');
    return field;
  };

  it('gives a field without arguments a plain empty object, so a list of rows allocates no dictionaries for them', () => {
    const args = getArgumentValues(fields.plain as never, node('plain'), {});
    // Unpatched graphql 16 answers Object.create(null): an upgrade must carry the patch or drop it knowingly.
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
    expect(args).toEqual({});
  });

  it('still reads the arguments of a field that has them, defaults included', () => {
    expect({ ...getArgumentValues(fields.withArgs as never, node('withArgs'), {}) }).toEqual({ n: 3 });
    expect({ ...getArgumentValues(fields.withArgs as never, node('withArgs(n: 5)'), {}) }).toEqual({ n: 5 });
  });
});

describe('Pothos relay as kapmap runs it (patches/@pothos__plugin-relay@4.8.1.patch)', () => {
  it('gives a row’s global ID at once, not as a promise, so a page of rows completes without one per row', () => {
    const id = randomUUID();
    const field = (kapmapSchema.getType('Location') as GraphQLObjectType).getFields().id;
    const context = { viewer: null } as unknown as Context;
    const info = {
      path: { prev: undefined, key: 'id', typename: 'Location' },
    } as unknown as GraphQLResolveInfo;
    const globalId = field?.resolve?.({ id, clinicId: randomUUID(), listed: true }, {}, context, info);
    // Unpatched, every Location and Clinic object in an answer waited on a promise for its id.
    expect(typeof globalId).toBe('string');
    expect(decodeGlobalID(globalId as string)).toEqual({ typename: 'Location', id });
  });
});

describe('Pothos selection mapper as kapmap runs it (patches/@pothos__selection-mapper@0.1.0.patch)', () => {
  type Link = { prev: Link | undefined; key: string | number; typename: undefined };
  const under = (prev: Link | undefined, ...keys: (string | number)[]): Link =>
    keys.reduce<Link | undefined>((link, key) => ({ prev: link, key, typename: undefined }), prev) as Link;
  const edges = under(undefined, 'searchLocations', 'edges');
  const clinicOf = (row: number) => under(edges, row, 'node', 'clinic');

  it('keys every row’s field by its list’s path with the indices dropped, nested lists too', () => {
    // What the drizzle plugin asks for each row's clinic: the same key for every row, as unpatched.
    expect(cacheKey('Location', clinicOf(0))).toBe('Location@searchLocations.edges.node.clinic');
    expect(cacheKey('Location', clinicOf(19))).toBe('Location@searchLocations.edges.node.clinic');
    const nested = under(clinicOf(3), 'locations', 2, 'offeredRoutes', 0, 'route');
    expect(cacheKey('RouteOffering', nested)).toBe(
      'RouteOffering@searchLocations.edges.node.clinic.locations.offeredRoutes.route',
    );
    // The same link twice in a row, then another and back: the remembered last answer is never another path's.
    const name = under(clinicOf(4), 'name');
    expect(cacheKey('Clinic', name)).toBe('Clinic@searchLocations.edges.node.clinic.name');
    expect(cacheKey('Clinic', name)).toBe('Clinic@searchLocations.edges.node.clinic.name');
    expect(cacheKey('Location', clinicOf(5))).toBe('Location@searchLocations.edges.node.clinic');
    expect(cacheKey('Clinic', name)).toBe('Clinic@searchLocations.edges.node.clinic.name');
    expect(cacheKey('Query', under(undefined, 'searchLocations'))).toBe('Query@searchLocations');
  });

  it('finds what a plan recorded for every row beneath the field it was planned at, and nothing it did not', () => {
    const root = under(undefined, 'searchLocations');
    const rows = under(root, 'edges');
    const clinic = { nested: {} };
    const context = {};
    // What the page's plan records at searchLocations, keyed by type and the path below it.
    setLoaderMappings(context, { path: root } as unknown as GraphQLResolveInfo, {
      'Location@edges.node.clinic': clinic,
    });
    for (const row of [0, 7, 19])
      expect(getLoaderMapping(context, under(rows, row, 'node', 'clinic'), 'Location')).toBe(clinic);
    expect(getLoaderMapping(context, under(rows, 3, 'node', 'offeredRoutes'), 'Location')).toBeNull();
    expect(getLoaderMapping(context, under(rows, 3, 'node', 'clinic'), 'Clinic')).toBeNull();
  });

  it('is the patched mapper, which keeps no entry per field per row', () => {
    // Unpatched, every field of every row took a WeakMap entry for its path: about 15% of a nearby search's CPU
    // (issue 14). An upgrade must carry the patch or drop it knowingly.
    const entry = createRequire(import.meta.url).resolve('@pothos/selection-mapper');
    const source = readFileSync(join(dirname(entry), '..', 'esm', 'loader-map.js'), 'utf8');
    expect(source).toContain('function nodeOf(link)');
  });
});

describe('drizzle as kapmap runs it (patches/drizzle-orm@1.0.0-rc.4.patch)', () => {
  it('builds a selection’s decoders once, not once per row of a nested relation', () => {
    // Unpatched, every location's clinic rebuilt its decoders, with an entity check per column, for every row
    // (about 3.5% of a nearby search's API CPU). An upgrade must carry the patch or drop it knowingly.
    const entry = createRequire(import.meta.url).resolve('drizzle-orm/relations');
    const source = readFileSync(entry.replace(/\.cjs$/, '.js'), 'utf8');
    expect(source).toContain('decodersOf(rowDecoders[0], buildQueryResultSelection');
    expect(readFileSync(entry, 'utf8')).toContain('decodersOf(rowDecoders[0], buildQueryResultSelection');
  });
});
