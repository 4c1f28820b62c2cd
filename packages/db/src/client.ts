import { mkdirSync } from 'node:fs';
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
  driver: 'pglite' | 'postgres';
  /** Runs raw SQL and returns its rows, whichever driver is underneath. */
  rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]>;
  /** Runs SQL text with positional parameters ($1, $2, ...) on the driver itself, bypassing drizzle. */
  rawQuery<T extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Applies every committed migration that has not run yet. */
  migrate(): Promise<void>;
  /** Migrations bundled with this build that the database has not applied: empty when its schema is current. */
  pendingMigrations(): Promise<string[]>;
  close(): Promise<void>;
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

export async function createDb(options: DbOptions = {}): Promise<DbHandle> {
  const logger: Logger | undefined = options.onQuery
    ? { logQuery: (query, params) => options.onQuery?.(query, params) }
    : undefined;

  if (options.url) {
    const max = options.maxConnections ?? 10;
    const pool = (size: number, timeoutMs: number, name: string) =>
      postgres(options.url as string, {
        max: size,
        onnotice: () => {},
        // Never let postgres.js put parameters into errors' messages: they may be emails or patient text.
        debug: false,
        // A database that is away fails a request in seconds, not after postgres.js's default 30 s.
        connect_timeout: 5,
        connection: {
          application_name: name,
          statement_timeout: timeoutMs,
          // A transaction left open by a stuck request must not hold its locks for ever.
          idle_in_transaction_session_timeout: 60_000,
        },
      });
    const client = pool(max, options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS, 'kapmap');
    const publicClient = pool(
      options.maxPublicConnections ?? Math.max(2, Math.floor(max / 2)),
      options.publicStatementTimeoutMs ?? DEFAULT_PUBLIC_STATEMENT_TIMEOUT_MS,
      'kapmap-public',
    );
    const db = drizzlePostgres({ client: preparing(client), relations, logger });
    const publicDb = drizzlePostgres({ client: preparing(publicClient), relations, logger });
    return {
      db,
      publicDb,
      driver: 'postgres',
      rows: async <T extends Record<string, unknown>>(query: SQL) =>
        (await db.execute(query)) as unknown as T[],
      rawQuery: async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
        (await client.unsafe(text, params as never[])) as unknown as T[],
      // Replicas starting at once take turns: the first applies what is missing, the others then find
      // nothing to do. A session advisory lock, held on one reserved connection while the pool migrates.
      migrate: async () => {
        const lock = await client.reserve();
        try {
          await lock`SELECT pg_advisory_lock(hashtext('kapmap:migrate'))`;
          await migratePostgres(db, { migrationsFolder });
        } finally {
          await lock`SELECT pg_advisory_unlock(hashtext('kapmap:migrate'))`.catch(() => {});
          lock.release();
        }
      },
      pendingMigrations: () => pendingOf((text) => client.unsafe<{ name: string | null }[]>(text)),
      close: async () => {
        await Promise.all([client.end({ timeout: 5 }), publicClient.end({ timeout: 5 })]);
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
    driver: 'pglite',
    rows: async <T extends Record<string, unknown>>(query: SQL) => (await db.execute(query)).rows as T[],
    rawQuery: async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
      (await client.query<T>(text, params)).rows,
    migrate: async () => {
      await migratePglite(db, { migrationsFolder });
    },
    pendingMigrations: () =>
      pendingOf(async (text) => (await client.query<{ name: string | null }>(text)).rows),
    close: () => client.close(),
  };
}
