import { emailTokens, providerProfiles, users } from '@kapmap/db/schema';
import { emailField, nameField, ProviderProfileSchema } from '@kapmap/validation';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { builder } from '../../graphql/builder.js';
import { coded } from '../../graphql/errors.js';
import { found, viewerOf } from '../../graphql/guards.js';
import { mayViewUser } from '../../graphql/visibility.js';
import { ACCOUNT_EMAIL, enqueueEmail } from './outbox.js';
import { hashPassword, newPasswordField, spendVerifyTime, verifyPassword } from './passwords.js';
import { beginSignIn, throttle } from './rate-limit.js';
import { createSession, loadViewer, revokeSession, revokeSessionsOf } from './sessions.js';
import { hashToken, newToken, normalizeEmail, RESET_PASSWORD_TTL_MS, VERIFY_EMAIL_TTL_MS } from './tokens.js';

export const ClinicRoleEnum = builder.enumType('ClinicRole', {
  description: 'What a member may do for a clinic: staff keep it running; admins also edit it and its team.',
  values: { STAFF: { value: 'staff' }, ADMIN: { value: 'admin' } } as const,
});

export const ProviderProfile = builder.drizzleObject('providerProfiles', {
  name: 'ProviderProfile',
  description: 'A referring provider’s professional details (FHIR Practitioner).',
  fields: (t) => ({
    npi: t.exposeString('npi'),
    name: t.exposeString('name'),
    practice: t.exposeString('practice'),
    specialty: t.exposeString('specialty'),
    state: t.exposeString('state'),
    verified: t.boolean({
      description: 'Whether a platform admin has checked the NPI against the provider.',
      resolve: (p) => p.verifiedAt !== null,
    }),
  }),
});

export const User = builder.drizzleObject('users', {
  name: 'User',
  description:
    'A kapmap account: its owner, the people they work with at a clinic, and platform admins see it.',
  // Which clinics the account works for decides who may see it: loaded with it, not once per user.
  select: {
    columns: { id: true, email: true, displayName: true, emailVerifiedAt: true, isPlatformAdmin: true },
    with: { memberships: { columns: { clinicId: true }, limit: 100 } },
  },
  authScopes: (user, ctx) => mayViewUser(ctx, user),
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    displayName: t.exposeString('displayName'),
    emailVerified: t.boolean({ resolve: (u) => u.emailVerifiedAt !== null }),
    isPlatformAdmin: t.exposeBoolean('isPlatformAdmin'),
    providerProfile: t.relation('providerProfile', { nullable: true }),
  }),
});

/** A signed-in user's own account; everything beside it is added by other modules (memberships). */
builder.queryField('viewer', (t) =>
  t.drizzleField({
    type: User,
    nullable: true,
    description: 'The signed-in user; null when nobody is signed in.',
    resolve: (query, _root, _args, ctx) =>
      ctx.viewer
        ? ctx.db.query.users.findFirst(query({ where: { id: ctx.viewer.userId } })).then((u) => u ?? null)
        : null,
  }),
);

async function sendVerification(
  db: Pick<Context['db'], 'insert'>,
  ctx: Context,
  user: { id: string; email: string },
) {
  const { token, hash } = newToken();
  await db.insert(emailTokens).values({
    userId: user.id,
    purpose: 'verify_email',
    tokenHash: hash,
    expiresAt: new Date(Date.now() + VERIFY_EMAIL_TTL_MS),
  });
  await enqueueEmail(db, {
    to: user.email,
    subject: 'Confirm your email address for kapmap',
    priority: ACCOUNT_EMAIL,
    body:
      `Open this link to confirm that this address is yours:\n\n${ctx.publicUrl}/verify-email?token=${token}\n\n` +
      'The link works once, for 48 hours. If you did not sign up for kapmap, ignore this email.',
  });
}

const SignUpInput = builder.inputType('SignUpInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true, description: 'At least 8 characters; not a common password.' }),
    displayName: t.string({ required: true, description: 'Your name, as your colleagues know it.' }),
  }),
});

const signUpArgs = z.looseObject({
  input: z.object({ email: emailField, password: newPasswordField, displayName: nameField('your name') }),
});

type Transaction = Parameters<Parameters<Context['db']['transaction']>[0]>[0];

/**
 * Creates an account and signs it in: signUp, and setUpFirstAdmin for the first platform admin. Its address
 * is to be confirmed by the emailed link either way. Returns the new account's ID.
 */
async function createAccount(
  ctx: Context,
  input: { email: string; password: string; displayName: string },
  options: { platformAdmin: boolean; before?: (tx: Transaction) => Promise<void> },
): Promise<string> {
  const email = normalizeEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  const id = await ctx.db.transaction(async (tx) => {
    await options.before?.(tx);
    const [row] = await tx
      .insert(users)
      .values({
        email,
        passwordHash,
        displayName: input.displayName.trim(),
        isPlatformAdmin: options.platformAdmin,
      })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (!row)
      throw coded(
        'CONFLICT',
        'This email address already has an account. Sign in, or reset the password if it is forgotten.',
        'email',
      );
    await sendVerification(tx, ctx, { id: row.id, email });
    return row.id;
  });
  // Signing up while signed in as someone else ends that session: one browser, one account.
  if (ctx.viewer) await revokeSession(ctx.db, ctx.viewer.sessionId);
  const session = await createSession(ctx.db, id);
  ctx.sessionCookie.start(session.token, session.expiresAt);
  // From here on the request acts as the account it signed in: it may read itself.
  ctx.viewer = await loadViewer(ctx.db, session.token);
  return id;
}

builder.mutationField('signUp', (t) =>
  t.drizzleField({
    type: User,
    description:
      'Creates an account, signs it in and emails a link to confirm the address. CONFLICT when the address ' +
      'already has an account.',
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    validate: signUpArgs,
    resolve: async (query, _root, { input }, ctx) => {
      const id = await createAccount(ctx, input, { platformAdmin: false });
      return ctx.db.query.users.findFirst(query({ where: { id } })).then(found);
    },
  }),
);

const SETUP_LINK_INVALID =
  'This setup link does not work: a platform admin exists already, or the server has restarted since it printed ' +
  'the link. Use the newest link in the server’s log, or run create-admin.';

builder.mutationField('setUpFirstAdmin', (t) =>
  t.drizzleField({
    type: User,
    description:
      'Creates the first platform admin with the single-use link a server without one prints in its log, and ' +
      'signs it in. LINK_INVALID once any platform admin exists, or for a link from an earlier start.',
    args: {
      token: t.arg.string({ required: true }),
      input: t.arg({ type: SignUpInput, required: true }),
    },
    validate: signUpArgs,
    resolve: async (query, _root, { token, input }, ctx) => {
      const setup = ctx.firstAdmin;
      if (!setup?.matches(token)) throw coded('LINK_INVALID', SETUP_LINK_INVALID);
      const id = await createAccount(ctx, input, {
        platformAdmin: true,
        // Two people opening the link at once: one admin. The lock is held until the account is written.
        before: async (tx) => {
          await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('kapmap:first-admin'))`);
          const [admin] = await tx
            .select({ id: users.id })
            .from(users)
            .where(eq(users.isPlatformAdmin, true))
            .limit(1);
          if (admin) throw coded('LINK_INVALID', SETUP_LINK_INVALID);
        },
      });
      setup.spend();
      return ctx.db.query.users.findFirst(query({ where: { id } })).then(found);
    },
  }),
);

const SignInInput = builder.inputType('SignInInput', {
  fields: (t) => ({ email: t.string({ required: true }), password: t.string({ required: true }) }),
});

const SIGN_IN_FAILED = 'The email address or the password is not right.';

builder.mutationField('signIn', (t) =>
  t.drizzleField({
    type: User,
    description:
      'Signs in and sets the session cookie. SIGN_IN_FAILED never says whether the address has an account; ' +
      'TOO_MANY_ATTEMPTS after repeated failures for the account or from the address.',
    args: { input: t.arg({ type: SignInInput, required: true }) },
    validate: z.looseObject({
      input: z.object({
        email: z.string().trim().min(1, 'Enter your email address.'),
        password: z.string().min(1, 'Enter your password.'),
      }),
    }),
    resolve: async (query, _root, { input }, ctx) => {
      const email = normalizeEmail(input.email);
      // The attempt is counted before the password is checked, in the same step as the check: 60 attempts
      // at once are counted as 60, not each as the first.
      const attempt = await beginSignIn(ctx.db, email, ctx.ip);
      if (!attempt)
        throw coded(
          'TOO_MANY_ATTEMPTS',
          'Too many failed sign-ins. Wait 15 minutes, or reset your password from the link below.',
        );
      const [user] = await ctx.db
        .select({ id: users.id, passwordHash: users.passwordHash })
        .from(users)
        .where(eq(users.email, email));
      const ok = user
        ? await verifyPassword(user.passwordHash, input.password)
        : await spendVerifyTime(input.password).then(() => false);
      if (!user || !ok) throw coded('SIGN_IN_FAILED', SIGN_IN_FAILED);
      await attempt.succeeded();
      // A session token is never reused across sign-ins: a fresh one each time.
      if (ctx.viewer) await revokeSession(ctx.db, ctx.viewer.sessionId);
      const session = await createSession(ctx.db, user.id);
      ctx.sessionCookie.start(session.token, session.expiresAt);
      // From here on the request acts as the account it signed in: it may read itself.
      ctx.viewer = await loadViewer(ctx.db, session.token);
      return ctx.db.query.users.findFirst(query({ where: { id: user.id } })).then(found);
    },
  }),
);

builder.mutationField('signOut', (t) =>
  t.boolean({
    description:
      'Ends this session on the server and clears its cookie. True even when nobody was signed in.',
    resolve: async (_root, _args, ctx) => {
      if (ctx.viewer) await revokeSession(ctx.db, ctx.viewer.sessionId);
      ctx.sessionCookie.end();
      return true;
    },
  }),
);

/** Spends a single-use emailed token: the row it names, or a LINK_INVALID error. */
async function spendToken(
  tx: Pick<Context['db'], 'update'>,
  token: string,
  purpose: 'verify_email' | 'reset_password',
) {
  const [row] = await tx
    .update(emailTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(emailTokens.tokenHash, hashToken(token)),
        eq(emailTokens.purpose, purpose),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, new Date()),
      ),
    )
    .returning({ userId: emailTokens.userId });
  if (!row)
    throw coded(
      'LINK_INVALID',
      purpose === 'verify_email'
        ? 'This confirmation link has expired or was already used. Sign in and ask for a new one.'
        : 'This reset link has expired or was already used. Ask for a new one.',
      'token',
    );
  return row;
}

builder.mutationField('verifyEmail', (t) =>
  t.boolean({
    description: 'Confirms an email address with the single-use link sent to it.',
    args: { token: t.arg.string({ required: true }) },
    resolve: async (_root, { token }, ctx) => {
      await ctx.db.transaction(async (tx) => {
        const { userId } = await spendToken(tx, token, 'verify_email');
        await tx.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, userId));
      });
      return true;
    },
  }),
);

builder.mutationField('resendVerificationEmail', (t) =>
  t.boolean({
    authScopes: { signedIn: true },
    description: 'Sends a new confirmation link to the signed-in user’s address.',
    resolve: async (_root, _args, ctx) => {
      const viewer = viewerOf(ctx);
      if (viewer.emailVerified) return true;
      await throttle(ctx.db, [['verificationPerAccount', viewer.userId]]);
      await ctx.db.transaction((tx) => sendVerification(tx, ctx, { id: viewer.userId, email: viewer.email }));
      return true;
    },
  }),
);

builder.mutationField('requestPasswordReset', (t) =>
  t.boolean({
    description:
      'Emails a single-use reset link valid for an hour, when the address has an account. Always true, so ' +
      'that nobody can learn from it which addresses have accounts.',
    args: { email: t.arg.string({ required: true }) },
    validate: z.looseObject({ email: emailField }),
    resolve: async (_root, args, ctx) => {
      const email = normalizeEmail(args.email);
      await throttle(ctx.db, [
        ['resetPerAccount', email],
        ['resetPerAddress', ctx.ip],
      ]);
      // The same statements run whether or not the address has an account: each acts on the rows the
      // address names, none or one. So neither the answer nor its timing tells who has an account.
      const { token, hash } = newToken();
      const body =
        `Open this link to choose a new password:\n\n${ctx.publicUrl}/reset-password?token=${token}\n\n` +
        'The link works once, for one hour. If you did not ask for it, ignore this email: your password stays as it is.';
      await ctx.db.transaction(async (tx) => {
        // Two resets at once for one account take turns, so the later one sees, and ends, the earlier link.
        await tx.execute(sql`SELECT id FROM users WHERE email = ${email} FOR UPDATE`);
        // A new link ends the older ones: only the newest works.
        await tx.execute(sql`
          UPDATE email_tokens SET used_at = now()
          WHERE purpose = 'reset_password' AND used_at IS NULL
            AND user_id IN (SELECT id FROM users WHERE email = ${email})`);
        await tx.execute(sql`
          INSERT INTO email_tokens (user_id, purpose, token_hash, expires_at)
          SELECT id, 'reset_password', ${hash}, ${new Date(Date.now() + RESET_PASSWORD_TTL_MS).toISOString()}::timestamptz
          FROM users WHERE email = ${email}`);
        await tx.execute(sql`
          INSERT INTO email_outbox ("to", subject, body, priority)
          SELECT email, 'Reset your kapmap password', ${body}, ${ACCOUNT_EMAIL} FROM users WHERE email = ${email}`);
      });
      return true;
    },
  }),
);

const ResetPasswordInput = builder.inputType('ResetPasswordInput', {
  fields: (t) => ({ token: t.string({ required: true }), newPassword: t.string({ required: true }) }),
});

builder.mutationField('resetPassword', (t) =>
  t.drizzleField({
    type: User,
    description:
      'Sets a new password with a reset link, ends every session of the account, and signs in afresh.',
    args: { input: t.arg({ type: ResetPasswordInput, required: true }) },
    validate: z.looseObject({ input: z.object({ token: z.string(), newPassword: newPasswordField }) }),
    resolve: async (query, _root, { input }, ctx) => {
      const passwordHash = await hashPassword(input.newPassword);
      const userId = await ctx.db.transaction(async (tx) => {
        const { userId } = await spendToken(tx, input.token, 'reset_password');
        // Whoever could read the mailbox has proved it: the address is confirmed too.
        await tx
          .update(users)
          .set({ passwordHash, updatedAt: new Date(), emailVerifiedAt: new Date() })
          .where(eq(users.id, userId));
        await revokeSessionsOf(tx, userId);
        return userId;
      });
      const session = await createSession(ctx.db, userId);
      ctx.sessionCookie.start(session.token, session.expiresAt);
      // From here on the request acts as the account it signed in: it may read itself.
      ctx.viewer = await loadViewer(ctx.db, session.token);
      return ctx.db.query.users.findFirst(query({ where: { id: userId } })).then(found);
    },
  }),
);

const ProviderInput = builder.inputType('ProviderProfileInput', {
  fields: (t) => ({
    npi: t.string({ required: true, description: 'National Provider Identifier, 10 digits.' }),
    name: t.string({ required: true, description: 'Name as registered with the NPI.' }),
    practice: t.string({ required: true }),
    specialty: t.string({ required: true }),
    state: t.string({ required: true, description: 'USPS code of the state of practice: NC.' }),
  }),
});

builder.mutationField('registerAsProvider', (t) =>
  t.drizzleField({
    type: ProviderProfile,
    authScopes: { signedIn: true },
    description:
      'Records the signed-in user as a referring provider, or updates their details (which then need ' +
      'verifying again). CONFLICT when another account holds the NPI.',
    args: { input: t.arg({ type: ProviderInput, required: true }) },
    validate: z.looseObject({ input: ProviderProfileSchema }),
    resolve: async (query, _root, { input }, ctx) => {
      const userId = viewerOf(ctx).userId;
      const values = {
        npi: input.npi.trim(),
        name: input.name.trim(),
        practice: input.practice.trim(),
        specialty: input.specialty.trim(),
        state: input.state.trim().toUpperCase(),
      };
      const [taken] = await ctx.db
        .select({ userId: providerProfiles.userId })
        .from(providerProfiles)
        .where(eq(providerProfiles.npi, values.npi));
      if (taken && taken.userId !== userId)
        throw coded(
          'CONFLICT',
          'Another kapmap account has registered this NPI. Contact support if it is yours.',
          'npi',
        );
      await ctx.db
        .insert(providerProfiles)
        .values({ userId, ...values })
        .onConflictDoUpdate({
          target: providerProfiles.userId,
          set: {
            ...values,
            verifiedAt: null,
            verifiedBy: null,
            rejectionReason: null,
            rejectedAt: null,
            updatedAt: new Date(),
          },
        });
      return ctx.db.query.providerProfiles.findFirst(query({ where: { userId } })).then(found);
    },
  }),
);
