import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import type { Logger, SQL } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { PgAsyncDatabase } from 'drizzle-orm/pg-core/async';
import type { PgQueryResultHKT } from 'drizzle-orm/pg-core/session';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { type Relations, relations } from './relations.js';

/** One database type for both drivers: the rest of kapmap never knows which one it has. */
export type Database = PgAsyncDatabase<PgQueryResultHKT, Relations>;

export interface DbOptions {
  /** A PostgreSQL URL. Without one, kapmap runs on embedded PGlite. */
  url?: string | undefined;
  /**
   * A read replica of `url`: `readDb` reads from it. Without one, `readDb` is `publicDb`. Only for reads that
   * may lag the primary by replication's delay: anonymous directory reads.
   */
  readUrl?: string | undefined;
  /** PGlite's data folder; `memory://` (or undefined) keeps the data in memory only. */
  dataDir?: string | undefined;
  /** Called with every SQL statement drizzle runs: the N+1 tests count them. */
  onQuery?: ((sql: string, params: unknown[]) => void) | undefined;
  /** Connection pool size on PostgreSQL. */
  maxConnections?: number | undefined;
  /**
   * PostgreSQL cancels any statement of the main pool that runs longer than this (`statement_timeout`), so a
   * statement whose client has gone cannot run on for minutes. Default 15 s.
   */
  statementTimeoutMs?: number | undefined;
  /** The same for `publicDb`, the pool anonymous requests use: shorter, as anyone can send them. Default 3 s. */
  publicStatementTimeoutMs?: number | undefined;
  /** Connections of `publicDb` on PostgreSQL; default half of `maxConnections`, at least 2. */
  maxPublicConnections?: number | undefined;
}

/** What PostgreSQL notifies, after commit, on a write to any table a public listing is made of (listing_notify). */
export const LISTINGS_CHANNEL = 'kapmap_listings';

export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;
export const DEFAULT_PUBLIC_STATEMENT_TIMEOUT_MS = 3_000;
/** SQLSTATE of a statement PostgreSQL cancelled (statement_timeout among others). */
export const QUERY_CANCELED = '57014';

export interface DbHandle {
  db: Database;
  /**
   * What anonymous requests read and write through: on PostgreSQL a pool of its own with a shorter
   * statement timeout, so that the public cannot hold the connections signed-in users need; on PGlite (one
   * connection in the process) the same as `db`.
   */
  publicDb: Database;
  /**
   * Where anonymous reads of the public directory go: the read replica's pool (the public statement timeout)
   * with `readUrl`, else `publicDb`. Never for writes, sessions or anything a signed-in user reads.
   */
  readDb: Database;
  driver: 'pglite' | 'postgres';
  /** Runs raw SQL and returns its rows, whichever driver is underneath. */
  rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]>;
  /** Runs SQL text with positional parameters ($1, $2, ...) on the driver itself, bypassing drizzle. */
  rawQuery<T extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Applies every committed migration that has not run yet. */
  migrate(): Promise<void>;
  /** Migrations bundled with this build that the database has not applied: empty when its schema is current. */
  pendingMigrations(): Promise<string[]>;
  /** Connections of each pool, busy and configured, as the database servers see them (for /metrics). */
  poolStats(): Promise<PoolStats[]>;
  /**
   * Calls `onNotify` for each NOTIFY on `channel` (on the primary), and `onListen` each time listening
   * starts: first, and again after a lost connection is made again (notifications meanwhile are lost).
   * Resolves to a function that stops listening.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    onListen?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface PoolStats {
  /** `primary`, `public` (anonymous requests on the primary) or `replica`. */
  name: string;
  /** Connections open and not idle: running a statement or inside a transaction. */
  busy: number;
  open: number;
  max: number;
}

/** The migrations of this build, by name (read once). */
let bundled: string[] | undefined;
function bundledMigrations(): string[] {
  bundled ??= readMigrationFiles({ migrationsFolder }).map((m) => m.name);
  return bundled;
}

/** What `migrate` would apply: the bundled migrations missing from drizzle's journal table. */
async function pendingOf(run: (text: string) => Promise<{ name: string | null }[]>): Promise<string[]> {
  let applied: Set<string>;
  try {
    applied = new Set((await run('SELECT name FROM drizzle.__drizzle_migrations')).map((r) => r.name ?? ''));
  } catch (error) {
    // No journal yet: nothing applied. Anything else (the server is down) is the caller's to report.
    if ((error as { code?: string }).code === '42P01' || /does not exist/.test(String(error)))
      return bundledMigrations();
    throw error;
  }
  return bundledMigrations().filter((name) => !applied.has(name));
}

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/**
 * drizzle runs every query unprepared, which postgres.js sends as two round trips (parse and describe,
 * then bind and execute) and PostgreSQL parses and plans each time. kapmap's query shapes are few and
 * fixed by its code and schema, so let postgres.js prepare them once per connection and reuse them:
 * the nearby search then costs one round trip. postgres.js recycles connections (max_lifetime), which
 * bounds how many prepared statements a connection holds.
 */
function preparing(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, params?: unknown[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, params as never[], { ...options, prepare: true });
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/**
 * Names this process's connections in pg_stat_activity: the pool and the host (a pod's name) with its pid,
 * so that poolStats counts this process's own.
 */
const processTag = `${hostname()}:${process.pid}`.slice(-40);

/** A postgres.js pool on `url`, as kapmap configures every one. */
function postgresPool(url: string) {
  return (size: number, timeoutMs: number, name: string) =>
    postgres(url, {
      max: size,
      onnotice: () => {},
      // Never let postgres.js put parameters into errors' messages: they may be emails or patient text.
      debug: false,
      // A database that is away fails a request in seconds, not after postgres.js's default 30 s.
      connect_timeout: 5,
      connection: {
        application_name: `${name} ${processTag}`,
        statement_timeout: timeoutMs,
        // A transaction left open by a stuck request must not hold its locks for ever.
        idle_in_transaction_session_timeout: 60_000,
        // kapmap's statements are short reads and writes: compiling one with JIT costs tens of milliseconds more
        // than running it (100 ms for a clustering statement near Manhattan planned with sorting off), and a statement planned with sorting
        // off (the bounded count) is charged as if it cost the earth whenever it still needs one.
        jit: 'off',
      },
    });
}

export async function createDb(options: DbOptions = {}): Promise<DbHandle> {
  const logger: Logger | undefined = options.onQuery
    ? { logQuery: (query, params) => options.onQuery?.(query, params) }
    : undefined;

  if (options.url) {
    const max = options.maxConnections ?? 10;
    const pool = postgresPool(options.url);
    const client = pool(max, options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS, 'kapmap');
    const publicMax = options.maxPublicConnections ?? Math.max(2, Math.floor(max / 2));
    const replicaMax = options.maxPublicConnections ?? max;
    const publicClient = pool(
      publicMax,
      options.publicStatementTimeoutMs ?? DEFAULT_PUBLIC_STATEMENT_TIMEOUT_MS,
      'kapmap-public',
    );
    const replicaClient = options.readUrl
      ? postgresPool(options.readUrl)(
          replicaMax,
          options.publicStatementTimeoutMs ?? DEFAULT_PUBLIC_STATEMENT_TIMEOUT_MS,
          'kapmap-replica',
        )
      : null;
    const db = drizzlePostgres({ client: preparing(client), relations, logger });
    const publicDb = drizzlePostgres({ client: preparing(publicClient), relations, logger });
    const readDb = replicaClient
      ? drizzlePostgres({ client: preparing(replicaClient), relations, logger })
      : publicDb;
    return {
      db,
      publicDb,
      readDb,
      driver: 'postgres',
      rows: async <T extends Record<string, unknown>>(query: SQL) =>
        (await db.execute(query)) as unknown as T[],
      rawQuery: async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
        (await client.unsafe(text, params as never[])) as unknown as T[],
      // Replicas starting at once take turns: the first applies what is missing, the others then find
      // nothing to do. A session advisory lock, on a connection of its own that then applies the migrations:
      // not the pool's (a pool of one would have none left to migrate with, and wait for ever), and with no
      // statement timeout (building an index over a million rows takes longer than any request may; waiting
      // for another replica's migration is the lock's purpose).
      migrate: async () => {
        const session = pool(1, 0, 'kapmap-migrate');
        try {
          await session`SELECT pg_advisory_lock(hashtext('kapmap:migrate'))`;
          await migratePostgres(drizzlePostgres({ client: session, relations }), { migrationsFolder });
        } finally {
          await session`SELECT pg_advisory_unlock(hashtext('kapmap:migrate'))`.catch(() => {});
          await session.end();
        }
      },
      pendingMigrations: () => pendingOf((text) => client.unsafe<{ name: string | null }[]>(text)),
      poolStats: async () => {
        const pools = [
          { name: 'primary', sql: client, tag: `kapmap ${processTag}`, max },
          { name: 'public', sql: client, tag: `kapmap-public ${processTag}`, max: publicMax },
          ...(replicaClient
            ? [{ name: 'replica', sql: replicaClient, tag: `kapmap-replica ${processTag}`, max: replicaMax }]
            : []),
        ];
        return Promise.all(
          pools.map(async (pool) => {
            // The statement asking is itself active on a connection of its pool: it is not counted.
            const [row] = await pool.sql<{ open: number; busy: number }[]>`
              SELECT count(*)::int AS open, count(*) FILTER (WHERE state <> 'idle' AND pid <> pg_backend_pid())::int AS busy
              FROM pg_stat_activity WHERE application_name = ${pool.tag}`;
            return { name: pool.name, busy: row?.busy ?? 0, open: row?.open ?? 0, max: pool.max };
          }),
        );
      },
      listen: async (channel, onNotify, onListen) => {
        // postgres.js listens on a connection of its own, made again (and listening again) when lost.
        const { unlisten } = await client.listen(channel, onNotify, onListen);
        return unlisten;
      },
      close: async () => {
        await Promise.all([client, publicClient, replicaClient].map((c) => c?.end({ timeout: 5 })));
      },
    };
  }

  const dataDir = options.dataDir && options.dataDir !== 'memory://' ? options.dataDir : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir, extensions: { cube, earthdistance } });
  const db = drizzlePglite({ client, relations, logger });
  return {
    db,
    publicDb: db,
    readDb: db,
    driver: 'pglite',
    rows: async <T extends Record<string, unknown>>(query: SQL) => (await db.execute(query)).rows as T[],
    rawQuery: async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
      (await client.query<T>(text, params)).rows,
    migrate: async () => {
      await migratePglite(db, { migrationsFolder });
    },
    pendingMigrations: () =>
      pendingOf(async (text) => (await client.query<{ name: string | null }>(text)).rows),
    // One connection, in this process.
    poolStats: async () => [{ name: 'primary', busy: 0, open: 1, max: 1 }],
    listen: async (channel, onNotify, onListen) => {
      const stop = await client.listen(channel, onNotify);
      onListen?.();
      return stop;
    },
    close: () => client.close(),
  };
}
