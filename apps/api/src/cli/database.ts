import { createDb, type DbHandle } from '@kapmap/db/client';
import { prepareDatabase } from '@kapmap/db/seed';
import { ConfigError, type Env } from '../env.js';

/** The database every subcommand opens, from the same settings, and a name for it in messages. */
export async function openDatabase(env: Env): Promise<{ db: DbHandle; where: string }> {
  const where = env.DATABASE_URL ? 'PostgreSQL' : `PGlite in ${env.PGLITE_DIR}`;
  const db = await createDb({
    url: env.DATABASE_URL,
    readUrl: env.DATABASE_READ_URL,
    dataDir: env.DATABASE_URL ? undefined : env.PGLITE_DIR,
    maxConnections: env.DB_POOL_SIZE,
    statementTimeoutMs: env.STATEMENT_TIMEOUT_MS,
    publicStatementTimeoutMs: env.PUBLIC_STATEMENT_TIMEOUT_MS,
  });
  return { db, where };
}

/** Applies the migrations and the reference data (and the demo directory on an empty one with DEMO_DATA). */
export async function prepare(db: DbHandle, env: Env, where: string): Promise<{ seededDemo: boolean }> {
  return prepareDatabase(db, { demo: env.DEMO_DATA }).catch((error: unknown) => {
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new ConfigError(
      `kapmap cannot prepare its database on ${where}: ${cause}.\n` +
        (env.DATABASE_URL
          ? '  The search needs the cube and earthdistance extensions: run infra/postgres/prepare.sh as a superuser.'
          : `  Delete ${env.PGLITE_DIR} to start again with a fresh embedded database.`),
    );
  });
}

/**
 * Waits until the schema has every migration of this build (`kapmap migrate` runs elsewhere: a Job, a
 * one-shot service). A database that does not answer yet counts as behind.
 */
export async function waitForSchema(db: DbHandle, say: (line: string) => void, pollMs = 2000): Promise<void> {
  let told = false;
  for (;;) {
    const pending = await db.pendingMigrations().catch(() => null);
    if (pending && pending.length === 0) return;
    if (!told) {
      say(
        pending
          ? `Waiting for ${pending.length} migrations (run \`kapmap migrate\`; MIGRATE_ON_START=false is set).`
          : 'Waiting for the database to answer.',
      );
      told = true;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
