/**
 * `pnpm bench:referrals [--referrals N] [--reads R]`
 *
 * What sealing patient data and logging every read cost. On a fresh database (PGlite in memory, or with
 * KAPMAP_TEST_DB=postgres a throwaway database on the local PostgreSQL), with one clinic, one location and one verified provider (all fictional), it:
 *   1. sends N referrals through /graphql, one after another (each: validation, sealing, the referral, its
 *      event and the clinic's notifications in one transaction), and prints sends/s and p50/p95;
 *   2. reads the clinic's inbox of the newest 200 with each patient's name (200 openings, 200 access-log rows
 *      in one insert) R times, and prints p50/p95, beside the same inbox without patient fields;
 *   3. prints the time to seal and open one patient record.
 * Figures, not pass/fail: this machine is shared and noisy.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { clinicMembers, clinics, locations, providerProfiles, users } from '@kapmap/db/schema';
import { prepareDatabase } from '@kapmap/db/seed';
import { createTestDb } from '@kapmap/db/testing';
import { offlineGeocoder } from '@kapmap/geo';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { createSession } from '../src/modules/accounts/sessions.js';
import { createSealer, openJson, sealJson } from '../src/modules/referrals/sealing.js';
import { createServer } from '../src/server.js';

const { values } = parseArgs({
  options: { referrals: { type: 'string', default: '500' }, reads: { type: 'string', default: '30' } },
});
const N = Number(values.referrals);
const READS = Number(values.reads);

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

// A throwaway database, as the tests use: PGlite in memory, or with KAPMAP_TEST_DB=postgres a fresh database on
// the server at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), dropped at the end.
const handle = await createTestDb();
await prepareDatabase(handle, { demo: false });
const db = handle.db;
const sealer = createSealer(randomBytes(32));
const app = await createServer({ db, geocoder: offlineGeocoder(), sealer, logLevel: 'silent' });

const [clinic] = await db
  .insert(clinics)
  .values({ name: 'Bench clinic (fictional)', verification: 'verified', published: true })
  .returning();
const [location] = await db
  .insert(locations)
  .values({ clinicId: clinic?.id ?? '', name: 'Bench site (fictional)', lat: 35.84, lng: -78.64 })
  .returning();
const person = async (email: string) => {
  const [u] = await db.insert(users).values({ email, passwordHash: 'x', displayName: email }).returning();
  const { token } = await createSession(db, u?.id ?? '');
  return { id: u?.id ?? '', cookie: `kapmap_session=${token}` };
};
const provider = await person(`bench-provider-${randomUUID()}@example.org`);
const staff = await person(`bench-staff-${randomUUID()}@example.org`);
await db.insert(providerProfiles).values({
  userId: provider.id,
  npi: '1234567893',
  name: 'Dr Bench',
  practice: 'Bench practice',
  specialty: 'Psychiatry',
  state: 'NC',
  verifiedAt: new Date(),
});
await db.insert(clinicMembers).values({ clinicId: clinic?.id ?? '', userId: staff.id, role: 'staff' });

const post = async (cookie: string, query: string, variables: Record<string, unknown>) => {
  const res = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', cookie },
    payload: JSON.stringify({ query, variables }),
  });
  const body = JSON.parse(res.body);
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data;
};

const patient = {
  name: 'Bench Fictional Patient',
  dateOfBirth: '1980-01-01',
  phone: '(919) 555-0100',
  homePostalCode: '27609',
  reason: 'Treatment-resistant depression (fictional)',
  clinicalNote: 'A fictional note of a typical length, with a PHQ-9 score and a few lines of history.',
  medications: 'Sertraline 100 mg (fictional)',
  screening: {
    uncontrolledHypertension: 'NO',
    psychosisOrMania: 'NO',
    pregnancy: 'NO',
    substanceUseDisorder: 'NO',
    priorKetamine: 'NO',
  },
};
const SEND = `mutation ($input: SendReferralInput!) { sendReferral(input: $input) { id } }`;
const sends: number[] = [];
const started = performance.now();
for (let i = 0; i < N; i++) {
  const t = performance.now();
  await post(provider.cookie, SEND, {
    input: {
      locationId: encodeGlobalID('Location', location?.id ?? ''),
      idempotencyKey: randomUUID(),
      urgency: 'ROUTINE',
      conditions: ['trd'],
      patient,
    },
  });
  sends.push(performance.now() - t);
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `sendReferral ×${N}: ${(N / seconds).toFixed(0)} sends/s, p50 ${ms(percentile(sends, 50))}, p95 ${ms(percentile(sends, 95))}`,
);

const inbox = (withPatient: boolean) =>
  `query ($c: ID!) { referralInbox(clinicId: $c) { id status updatedAt location { name }${withPatient ? ' patient { name }' : ''} } }`;
for (const withPatient of [false, true]) {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < READS; i++) {
    const t = performance.now();
    const data = await post(staff.cookie, inbox(withPatient), {
      c: encodeGlobalID('Clinic', clinic?.id ?? ''),
    });
    times.push(performance.now() - t);
    rows = data.referralInbox.length;
  }
  console.log(
    `inbox of ${rows} ${withPatient ? 'with each patient’s name (opened and logged)' : 'without patient fields'}: p50 ${ms(percentile(times, 50))}, p95 ${ms(percentile(times, 95))}`,
  );
}

const rounds = 10_000;
let t = performance.now();
const sealed: string[] = [];
for (let i = 0; i < rounds; i++) sealed.push(sealJson(sealer, patient, `referral:${i}`));
const sealUs = ((performance.now() - t) * 1000) / rounds;
t = performance.now();
for (let i = 0; i < rounds; i++) openJson(sealer, sealed[i] ?? '', `referral:${i}`);
const openUs = ((performance.now() - t) * 1000) / rounds;
console.log(`seal one patient record: ${sealUs.toFixed(1)} µs; open one: ${openUs.toFixed(1)} µs`);

await app.close();
await handle.drop();
