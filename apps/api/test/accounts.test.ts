import { emailOutbox, sessions, users } from '@kapmap/db/schema';
import { isValidNpi } from '@kapmap/validation';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirstAdminSetup, firstAdminSetup } from '../src/modules/accounts/first-admin.js';
import { drainOutbox, type Email } from '../src/modules/accounts/outbox.js';
import { type Api, startApi } from './harness.js';
import { emailedToken, PASSWORD, platformAdmin, SIGN_IN, SIGN_UP, signedUp, VIEWER } from './people.js';

let api: Api;
beforeAll(async () => {
  api = await startApi({ demo: false });
}, 120_000);
afterAll(() => api?.close());

const countUsers = async () => (await api.db.db.select({ id: users.id }).from(users)).length;

describe('signing up', () => {
  it('creates the account, signs it in with an httpOnly SameSite cookie, and stores an argon2id hash', async () => {
    const agent = api.agent();
    const res = await agent.gql(SIGN_UP, {
      input: { email: '  Ada.Lovelace@Example.org ', password: PASSWORD, displayName: 'Ada Lovelace' },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.signUp).toMatchObject({ email: 'ada.lovelace@example.org', emailVerified: false });
    const [cookie] = agent.setCookies;
    expect(cookie).toMatch(/^kapmap_session=[\w-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect((await agent.gql(VIEWER)).data?.viewer.email).toBe('ada.lovelace@example.org');
    const [row] = await api.db.db.select().from(users).where(eq(users.email, 'ada.lovelace@example.org'));
    expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row?.passwordHash).not.toContain(PASSWORD);
  });

  it.each([
    ['an address that is not one', { email: 'ada@' }, 'email', /email address/],
    ['a password under 8 characters', { password: 'short1!' }, 'password', /at least 8/],
    ['one of the most common passwords', { password: 'iloveyou' }, 'password', /most common/],
    ['a password over 256 characters', { password: 'x'.repeat(257) }, 'password', /at most 256/],
    ['no name', { displayName: '   ' }, 'displayName', /Enter your name/],
  ])('refuses %s, naming the field, and saves nothing', async (_label, bad, field, message) => {
    const before = await countUsers();
    const res = await api.gql(SIGN_UP, {
      input: { email: 'grace@example.org', password: PASSWORD, displayName: 'Grace', ...bad },
    });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(res.errors?.[0]?.message).toMatch(message);
    expect(await countUsers()).toBe(before);
  });

  it('accepts a long passphrase with spaces and any characters', async () => {
    const res = await api.gql(SIGN_UP, {
      input: {
        email: 'long@example.org',
        password: `ünïcödé passphrase ${'x'.repeat(80)}`,
        displayName: 'Long',
      },
    });
    expect(res.errors).toBeUndefined();
  });

  it('refuses a second account for the same address, whatever its case', async () => {
    await signedUp(api, 'dup@example.org');
    const before = await countUsers();
    const res = await api.gql(SIGN_UP, {
      input: { email: 'DUP@example.org', password: PASSWORD, displayName: 'Dup' },
    });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'email' });
    expect(await countUsers()).toBe(before);
  });

  it('sends the cookie as __Host- and Secure outside local development', async () => {
    const secure = await startApi({ demo: false, secureCookies: true });
    try {
      const agent = secure.agent();
      await agent.gql(SIGN_UP, { input: { email: 's@example.org', password: PASSWORD, displayName: 'S' } });
      expect(agent.setCookies[0]).toMatch(
        /^__Host-kapmap_session=.*; Path=\/;.*HttpOnly; Secure; SameSite=Lax/,
      );
      expect((await agent.gql(VIEWER)).data?.viewer.email).toBe('s@example.org');
    } finally {
      await secure.close();
    }
  });
});

describe('signing in and out', () => {
  it('gives the same answer for a wrong password and an address with no account', async () => {
    await signedUp(api, 'pat@example.org');
    const wrong = await api.gql(SIGN_IN, {
      input: { email: 'pat@example.org', password: 'not the password' },
    });
    const nobody = await api.gql(SIGN_IN, {
      input: { email: 'nobody@example.org', password: 'not the password' },
    });
    expect(wrong.errors?.[0]).toEqual(nobody.errors?.[0]);
    expect(wrong.errors?.[0]?.extensions?.code).toBe('SIGN_IN_FAILED');
  });

  it('signs in with the right password, case-insensitively on the address', async () => {
    const agent = api.agent();
    const res = await agent.gql(SIGN_IN, { input: { email: 'PAT@example.org', password: PASSWORD } });
    expect(res.data?.signIn.email).toBe('pat@example.org');
    expect((await agent.gql(VIEWER)).data?.viewer.email).toBe('pat@example.org');
  });

  it('stops accepting even the right password after 5 failures for an account', async () => {
    await signedUp(api, 'locked@example.org');
    for (let i = 0; i < 5; i++)
      await api.gql(SIGN_IN, { input: { email: 'locked@example.org', password: `guess ${i}` } });
    const res = await api.gql(SIGN_IN, { input: { email: 'locked@example.org', password: PASSWORD } });
    expect(res.errors?.[0]?.extensions?.code).toBe('TOO_MANY_ATTEMPTS');
    expect(res.data?.signIn ?? null).toBeNull();
    // An address that has no account is limited the same way, so the limit tells nothing either.
    for (let i = 0; i < 5; i++)
      await api.gql(SIGN_IN, { input: { email: 'ghost@example.org', password: `g${i}` } });
    const ghost = await api.gql(SIGN_IN, { input: { email: 'ghost@example.org', password: PASSWORD } });
    expect(ghost.errors?.[0]?.extensions?.code).toBe('TOO_MANY_ATTEMPTS');
  });

  it('revokes the session on the server at sign-out: the old cookie no longer works', async () => {
    const agent = await signedUp(api, 'out@example.org');
    const cookie = agent.cookie;
    const res = await agent.gql(`mutation { signOut }`);
    expect(res.data?.signOut).toBe(true);
    expect(agent.cookie).toBeUndefined();
    const replay = api.agent();
    replay.cookie = cookie;
    expect((await replay.gql(VIEWER)).data?.viewer).toBeNull();
    const left = await api.db.db.select().from(sessions).where(eq(sessions.userId, agent.userId));
    expect(left).toHaveLength(0);
  });

  it('ends a session idle for 30 minutes', async () => {
    const agent = await signedUp(api, 'idle@example.org');
    await api.db.db
      .update(sessions)
      .set({ lastSeenAt: sql`now() - interval '31 minutes'` })
      .where(eq(sessions.userId, agent.userId));
    expect((await agent.gql(VIEWER)).data?.viewer).toBeNull();
  });

  it('keeps a session in use for up to 12 hours, and no longer', async () => {
    const agent = await signedUp(api, 'long-day@example.org');
    await api.db.db
      .update(sessions)
      .set({ createdAt: sql`now() - interval '11 hours'`, expiresAt: sql`now() + interval '1 hour'` })
      .where(eq(sessions.userId, agent.userId));
    expect((await agent.gql(VIEWER)).data?.viewer?.email).toBe('long-day@example.org');
    await api.db.db
      .update(sessions)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(sessions.userId, agent.userId));
    expect((await agent.gql(VIEWER)).data?.viewer).toBeNull();
  });

  it('does not let a leaked database row sign anyone in: the row holds only a hash of the token', async () => {
    const agent = await signedUp(api, 'leak@example.org');
    const [row] = await api.db.db.select().from(sessions).where(eq(sessions.userId, agent.userId));
    expect(agent.cookie).not.toContain(row?.tokenHash);
    const thief = api.agent();
    thief.cookie = `kapmap_session=${row?.tokenHash}`;
    expect((await thief.gql(VIEWER)).data?.viewer).toBeNull();
  });
});

describe('emailed links', () => {
  it('confirms the address with a link that works once', async () => {
    const agent = await signedUp(api, 'verify@example.org');
    const token = await emailedToken(api, 'verify@example.org', '/verify-email');
    const first = await api.gql(`mutation ($t: String!) { verifyEmail(token: $t) }`, { t: token });
    expect(first.data?.verifyEmail).toBe(true);
    expect((await agent.gql(`{ viewer { emailVerified } }`)).data?.viewer.emailVerified).toBe(true);
    const again = await api.gql(`mutation ($t: String!) { verifyEmail(token: $t) }`, { t: token });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'LINK_INVALID', field: 'token' });
  });

  it('resets a forgotten password with a link that works once and ends every other session', async () => {
    const laptop = await signedUp(api, 'forgot@example.org');
    const res = await api.gql(`mutation { requestPasswordReset(email: "Forgot@example.org") }`);
    expect(res.data?.requestPasswordReset).toBe(true);
    const token = await emailedToken(api, 'forgot@example.org', '/reset-password');
    const phone = api.agent();
    const reset = await phone.gql(
      `mutation ($input: ResetPasswordInput!) { resetPassword(input: $input) { email emailVerified } }`,
      { input: { token, newPassword: 'a brand new passphrase' } },
    );
    expect(reset.data?.resetPassword).toEqual({ email: 'forgot@example.org', emailVerified: true });
    expect((await laptop.gql(VIEWER)).data?.viewer).toBeNull();
    expect((await phone.gql(VIEWER)).data?.viewer.email).toBe('forgot@example.org');
    const old = await api.gql(SIGN_IN, { input: { email: 'forgot@example.org', password: PASSWORD } });
    expect(old.errors?.[0]?.extensions?.code).toBe('SIGN_IN_FAILED');
    const again = await api.gql(
      `mutation ($input: ResetPasswordInput!) { resetPassword(input: $input) { email } }`,
      {
        input: { token, newPassword: 'yet another passphrase' },
      },
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('LINK_INVALID');
  });

  it('answers a reset request for an unknown address exactly as for a known one, and emails nobody', async () => {
    const before = (await api.db.db.select().from(emailOutbox)).length;
    const res = await api.gql(`mutation { requestPasswordReset(email: "never-signed-up@example.org") }`);
    expect(res).toEqual({ status: 200, data: { requestPasswordReset: true } });
    expect((await api.db.db.select().from(emailOutbox)).length).toBe(before);
  });

  it('sends queued email through the outbox once, and keeps no link after sending', async () => {
    const sent: Email[] = [];
    const n = await drainOutbox(api.db.db, async (e) => void sent.push(e), 1000);
    expect(n).toBeGreaterThan(0);
    expect(sent.some((e) => e.to === 'verify@example.org' && /verify-email\?token=/.test(e.body))).toBe(true);
    expect(await drainOutbox(api.db.db, async (e) => void sent.push(e))).toBe(0);
    const bodies = await api.db.db.select({ body: emailOutbox.body }).from(emailOutbox);
    expect(bodies.every((b) => b.body === null)).toBe(true);
  });

  it('retries an email the mail server refused, and records why', async () => {
    await api.gql(`mutation { requestPasswordReset(email: "pat@example.org") }`);
    expect(await drainOutbox(api.db.db, async () => Promise.reject(new Error('421 try later')))).toBe(0);
    const [row] = await api.db.db.select().from(emailOutbox).where(sql`${emailOutbox.sentAt} IS NULL`);
    expect(row?.lastError).toMatch(/421 try later/);
    // Not hammered: the next try waits a minute.
    expect(await drainOutbox(api.db.db, async () => {})).toBe(0);
    await api.db.db.update(emailOutbox).set({ nextAttemptAt: sql`now() - interval '1 second'` });
    expect(await drainOutbox(api.db.db, async () => {})).toBe(1);
  });
});

describe('referring providers', () => {
  it('checks an NPI by its Luhn check digit', () => {
    expect(isValidNpi('1234567893')).toBe(true);
    expect(isValidNpi('1234567890')).toBe(false);
    expect(isValidNpi('123456789')).toBe(false);
  });

  const REGISTER = `mutation ($input: ProviderProfileInput!) { registerAsProvider(input: $input) { npi state verified } }`;
  const provider = {
    npi: '1234567893',
    name: 'Dr Test',
    practice: 'Test Family Practice',
    specialty: 'Psychiatry',
    state: 'nc',
  };

  it('records a signed-in user as an unverified referring provider', async () => {
    const agent = await signedUp(api, 'doc@example.org');
    const res = await agent.gql(REGISTER, { input: provider });
    expect(res.data?.registerAsProvider).toEqual({ npi: '1234567893', state: 'NC', verified: false });
  });

  it.each([
    ['an NPI with a wrong check digit', { npi: '1234567890' }, 'npi', /check digit/],
    ['an NPI of 9 digits', { npi: '123456789' }, 'npi', /10 digits/],
    ['a state that is not one', { state: 'XX' }, 'state', /two-letter/],
    ['no practice', { practice: '' }, 'practice', /practice/],
  ])('refuses %s, naming the field', async (_l, bad, field, message) => {
    const agent = await signedUp(api, `doc-${field}-${Math.random().toString(36).slice(2)}@example.org`);
    const res = await agent.gql(REGISTER, { input: { ...provider, ...bad } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(res.errors?.[0]?.message).toMatch(message);
  });

  it('emails a provider when verified, and shows a declined one the reason, off the queue until they register again', async () => {
    const admin = await platformAdmin(api, 'queue.admin@example.org');
    const QUEUE = `{ providersAwaitingVerification { userId registeredAt } }`;
    const PROFILE = `{ viewer { providerProfile { verified rejectionReason } } }`;
    const ok = await signedUp(api, 'verified.doc@example.org');
    await ok.gql(REGISTER, { input: { ...provider, npi: '1245319599' } });
    const queued = (await admin.gql(QUEUE)).data?.providersAwaitingVerification;
    expect(queued.find((p: { userId: string }) => p.userId === ok.userId)?.registeredAt).toMatch(/^\d{4}-/);
    await admin.gql(`mutation ($id: ID!) { verifyProvider(userId: $id) { verified } }`, { id: ok.userId });
    const [mail] = await api.db.db
      .select()
      .from(emailOutbox)
      .where(
        sql`${emailOutbox.to} = 'verified.doc@example.org' AND ${emailOutbox.subject} LIKE 'You can now send%'`,
      );
    expect(mail?.body).toContain('Refer a patient');

    const no = await signedUp(api, 'declined.doc@example.org');
    await no.gql(REGISTER, { input: { ...provider, npi: '1003000126' } });
    const reject = await admin.gql(
      `mutation ($id: ID!, $r: String!) { rejectProvider(userId: $id, reason: $r) { verified rejectionReason } }`,
      { id: no.userId, r: 'The NPI belongs to another person. Check the number.' },
    );
    expect(reject.data?.rejectProvider).toEqual({
      verified: false,
      rejectionReason: 'The NPI belongs to another person. Check the number.',
    });
    expect((await no.gql(PROFILE)).data?.viewer.providerProfile.rejectionReason).toMatch(/another person/);
    const after = (await admin.gql(QUEUE)).data?.providersAwaitingVerification;
    expect(after.some((p: { userId: string }) => p.userId === no.userId)).toBe(false);
    const [told] = await api.db.db
      .select()
      .from(emailOutbox)
      .where(
        sql`${emailOutbox.to} = 'declined.doc@example.org' AND ${emailOutbox.subject} LIKE 'kapmap could not verify%'`,
      );
    expect(told?.body).toContain('another person');

    // Registering again puts them back in the queue, the old reason gone.
    await no.gql(REGISTER, { input: { ...provider, npi: '1003000126', practice: 'Corrected Practice' } });
    expect((await no.gql(PROFILE)).data?.viewer.providerProfile).toEqual({
      verified: false,
      rejectionReason: null,
    });
    const back = (await admin.gql(QUEUE)).data?.providersAwaitingVerification;
    expect(back.some((p: { userId: string }) => p.userId === no.userId)).toBe(true);
    // Nobody else may decline a provider.
    const denied = await ok.gql(
      `mutation ($id: ID!) { rejectProvider(userId: $id, reason: "No reason at all") { verified } }`,
      {
        id: no.userId,
      },
    );
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('asks an anonymous caller to sign in first', async () => {
    const res = await api.gql(REGISTER, { input: provider });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('signing up while signed in', () => {
  it('ends the old session: its cookie no longer signs anyone in', async () => {
    const first = await signedUp(api, 'first-account@example.org');
    const oldCookie = first.cookie;
    await first.gql(SIGN_UP, {
      input: { email: 'second-account@example.org', password: PASSWORD, displayName: 'Second' },
    });
    expect(first.cookie).not.toBe(oldCookie);
    const stale = api.agent();
    stale.cookie = oldCookie;
    expect((await stale.gql(VIEWER)).data?.viewer).toBeNull();
    expect((await first.gql(VIEWER)).data?.viewer.email).toBe('second-account@example.org');
  });
});

describe('the first platform admin', () => {
  const SET_UP = `mutation ($token: String!, $input: SignUpInput!) {
    setUpFirstAdmin(token: $token, input: $input) { email isPlatformAdmin }
  }`;

  it('is made once with the setup link a server without any admin prints, and signed in', async () => {
    const setup = new FirstAdminSetup();
    const fresh = await startApi({ demo: false, server: { firstAdmin: setup } });
    try {
      const input = { email: 'first.admin@example.org', password: PASSWORD, displayName: 'First Admin' };
      const wrong = await fresh.agent().gql(SET_UP, { token: 'not-the-token', input });
      expect(wrong.errors?.[0]?.extensions?.code).toBe('LINK_INVALID');
      expect(setup.link('http://127.0.0.1:4000/')).toBe(`http://127.0.0.1:4000/setup?token=${setup.token}`);

      // Two people opening the link at once: one admin.
      const [a, b] = await Promise.all([
        fresh.agent().gql(SET_UP, { token: setup.token, input }),
        fresh.agent().gql(SET_UP, { token: setup.token, input: { ...input, email: 'second@example.org' } }),
      ]);
      const made = [a, b].filter((r) => r.data?.setUpFirstAdmin);
      expect(made).toHaveLength(1);
      expect(made[0]?.data?.setUpFirstAdmin.isPlatformAdmin).toBe(true);
      const admins = await fresh.db.db.select().from(users).where(eq(users.isPlatformAdmin, true));
      expect(admins).toHaveLength(1);

      const again = await fresh
        .agent()
        .gql(SET_UP, { token: setup.token, input: { ...input, email: 'x@example.org' } });
      expect(again.errors?.[0]?.extensions?.code).toBe('LINK_INVALID');
      expect(again.errors?.[0]?.message).toMatch(/create-admin/);
    } finally {
      await fresh.close();
    }
  });

  it('is not offered by a server whose database has an admin', async () => {
    const other = await startApi({ demo: false });
    try {
      expect(await firstAdminSetup(other.db.db)).toBeInstanceOf(FirstAdminSetup);
      await other.db.db.insert(users).values({
        email: 'existing.admin@example.org',
        displayName: 'Existing Admin',
        passwordHash: 'x',
        isPlatformAdmin: true,
      });
      expect(await firstAdminSetup(other.db.db)).toBeNull();
      const res = await other.agent().gql(SET_UP, {
        token: 'anything',
        input: { email: 'y@example.org', password: PASSWORD, displayName: 'Y' },
      });
      expect(res.errors?.[0]?.extensions?.code).toBe('LINK_INVALID');
    } finally {
      await other.close();
    }
  });
});
