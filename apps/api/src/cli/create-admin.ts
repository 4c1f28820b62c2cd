import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { emailTokens, users } from '@kapmap/db/schema';
import { emailField, nameField } from '@kapmap/validation';
import { eq } from 'drizzle-orm';
import { ConfigError, type Env } from '../env.js';
import { hashPassword } from '../modules/accounts/passwords.js';
import { newToken, normalizeEmail, RESET_PASSWORD_TTL_MS } from '../modules/accounts/tokens.js';
import { openDatabase } from './database.js';

/**
 * Makes a platform admin: the only way to get one. There is no default password anywhere: a new account
 * gets an unusable random one, and the command prints a single-use link (valid one hour) to choose a password.
 * An existing account is promoted and keeps its password.
 *
 *   kapmap create-admin --email you@example.org --name "Your Name"
 *
 * On the embedded database, stop the server first: PGlite's folder takes one process at a time.
 */
export async function createAdmin(argv: string[], env: Env): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: { email: { type: 'string' }, name: { type: 'string' } },
  });
  const email = emailField.safeParse(values.email ?? '');
  if (!email.success) throw new ConfigError('Usage: create-admin --email you@example.org --name "Your Name"');
  const name = nameField('a name').safeParse(values.name ?? email.data.split('@')[0]);
  if (!name.success) throw new ConfigError('--name must be 1 to 120 characters.');
  const address = normalizeEmail(email.data);
  const { db } = await openDatabase(env);
  try {
    await db.migrate();
    const { token, hash } = newToken();
    const created = await db.db.transaction(async (tx) => {
      const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, address));
      let userId = existing?.id;
      if (userId) {
        await tx
          .update(users)
          .set({ isPlatformAdmin: true, updatedAt: new Date() })
          .where(eq(users.id, userId));
      } else {
        const [row] = await tx
          .insert(users)
          .values({
            email: address,
            displayName: name.data,
            passwordHash: await hashPassword(randomBytes(32).toString('base64url')),
            isPlatformAdmin: true,
          })
          .returning({ id: users.id });
        userId = row?.id;
      }
      if (!userId) throw new Error('creating the admin returned no row');
      if (!existing)
        await tx.insert(emailTokens).values({
          userId,
          purpose: 'reset_password',
          tokenHash: hash,
          expiresAt: new Date(Date.now() + RESET_PASSWORD_TTL_MS),
        });
      return !existing;
    });
    const base = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
    return created
      ? `Created platform admin ${address}. Choose a password within an hour at:\n  ${base}/reset-password?token=${token}`
      : `${address} is now a platform admin; their password is unchanged.`;
  } finally {
    await db.close();
  }
}
