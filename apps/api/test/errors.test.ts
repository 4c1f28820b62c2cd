import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, startApi } from './harness.js';

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const SEARCH = `query($near: GeoPointInput, $place: String, $radius: Float, $unit: DistanceUnit, $filter: LocationFilter, $first: Int, $after: String) {
  searchLocations(near: $near, place: $place, radius: $radius, unit: $unit, filter: $filter, first: $first, after: $after) {
    totalCount edges { node { id } }
  } }`;

describe('bad input to searchLocations gets BAD_USER_INPUT naming the argument', () => {
  it.each([
    ['latitude above 90', { near: { lat: 90.5, lng: 0 } }, 'near', /lat must be between -90 and 90/],
    ['latitude below -90', { near: { lat: -91, lng: 0 } }, 'near', /lat must be between -90 and 90/],
    ['longitude outside ±180', { near: { lat: 0, lng: 180.1 } }, 'near', /lng must be between -180 and 180/],
    ['a radius of zero', { place: '27609', radius: 0 }, 'radius', /more than 0 and at most 500 miles/],
    ['a negative radius', { place: '27609', radius: -5 }, 'radius', /more than 0/],
    ['a radius over 500 miles', { place: '27609', radius: 501 }, 'radius', /at most 500 miles/],
    ['a radius over 805 km', { place: '27609', radius: 806, unit: 'KILOMETERS' }, 'radius', /at most 805 km/],
    ['first of 0', { place: '27609', first: 0 }, 'first', /first must be from 1 to 100/],
    ['first of 101', { place: '27609', first: 101 }, 'first', /first must be from 1 to 100/],
    ['an unknown ZIP', { place: '00000' }, 'place', /00000 is not a US ZIP code/],
    ['a blank place', { place: '   ' }, 'place', /Enter a US ZIP code/],
    ['an empty place', { place: '' }, 'place', /Enter a US ZIP code/],
    ['an over-long place', { place: 'x'.repeat(201) }, 'place', /at most 200 characters/],
    ['an unknown city', { place: 'Atlantis, NC' }, 'place', /could not find a city called "Atlantis"/],
    [
      'an unknown condition code',
      { place: '27609', filter: { conditions: ['trd', 'flu'] } },
      'filter',
      /Unknown conditions code: flu/,
    ],
    [
      'an unknown route code',
      { place: '27609', filter: { routes: ['smoked'] } },
      'filter',
      /Unknown routes code: smoked/,
    ],
    [
      'an unknown payer code',
      { place: '27609', filter: { insurance: ['acme'] } },
      'filter',
      /Unknown insurance code: acme/,
    ],
    [
      'over-long text',
      { place: '27609', filter: { text: 'x'.repeat(101) } },
      'filter',
      /at most 100 characters/,
    ],
    ['a malformed cursor', { place: '27609', after: 'not-a-cursor!' }, 'after', /not a cursor/],
    [
      'a cursor of the wrong shape',
      { place: '27609', after: Buffer.from('[1]').toString('base64url') },
      'after',
      /not a cursor/,
    ],
    ['both near and place', { place: '27609', near: { lat: 35, lng: -78 } }, 'near', /exactly one of near/],
    ['neither near nor place', {}, 'place', /exactly one of near/],
  ])('%s', async (_label, variables, argumentName, message) => {
    const res = await api.gql(SEARCH, variables);
    expect(res.status).toBeLessThan(500);
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    const [error] = res.errors ?? [];
    expect(error?.message).toMatch(message);
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    expect(JSON.stringify(res)).not.toMatch(/stacktrace|\bat .*\.js:\d+/);
  });

  it('refuses a value of the wrong GraphQL type before running, with HTTP 400 and BAD_USER_INPUT', async () => {
    const res = await api.gql(SEARCH, { place: '27609', radius: 'far' });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('malformed or hidden ids', () => {
  it.each(['', 'nonsense', 'TG9jYXRpb246bm90LWEtdXVpZA', '00000000-0000-0000-0000-000000000000'])(
    'location(%j) and clinic(%j) answer null',
    async (id) => {
      const res = await api.gql('query($id: ID!) { location(id: $id) { id } clinic(id: $id) { id } }', {
        id,
      });
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ location: null, clinic: null });
    },
  );

  it('node answers null for a well-formed id of nothing, and BAD_USER_INPUT for a malformed one', async () => {
    const missing = Buffer.from('Location:00000000-0000-0000-0000-000000000000').toString('base64');
    const ok = await api.gql('query($id: ID!) { node(id: $id) { id } }', { id: missing });
    expect(ok).toMatchObject({ data: { node: null } });
    expect(ok.errors).toBeUndefined();
    for (const id of [
      Buffer.from('Location:not-a-uuid').toString('base64'),
      Buffer.from('Nope:123').toString('base64'),
    ]) {
      const res = await api.gql('query($id: ID!) { node(id: $id) { id } }', { id });
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ node: null });
    }
    const bad = await api.gql('query($id: ID!) { node(id: $id) { id } }', { id: '!!!' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'id' });
  });
});

describe('HTTP limits', () => {
  it('answers a body over the size limit with 413 and no stack trace', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ query: `{ routes { code } } # ${'x'.repeat(70_000)}` }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.body).not.toMatch(/\bat .*:\d+:\d+|stack/i);
    expect(JSON.parse(res.body).errors[0].message).toMatch(/too large/i);
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json' },
      payload: '{"query": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toMatch(/\bat .*:\d+:\d+/);
  });
});

describe('queries built to exhaust the server', () => {
  it('refuses a query nested too deep before running it', async () => {
    let selection = 'name';
    for (let i = 0; i < 8; i++) selection = `locations { clinic { ${selection} } }`;
    const res = await api.gql(
      `{ searchLocations(place: "27609") { edges { node { clinic { ${selection} } } } } }`,
    );
    expect(res.status).toBe(400);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.message).toMatch(/depth limit/i);
    // The query parsed; it asks for too much, and the message says what to do instead.
    expect(res.errors?.[0]?.message).not.toMatch(/syntax error/i);
    expect(res.errors?.[0]?.message).toMatch(/ask for fewer/i);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a query that multiplies one field with many aliases', async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: routes { code }`).join(' ');
    const res = await api.gql(`{ ${aliases} }`);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/aliases/i);
  });

  it('answers the richest query a search page needs', async () => {
    const res = await api.gql(`{ searchLocations(place: "27609", first: 100) {
      totalCount bounds { north south east west } origin { label state }
      pageInfo { hasNextPage endCursor }
      edges { cursor distance node {
        id name isTelehealth acceptingNewPatients typicalWaitDays phone languages minAge maxAge servesStates
        address { line1 line2 city state postalCode } coordinates { lat lng } hours { day opens closes }
        clinic { id name website phone isSample verified lastConfirmedAt }
        offeredRoutes { priceUsd sessionMinutes route { code name } }
        acceptedConditions { code name icd10 } services { code name } acceptedInsurance { code name }
      } }
      telehealth { id name servesStates clinic { name } offeredRoutes { route { code } } }
    } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data?.searchLocations.edges.length).toBeGreaterThan(5);
  });
});
