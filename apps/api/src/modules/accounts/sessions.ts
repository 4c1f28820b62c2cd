import type { Database } from '@kapmap/db/client';
import { sessions } from '@kapmap/db/schema';
import { and, eq, ne } from 'drizzle-orm';
import { hashToken, newToken } from './tokens.js';

/** OWASP Session Management: a short idle timeout and an absolute one, both enforced by the server. */
export const IDLE_TIMEOUT_MS = 30 * 60_000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60_000;
/** `last_seen_at` is written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

export type ClinicRole = 'staff' | 'admin';

/** Who is asking: read once per request from the session cookie. */
export interface Viewer {
  userId: string;
  sessionId: string;
  email: string;
  displayName: string;
  emailVerified: boolean;
  isPlatformAdmin: boolean;
  /** Set when the user has registered as a referring provider. */
  provider: { verified: boolean } | null;
  /** Clinic id to the viewer's role there. */
  memberships: ReadonlyMap<string, ClinicRole>;
}

export async function createSession(
  db: Pick<Database, 'insert'>,
  userId: string,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash } = newToken();
  const expiresAt = new Date(now.getTime() + ABSOLUTE_TIMEOUT_MS);
  await db.insert(sessions).values({ userId, tokenHash: hash, createdAt: now, lastSeenAt: now, expiresAt });
  return { token, expiresAt };
}

/** The viewer behind a session token; null (and the session deleted) when it is unknown or has expired. */
export async function loadViewer(db: Database, token: string, now = new Date()): Promise<Viewer | null> {
  const row = await db.query.sessions.findFirst({
    where: { tokenHash: hashToken(token) },
    with: { user: { with: { memberships: true, providerProfile: true } } },
  });
  if (!row) return null;
  const idle = now.getTime() - row.lastSeenAt.getTime() > IDLE_TIMEOUT_MS;
  if (idle || now >= row.expiresAt) {
    await db.delete(sessions).where(eq(sessions.id, row.id));
    return null;
  }
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS)
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, row.id));
  const { user } = row;
  return {
    userId: user.id,
    sessionId: row.id,
    email: user.email,
    displayName: user.displayName,
    emailVerified: user.emailVerifiedAt !== null,
    isPlatformAdmin: user.isPlatformAdmin,
    provider: user.providerProfile ? { verified: user.providerProfile.verifiedAt !== null } : null,
    memberships: new Map(user.memberships.map((m) => [m.clinicId, m.role])),
  };
}

export async function revokeSession(db: Database, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of a user, or every one but `except`. */
export async function revokeSessionsOf(
  db: Pick<Database, 'delete'>,
  userId: string,
  except?: string,
): Promise<void> {
  await db
    .delete(sessions)
    .where(except ? and(eq(sessions.userId, userId), ne(sessions.id, except)) : eq(sessions.userId, userId));
}
