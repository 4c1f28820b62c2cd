import { timingSafeEqual } from 'node:crypto';
import type { Database } from '@kapmap/db/client';
import { users } from '@kapmap/db/schema';
import { eq } from 'drizzle-orm';
import { hashToken, newToken } from './tokens.js';

/**
 * The first platform admin without a trap: a server that starts with none prints a single-use link. Whoever
 * opens it first (the operator, who can read the server's log) chooses the admin's email and password there.
 * The token lives only in this process's memory: a restart prints a new one, and the link stops working as
 * soon as any platform admin exists. Behind several replicas use `create-admin` instead (the link works only
 * on the replica that printed it).
 */
export class FirstAdminSetup {
  readonly token: string;
  private readonly hash: Buffer;
  constructor() {
    const { token, hash } = newToken();
    this.token = token;
    this.hash = Buffer.from(hash, 'hex');
  }

  private spent = false;

  matches(token: string): boolean {
    if (this.spent) return false;
    const given = Buffer.from(hashToken(token), 'hex');
    return given.length === this.hash.length && timingSafeEqual(given, this.hash);
  }

  /** Used: the link stops working in this process at once (the database check covers every other). */
  spend(): void {
    this.spent = true;
  }

  link(publicUrl: string): string {
    return `${publicUrl.replace(/\/$/, '')}/setup?token=${this.token}`;
  }
}

/** A setup link when the database has no platform admin yet; null once it has one. */
export async function firstAdminSetup(db: Database): Promise<FirstAdminSetup | null> {
  const [admin] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.isPlatformAdmin, true))
    .limit(1);
  return admin ? null : new FirstAdminSetup();
}
