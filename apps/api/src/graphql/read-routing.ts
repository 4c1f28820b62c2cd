import type { ApolloServerPlugin } from '@apollo/server';
import type { Database } from '@kapmap/db/client';
import type { Context } from '../context.js';

/**
 * Sends anonymous queries to the read replica. Anonymous queries are the public directory (search, points,
 * clinic and location pages, reference data); they read nothing a person has just written, so replication's
 * delay is harmless there. A mutation, and anything a signed-in user asks, stays on the primary: they must
 * see their own writes, and sessions are looked up there before this runs.
 */
export function readReplicaPlugin(readDb: Database): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation === 'query' && contextValue.viewer === null) contextValue.db = readDb;
        },
      };
    },
  };
}
