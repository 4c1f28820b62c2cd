import { emailOutbox, providerProfiles, users } from '@kapmap/db/schema';
import { isValidNpi } from '@kapmap/validation';
import { and, desc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Agent, Api } from './harness.js';

/** Fictional people for the tests: every address is on example.org, which cannot receive mail. */
export const PASSWORD = 'correct horse battery staple';

export const SIGN_UP = `mutation ($input: SignUpInput!) { signUp(input: $input) { id email emailVerified } }`;
export const SIGN_IN = `mutation ($input: SignInInput!) { signIn(input: $input) { id email } }`;
export const VIEWER = `{ viewer { id email isPlatformAdmin memberships { role clinic { id } } } }`;

/** A signed-in agent for a new account. */
export async function signedUp(
  api: Api,
  email: string,
  displayName = 'Test Person',
): Promise<Agent & { userId: string }> {
  const agent = api.agent();
  const res = await agent.gql(SIGN_UP, { input: { email, password: PASSWORD, displayName } });
  expect(res.errors).toBeUndefined();
  return Object.assign(agent, { userId: res.data?.signUp.id as string });
}

/** A signed-in platform admin (promoted in the database, as the create-admin command does). */
export async function platformAdmin(api: Api, email = 'admin@example.org') {
  const agent = await signedUp(api, email, 'Platform Admin');
  await api.db.db.update(users).set({ isPlatformAdmin: true }).where(eq(users.id, agent.userId));
  return agent;
}

/** The newest link to `path` emailed to `to`, as a token. */
export async function emailedToken(api: Api, to: string, path: string): Promise<string> {
  const rows = await api.db.db
    .select({ body: emailOutbox.body })
    .from(emailOutbox)
    .where(and(eq(emailOutbox.to, to)))
    .orderBy(desc(emailOutbox.createdAt));
  for (const { body } of rows) {
    const match = body?.match(new RegExp(`http://kapmap\\.test${path}\\?token=([\\w-]+)`));
    if (match?.[1]) return match[1];
  }
  throw new Error(`no email to ${to} with a link to ${path}`);
}

/** The n-th valid NPI of the test range (ten digits with a Luhn check digit), for fictional providers. */
export function fictionalNpi(n: number): string {
  for (let check = 0; check < 10; check++) {
    const npi = `1${String(100000000 + n).slice(1, 9)}${check}`;
    if (isValidNpi(npi)) return npi;
  }
  throw new Error('no check digit found');
}

/** A signed-in referring provider whose NPI a platform admin has verified (in the database, as verifyProvider does). */
export async function verifiedProvider(api: Api, email: string, n = 1) {
  const agent = await signedUp(api, email, `Dr ${email.split('@')[0]}`);
  const res = await agent.gql(
    `mutation ($npi: String!) { registerAsProvider(input: { npi: $npi, name: "Dr Fictional ${n}", practice: "Sample Family Practice", specialty: "Psychiatry", state: "NC" }) { npi } }`,
    { npi: fictionalNpi(n) },
  );
  expect(res.errors).toBeUndefined();
  await api.db.db
    .update(providerProfiles)
    .set({ verifiedAt: new Date() })
    .where(eq(providerProfiles.userId, agent.userId));
  return agent;
}
