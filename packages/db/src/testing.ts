import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createDb, type DbHandle, type DbOptions } from './client.js';

/**
 * Test databases on both engines kapmap runs on. `KAPMAP_TEST_DB` picks the engine for a test run
 * (the vitest projects set it); each call makes a fresh, empty, migrated database that `drop()` removes.
 */
export type TestEngine = 'pglite' | 'postgres';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function testEngine(): TestEngine {
  const engine = process.env.KAPMAP_TEST_DB ?? 'pglite';
  if (engine !== 'pglite' && engine !== 'postgres')
    throw new Error(`KAPMAP_TEST_DB must be pglite or postgres, not ${engine}`);
  return engine;
}

export interface TestDb extends DbHandle {
  engine: TestEngine;
  /** The database's URL, on PostgreSQL: for tests that need a connection of their own. */
  url?: string;
  /** Closes the connection and deletes the database. */
  drop(): Promise<void>;
}

export async function createTestDb(
  options: Pick<DbOptions, 'onQuery'> & { engine?: TestEngine } = {},
): Promise<TestDb> {
  const engine = options.engine ?? testEngine();
  if (engine === 'pglite') {
    const handle = await createDb({ onQuery: options.onQuery });
    await handle.migrate();
    return { ...handle, engine, drop: () => handle.close() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  const name = `kapmap_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.end();
    throw new Error(
      `Cannot create a test database on ${adminUrl.replace(/:[^:@/]*@/, ':***@')}: ${(error as Error).message}. ` +
        'Start PostgreSQL (see infra/postgres/README.md) or set TEST_DATABASE_URL.',
    );
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await createDb({ url: url.toString(), onQuery: options.onQuery, maxConnections: 4 });
  await handle.migrate();
  return {
    ...handle,
    engine,
    url: url.toString(),
    drop: async () => {
      await handle.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
