import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Database } from '@kapmap/db/client';
import { prepareDatabase } from '@kapmap/db/seed';
import { createTestDb, type TestDb } from '@kapmap/db/testing';
import { offlineGeocoder } from '@kapmap/geo';
import type { FastifyInstance } from 'fastify';
import { setPlanCache } from '../src/graphql/plan-cache.js';
import {
  createPublicCache,
  dropOnListingChange,
  type PublicCache,
  type PublicCacheOptions,
} from '../src/graphql/public-cache.js';
import { createMetrics } from '../src/metrics.js';
import { createSealer } from '../src/modules/referrals/sealing.js';
import { createServer, type ServerOptions, sessionCookieName } from '../src/server.js';
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
  /** The public cache, when the test asked for one (dropped on every listing change, as in `serve`). */
  publicCache: PublicCache | undefined;
  /** A browser-like client: keeps the session cookie the server sets, and sends it back. */
  agent(): Agent;
  close(): Promise<void>;
}

export interface Agent {
  /** `name=value` of the session cookie held, if any. */
  cookie: string | undefined;
  /** The Set-Cookie headers of the last response. */
  setCookies: string[];
  // biome-ignore lint/suspicious/noExplicitAny: as Api.gql.
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
}

function lineCollector(lines: string[]): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
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
    secureCookies?: boolean;
    /** The patient-data key: a random one per test database unless given. */
    phiKey?: Buffer;
    /** More server options (timeouts, caps, production). */
    server?: Partial<ServerOptions>;
    /** A read replica's handle for anonymous queries, made from the test database (read-replica.test.ts). */
    readDb?: (db: TestDb) => Database;
    /** Collects every line the server logs (at info and above) instead of discarding them. */
    logLines?: string[];
    /** Keep anonymous public answers, as `serve` does (off by default, so tests see every write at once). */
    publicCache?: PublicCacheOptions;
  } = {},
): Promise<Api> {
  // Every request of the suite that would plan nothing plans anyway, and fails if its plan is not the one the
  // plan cache kept (graphql/plan-cache.ts): what its key leaves out, some test's query shows.
  setPlanCache(true, undefined, { verify: true });
  const sqlLog: string[] = [];
  const db = await createTestDb({
    onQuery: (q, params) => {
      sqlLog.push(q);
      options.onQuery?.(q, params);
    },
  });
  await prepareDatabase(db, { demo: options.demo ?? true });
  await options.prepare?.(db);
  const publicCache = options.publicCache
    ? createPublicCache({
        ...options.publicCache,
        cookieName: sessionCookieName(options.secureCookies ?? false),
      })
    : undefined;
  const stopListening = publicCache ? await dropOnListingChange(db, publicCache) : undefined;
  const app = await createServer({
    ...(publicCache ? { publicCache } : {}),
    db: db.db,
    geocoder: offlineGeocoder(),
    sealer: createSealer(options.phiKey ?? randomBytes(32)),
    logLevel: options.logLines ? 'info' : 'silent',
    ...(options.logLines ? { logStream: lineCollector(options.logLines) } : {}),
    publicUrl: 'http://kapmap.test',
    secureCookies: options.secureCookies ?? false,
    ...(options.web ? { web: options.web } : {}),
    ...(options.readDb ? { readDb: options.readDb(db) } : {}),
    metrics: createMetrics({ db: db.db, pools: () => db.poolStats() }),
    ...options.server,
  });
  const post = async (query: string, variables?: Record<string, unknown>, cookie?: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      payload: JSON.stringify({ query, variables }),
    });
    return { res, body: { status: res.statusCode, ...JSON.parse(res.body) } };
  };
  return {
    db,
    app,
    sqlLog,
    publicCache,
    gql: async (query, variables) => (await post(query, variables)).body,
    agent: () => {
      const agent: Agent = {
        cookie: undefined,
        setCookies: [],
        gql: async (query, variables) => {
          const { res, body } = await post(query, variables, agent.cookie);
          const set = res.headers['set-cookie'];
          agent.setCookies = set === undefined ? [] : Array.isArray(set) ? set : [set];
          for (const header of agent.setCookies) {
            const [pair = ''] = header.split(';');
            const value = pair.slice(pair.indexOf('=') + 1);
            agent.cookie = value === '' || /Expires=Thu, 01 Jan 1970/i.test(header) ? undefined : pair;
          }
          return body;
        },
      };
      return agent;
    },
    close: async () => {
      await stopListening?.();
      await app.close();
      await db.drop();
    },
  };
}
