import { randomUUID } from 'node:crypto';
import { clinicMembers, referrals } from '@kapmap/db/schema';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Agent, Api } from './harness.js';
import { platformAdmin, signedUp, verifiedProvider } from './people.js';

/** A fictional patient: every value is invented, and distinctive enough to search raw rows for. */
export const PATIENT = {
  name: 'Quentin Zephyrine Fictional',
  dateOfBirth: '1981-07-14',
  phone: '(919) 555-0142',
  email: 'quentin.fictional@example.org',
  homePostalCode: '27612',
  reason: 'Treatment-resistant depression after four antidepressant trials (fictional)',
  clinicalNote: 'PHQ-9 of 22 at last visit; no inpatient stays (fictional note)',
  medications: 'Sertraline 150 mg; bupropion XL 300 mg (fictional list)',
  screening: {
    uncontrolledHypertension: 'NO',
    psychosisOrMania: 'NO',
    pregnancy: 'NO',
    substanceUseDisorder: 'UNKNOWN',
    priorKetamine: 'YES',
  },
};

/** The patient's values a raw row must never hold in clear. */
export const PATIENT_VALUES = [
  PATIENT.name,
  'Zephyrine',
  PATIENT.dateOfBirth,
  PATIENT.phone,
  '555-0142',
  PATIENT.email,
  PATIENT.reason,
  PATIENT.clinicalNote,
  PATIENT.medications,
  'Sertraline',
];

export const SEND = `mutation ($input: SendReferralInput!) { sendReferral(input: $input) { id status } }`;

export interface ReferralWorld {
  provider: Agent & { userId: string };
  otherProvider: Agent & { userId: string };
  unverifiedProvider: Agent & { userId: string };
  staffA: Agent & { userId: string };
  adminA: Agent & { userId: string };
  adminB: Agent & { userId: string };
  platform: Agent & { userId: string };
  anonymous: Agent;
  clinicA: string;
  clinicB: string;
  locA: string;
  locA2: string;
  locB: string;
}

const rowId = (global: string) => decodeGlobalID(global).id;

/**
 * Two published clinics in Raleigh (A with two locations and a staff member, B with one), a verified
 * provider, a second verified provider, an unverified one, and a platform admin. All fictional.
 */
export async function referralWorld(api: Api): Promise<ReferralWorld> {
  const w = {
    provider: await verifiedProvider(api, 'referrer@example.org', 1),
    otherProvider: await verifiedProvider(api, 'other-referrer@example.org', 2),
    unverifiedProvider: await signedUp(api, 'unverified@example.org'),
    staffA: await signedUp(api, 'staff-a@example.org', 'Sam Staff'),
    adminA: await signedUp(api, 'admin-a@example.org', 'Alex Admin'),
    adminB: await signedUp(api, 'admin-b@example.org'),
    platform: await platformAdmin(api),
    anonymous: api.agent(),
  } as ReferralWorld;
  await w.unverifiedProvider.gql(
    `mutation { registerAsProvider(input: { npi: "1234567893", name: "Dr Unverified", practice: "P", specialty: "Psychiatry", state: "NC" }) { npi } }`,
  );
  const create = `mutation ($n: String!) { createClinic(input: { name: $n }) { id } }`;
  w.clinicA = (await w.adminA.gql(create, { n: 'Raleigh Sample KAP (fictional)' })).data?.createClinic.id;
  w.clinicB = (await w.adminB.gql(create, { n: 'Durham Sample KAP (fictional)' })).data?.createClinic.id;
  await api.db.db
    .insert(clinicMembers)
    .values({ clinicId: rowId(w.clinicA), userId: w.staffA.userId, role: 'staff' });
  const location = `mutation ($c: ID!, $n: String!) { createLocation(clinicId: $c, input: { name: $n, addressLine1: "1 Sample St", city: "Raleigh", state: "NC", postalCode: "27609", conditions: ["trd", "ptsd"], routes: [{ route: "iv" }], insurance: ["aetna"] }) { id } }`;
  const loc = async (agent: Agent, clinic: string, name: string) => {
    const res = await agent.gql(location, { c: clinic, n: name });
    expect(res.errors).toBeUndefined();
    return res.data?.createLocation.id as string;
  };
  w.locA = await loc(w.adminA, w.clinicA, 'North Raleigh site (fictional)');
  w.locA2 = await loc(w.adminA, w.clinicA, 'Cary site (fictional)');
  w.locB = await loc(w.adminB, w.clinicB, 'Durham site (fictional)');
  for (const id of [w.clinicA, w.clinicB])
    expect(
      (await w.platform.gql(`mutation ($id: ID!) { verifyClinic(id: $id) { id } }`, { id })).errors,
    ).toBeUndefined();
  return w;
}

/** A complete, valid send to `locationId`, with a fresh idempotency key unless one is given. */
export function referralInput(locationId: string, overrides: Record<string, unknown> = {}) {
  return {
    locationId,
    idempotencyKey: randomUUID(),
    urgency: 'SOON',
    conditions: ['trd'],
    route: 'iv',
    insurance: 'aetna',
    patient: PATIENT,
    ...overrides,
  };
}

/** Sends a referral as `agent` and returns its ID. */
export async function sent(agent: Agent, locationId: string): Promise<string> {
  const res = await agent.gql(SEND, { input: referralInput(locationId) });
  expect(res.errors).toBeUndefined();
  return res.data?.sendReferral.id;
}

/** A day passes: the referral's appointment is now an hour ago (scheduleReferral takes only future times). */
export async function appointmentPassed(api: Api, globalId: string): Promise<void> {
  const { id } = decodeGlobalID(globalId);
  await api.db.db
    .update(referrals)
    .set({ scheduledFor: new Date(Date.now() - 3_600_000) })
    .where(eq(referrals.id, id));
}
