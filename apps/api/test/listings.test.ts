import { clinics, listingChanges, locations } from '@kapmap/db/schema';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent, Api } from './harness.js';
import { startApi } from './harness.js';
import { emailedToken, platformAdmin, signedUp } from './people.js';

let api: Api;
let owner: Agent & { userId: string };
let admin: Agent & { userId: string };
let clinicId: string;

beforeAll(async () => {
  api = await startApi({ demo: false });
  owner = await signedUp(api, 'owner@example.org', 'Olive Owner');
  admin = await platformAdmin(api);
}, 120_000);
afterAll(() => api?.close());

const CREATE_CLINIC = `mutation ($input: ClinicInput!) {
  createClinic(input: $input) { id name viewerRole verification published }
}`;
const CREATE_LOCATION = `mutation ($clinicId: ID!, $input: LocationInput!) {
  createLocation(clinicId: $clinicId, input: $input) {
    id name coordinates { lat lng } offeredRoutes { route { code } priceUsd sessionMinutes }
    acceptedConditions { code } acceptedInsurance { code }
  }
}`;
const SEARCH = `query ($place: String!) {
  searchLocations(place: $place, radius: 10) { totalCount edges { node { name clinic { name } coordinates { lat lng } } } }
}`;

/** A fictional clinic's first site, in Raleigh (27609). */
const raleigh = {
  name: 'Raleigh North',
  addressLine1: '100 Sample St',
  city: 'Raleigh',
  state: 'NC',
  postalCode: '27609',
  routes: [{ route: 'iv', priceUsd: 450, sessionMinutes: 60 }],
  conditions: ['trd', 'ptsd'],
  insurance: ['self_pay'],
  hours: [{ day: 1, opens: '09:00', closes: '17:00' }],
};

describe('a clinic keeping its own listing', () => {
  it('is created by a signed-in user, who becomes its admin; it stays unpublished until verified', async () => {
    const res = await owner.gql(CREATE_CLINIC, {
      input: {
        name: 'Sample Ketamine Care (fictional)',
        website: 'https://sample-care.example.org',
        phone: '(919) 555-0100',
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.createClinic).toMatchObject({
      viewerRole: 'ADMIN',
      verification: 'PENDING',
      published: false,
    });
    clinicId = res.data?.createClinic.id;
    const anon = await api.gql(`query ($id: ID!) { clinic(id: $id) { name } node(id: $id) { id } }`, {
      id: clinicId,
    });
    expect(anon.data).toEqual({ clinic: null, node: null });
    const mine = await owner.gql(`query ($id: ID!) { clinic(id: $id) { name } }`, { id: clinicId });
    expect(mine.data?.clinic.name).toBe('Sample Ketamine Care (fictional)');
  });

  it('places a new location at its ZIP code’s center, or where its pin was dragged', async () => {
    const one = await owner.gql(CREATE_LOCATION, { clinicId, input: raleigh });
    expect(one.errors).toBeUndefined();
    expect(one.data?.createLocation.coordinates.lat).toBeCloseTo(35.87, 1);
    expect(one.data?.createLocation.offeredRoutes).toEqual([
      { route: { code: 'iv' }, priceUsd: 450, sessionMinutes: 60 },
    ]);
    const pin = { lat: 35.7796, lng: -78.6382 };
    const two = await owner.gql(CREATE_LOCATION, {
      clinicId,
      input: { ...raleigh, name: 'Raleigh Downtown', postalCode: '27601', coordinates: pin },
    });
    expect(two.data?.createLocation.coordinates).toEqual(pin);
  });

  it('shows where an address starts on the map before its pin is dragged: the ZIP code’s center offline', async () => {
    const PLACE = `query ($zip: String!) { placeAddress(addressLine1: "100 Sample St", city: "Raleigh", state: "NC", postalCode: $zip) { lat lng precision } }`;
    const res = await owner.gql(PLACE, { zip: '27609' });
    expect(res.data?.placeAddress).toMatchObject({ precision: 'POSTAL_CODE' });
    expect(res.data?.placeAddress.lat).toBeCloseTo(35.87, 1);
    const unknown = await owner.gql(PLACE, { zip: '00000' });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argumentName: 'postalCode',
    });
    expect(unknown.errors?.[0]?.message).toBe('kapmap does not know the ZIP code 00000. Check it.');
  });

  it.each([
    ['no street address', { addressLine1: '' }, 'addressLine1'],
    ['a ZIP code of 4 digits', { postalCode: '2760' }, 'postalCode'],
    ['a ZIP code nobody has', { postalCode: '00000' }, 'postalCode'],
    ['a pin far from its ZIP code', { coordinates: { lat: 40.7, lng: -74 } }, 'coordinates'],
    ['an unknown route', { routes: [{ route: 'teleportation' }] }, 'routes'],
    ['an unknown condition', { conditions: ['trd', 'nonsense'] }, 'conditions'],
    ['a negative price', { routes: [{ route: 'iv', priceUsd: -1 }] }, 'priceUsd'],
    ['a day that closes before it opens', { hours: [{ day: 1, opens: '17:00', closes: '09:00' }] }, 'closes'],
    ['a wait of -3 days', { typicalWaitDays: -3 }, 'typicalWaitDays'],
    ['a phone number without an area code', { phone: '555-0100' }, 'phone'],
    ['a telehealth program serving no state', { telehealth: true, servesStates: [] }, 'servesStates'],
  ])('refuses %s, naming the field, and saves nothing', async (_l, bad, field) => {
    const before = await api.db.db.select({ id: locations.id }).from(locations);
    const res = await owner.gql(CREATE_LOCATION, { clinicId, input: { ...raleigh, ...bad } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await api.db.db.select({ id: locations.id }).from(locations)).toHaveLength(before.length);
  });

  it('gives a platform admin what verification needs, and nobody outside the clinic', async () => {
    const input = {
      name: 'Verification Sample Clinic (fictional)',
      licenseNumber: 'NC-0042',
      licenseState: 'nc',
      medicalDirector: 'Dr. Dana Fictional',
      organizationNpi: '1245319599',
    };
    const made = await owner.gql(CREATE_CLINIC, { input });
    expect(made.errors).toBeUndefined();
    const id = made.data?.createClinic.id;
    const queue = await admin.gql(
      `{ clinicsAwaitingVerification { id submittedAt submittedBy licenseNumber licenseState medicalDirector organizationNpi } }`,
    );
    const mine = queue.data?.clinicsAwaitingVerification.find((c: { id: string }) => c.id === id);
    expect(mine).toMatchObject({
      licenseNumber: 'NC-0042',
      licenseState: 'NC',
      medicalDirector: 'Dr. Dana Fictional',
      organizationNpi: '1245319599',
      submittedBy: expect.stringMatching(/<.+@.+>$/),
      submittedAt: expect.stringMatching(/^\d{4}-/),
    });
    const bad = await owner.gql(CREATE_CLINIC, { input: { ...input, organizationNpi: '1245319590' } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'organizationNpi' });
    const stranger = await signedUp(api, 'outsider@example.org');
    const peek = await stranger.gql(`query ($id: ID!) { clinic(id: $id) { licenseNumber } }`, { id });
    expect(peek.data?.clinic?.licenseNumber ?? null).toBeNull();
  });

  it('appears in public search at the right place once a platform admin verifies it', async () => {
    expect((await api.gql(SEARCH, { place: '27609' })).data?.searchLocations.totalCount).toBe(0);
    const queue = await admin.gql(`{ clinicsAwaitingVerification { id name } }`);
    expect(queue.data?.clinicsAwaitingVerification.map((c: { id: string }) => c.id)).toContain(clinicId);
    const res = await admin.gql(`mutation ($id: ID!) { verifyClinic(id: $id) { verification published } }`, {
      id: clinicId,
    });
    expect(res.data?.verifyClinic).toEqual({ verification: 'VERIFIED', published: true });
    const found = await api.gql(SEARCH, { place: '27609' });
    expect(found.data?.searchLocations.totalCount).toBe(2);
    const downtown = found.data?.searchLocations.edges.find(
      (e: { node: { name: string } }) => e.node.name === 'Raleigh Downtown',
    );
    expect(downtown.node.coordinates).toEqual({ lat: 35.7796, lng: -78.6382 });
  });

  it('records every change with who made it and the old and new values, for the clinic’s admins', async () => {
    const [loc] = await api.db.db.select().from(locations).where(eq(locations.name, 'Raleigh North'));
    const res = await owner.gql(
      `mutation ($id: ID!, $input: LocationInput!) { updateLocation(id: $id, input: $input) { typicalWaitDays acceptingNewPatients } }`,
      { id: loc?.id, input: { ...raleigh, typicalWaitDays: 14, acceptingNewPatients: false } },
    );
    expect(res.data?.updateLocation).toEqual({ typicalWaitDays: 14, acceptingNewPatients: false });
    const history = await owner.gql(
      `query ($id: ID!) { clinic(id: $id) { changes { action actorName changes { field oldValue newValue } } } }`,
      { id: clinicId },
    );
    const [latest] = history.data?.clinic.changes ?? [];
    expect(latest).toMatchObject({ action: 'location.update', actorName: 'Olive Owner' });
    expect(latest.changes).toEqual(
      expect.arrayContaining([
        { field: 'acceptingNewPatients', oldValue: 'true', newValue: 'false' },
        { field: 'typicalWaitDays', oldValue: null, newValue: '14' },
      ]),
    );
    expect(latest.changes.map((c: { field: string }) => c.field).sort()).toEqual([
      'acceptingNewPatients',
      'typicalWaitDays',
    ]);
    const actions = history.data?.clinic.changes.map((c: { action: string }) => c.action);
    expect(actions).toEqual([
      'location.update',
      'clinic.verify',
      'location.create',
      'location.create',
      'clinic.create',
    ]);
  });

  it('shows a listing unconfirmed for 90 days as not recently confirmed, until someone confirms it', async () => {
    await api.db.db
      .update(clinics)
      .set({ lastConfirmedAt: sql`now() - interval '91 days'` })
      .where(eq(clinics.id, decodeGlobalID(clinicId).id));
    const stale = await api.gql(`query ($id: ID!) { clinic(id: $id) { notRecentlyConfirmed } }`, {
      id: clinicId,
    });
    expect(stale.data?.clinic.notRecentlyConfirmed).toBe(true);
    const confirmed = await owner.gql(
      `mutation ($id: ID!) { confirmListing(clinicId: $id) { notRecentlyConfirmed lastConfirmedAt } }`,
      {
        id: clinicId,
      },
    );
    expect(confirmed.data?.confirmListing.notRecentlyConfirmed).toBe(false);
    const rows = await api.db.db
      .select()
      .from(listingChanges)
      .where(eq(listingChanges.action, 'clinic.confirm'));
    expect(rows).toHaveLength(1);
  });

  it('takes a report from anyone, shows it to the clinic’s admins and platform admins, until resolved', async () => {
    const report = await api.gql(`mutation ($input: ListingReportInput!) { reportListing(input: $input) }`, {
      input: { clinicId, what: 'The phone number rings a bakery.', contact: 'reporter@example.org' },
    });
    expect(report.data?.reportListing).toBe(true);
    const seen = await owner.gql(`query ($id: ID!) { clinic(id: $id) { reports { id what contact } } }`, {
      id: clinicId,
    });
    const [open] = seen.data?.clinic.reports ?? [];
    expect(open).toMatchObject({ what: 'The phone number rings a bakery.', contact: 'reporter@example.org' });
    expect((await admin.gql(`{ openListingReports { id } }`)).data?.openListingReports).toEqual([
      { id: open.id },
    ]);
    expect(await emailedToken(api, 'owner@example.org', '/portal').catch(() => 'no token link')).toBe(
      'no token link',
    );
    const resolved = await owner.gql(
      `mutation ($id: ID!) { resolveListingReport(id: $id, resolution: "Fixed the number.") { resolvedAt } }`,
      {
        id: open.id,
      },
    );
    expect(resolved.data?.resolveListingReport.resolvedAt).toBeTruthy();
    expect((await admin.gql(`{ openListingReports { id } }`)).data?.openListingReports).toEqual([]);
  });

  it('invites staff by a single-use link for the invited address only', async () => {
    const invite = await owner.gql(
      `mutation ($id: ID!) { inviteClinicMember(clinicId: $id, email: "Sam.Staff@example.org", role: STAFF) { email role } }`,
      {
        id: clinicId,
      },
    );
    expect(invite.data?.inviteClinicMember).toEqual({ email: 'sam.staff@example.org', role: 'STAFF' });
    const token = await emailedToken(api, 'sam.staff@example.org', '/invitations/accept');
    const ACCEPT = `mutation ($t: String!) { acceptClinicInvitation(token: $t) { role clinic { id } } }`;
    const stranger = await signedUp(api, 'stranger@example.org');
    expect((await stranger.gql(ACCEPT, { t: token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const sam = await signedUp(api, 'sam.staff@example.org', 'Sam Staff');
    expect((await sam.gql(ACCEPT, { t: token })).data?.acceptClinicInvitation).toEqual({
      role: 'STAFF',
      clinic: { id: clinicId },
    });
    expect((await sam.gql(ACCEPT, { t: token })).errors?.[0]?.extensions?.code).toBe('LINK_INVALID');
    const staffView = await sam.gql(
      `query ($id: ID!) { clinic(id: $id) { viewerRole changes { action } members { role } } }`,
      { id: clinicId },
    );
    expect(staffView.data?.clinic).toMatchObject({ viewerRole: 'STAFF', changes: null });
    expect(staffView.data?.clinic.members).toHaveLength(2);
  });

  it('tells a rejected clinic why, and sends it back for review when it is edited', async () => {
    const other = await owner.gql(CREATE_CLINIC, { input: { name: 'Second Sample Clinic (fictional)' } });
    const id = other.data?.createClinic.id;
    const rejected = await admin.gql(
      `mutation ($id: ID!) { rejectClinic(id: $id, reason: "We could not reach the listed phone number.") { verification } }`,
      { id },
    );
    expect(rejected.data?.rejectClinic.verification).toBe('REJECTED');
    const seen = await owner.gql(`query ($id: ID!) { clinic(id: $id) { verification rejectionReason } }`, {
      id,
    });
    expect(seen.data?.clinic).toEqual({
      verification: 'REJECTED',
      rejectionReason: 'We could not reach the listed phone number.',
    });
    const edited = await owner.gql(
      `mutation ($id: ID!) { updateClinic(id: $id, input: { name: "Second Sample Clinic (fictional)", phone: "919-555-0199" }) { verification } }`,
      { id },
    );
    expect(edited.data?.updateClinic.verification).toBe('PENDING');
  });

  it('keeps at least one admin on a clinic', async () => {
    const res = await owner.gql(
      `mutation ($c: ID!, $u: ID!) { removeClinicMember(clinicId: $c, userId: $u) }`,
      {
        c: clinicId,
        u: owner.userId,
      },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});
