import type { Env } from '../env.js';
import { openDatabase, prepare } from './database.js';

/**
 * `kapmap migrate`: applies the migrations this build holds and the reference data, then exits. Safe to run
 * from several places at once (on PostgreSQL the migrator takes an advisory lock), and again: a current
 * schema is left as it is.
 */
export async function migrate(env: Env): Promise<string> {
  const { db, where } = await openDatabase(env);
  try {
    const before = await db.pendingMigrations().catch(() => null);
    const { seededDemo } = await prepare(db, env, where);
    const applied = before?.length ?? 0;
    return (
      `kapmap migrate: ${where} is current (${applied === 0 ? 'nothing to apply' : `${applied} migrations applied`})` +
      (seededDemo ? '; demo data seeded (fictional clinics).' : '.')
    );
  } finally {
    await db.close();
  }
}
