import { emailOutbox } from '@kapmap/db/schema';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeError } from '../src/log.js';
import { type Api, startApi } from './harness.js';
import {
  appointmentPassed,
  PATIENT_VALUES,
  type ReferralWorld,
  referralWorld,
  sent,
} from './referral-fixtures.js';

/** /metrics for Prometheus, and JSON log lines with a request id: neither carries a person's data. */
const logLines: string[] = [];
let api: Api;
let w: ReferralWorld;
beforeAll(async () => {
  api = await startApi({ logLines });
  w = await referralWorld(api);
});
afterAll(() => api.close());

const scrape = async () => {
  const res = await api.app.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.body;
};

const READ = `query ReferralPage($id: ID!) { referral(id: $id) { id status patient { name dateOfBirth phone email reason } messages { body } } }`;

describe('metrics', () => {
  it('counts requests by route and GraphQL operations by name, and errors by code', async () => {
    await api.gql(`query SearchNearby { searchLocations(place: "Raleigh, NC", radius: 50) { totalCount } }`);
    await api.gql(`query Broken { searchLocations(place: "Raleigh, NC") { noSuchField } }`);
    const body = await scrape();
    expect(body).toMatch(
      /kapmap_http_request_duration_seconds_count\{route="\/graphql",method="POST",status="200"\} \d+/,
    );
    expect(body).toMatch(
      /kapmap_graphql_operation_duration_seconds_count\{operation="SearchNearby",type="query"\} 1/,
    );
    expect(body).toMatch(/kapmap_graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} \d+/);
    expect(body).toMatch(/kapmap_db_pool_connections\{pool="primary",state="max"\} \d+/);
    expect(body).toMatch(/kapmap_process_cpu_seconds_total/);
  });

  it('shows the outbox backlog and the age of its oldest unsent email', async () => {
    // The test server runs no outbox worker: the world's emails are all still waiting.
    const waiting = (await api.db.db.select({ id: emailOutbox.id }).from(emailOutbox)).length;
    expect(waiting).toBeGreaterThan(0);
    const body = await scrape();
    expect(body).toMatch(new RegExp(`kapmap_outbox_emails_waiting ${waiting}\\b`));
    const age = Number(body.match(/kapmap_outbox_oldest_unsent_seconds ([\d.e+-]+)/)?.[1]);
    expect(age).toBeGreaterThan(0);
    expect(age).toBeLessThan(600);
  });
});

describe('logs', () => {
  it('drop the parameters of a failed statement also when another error wraps its message', () => {
    const wrapped = new GraphQLError(
      'Context creation failed: Failed query: select "id" from "sessions" where "token_hash" = $1\nparams: quentin.fictional@example.org,1981-07-14',
    );
    const logged = serializeError(wrapped);
    expect(logged.message).toMatch(/^Context creation failed: Failed query: select "id" from "sessions"/);
    expect(JSON.stringify(logged)).not.toMatch(/quentin|1981|params/);
  });

  it('are JSON lines, one per request, with its id, route, status and operation, and the id goes back in a header', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/graphql?not=logged',
      headers: { 'content-type': 'application/json', 'x-request-id': 'lb-7f3a9c21-0001' },
      payload: { query: 'query Routes { routes { code } }' },
    });
    expect(res.headers['x-request-id']).toBe('lb-7f3a9c21-0001');
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.reqId === 'lb-7f3a9c21-0001');
    expect(line).toMatchObject({
      msg: 'request',
      method: 'POST',
      route: '/graphql',
      status: 200,
      operation: 'Routes',
    });
    expect(typeof line.ms).toBe('number');
    expect(JSON.stringify(line)).not.toContain('not=logged');
    for (const l of logLines) expect(() => JSON.parse(l)).not.toThrow();
  });

  it('make up an id when the one given is not an id', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', 'x-request-id': 'quentin.fictional@example.org' },
      payload: { query: '{ __typename }' },
    });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('a whole referral, from send to completion', () => {
  it('leaves no patient value, email address or token in the log or the metrics', async () => {
    const id = await sent(w.provider, w.locA);
    const asStaff = await w.staffA.gql(READ, { id });
    expect(asStaff.data?.referral.patient.name).toBe('Quentin Zephyrine Fictional');
    await w.staffA.gql(`mutation Accept($id: ID!) { acceptReferral(id: $id) { status } }`, { id });
    await w.staffA.gql(
      `mutation Message($id: ID!) { sendReferralMessage(referralId: $id, body: "Quentin's PHQ-9 please") { id } }`,
      { id },
    );
    await w.adminA.gql(
      `mutation Schedule($id: ID!, $at: DateTime!) { scheduleReferral(id: $id, at: $at) { status } }`,
      {
        id,
        at: new Date(Date.now() + 86_400_000).toISOString(),
      },
    );
    await appointmentPassed(api, id);
    const done = await w.staffA.gql(`mutation Complete($id: ID!) { completeReferral(id: $id) { status } }`, {
      id,
    });
    expect(done.data?.completeReferral.status).toBe('COMPLETED');
    // A failure on the way, with a patient value in the input: its error is logged by what, not with what.
    await w.provider.gql(`mutation Bad($input: SendReferralInput!) { sendReferral(input: $input) { id } }`, {
      input: { locationId: w.locA, idempotencyKey: 'x', patient: { name: 'Quentin Zephyrine Fictional' } },
    });

    const seen = `${logLines.join('\n')}\n${await scrape()}`;
    expect(logLines.filter((l) => JSON.parse(l).msg === 'request').length).toBeGreaterThan(20);
    for (const value of [...PATIENT_VALUES, 'Quentin', 'PHQ-9']) expect(seen).not.toContain(value);
    for (const email of [
      'referrer@example.org',
      'staff-a@example.org',
      'admin-a@example.org',
      '@example.org',
    ])
      expect(seen).not.toContain(email);
    for (const agent of [w.provider, w.staffA, w.adminA, w.platform]) {
      const token = agent.cookie?.split('=')[1];
      expect(token?.length).toBeGreaterThan(20);
      expect(seen).not.toContain(token);
    }
    const links = await api.db.db.select({ body: emailOutbox.body }).from(emailOutbox);
    for (const { body } of links)
      for (const token of body?.match(/token=[\w-]+/g) ?? []) expect(seen).not.toContain(token.slice(6));
  });
});

describe('labels', () => {
  it('keeps a client from growing the series: odd or endless operation names count as "other"', async () => {
    await api.gql(`query Caf\u00e9Search { routes { code } }`.replace('\u00e9', 'e_'));
    for (let i = 0; i < 210; i++) await api.gql(`query Made${i} { __typename }`);
    const body = await scrape();
    // 200 names at most, besides "anonymous" and "other" (this runs last: later names would be "other").
    const names = new Set(
      [...body.matchAll(/kapmap_graphql_operation_duration_seconds_count\{operation="([^"]+)"/g)].map(
        (m) => m[1],
      ),
    );
    expect(names.size).toBeLessThanOrEqual(202);
    expect(names.has('other')).toBe(true);
  });
});
