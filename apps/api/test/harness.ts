import { prepareDatabase } from '@kapmap/db/seed';
import { createTestDb, type TestDb } from '@kapmap/db/testing';
import { offlineGeocoder } from '@kapmap/geo';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../src/server.js';
import type { WebOptions } from '../src/web.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface Api {
  db: TestDb;
  app: FastifyInstance;
  /** POSTs a GraphQL document through the real HTTP pipeline (Fastify's injection: no socket needed). */
  // biome-ignore lint/suspicious/noExplicitAny: tests walk response JSON freely; their assertions check its shape.
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  /** SQL statements drizzle has run since the last reset. */
  sqlLog: string[];
  close(): Promise<void>;
}

/** A fresh database (PGlite or PostgreSQL, per KAPMAP_TEST_DB) with the demo directory, and a server on it. */
export async function startApi(
  options: {
    demo?: boolean;
    /** Fills the database further before the server starts. */
    prepare?: (db: TestDb) => Promise<void>;
    onQuery?: (sql: string, params: unknown[]) => void;
    /** Serve a web app too, as `pnpm start` does. */
    web?: WebOptions;
  } = {},
): Promise<Api> {
  const sqlLog: string[] = [];
  const db = await createTestDb({
    onQuery: (q, params) => {
      sqlLog.push(q);
      options.onQuery?.(q, params);
    },
  });
  await prepareDatabase(db, { demo: options.demo ?? true });
  await options.prepare?.(db);
  const app = await createServer({
    db: db.db,
    geocoder: offlineGeocoder(),
    logLevel: 'silent',
    ...(options.web ? { web: options.web } : {}),
  });
  return {
    db,
    app,
    sqlLog,
    gql: async (query, variables) => {
      const res = await app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ query, variables }),
      });
      return { status: res.statusCode, ...JSON.parse(res.body) };
    },
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
