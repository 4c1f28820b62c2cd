import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MapboxGeocoder, OfflineGeocoder, PlaceNotFoundError } from '../src/index.js';

/** A local stand-in for Mapbox's Geocoding API v6: tests never reach the internet. */
let server: Server;
let baseUrl: string;
const requests: URL[] = [];
let answer: (url: URL) => { status: number; body: unknown } = () => ({ status: 200, body: { features: [] } });

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url);
    const { status, body } = answer(url);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const offline = new OfflineGeocoder();
const geocoder = () =>
  new MapboxGeocoder({ accessToken: 'pk.test-token', offline, baseUrl, timeoutMs: 1000 });

describe('Mapbox geocoding, when a token is configured', () => {
  it('answers ZIP codes and "City, ST" offline, without a request', async () => {
    requests.length = 0;
    expect((await geocoder().geocode('27609')).label).toBe('Raleigh, NC 27609');
    expect((await geocoder().geocode('Raleigh, NC')).state).toBe('NC');
    expect(requests).toHaveLength(0);
  });

  it('asks Mapbox for a street address, with the token, limited to the US', async () => {
    requests.length = 0;
    answer = () => ({
      status: 200,
      body: {
        type: 'FeatureCollection',
        features: [
          {
            geometry: { type: 'Point', coordinates: [-78.6382, 35.7796] },
            properties: {
              full_address: '1 Sample Plaza, Raleigh, North Carolina 27601, United States',
              context: { region: { name: 'North Carolina', region_code: 'NC' } },
            },
          },
        ],
      },
    });
    const place = await geocoder().geocode('1 Sample Plaza, Raleigh');
    expect(place).toEqual({
      lat: 35.7796,
      lng: -78.6382,
      label: '1 Sample Plaza, Raleigh, North Carolina 27601, United States',
      state: 'NC',
    });
    const [request] = requests;
    expect(request?.pathname).toBe('/search/geocode/v6/forward');
    expect(request?.searchParams.get('q')).toBe('1 Sample Plaza, Raleigh');
    expect(request?.searchParams.get('access_token')).toBe('pk.test-token');
    expect(request?.searchParams.get('country')).toBe('us');
  });

  it('places a street address where Mapbox finds it, and says "unknown" rather than failing when it is down', async () => {
    requests.length = 0;
    answer = () => ({
      status: 200,
      body: { features: [{ geometry: { type: 'Point', coordinates: [-78.64, 35.78] }, properties: {} }] },
    });
    expect(await geocoder().locateStreetAddress('1 Sample Plaza, Raleigh, NC 27601')).toEqual({
      lat: 35.78,
      lng: -78.64,
    });
    expect(requests[0]?.searchParams.get('types')).toBe('address');
    answer = () => ({ status: 503, body: {} });
    expect(await geocoder().locateStreetAddress('1 Sample Plaza, Raleigh, NC 27601')).toBeNull();
  });

  it('says what to try when Mapbox finds nothing', async () => {
    answer = () => ({ status: 200, body: { features: [] } });
    await expect(geocoder().geocode('Nowhere Special')).rejects.toThrow(/could not find "Nowhere Special"/);
  });

  it('suggests offline places first and fills the rest from Mapbox’s autocomplete', async () => {
    requests.length = 0;
    answer = () => ({
      status: 200,
      body: {
        features: [
          {
            geometry: { coordinates: [-78.64, 35.78] },
            properties: {
              full_address: '100 Raleigh Sample Street, Raleigh, North Carolina 27601, United States',
              context: { region: { region_code: 'NC' } },
            },
          },
        ],
      },
    });
    const typed = '100 Raleigh Sample';
    const got = await geocoder().suggest(typed);
    expect(got.map((s) => s.label)).toEqual([
      '100 Raleigh Sample Street, Raleigh, North Carolina 27601, United States',
    ]);
    expect(requests[0]?.searchParams.get('autocomplete')).toBe('true');
    expect(requests[0]?.searchParams.get('q')).toBe(typed);

    // A town prefix that fills the list offline asks Mapbox nothing.
    requests.length = 0;
    expect((await geocoder().suggest('San'))[0]?.label).toBe('San Antonio, TX');
    expect(requests).toHaveLength(0);

    // Mapbox down: the offline suggestions alone, no error.
    answer = () => ({ status: 500, body: {} });
    expect(await geocoder().suggest('Raleigh Sample')).toEqual([]);
  });

  it('falls back to the offline answer when Mapbox fails or cannot be reached', async () => {
    answer = () => ({ status: 401, body: { message: 'Not Authorized - Invalid Token' } });
    const errors: unknown[] = [];
    const failing = new MapboxGeocoder({
      accessToken: 'bad',
      offline,
      baseUrl,
      onError: (e) => errors.push(e),
    });
    await expect(failing.geocode('Atlantis, NC')).rejects.toThrow(PlaceNotFoundError);
    expect(errors).toHaveLength(1);
    const unreachable = new MapboxGeocoder({
      accessToken: 't',
      offline,
      baseUrl: 'http://127.0.0.1:9',
      timeoutMs: 500,
    });
    await expect(unreachable.geocode('Atlantis, NC')).rejects.toThrow(
      /could not find a city called "Atlantis"/,
    );
  });
});
