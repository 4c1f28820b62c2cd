import { buildSchema, getArgumentValues, parse } from 'graphql';
import { describe, expect, it } from 'vitest';

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
