import type { Database } from '@kapmap/db/client';
import { signInFailures } from '@kapmap/db/schema';
import { and, count, eq, gte, lt, or } from 'drizzle-orm';

/**
 * Failed sign-ins are counted in the database, so every API process behind a load balancer sees the same
 * counts. Per account it slows guessing one password; per address it slows one client trying many accounts.
 */
export const SIGN_IN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

const accountKey = (email: string) => `email:${email}`;
const addressKey = (ip: string) => `ip:${ip}`;

/** True when either the account or the address has used up its failures in the window. */
export async function signInBlocked(db: Database, email: string, ip: string, now = new Date()) {
  const since = new Date(now.getTime() - SIGN_IN_WINDOW_MS);
  const rows = await db
    .select({ key: signInFailures.key, n: count() })
    .from(signInFailures)
    .where(
      and(
        or(eq(signInFailures.key, accountKey(email)), eq(signInFailures.key, addressKey(ip))),
        gte(signInFailures.at, since),
      ),
    )
    .groupBy(signInFailures.key);
  const failures = new Map(rows.map((r) => [r.key, r.n]));
  return (
    (failures.get(accountKey(email)) ?? 0) >= MAX_FAILURES_PER_ACCOUNT ||
    (failures.get(addressKey(ip)) ?? 0) >= MAX_FAILURES_PER_ADDRESS
  );
}

export async function recordSignInFailure(db: Database, email: string, ip: string, now = new Date()) {
  await db.transaction(async (tx) => {
    await tx.insert(signInFailures).values([
      { key: accountKey(email), at: now },
      { key: addressKey(ip), at: now },
    ]);
    await tx.delete(signInFailures).where(lt(signInFailures.at, new Date(now.getTime() - SIGN_IN_WINDOW_MS)));
  });
}

/** A successful sign-in clears the account's count (not the address's: one success must not reset a spray). */
export async function clearAccountFailures(db: Database, email: string) {
  await db.delete(signInFailures).where(eq(signInFailures.key, accountKey(email)));
}
