import { relations } from '@kapmap/db/relations';
import SchemaBuilder from '@pothos/core';
import DrizzlePlugin from '@pothos/plugin-drizzle';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin, { decodeGlobalID } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { getTableConfig } from 'drizzle-orm/pg-core';
import type { Context } from '../context.js';
import { badUserInput, DomainError } from './errors.js';
import { isVisible } from './visibility.js';

/** Everything Pothos needs to know about kapmap's types, in one place. */
export interface PothosTypes {
  Context: Context;
  DrizzleRelations: typeof relations;
  AuthScopes: {
    /** Anyone, signed in or not. Later roles (provider, clinic member, platform admin) go beside it. */
    public: boolean;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
  };
  DefaultFieldNullability: false;
}

export const builder = new SchemaBuilder<PothosTypes>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, ErrorsPlugin, ValidationPlugin, RelayPlugin, DrizzlePlugin],
  scopeAuth: {
    authScopes: () => ({ public: true }),
  },
  errors: {
    // Only errors written for people reach clients as typed results; anything else stays masked.
    defaultTypes: [DomainError],
  },
  validation: {
    validationError: (result) => {
      const issue = result.issues[0];
      const path = (issue?.path ?? []).map((p) => (typeof p === 'object' ? p.key : p)).map(String);
      return badUserInput(issue?.message ?? 'Invalid input.', path[0] ?? 'input', path.join('.'));
    },
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // A malformed global ID is the client's mistake, and says which argument held it.
    decodeGlobalID: (globalID) => {
      try {
        return decodeGlobalID(globalID);
      } catch {
        const shown = globalID.length > 40 ? `${globalID.slice(0, 40)}…` : globalID;
        throw badUserInput(`"${shown}" is not a kapmap ID.`, 'id');
      }
    },
    nodeQueryOptions: {
      description: 'Any public object by its global ID; null when it does not exist or is not public.',
      resolve: async (_root, { id }, ctx, _info, resolveNode) =>
        (await isVisible(ctx, id)) ? resolveNode(id) : null,
    },
    nodesQueryOptions: false,
  },
  drizzle: {
    client: (ctx) => ctx.db,
    getTableConfig,
    relations,
    maxConnectionSize: 100,
  },
});

builder.queryType({ description: 'Read the public KAP clinic directory.' });

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO 8601 string in UTC (2026-11-22T14:47:00.000Z).',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime()))
      throw badUserInput('Expected an ISO 8601 date-time string.', 'value');
    return date;
  },
});
