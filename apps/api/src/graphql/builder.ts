import { relations } from '@kapmap/db/relations';
import SchemaBuilder from '@pothos/core';
import DrizzlePlugin from '@pothos/plugin-drizzle';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin, { decodeGlobalID } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { getTableConfig } from 'drizzle-orm/pg-core';
import type { Context } from '../context.js';
import { DIRECTORY_CACHE } from './cache-policy.js';
import { badUserInput, coded, DomainError } from './errors.js';
import { isVisible } from './visibility.js';

/** Everything Pothos needs to know about kapmap's types, in one place. */
export interface PothosTypes {
  Context: Context;
  DrizzleRelations: typeof relations;
  AuthScopes: {
    /** Anyone, signed in or not. */
    public: boolean;
    signedIn: boolean;
    /** Registered as a referring provider (NPI on file). */
    provider: boolean;
    /** Staff or admin of the clinic with this id. */
    clinicMember: string;
    /** Admin of the clinic with this id. */
    clinicAdmin: string;
    platformAdmin: boolean;
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
    // A type's own rule (a location is listed, or the viewer may see it unlisted) is checked once per object,
    // as graphql-js completes it (isTypeOf), rather than around every one of its fields: the same answer and
    // the same error at the same nullable place, without a wrapper per field per row (issue 14).
    runScopesOnType: true,
    authScopes: (ctx) => ({
      public: true,
      signedIn: ctx.viewer !== null,
      provider: ctx.viewer?.provider != null,
      clinicMember: (clinicId) => ctx.viewer?.memberships.has(clinicId) ?? false,
      clinicAdmin: (clinicId) => ctx.viewer?.memberships.get(clinicId) === 'admin',
      platformAdmin: ctx.viewer?.isPlatformAdmin ?? false,
    }),
    // Anonymous callers are told to sign in; signed-in ones that the role does not cover, that it does not.
    unauthorizedError: (_parent, ctx) =>
      ctx.viewer
        ? coded('FORBIDDEN', 'Your account cannot do this.')
        : coded('UNAUTHENTICATED', 'Sign in to do this.'),
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
    // Where a page sits is as public as the page: its parent decides (a referral list's is not kept).
    pageInfoTypeOptions: { ...DIRECTORY_CACHE },
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
      description:
        'Any object the signed-in user (or the public) may see, by its global ID; null when it does not exist or they may not see it.',
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

builder.queryType({ description: 'Read the KAP clinic directory, and what the signed-in user may see.' });
builder.mutationType({
  description: 'Accounts, clinics keeping their listings, and platform administration.',
});

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
