import { connect } from 'node:net';
import { users } from '@kapmap/db/schema';
import {
  type GraphQLInputType,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.js';
import { MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS } from '../src/modules/accounts/rate-limit.js';
import { type Api, startApi } from './harness.js';
import { PASSWORD, SIGN_IN, signedUp } from './people.js';

/** The attacks found from outside, each as a test that fails if it comes back. */
let api: Api;
const logLines: string[] = [];
beforeAll(async () => {
  api = await startApi({
    demo: false,
    logLines,
    server: { requestTimeoutMs: 1_500, maxConnectionsPerAddress: 8 },
  });
}, 120_000);
afterAll(() => api?.close());

describe('the sign-in rate limit counts concurrent attempts as sequential ones', () => {
  it('refuses the right password sent with 59 wrong ones at once, once the limit is reached', async () => {
    await signedUp(api, 'race@example.org');
    const attempts = [
      ...Array.from({ length: 59 }, () => ({ email: 'race@example.org', password: 'wrong password here' })),
      { email: 'race@example.org', password: PASSWORD },
    ];
    const results = await Promise.all(attempts.map((input) => api.agent().gql(SIGN_IN, { input })));
    const codes = results.map((r) => r.errors?.[0]?.extensions?.code ?? 'ok');
    const evaluated = codes.filter((c) => c !== 'TOO_MANY_ATTEMPTS');
    expect(evaluated.length).toBeLessThanOrEqual(MAX_FAILURES_PER_ACCOUNT);
    expect(codes.filter((c) => c === 'TOO_MANY_ATTEMPTS').length).toBeGreaterThanOrEqual(
      60 - MAX_FAILURES_PER_ACCOUNT,
    );
  });

  it('refuses one address trying 100 accounts at once past its limit', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        api
          .agent()
          .gql(SIGN_IN, { input: { email: `spray-${i}@example.org`, password: 'wrong password here' } }),
      ),
    );
    const tried = results.filter((r) => r.errors?.[0]?.extensions?.code === 'SIGN_IN_FAILED').length;
    // Everything here comes from one address; the race test above used some of its budget too.
    expect(tried).toBeLessThanOrEqual(MAX_FAILURES_PER_ADDRESS);
  });
});

/** Every path to a String or ID input, generated from the schema: `input.displayName`, `email`, … */
function stringPaths(type: GraphQLInputType, path: string, depth = 0): { path: string; value: unknown }[] {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner))
    return stringPaths(inner.ofType, path, depth).map((p) => ({ ...p, value: [p.value] }));
  const named = getNamedType(inner);
  if (isScalarType(named) && (named.name === 'String' || named.name === 'ID')) return [{ path, value: BAD }];
  if (isInputObjectType(named) && depth < 3)
    return Object.values(named.getFields()).flatMap((f) =>
      stringPaths(f.type, `${path}.${f.name}`, depth + 1).map((p) => ({
        path: p.path,
        value: { [f.name]: p.value },
      })),
    );
  return [];
}
const BAD = 'before\u0000after';

describe('a NUL byte or a lone surrogate in any string', () => {
  const cases: { name: string; query: string; variables: Record<string, unknown>; field: string }[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    const keyword = root === schema.getQueryType() ? 'query' : 'mutation';
    for (const field of Object.values(root.getFields()))
      for (const arg of field.args)
        for (const p of stringPaths(arg.type, arg.name)) {
          const named = getNamedType(field.type);
          const selection = isScalarType(named) || 'getValues' in named ? '' : ' { __typename }';
          // Every argument as a variable of its own name; only the one under test is sent.
          const declared = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
          const passed = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
          cases.push({
            name: `${field.name}(${p.path})`,
            query: `${keyword} (${declared}) { ${field.name}(${passed})${selection} }`,
            variables: { [arg.name]: p.value },
            field: p.path.split('.').at(-1) ?? arg.name,
          });
        }
  }

  it('covers every string argument of the schema (more than 35 of them)', () => {
    expect(cases.length).toBeGreaterThan(35);
  });

  it('is refused as BAD_USER_INPUT naming the field, for every one of them', async () => {
    const failures: string[] = [];
    for (const c of cases) {
      const res = await api.gql(c.query, c.variables);
      const error = res.errors?.[0];
      if (
        res.status !== 400 ||
        error?.extensions?.code !== 'BAD_USER_INPUT' ||
        !error.message.startsWith(c.field)
      )
        failures.push(`${c.name}: ${res.status} ${JSON.stringify(res.errors)}`);
    }
    expect(failures).toEqual([]);
  });

  it('is refused when written in the document itself, and for a lone surrogate', async () => {
    const literal = await api.gql(`mutation { requestPasswordReset(email: "a\\u0000@example.org") }`);
    expect(literal.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const surrogate = await api.gql(`mutation ($input: SignUpInput!) { signUp(input: $input) { id } }`, {
      input: { email: 'lone@example.org', password: PASSWORD, displayName: 'Half \ud800 a pair' },
    });
    expect(surrogate.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(surrogate.errors?.[0]?.extensions?.field).toBe('displayName');
  });

  it('is refused when written in a fragment spread inside another fragment, naming the argument', async () => {
    const nested = `query { ...Outer }
      fragment Outer on Query { ...Inner }
      fragment Inner on Query { searchLocations(place: "27609", filter: { text: "a\\u0000b" }) { totalCount } }`;
    const refused = await api.gql(nested);
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions?.field).toBe('text');
  });

  it('is refused every time the same document is sent, and a clean document is refused once a variable is bad', async () => {
    // What a document holds is worked out once per document (strings.ts): a repeat must still be refused, and a
    // document that passed once must not pass with another request's variables.
    const query = `query ($place: String) { searchLocations(place: $place, filter: { text: "a\\u0000b" }) { totalCount } }`;
    for (let i = 0; i < 2; i++) {
      const res = await api.gql(query, { place: '27609' });
      expect(res.status).toBe(400);
      expect(res.errors?.[0]?.extensions?.field).toBe('text');
    }
    const clean = `query ($place: String) { searchLocations(place: $place) { edges { distance } } }`;
    expect((await api.gql(clean, { place: '27609' })).errors).toBeUndefined();
    const bad = await api.gql(clean, { place: BAD });
    expect(bad.status).toBe(400);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/^place holds a character/);
  });

  it('answers a list argument of many bad items with coded errors only', async () => {
    const res = await api.gql(
      `query ($c: [String!]) { searchLocations(place: "27609", filter: { conditions: $c }) { totalCount } }`,
      { c: Array.from({ length: 500 }, (_, i) => `bad${i}\u0000`) },
    );
    expect(res.errors?.length).toBeGreaterThan(0);
    for (const e of res.errors ?? []) expect(e.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('the log', () => {
  it('never holds the SQL parameters, email, hash or password of a statement that failed', async () => {
    // A fault injected in the database: every new account fails to insert, with the address in its detail.
    await api.db.rawQuery(`CREATE FUNCTION kapmap_test_fault() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'injected fault' USING DETAIL = 'Key (email)=(' || NEW.email || ')'; END $$ LANGUAGE plpgsql`);
    await api.db.rawQuery(
      `CREATE TRIGGER kapmap_test_fault BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION kapmap_test_fault()`,
    );
    try {
      const secret = { email: 'log-secret-person@example.org', password: 'log secret passphrase 9183' };
      const res = await api.gql(`mutation ($input: SignUpInput!) { signUp(input: $input) { id } }`, {
        input: { ...secret, displayName: 'Secret Displayname Person' },
      });
      expect(res.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      const log = logLines.join('\n');
      // The failure was logged…
      expect(log).toContain('injected fault');
      // …by what happened, never with what.
      for (const value of [
        secret.email,
        'log-secret-person',
        secret.password,
        'Secret Displayname',
        '$argon2id',
        'params:',
      ])
        expect(log).not.toContain(value);
      expect(await api.db.db.select().from(users)).not.toContainEqual(
        expect.objectContaining({ email: secret.email }),
      );
    } finally {
      await api.db.rawQuery('DROP TRIGGER kapmap_test_fault ON users');
    }
  });
});

async function listen(): Promise<{ host: string; port: number }> {
  if (!api.app.server.listening) await api.app.listen({ host: '127.0.0.1', port: 0 });
  const address = api.app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening');
  return { host: '127.0.0.1', port: address.port };
}

describe('slow bodies and many connections', () => {
  it('answers 408 and closes a connection whose body trickles in past the request timeout', async () => {
    const { host, port } = await listen();
    const socket = connect({ host, port });
    let answer = '';
    socket.on('data', (chunk) => {
      answer += String(chunk);
    });
    const started = Date.now();
    socket.write(
      'POST /graphql HTTP/1.1\r\nHost: kapmap.test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    const trickle = setInterval(() => socket.write(' '), 200);
    await new Promise((resolve) => socket.once('close', resolve));
    clearInterval(trickle);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes connections from one address beyond its cap, and serves the others', async () => {
    const { host, port } = await listen();
    const sockets = Array.from({ length: 12 }, () => connect({ host, port }));
    const closed = await Promise.all(
      sockets.map(
        (s) =>
          new Promise<boolean>((resolve) => {
            s.once('close', () => resolve(true));
            s.once('error', () => resolve(true));
            setTimeout(() => resolve(false), 500);
          }),
      ),
    );
    expect(closed.filter(Boolean).length).toBeGreaterThanOrEqual(4);
    for (const s of sockets) s.destroy();
  });
});

describe('headers and error shapes', () => {
  it('marks every /graphql answer no-store and nosniff', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers 404, 413 and 415 in the GraphQL error shape with a code', async () => {
    const notFound = await api.app.inject({ method: 'GET', url: '/nothing-here?token=secret-token-value' });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.json().errors[0].extensions.code).toBe('NOT_FOUND');
    expect(notFound.body).not.toContain('secret-token-value');
    const tooLarge = await api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ query: `{ __typename }${' '.repeat(70_000)}` }),
    });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    const wrongType = await api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/xml' },
      payload: '<query/>',
    });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json().errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(wrongType.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('in production', () => {
  it('sends HSTS with secure cookies and suggests no field names', async () => {
    const prod = await startApi({ demo: false, secureCookies: true, server: { production: true } });
    try {
      const res = await prod.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ query: '{ clinc(id: "x") { name } }' }),
      });
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.json().errors[0].message).not.toMatch(/Did you mean/);
    } finally {
      await prod.close();
    }
  });

  it('suggests field names in development, where they help', async () => {
    const res = await api.gql('{ clinc(id: "x") { name } }');
    expect(res.errors?.[0]?.message).toMatch(/Did you mean "clinic"/);
  });
});

describe('mutations that send email are throttled', () => {
  const RESET = `mutation ($email: String!) { requestPasswordReset(email: $email) }`;
  const outboxTo = async (to: string) =>
    (
      await api.db.rawQuery<{ n: number }>(`SELECT count(*)::int AS n FROM email_outbox WHERE "to" = $1`, [
        to,
      ])
    )[0]?.n;

  it('sends at most a few reset emails for one account however many are asked for at once, and only the newest link works', async () => {
    await signedUp(api, 'reset-flood@example.org');
    const results = await Promise.all(
      Array.from({ length: 30 }, () => api.gql(RESET, { email: 'reset-flood@example.org' })),
    );
    const refused = results.filter((r) => r.errors?.[0]?.extensions?.code === 'TOO_MANY_ATTEMPTS').length;
    expect(refused).toBeGreaterThanOrEqual(27);
    expect(await outboxTo('reset-flood@example.org')).toBeLessThanOrEqual(1 + 3); // + the sign-up confirmation
    const live = await api.db.rawQuery<{ n: number }>(
      `SELECT count(*)::int AS n FROM email_tokens t JOIN users u ON u.id = t.user_id
       WHERE u.email = $1 AND t.purpose = 'reset_password' AND t.used_at IS NULL`,
      ['reset-flood@example.org'],
    );
    expect(live[0]?.n).toBe(1);
  });

  it('runs the same statements for an address with an account and one without', async () => {
    await signedUp(api, 'reset-equal@example.org');
    const statements = async (email: string) => {
      api.sqlLog.length = 0;
      expect((await api.gql(RESET, { email })).data?.requestPasswordReset).toBe(true);
      return [...api.sqlLog];
    };
    const withAccount = await statements('reset-equal@example.org');
    const without = await statements('nobody-here@example.org');
    expect(without).toEqual(withAccount);
    expect(await outboxTo('nobody-here@example.org')).toBe(0);
  });

  it('sends at most 10 reports of one listing a day, however many people send them', async () => {
    const admin = await signedUp(api, 'report-flood-admin@example.org');
    const clinicId = (
      await admin.gql(`mutation { createClinic(input: { name: "Flooded (fictional)" }) { id } }`)
    ).data?.createClinic.id;
    await api.db.rawQuery(`UPDATE clinics SET published = true, verification = 'verified'`);
    const REPORT = `mutation ($c: ID!) { reportListing(input: { clinicId: $c, what: "The phone number is wrong." }) }`;
    const results = await Promise.all(Array.from({ length: 50 }, () => api.gql(REPORT, { c: clinicId })));
    const sent = results.filter((r) => r.data?.reportListing === true).length;
    expect(sent).toBeLessThanOrEqual(10);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.code === 'TOO_MANY_ATTEMPTS').length).toBe(
      50 - sent,
    );
  });
});

describe('account email is not stuck behind a backlog', () => {
  it('sends a new account’s confirmation before 1,000 waiting notifications', async () => {
    const { drainOutbox, enqueueEmail } = await import('../src/modules/accounts/outbox.js');
    // What earlier tests here queued is out of the way: only this test's email waits.
    await api.db.rawQuery('UPDATE email_outbox SET sent_at = now() WHERE sent_at IS NULL');
    for (let i = 0; i < 10; i++)
      await api.db.db.transaction(async (tx) => {
        for (let j = 0; j < 100; j++)
          await enqueueEmail(tx, {
            to: `clinic-${i}-${j}@example.org`,
            subject: 'New referral',
            body: 'notification',
          });
      });
    await signedUp(api, 'waiting-at-the-screen@example.org');
    const sent: string[] = [];
    await drainOutbox(api.db.db, async (email) => void sent.push(email.to), 1);
    expect(sent).toEqual(['waiting-at-the-screen@example.org']);
  });
});

describe('the response budget', () => {
  it('answers RESPONSE_TOO_LARGE instead of an answer over the byte budget', async () => {
    const small = await startApi({ server: { maxResponseBytes: 2_000 } });
    try {
      const big = await small.gql(
        `{ searchLocations(place: "27609", radius: 100, first: 50) { edges { node { name clinic { name description } } } } }`,
      );
      expect(big.status).toBe(400);
      expect(big.errors?.[0]?.extensions?.code).toBe('RESPONSE_TOO_LARGE');
      const fits = await small.gql(
        `{ searchLocations(place: "27609", radius: 25, first: 1) { edges { node { name } } } }`,
      );
      expect(fits.errors).toBeUndefined();
    } finally {
      await small.close();
    }
  });
});
