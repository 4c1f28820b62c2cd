import type { Database } from '@kapmap/db/client';
import { rateLimitHits } from '@kapmap/db/schema';
import { and, count, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { coded } from '../../graphql/errors.js';

/**
 * Rate limits counted in the database, so every API process behind a load balancer sees the same counts.
 * A limit is checked and its event recorded in one step, under a transaction-scoped advisory lock per key:
 * concurrent requests are counted exactly as sequential ones would be, and none slips past the check
 * between another's check and its write.
 */
export interface Limit {
  key: string;
  max: number;
  windowMs: number;
}

export type Taken = { ok: true; ids: string[] } | { ok: false; key: string };

/** Takes one slot of every limit, or none when any is used up. */
export async function takeSlot(db: Database, limits: Limit[], now = new Date()): Promise<Taken> {
  return db.transaction(async (tx) => {
    // Locks in a fixed order, so two requests never wait on each other crosswise.
    for (const key of limits.map((l) => l.key).sort())
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    for (const limit of limits) {
      const [row] = await tx
        .select({ n: count() })
        .from(rateLimitHits)
        .where(
          and(
            eq(rateLimitHits.key, limit.key),
            gte(rateLimitHits.at, new Date(now.getTime() - limit.windowMs)),
          ),
        );
      if ((row?.n ?? 0) >= limit.max) return { ok: false as const, key: limit.key };
    }
    const rows = await tx
      .insert(rateLimitHits)
      .values(limits.map((l) => ({ key: l.key, at: now })))
      .returning({ id: rateLimitHits.id });
    const longest = Math.max(...limits.map((l) => l.windowMs));
    await tx.delete(rateLimitHits).where(
      and(
        inArray(
          rateLimitHits.key,
          limits.map((l) => l.key),
        ),
        lt(rateLimitHits.at, new Date(now.getTime() - longest)),
      ),
    );
    return { ok: true as const, ids: rows.map((r) => r.id) };
  });
}

/** Gives slots back: a sign-in that succeeded was not a failure. */
export async function releaseSlots(db: Database, ids: string[]): Promise<void> {
  if (ids.length > 0) await db.delete(rateLimitHits).where(inArray(rateLimitHits.id, ids));
}

/** Per account it slows guessing one password; per address it slows one client trying many accounts. */
export const SIGN_IN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

const accountKey = (email: string) => `signin:email:${email}`;
const addressKey = (ip: string) => `signin:ip:${ip}`;

/**
 * Counts a sign-in attempt as a failure before the password is checked: false when the account or the
 * address has used up its failures. `succeeded` then takes the attempt back (and clears the account's count,
 * not the address's: one success must not reset a spray).
 */
export async function beginSignIn(db: Database, email: string, ip: string, now = new Date()) {
  const taken = await takeSlot(
    db,
    [
      { key: accountKey(email), max: MAX_FAILURES_PER_ACCOUNT, windowMs: SIGN_IN_WINDOW_MS },
      { key: addressKey(ip), max: MAX_FAILURES_PER_ADDRESS, windowMs: SIGN_IN_WINDOW_MS },
    ],
    now,
  );
  if (!taken.ok) return null;
  return {
    succeeded: async () => {
      await db.delete(rateLimitHits).where(eq(rateLimitHits.key, accountKey(email)));
      await releaseSlots(db, taken.ids);
    },
  };
}

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

/**
 * Every mutation that sends email is throttled per account, per address and, where it has one, per listing:
 * nobody can make kapmap mail someone a hundred times. TOO_MANY_ATTEMPTS names the wait.
 */
export const EMAIL_LIMITS = {
  resetPerAccount: { max: 3, windowMs: HOUR },
  resetPerAddress: { max: 20, windowMs: HOUR },
  verificationPerAccount: { max: 3, windowMs: HOUR },
  reportPerAddress: { max: 20, windowMs: HOUR },
  reportPerListing: { max: 10, windowMs: DAY },
  invitationPerClinic: { max: 50, windowMs: DAY },
  invitationPerAddress: { max: 3, windowMs: DAY },
} as const;

export type EmailLimit = keyof typeof EMAIL_LIMITS;

export async function throttle(
  db: Database,
  limits: [EmailLimit, string][],
  message = 'Too many requests like this one. Wait an hour and try again.',
): Promise<void> {
  const taken = await takeSlot(
    db,
    limits.map(([name, subject]) => ({ key: `${name}:${subject}`, ...EMAIL_LIMITS[name] })),
  );
  if (!taken.ok) throw coded('TOO_MANY_ATTEMPTS', message);
}
