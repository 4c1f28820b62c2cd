import { randomUUID } from 'node:crypto';
import { decodeGlobalID } from '@pothos/plugin-relay';
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
