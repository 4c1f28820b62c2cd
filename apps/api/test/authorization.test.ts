import {
  clinicMembers,
  clinics,
  listingReports,
  locations,
  providerProfiles,
  users,
} from '@kapmap/db/schema';
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, type Api, startApi } from './harness.js';
import { platformAdmin, signedUp, verifiedProvider } from './people.js';
import { appointmentPassed, referralInput, SEND } from './referral-fixtures.js';

/**
 * The authorization matrix: every mutation and every non-public read, asked by each role, with exactly the
 * outcome each must get. What a role may not see answers as NOT_FOUND or null, as an ID that does not exist.
 */
type Role = 'anonymous' | 'provider' | 'otherProvider' | 'staffA' | 'adminA' | 'adminB' | 'platform';
const ROLES: Role[] = ['anonymous', 'provider', 'otherProvider', 'staffA', 'adminA', 'adminB', 'platform'];
/** 'ok': data; 'null': the field answered null (as for a missing row); otherwise the error code. */
type Outcome = 'ok' | 'null' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';

let api: Api;
const as = {} as Record<Role, Agent & { userId?: string }>;
const ids = {} as {
  clinicA: string;
  clinicB: string;
  locA: string;
  locB: string;
  providerUser: string;
  /** A referral from `provider` to clinic A's location. */
  referral: string;
};

const rowId = (global: string) => decodeGlobalID(global).id;
const newLocation = async (clinic: string) => {
  const [row] = await api.db.db
    .insert(locations)
    .values({ clinicId: rowId(clinic), name: 'Throwaway (fictional)', lat: 35.8, lng: -78.6 })
    .returning({ id: locations.id });
  return encodeGlobalID('Location', row?.id ?? '');
};
const newClinic = async () => {
  const [row] = await api.db.db
    .insert(clinics)
    .values({ name: 'Throwaway clinic (fictional)' })
    .returning({ id: clinics.id });
  return encodeGlobalID('Clinic', row?.id ?? '');
};

beforeAll(async () => {
  api = await startApi({ demo: false });
  as.anonymous = api.agent();
  as.provider = await signedUp(api, 'provider@example.org');
  as.staffA = await signedUp(api, 'staff-a@example.org');
  as.adminA = await signedUp(api, 'admin-a@example.org');
  as.adminB = await signedUp(api, 'admin-b@example.org');
  as.platform = await platformAdmin(api);
  await as.provider.gql(
    `mutation { registerAsProvider(input: { npi: "1234567893", name: "Dr P", practice: "P Practice", specialty: "Psychiatry", state: "NC" }) { npi } }`,
  );
  ids.providerUser = as.provider.userId ?? '';
  const create = `mutation ($n: String!) { createClinic(input: { name: $n }) { id } }`;
  ids.clinicA = (await as.adminA.gql(create, { n: 'Clinic A (fictional)' })).data?.createClinic.id;
  ids.clinicB = (await as.adminB.gql(create, { n: 'Clinic B (fictional)' })).data?.createClinic.id;
  await api.db.db
    .insert(clinicMembers)
    .values({ clinicId: rowId(ids.clinicA), userId: as.staffA.userId ?? '', role: 'staff' });
  await as.platform.gql(`mutation ($id: ID!) { verifyClinic(id: $id) { id } }`, { id: ids.clinicA });
  ids.locA = await newLocation(ids.clinicA);
  ids.locB = await newLocation(ids.clinicB);
  await api.db.db
    .update(providerProfiles)
    .set({ verifiedAt: new Date() })
    .where(eq(providerProfiles.userId, ids.providerUser));
  as.otherProvider = await verifiedProvider(api, 'other-provider@example.org', 2);
  ids.referral = await newReferral();
}, 120_000);

/** A referral from `provider` to clinic A, taken by clinic A's staff through `steps` first. */
const newReferral = async (...steps: string[]) => {
  const res = await as.provider.gql(SEND, { input: referralInput(ids.locA) });
  expect(res.errors).toBeUndefined();
  const id = res.data?.sendReferral.id as string;
  for (const step of steps) {
    const done = await as.staffA.gql(`mutation ($id: ID!) { ${step}Referral(id: $id) { id } }`, { id });
    expect(done.errors).toBeUndefined();
  }
  return id;
};
/** Judges a list by whether it holds the matrix's referral: 'ok' if it does, 'null' if not. */
const holdsReferral = (list: unknown) =>
  Array.isArray(list) && list.some((r: { id?: string }) => r.id === ids.referral) ? 'ok' : 'null';
afterAll(() => api?.close());

interface Case {
  name: string;
  /** Builds the request, afresh for each role where the operation changes what it acts on. */
  request: () =>
    | Promise<{ query: string; variables?: Record<string, unknown> }>
    | { query: string; variables?: Record<string, unknown> };
  /** The field whose value is judged (dot path under data). */
  field: string;
  expect: Record<Role, Outcome>;
  /** Judges the field's value when it is not an error (by default: present is 'ok', absent 'null'). */
  judge?: (value: unknown) => Outcome;
}

const ALL = (o: Outcome): Record<Role, Outcome> => ({
  anonymous: o,
  provider: o,
  otherProvider: o,
  staffA: o,
  adminA: o,
  adminB: o,
  platform: o,
});
const only = (base: Outcome, ok: Partial<Record<Role, Outcome>>) => ({ ...ALL(base), ...ok });
/** Acting on clinic A: admins of A only; staff told it is for admins; everyone else finds nothing. */
const adminOfA = {
  anonymous: 'UNAUTHENTICATED',
  provider: 'NOT_FOUND',
  otherProvider: 'NOT_FOUND',
  staffA: 'FORBIDDEN',
  adminA: 'ok',
  adminB: 'NOT_FOUND',
  platform: 'NOT_FOUND',
} as const;
const platformOnly = { ...ALL('FORBIDDEN'), anonymous: 'UNAUTHENTICATED', platform: 'ok' } as const;

/** The parties to the referral: its sender and clinic A's staff and admin. Nobody else finds it. */
const parties = (base: Outcome) => ({ ...ALL(base), provider: 'ok', staffA: 'ok', adminA: 'ok' }) as const;
/** A step only the clinic takes: its staff and admin may; the sender is told it is the clinic's. */
const clinicStep = {
  ...ALL('NOT_FOUND'),
  anonymous: 'UNAUTHENTICATED',
  provider: 'FORBIDDEN',
  staffA: 'ok',
  adminA: 'ok',
} as const;

const REFERRAL_CASES: Case[] = [
  {
    name: 'referral(id)',
    field: 'referral',
    request: () => ({
      query: `query ($id: ID!) { referral(id: $id) { id patient { name } } }`,
      variables: { id: ids.referral },
    }),
    expect: { ...parties('null'), anonymous: 'UNAUTHENTICATED' },
  },
  {
    name: 'node(id) of a referral',
    field: 'node',
    request: () => ({
      query: `query ($id: ID!) { node(id: $id) { id ... on Referral { patient { name } } } }`,
      variables: { id: ids.referral },
    }),
    expect: parties('null'),
  },
  {
    name: 'a referral’s messages',
    field: 'referral.messages',
    request: () => ({
      query: `query ($id: ID!) { referral(id: $id) { messages { body } } }`,
      variables: { id: ids.referral },
    }),
    expect: { ...parties('null'), anonymous: 'UNAUTHENTICATED' },
  },
  {
    name: 'a referral’s access log (audit events)',
    field: 'referral.accessLog',
    request: () => ({
      query: `query ($id: ID!) { referral(id: $id) { accessLog { fields } } }`,
      variables: { id: ids.referral },
    }),
    expect: { ...parties('null'), anonymous: 'UNAUTHENTICATED' },
  },
  {
    name: 'sentReferrals holds the referral',
    field: 'sentReferrals',
    request: () => ({ query: `{ sentReferrals { id } }` }),
    judge: holdsReferral,
    expect: { ...ALL('null'), anonymous: 'UNAUTHENTICATED', provider: 'ok' },
  },
  {
    name: 'referralInbox of clinic A',
    field: 'referralInbox',
    request: () => ({
      query: `query ($c: ID!) { referralInbox(clinicId: $c) { id patient { name } } }`,
      variables: { c: ids.clinicA },
    }),
    judge: holdsReferral,
    expect: { ...ALL('NOT_FOUND'), anonymous: 'UNAUTHENTICATED', staffA: 'ok', adminA: 'ok' },
  },
  {
    name: 'referralInbox of clinic B filtered to clinic A’s location',
    field: 'referralInbox',
    request: () => ({
      query: `query ($c: ID!, $l: ID) { referralInbox(clinicId: $c, locationId: $l) { id } }`,
      variables: { c: ids.clinicB, l: ids.locA },
    }),
    judge: holdsReferral,
    expect: { ...ALL('NOT_FOUND'), anonymous: 'UNAUTHENTICATED', adminB: 'null' },
  },
  {
    name: 'referralInbox filtered by status',
    field: 'referralInbox',
    request: () => ({
      query: `query ($c: ID!) { referralInbox(clinicId: $c, status: [SENT, RECEIVED]) { id } }`,
      variables: { c: ids.clinicA },
    }),
    judge: holdsReferral,
    expect: { ...ALL('NOT_FOUND'), anonymous: 'UNAUTHENTICATED', staffA: 'ok', adminA: 'ok' },
  },
  {
    name: 'referralForSupport (status, clinic and dates; never the patient)',
    field: 'referralForSupport',
    request: () => ({
      query: `query ($id: ID!) { referralForSupport(id: $id) { status accessLog { fields } } }`,
      variables: { id: ids.referral },
    }),
    expect: platformOnly,
  },
  {
    name: 'sendReferral',
    field: 'sendReferral',
    request: () => ({ query: SEND, variables: { input: referralInput(ids.locA) } }),
    expect: {
      ...ALL('FORBIDDEN'),
      anonymous: 'UNAUTHENTICATED',
      provider: 'ok',
      otherProvider: 'ok',
    },
  },
  {
    name: 'receiveReferral',
    field: 'receiveReferral',
    request: async () => ({
      query: `mutation ($id: ID!) { receiveReferral(id: $id) { id } }`,
      variables: { id: await newReferral() },
    }),
    expect: clinicStep,
  },
  {
    name: 'acceptReferral',
    field: 'acceptReferral',
    request: async () => ({
      query: `mutation ($id: ID!) { acceptReferral(id: $id) { id } }`,
      variables: { id: await newReferral('receive') },
    }),
    expect: clinicStep,
  },
  {
    name: 'scheduleReferral',
    field: 'scheduleReferral',
    request: async () => ({
      query: `mutation ($id: ID!, $at: DateTime!) { scheduleReferral(id: $id, at: $at) { id } }`,
      variables: {
        id: await newReferral('receive', 'accept'),
        at: new Date(Date.now() + 86_400_000).toISOString(),
      },
    }),
    expect: clinicStep,
  },
  {
    name: 'completeReferral',
    field: 'completeReferral',
    request: async () => {
      const id = await newReferral('receive', 'accept');
      await as.staffA.gql(
        `mutation ($id: ID!, $at: DateTime!) { scheduleReferral(id: $id, at: $at) { id } }`,
        {
          id,
          at: new Date(Date.now() + 86_400_000).toISOString(),
        },
      );
      await appointmentPassed(api, id);
      return { query: `mutation ($id: ID!) { completeReferral(id: $id) { id } }`, variables: { id } };
    },
    expect: clinicStep,
  },
  {
    name: 'declineReferral',
    field: 'declineReferral',
    request: async () => ({
      query: `mutation ($id: ID!) { declineReferral(id: $id, reason: NOT_A_CANDIDATE) { id } }`,
      variables: { id: await newReferral() },
    }),
    expect: clinicStep,
  },
  {
    name: 'cancelReferral',
    field: 'cancelReferral',
    request: async () => ({
      query: `mutation ($id: ID!) { cancelReferral(id: $id) { id } }`,
      variables: { id: await newReferral() },
    }),
    expect: {
      ...ALL('NOT_FOUND'),
      anonymous: 'UNAUTHENTICATED',
      provider: 'ok',
      staffA: 'FORBIDDEN',
      adminA: 'FORBIDDEN',
    },
  },
  {
    name: 'sendReferralMessage',
    field: 'sendReferralMessage',
    request: () => ({
      query: `mutation ($id: ID!) { sendReferralMessage(referralId: $id, body: "Please send the last PHQ-9") { id } }`,
      variables: { id: ids.referral },
    }),
    expect: { ...parties('NOT_FOUND'), anonymous: 'UNAUTHENTICATED' },
  },
];

const CASES: Case[] = [
  ...REFERRAL_CASES,
  {
    name: 'clinic(id) of an unpublished clinic',
    field: 'clinic',
    request: () => ({
      query: `query ($id: ID!) { clinic(id: $id) { name } }`,
      variables: { id: ids.clinicB },
    }),
    expect: only('null', { adminB: 'ok', platform: 'ok' }),
  },
  {
    name: 'node(id) of an unpublished clinic',
    field: 'node',
    request: () => ({ query: `query ($id: ID!) { node(id: $id) { id } }`, variables: { id: ids.clinicB } }),
    expect: only('null', { adminB: 'ok', platform: 'ok' }),
  },
  {
    name: 'location(id) of an unpublished clinic',
    field: 'location',
    request: () => ({
      query: `query ($id: ID!) { location(id: $id) { name } }`,
      variables: { id: ids.locB },
    }),
    expect: only('null', { adminB: 'ok', platform: 'ok' }),
  },
  {
    name: 'node(id) of a location of an unpublished clinic',
    field: 'node',
    request: () => ({ query: `query ($id: ID!) { node(id: $id) { id } }`, variables: { id: ids.locB } }),
    expect: only('null', { adminB: 'ok', platform: 'ok' }),
  },
  {
    name: 'a clinic’s history',
    field: 'clinic.changes',
    request: () => ({
      query: `query ($id: ID!) { clinic(id: $id) { changes { action } } }`,
      variables: { id: ids.clinicA },
    }),
    expect: only('null', { adminA: 'ok' }),
  },
  {
    name: 'a clinic’s history through a nested location',
    field: 'location.clinic.changes',
    request: () => ({
      query: `query ($id: ID!) { location(id: $id) { clinic { changes { action } } } }`,
      variables: { id: ids.locA },
    }),
    expect: only('null', { adminA: 'ok' }),
  },
  {
    name: 'a clinic’s reports',
    field: 'clinic.reports',
    request: () => ({
      query: `query ($id: ID!) { clinic(id: $id) { reports { id } } }`,
      variables: { id: ids.clinicA },
    }),
    expect: only('null', { adminA: 'ok', platform: 'ok' }),
  },
  {
    name: 'a clinic’s team',
    field: 'clinic.members',
    request: () => ({
      query: `query ($id: ID!) { clinic(id: $id) { members { role } } }`,
      variables: { id: ids.clinicA },
    }),
    expect: only('null', { staffA: 'ok', adminA: 'ok' }),
  },
  {
    name: 'a clinic’s pending invitations',
    field: 'clinic.pendingInvitations',
    request: () => ({
      query: `query ($id: ID!) { clinic(id: $id) { pendingInvitations { email } } }`,
      variables: { id: ids.clinicA },
    }),
    expect: only('null', { adminA: 'ok' }),
  },
  {
    name: 'a clinic’s verification state',
    field: 'clinic.verification',
    request: () => ({
      query: `query ($id: ID!) { clinic(id: $id) { verification } }`,
      variables: { id: ids.clinicA },
    }),
    expect: only('null', { staffA: 'ok', adminA: 'ok', platform: 'ok' }),
  },
  {
    name: 'clinicsAwaitingVerification',
    field: 'clinicsAwaitingVerification',
    request: () => ({ query: `{ clinicsAwaitingVerification { id } }` }),
    expect: platformOnly,
  },
  {
    name: 'providersAwaitingVerification',
    field: 'providersAwaitingVerification',
    request: () => ({ query: `{ providersAwaitingVerification { npi } }` }),
    expect: platformOnly,
  },
  {
    name: 'openListingReports',
    field: 'openListingReports',
    request: () => ({ query: `{ openListingReports { id } }` }),
    expect: platformOnly,
  },
  {
    name: 'placeAddress (it may spend the Mapbox quota: signed-in users only)',
    request: () => ({ query: `{ placeAddress(postalCode: "27609") { lat } }` }),
    field: 'placeAddress',
    expect: only('ok', { anonymous: 'UNAUTHENTICATED' }),
  },
  {
    name: 'viewer',
    field: 'viewer',
    request: () => ({ query: `{ viewer { email } }` }),
    expect: only('ok', { anonymous: 'null' }),
  },
  {
    name: 'createClinic',
    field: 'createClinic',
    request: () => ({
      query: `mutation { createClinic(input: { name: "Another clinic (fictional)" }) { id } }`,
    }),
    expect: only('ok', { anonymous: 'UNAUTHENTICATED' }),
  },
  {
    name: 'updateClinic',
    field: 'updateClinic',
    request: () => ({
      query: `mutation ($id: ID!) { updateClinic(id: $id, input: { name: "Clinic A (fictional)" }) { id } }`,
      variables: { id: ids.clinicA },
    }),
    expect: adminOfA,
  },
  {
    name: 'updateClinic of another clinic, by its admin’s rival',
    field: 'updateClinic',
    request: () => ({
      query: `mutation ($id: ID!) { updateClinic(id: $id, input: { name: "Clinic B (fictional)" }) { id } }`,
      variables: { id: ids.clinicB },
    }),
    expect: { ...ALL('NOT_FOUND'), anonymous: 'UNAUTHENTICATED', adminB: 'ok' },
  },
  {
    name: 'confirmListing',
    field: 'confirmListing',
    request: () => ({
      query: `mutation ($id: ID!) { confirmListing(clinicId: $id) { id } }`,
      variables: { id: ids.clinicA },
    }),
    expect: { ...adminOfA, staffA: 'ok' },
  },
  {
    name: 'createLocation',
    field: 'createLocation',
    request: () => ({
      query: `mutation ($id: ID!) { createLocation(clinicId: $id, input: { name: "Site (fictional)", addressLine1: "1 Sample St", city: "Raleigh", state: "NC", postalCode: "27609" }) { id } }`,
      variables: { id: ids.clinicA },
    }),
    expect: adminOfA,
  },
  {
    name: 'updateLocation',
    field: 'updateLocation',
    request: () => ({
      query: `mutation ($id: ID!) { updateLocation(id: $id, input: { name: "Site (fictional)", addressLine1: "1 Sample St", city: "Raleigh", state: "NC", postalCode: "27609" }) { id } }`,
      variables: { id: ids.locA },
    }),
    expect: adminOfA,
  },
  {
    name: 'updateLocation with another clinic’s location ID',
    field: 'updateLocation',
    request: () => ({
      query: `mutation ($id: ID!) { updateLocation(id: $id, input: { name: "Hijack", addressLine1: "1 Sample St", city: "Raleigh", state: "NC", postalCode: "27609" }) { id } }`,
      variables: { id: ids.locB },
    }),
    expect: { ...ALL('NOT_FOUND'), anonymous: 'UNAUTHENTICATED', adminB: 'ok' },
  },
  {
    name: 'deleteLocation',
    field: 'deleteLocation',
    request: async () => ({
      query: `mutation ($id: ID!) { deleteLocation(id: $id) }`,
      variables: { id: await newLocation(ids.clinicA) },
    }),
    expect: adminOfA,
  },
  {
    name: 'inviteClinicMember',
    field: 'inviteClinicMember',
    request: () => ({
      query: `mutation ($id: ID!) { inviteClinicMember(clinicId: $id, email: "new-staff@example.org", role: STAFF) { email } }`,
      variables: { id: ids.clinicA },
    }),
    expect: adminOfA,
  },
  {
    name: 'removeClinicMember',
    field: 'removeClinicMember',
    request: async () => {
      const [u] = await api.db.db
        .insert(users)
        .values({ email: `tmp-${Math.random()}@example.org`, passwordHash: 'x', displayName: 'Tmp' })
        .returning({ id: users.id });
      await api.db.db
        .insert(clinicMembers)
        .values({ clinicId: rowId(ids.clinicA), userId: u?.id ?? '', role: 'staff' });
      return {
        query: `mutation ($c: ID!, $u: ID!) { removeClinicMember(clinicId: $c, userId: $u) }`,
        variables: { c: ids.clinicA, u: u?.id },
      };
    },
    expect: adminOfA,
  },
  {
    name: 'resolveListingReport',
    field: 'resolveListingReport',
    request: async () => {
      const [r] = await api.db.db
        .insert(listingReports)
        .values({ clinicId: rowId(ids.clinicA), what: 'Wrong hours (fictional)' })
        .returning({ id: listingReports.id });
      return {
        query: `mutation ($id: ID!) { resolveListingReport(id: $id, resolution: "Fixed") { id } }`,
        variables: { id: r?.id },
      };
    },
    expect: { ...adminOfA, platform: 'ok' },
  },
  {
    name: 'reportListing of a published clinic',
    field: 'reportListing',
    request: () => ({
      query: `mutation ($id: ID!) { reportListing(input: { clinicId: $id, what: "The phone is wrong" }) }`,
      variables: { id: ids.clinicA },
    }),
    expect: ALL('ok'),
  },
  {
    name: 'reportListing of an unpublished clinic',
    field: 'reportListing',
    request: () => ({
      query: `mutation ($id: ID!) { reportListing(input: { clinicId: $id, what: "The phone is wrong" }) }`,
      variables: { id: ids.clinicB },
    }),
    expect: ALL('NOT_FOUND'),
  },
  {
    name: 'verifyClinic',
    field: 'verifyClinic',
    request: async () => ({
      query: `mutation ($id: ID!) { verifyClinic(id: $id) { id } }`,
      variables: { id: await newClinic() },
    }),
    expect: platformOnly,
  },
  {
    name: 'rejectClinic',
    field: 'rejectClinic',
    request: async () => ({
      query: `mutation ($id: ID!) { rejectClinic(id: $id, reason: "No license found") { id } }`,
      variables: { id: await newClinic() },
    }),
    expect: platformOnly,
  },
  {
    name: 'unpublishClinic',
    field: 'unpublishClinic',
    request: async () => ({
      query: `mutation ($id: ID!) { unpublishClinic(id: $id, reason: "Closed for good") { id } }`,
      variables: { id: await newClinic() },
    }),
    expect: platformOnly,
  },
  {
    name: 'verifyProvider',
    field: 'verifyProvider',
    request: () => ({
      query: `mutation ($id: ID!) { verifyProvider(userId: $id) { verified } }`,
      variables: { id: ids.providerUser },
    }),
    expect: platformOnly,
  },
];

function outcome(
  res: { data?: Record<string, unknown> | null; errors?: { extensions?: Record<string, unknown> }[] },
  field: string,
  judge?: (value: unknown) => Outcome,
): string {
  const code = res.errors?.[0]?.extensions?.code;
  if (typeof code === 'string') return code;
  let value: unknown = res.data;
  for (const key of field.split('.'))
    value = value === null || value === undefined ? value : (value as Record<string, unknown>)[key];
  if (judge && value !== null && value !== undefined) return judge(value);
  return value === null || value === undefined ? 'null' : 'ok';
}

describe('the authorization matrix', () => {
  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: each role gets exactly its outcome',
    async (_name, c) => {
      const got: Record<string, string> = {};
      for (const role of ROLES) {
        const { query, variables } = await c.request();
        got[role] = outcome(await as[role].gql(query, variables), c.field, c.judge);
      }
      expect(got).toEqual(c.expect);
    },
  );

  it('answers a role that may not see a clinic exactly as for an ID that does not exist', async () => {
    const missing = encodeGlobalID('Clinic', '00000000-0000-4000-8000-000000000000');
    const q = `mutation ($id: ID!) { updateClinic(id: $id, input: { name: "X clinic" }) { id } }`;
    const hidden = await as.adminB.gql(q, { id: ids.clinicA });
    const absent = await as.adminB.gql(q, { id: missing });
    expect(hidden.errors?.[0]).toEqual(absent.errors?.[0]);
  });
});
