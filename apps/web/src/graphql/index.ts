import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

/**
 * Every operation the app sends is written with this tag: gql.tada types its result and variables from the
 * committed apps/api/schema.graphql (generated into graphql-env.d.ts by `gql-tada generate output`), and
 * `gql-tada check` in the typecheck fails on any operation the schema no longer answers.
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string; ID: string };
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
export { readFragment } from 'gql.tada';
