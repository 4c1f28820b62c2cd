import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { buildSchema, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { policyFor } from '../src/graphql/cache-policy.js';
import { schema } from '../src/graphql/schema.js';
import { type Api, startApi } from './harness.js';
import { signedUp } from './people.js';

const SEARCH = `query Search($place: String!) {
  searchLocations(place: $place, radius: 25, first: 5) {
    boundedCount(upTo: 100) { value exact }
    edges { distance node { id name clinic { id name } } }
  } }`;
const CLINIC = `query Clinic($id: ID!) { clinic(id: $id) { id name } }`;

function policy(document: string) {
  const doc = parse(document);
  const operation = doc.definitions.find((d) => d.kind === 'OperationDefinition');
  if (operation?.kind !== 'OperationDefinition') throw new Error('no operation');
  return policyFor(schema, operation, doc);
}

describe('what an answer may be kept for, from the schema', () => {
  it('keeps the public directory a minute and reference data longer, the shortest of what is asked', () => {
    expect(policy(SEARCH)).toEqual({ maxAge: 60, scope: 'PUBLIC' });
    expect(policy('{ conditions { code name } }')).toEqual({ maxAge: 3600, scope: 'PUBLIC' });
    expect(policy(`{ conditions { code } clinic(id: "x") { name } }`)).toEqual({
      maxAge: 60,
      scope: 'PUBLIC',
    });
    expect(
      policy(
        `query { clinic(id: "x") { ...F } } fragment F on Clinic { locations { name hours { opens } } }`,
      ),
    ).toEqual({ maxAge: 60, scope: 'PUBLIC' });
  });

  it('keeps nothing that depends on who asks, or that is not marked public', () => {
    // A field guarded by authScopes, a field read from the viewer, anything of accounts or referrals.
    expect(policy('{ clinic(id: "x") { name licenseNumber } }').scope).toBe('PRIVATE');
    expect(policy('{ clinic(id: "x") { name viewerRole } }').scope).toBe('PRIVATE');
    expect(policy('{ viewer { email } }').maxAge).toBe(0);
    expect(policy('{ clinic(id: "x") { name members { role } } }').maxAge).toBe(0);
    expect(policy('query ($id: ID!) { referral(id: $id) { status } }').maxAge).toBe(0);
    // node(id) may stand for a referral: it is as strict as the strictest type behind it.
    expect(policy('{ node(id: "x") { id ... on Clinic { name } } }').maxAge).toBe(0);
    expect(policy('mutation { signOut }').maxAge).toBe(0);
  });

  it('follows Apollo: a root scalar field without a hint is not kept', () => {
    const s = buildSchema('type Query { now: String }');
    const doc = parse('{ now }');
    const op = doc.definitions[0];
    if (op?.kind !== 'OperationDefinition') throw new Error('no operation');
    expect(policyFor(s, op, doc).maxAge).toBe(0);
  });
});

describe('the public cache', () => {
  let api: Api;
  let clock = 1_000_000;
  beforeAll(async () => {
    // Kept from the first asking here; admission on the second is tested below.
    api = await startApi({ publicCache: { now: () => clock, admitAfter: 1 } });
  });
  afterAll(() => api?.close());

  const get = (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) =>
    api.app.inject({
      method: 'GET',
      url: '/graphql',
      query: { query, variables: JSON.stringify(variables) },
      headers: { 'apollo-require-preflight': 'true', ...headers },
    });
  const post = (query: string, variables: Record<string, unknown>, cookie?: string) =>
    api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      payload: JSON.stringify({ query, variables }),
    });

  it('answers a repeated anonymous search from memory, the same answer without a statement, cacheable by a CDN', async () => {
    const first = await get(SEARCH, { place: '27609' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-kapmap-cache']).toBe('miss');
    expect(first.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=60');
    expect(first.headers.etag).toMatch(/^W\/"[\w-]+"$/);
    expect(JSON.parse(first.body).data.searchLocations.edges.length).toBeGreaterThan(0);

    api.sqlLog.length = 0;
    clock += 10_000;
    const again = await get(SEARCH, { place: '27609' });
    expect(again.headers['x-kapmap-cache']).toBe('hit');
    expect(again.body).toBe(first.body);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['cache-control']).toBe('public, max-age=50, stale-while-revalidate=60');
    expect(again.headers.age).toBe('10');
    expect(api.sqlLog).toEqual([]);

    // A browser that holds it asks with its ETag, and is told it is still good.
    const revalidated = await get(
      SEARCH,
      { place: '27609' },
      { 'if-none-match': String(first.headers.etag) },
    );
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.body).toBe('');
  });

  it('sends a kept answer compressed as each client accepts it, compressing it once per encoding', async () => {
    const plain = await get(SEARCH, { place: '27701' });
    expect(plain.headers['x-kapmap-cache']).toBe('miss');
    expect(plain.body.length).toBeGreaterThan(1024);
    const compressed = api.publicCache?.stats().compressed ?? 0;
    const asked = async (acceptEncoding: string) => {
      const res = await get(SEARCH, { place: '27701' }, { 'accept-encoding': acceptEncoding });
      expect(res.headers['x-kapmap-cache']).toBe('hit');
      return res;
    };
    const br = await asked('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    expect(br.rawPayload.length).toBeLessThan(plain.body.length);
    const brAgain = await asked('br');
    expect(brAgain.rawPayload.equals(br.rawPayload)).toBe(true);
    const gzip = await asked('gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).toString()).toBe(plain.body);
    // Kept as brotli, so only gzip was made again, once: both brotli hits were sent as kept.
    expect(api.publicCache?.stats().compressed).toBe(compressed + 1);
    expect(
      (await get(SEARCH, { place: '27701' }, { 'accept-encoding': 'br', 'x-no-compression': '1' })).body,
    ).toBe(plain.body);
    const none = await asked('identity');
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(none.body).toBe(plain.body);
    // Sent compressed or not, each says it depends on Accept-Encoding, once: a shared cache keeps a copy per
    // encoding rather than handing one client's identity copy to all.
    for (const res of [plain, br, gzip, none, await asked('compress'), await asked('br;q=0, gzip;q=0')])
      expect(String(res.headers.vary).match(/accept-encoding/gi)).toHaveLength(1);
  });

  it('sends the answer it has just kept to a browser compressed as kept, the same bytes its hits get', async () => {
    const compressed = api.publicCache?.stats().compressed ?? 0;
    const first = await get(SEARCH, { place: '27513' }, { 'accept-encoding': 'gzip, deflate, br' });
    expect(first.headers['x-kapmap-cache']).toBe('miss');
    expect(first.headers['content-encoding']).toBe('br');
    const again = await get(SEARCH, { place: '27513' }, { 'accept-encoding': 'gzip, deflate, br' });
    expect(again.headers['x-kapmap-cache']).toBe('hit');
    expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(
      JSON.parse(brotliDecompressSync(first.rawPayload).toString()).data.searchLocations.edges.length,
    ).toBe(5);
    // Compressed once, when kept, not again for the answer it went out as.
    expect(api.publicCache?.stats().compressed).toBe(compressed + 1);
  });

  it('keeps a POST’s answer for this process only: no browser or proxy may store it', async () => {
    const first = await post(SEARCH, { place: 'Durham, NC' });
    expect(first.headers['cache-control']).toBe('no-store');
    const again = await post(SEARCH, { place: 'Durham, NC' });
    expect(again.headers['x-kapmap-cache']).toBe('hit');
    expect(again.headers['cache-control']).toBe('no-store');
    expect(again.body).toBe(first.body);
  });

  it('never serves or keeps an answer for a request with the session cookie, valid or not', async () => {
    const doctor = await signedUp(api, 'cache-reader@example.org');
    await get(SEARCH, { place: 'Cary, NC' }); // kept for the public
    for (const cookie of [doctor.cookie ?? '', 'kapmap_session=not-a-session']) {
      api.sqlLog.length = 0;
      const res = await post(SEARCH, { place: 'Cary, NC' }, cookie);
      expect(res.headers['x-kapmap-cache']).toBeUndefined();
      expect(res.headers['cache-control']).toBe('no-store');
      expect(api.sqlLog.length).toBeGreaterThan(0);
    }
    // Nor does a signed-in answer become anyone else's.
    const before = api.publicCache?.stats().stored;
    await post(CLINIC, { id: 'Q2xpbmljOjA=' }, doctor.cookie);
    expect(api.publicCache?.stats().stored).toBe(before);
  });

  it('never keeps an answer with errors, or one asking what depends on who asks', async () => {
    const bad = await get(SEARCH, { place: 'Nowhere, ZZ' });
    expect(JSON.parse(bad.body).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.headers['cache-control']).toBe('no-store');
    expect((await get(SEARCH, { place: 'Nowhere, ZZ' })).headers['x-kapmap-cache']).toBeUndefined();

    const search = JSON.parse((await get(SEARCH, { place: '27609' })).body);
    const clinicId = search.data.searchLocations.edges[0].node.clinic.id;
    const staffOnly = `query ($id: ID!) { clinic(id: $id) { name viewerRole } }`;
    const first = await get(staffOnly, { id: clinicId });
    expect(first.headers['cache-control']).toBe('no-store');
    expect((await get(staffOnly, { id: clinicId })).headers['x-kapmap-cache']).toBeUndefined();
  });

  it('drops what it keeps when a listing changes, however it was changed', async () => {
    const search = JSON.parse((await get(SEARCH, { place: '27609' })).body);
    const clinic = search.data.searchLocations.edges[0].node.clinic;
    const first = await get(CLINIC, { id: clinic.id });
    expect((await get(CLINIC, { id: clinic.id })).headers['x-kapmap-cache']).toBe('hit');
    // Straight in the database, as an operator's script would: PostgreSQL notifies every process.
    const renamed = `${clinic.name} (renamed)`;
    await api.db.rawQuery('UPDATE clinics SET name = $1 WHERE name = $2', [renamed, clinic.name]);
    await vi.waitFor(async () => {
      const res = await get(CLINIC, { id: clinic.id });
      expect(JSON.parse(res.body).data.clinic.name).toBe(renamed);
    });
    expect(JSON.parse(first.body).data.clinic.name).toBe(clinic.name);
    const searched = JSON.parse((await get(SEARCH, { place: '27609' })).body);
    expect(searched.data.searchLocations.edges[0].node.clinic.name).toBe(renamed);
    const drops = api.publicCache?.stats().drops ?? 0;
    await api.db.rawQuery('UPDATE clinics SET name = $1 WHERE name = $2', [clinic.name, renamed]);
    await vi.waitFor(() => expect(api.publicCache?.stats().drops).toBeGreaterThan(drops));
  });

  it('lets browsers and CDNs keep an answer a minute, and keeps it itself ten minutes while nothing changes', async () => {
    const res = await get('{ conditions { code name } }', {});
    expect(res.headers['cache-control']).toMatch(/^public, max-age=60,/); // the process's ceiling: 60 s
    clock += 59_000;
    const late = await get('{ conditions { code name } }', {});
    expect(late.headers['x-kapmap-cache']).toBe('hit');
    expect(late.headers['cache-control']).toMatch(/^public, max-age=1,/);
    // Past a minute it is sent again as fresh: this process would have been told of a change.
    clock += 1_000;
    const renewed = await get('{ conditions { code name } }', {});
    expect(renewed.headers['x-kapmap-cache']).toBe('hit');
    expect(renewed.headers['cache-control']).toMatch(/^public, max-age=60,/);
    expect(renewed.headers.age).toBeUndefined();
    clock += 539_000;
    expect((await get('{ conditions { code name } }', {})).headers['x-kapmap-cache']).toBe('hit');
    // Ten minutes after it was kept, it is asked of the database again, even with no change announced.
    clock += 1_000;
    api.sqlLog.length = 0;
    expect((await get('{ conditions { code name } }', {})).headers['x-kapmap-cache']).toBe('miss');
    expect(api.sqlLog.length).toBeGreaterThan(0);
  });

  it('never runs a mutation sent as GET', async () => {
    const res = await get('mutation ($e: String!) { requestPasswordReset(email: $e) }', {
      e: 'nobody@example.org',
    });
    expect(res.statusCode).toBe(405);
    const signUp = await get(
      'mutation { signUp(input: { email: "get@example.org", password: "correct horse battery", displayName: "G" }) { __typename } }',
      {},
    );
    expect(signUp.statusCode).toBe(405);
    const rows = await api.db.rawQuery<{ n: number }>(
      "SELECT count(*)::int AS n FROM users WHERE email = 'get@example.org'",
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('takes a persisted query’s hash instead of its text, and says PERSISTED_QUERY_NOT_FOUND for one it does not know', async () => {
    const query = '{ routes { code name } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash } });
    const byHash = () =>
      api.app.inject({
        method: 'GET',
        url: '/graphql',
        query: { extensions },
        headers: { 'apollo-require-preflight': 'true' },
      });
    const unknown = JSON.parse((await byHash()).body);
    expect(unknown.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    // The client sends it once with its text, then by hash alone: a URL a CDN can key on.
    const registered = await api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ query, extensions: JSON.parse(extensions) }),
    });
    expect(JSON.parse(registered.body).data.routes.length).toBeGreaterThan(0);
    const known = await byHash();
    expect(JSON.parse(known.body).data).toEqual(JSON.parse(registered.body).data);
    expect(known.headers['cache-control']).toMatch(/^public/);
    expect((await byHash()).headers['x-kapmap-cache']).toBe('hit');
  });
});

describe('the public cache’s memory', () => {
  let api: Api;
  // Room for a few of the answers below, whatever the count allows.
  const BYTES = 4_000;
  beforeAll(async () => {
    api = await startApi({ demo: false, publicCache: { maxBytes: BYTES, admitAfter: 1 } });
  });
  afterAll(() => api?.close());

  const ask = (n: number) =>
    api.app.inject({
      method: 'GET',
      url: '/graphql',
      query: { query: `query Routes${n} { routes { code name } }` },
      headers: { 'apollo-require-preflight': 'true' },
    });

  it('holds answers up to its bytes, forgetting the least recently asked first, whatever their count', async () => {
    const first = await ask(0);
    expect(first.headers['x-kapmap-cache']).toBe('miss');
    const room = Math.floor(BYTES / first.body.length);
    expect(room).toBeGreaterThanOrEqual(2);
    for (let n = 1; n <= room * 3; n++) expect((await ask(n)).headers['x-kapmap-cache']).toBe('miss');
    expect(api.publicCache?.stats().entries).toBeLessThan(room);
    expect((await ask(room * 3)).headers['x-kapmap-cache']).toBe('hit');
    expect((await ask(0)).headers['x-kapmap-cache']).toBe('miss');
  });
});

describe('the public cache’s memory, for answers worth compressing', () => {
  let api: Api;
  let size = 0;
  // Twenty results with their addresses: about 4 kB as text, a third of that compressed.
  const WIDE = `query Search($place: String!) {
    searchLocations(place: $place, radius: 25, first: 20) {
      edges { distance node { id name address { line1 city state postalCode } clinic { id name website } } }
    } }`;
  beforeAll(async () => {
    api = await startApi({ publicCache: { admitAfter: 1 } });
    const res = await api.app.inject({
      method: 'GET',
      url: '/graphql',
      query: { query: WIDE, variables: JSON.stringify({ place: '27601' }) },
      headers: { 'apollo-require-preflight': 'true' },
    });
    size = res.body.length;
    await api.close();
    // Room for two of these answers as text: kept compressed, it holds all five.
    api = await startApi({ publicCache: { admitAfter: 1, maxBytes: Math.floor(size * 2.5) } });
  });
  afterAll(() => api?.close());

  it('keeps a search’s answer compressed, so the same memory holds several times as many', async () => {
    expect(size).toBeGreaterThan(3000);
    const places = ['27601', '27701', '27513', '27609', '27519'];
    const ask = (place: string) =>
      api.app.inject({
        method: 'GET',
        url: '/graphql',
        query: { query: WIDE, variables: JSON.stringify({ place }) },
        headers: { 'apollo-require-preflight': 'true' },
      });
    const computed = [];
    for (const place of places) {
      const res = await ask(place);
      expect(res.headers['x-kapmap-cache']).toBe('miss');
      computed.push(res.body);
    }
    for (const [i, place] of places.entries()) {
      const res = await ask(place);
      expect(res.headers['x-kapmap-cache']).toBe('hit');
      // A client that accepts no encoding gets the text, the same as when it was computed.
      expect(res.body).toBe(computed[i]);
    }
    expect(api.publicCache?.stats().entries).toBe(places.length);
  });
});

describe('what the public cache takes in', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi({ demo: false, publicCache: {} });
  });
  afterAll(() => api?.close());
  const ask = (n: number) =>
    api.app.inject({
      method: 'GET',
      url: '/graphql',
      query: { query: `query Payers${n} { insurancePayers { code name } }` },
      headers: { 'apollo-require-preflight': 'true' },
    });

  it('keeps an answer from the second time it is asked, so a place asked once takes no room', async () => {
    const once = await ask(1);
    expect(once.headers['x-kapmap-cache']).toBe('miss');
    // As cacheable downstream as any public answer.
    expect(once.headers['cache-control']).toMatch(/^public, max-age=60,/);
    expect(once.headers.etag).toMatch(/^W\/"/);
    expect(api.publicCache?.stats()).toMatchObject({ entries: 0, notAdmitted: 1 });
    expect((await ask(1)).headers['x-kapmap-cache']).toBe('miss');
    expect(api.publicCache?.stats().entries).toBe(1);
    const third = await ask(1);
    expect(third.headers['x-kapmap-cache']).toBe('hit');
    expect(third.body).toBe(once.body);
    // Another question starts from nothing.
    expect((await ask(2)).headers['x-kapmap-cache']).toBe('miss');
    expect(api.publicCache?.stats().entries).toBe(1);
  });
});
