import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../src/web.js';
import { type Api, startApi } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A stand-in build of the web app: a page and one hashed asset, as Vite writes them. */
const root = mkdtempSync(join(tmpdir(), 'kapmap-web-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>kapmap</title><div id="root"></div>');
writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
writeFileSync(join(root, 'assets', 'index-abc123.js.map'), '{"version":3,"sources":["secret.ts"]}');
// Files big enough to compress, of each kind the page loads, compressed as the web app's build does.
const big = {
  'index.html': `<!doctype html><title>kapmap</title><div id="root"></div>${'<!-- padding -->'.repeat(200)}`,
  'assets/app-def456.js': `export const x = ${JSON.stringify('clinic '.repeat(800))};`,
  'assets/app-def456.css': `.card { color: #123456; }\n`.repeat(200),
  'assets/counties-10m-xyz.json': JSON.stringify({ type: 'Topology', arcs: Array(600).fill([1, 2, 3]) }),
};
for (const [file, text] of Object.entries(big)) writeFileSync(join(root, file), text);
execFileSync(process.execPath, [join(here, '../../web/scripts/precompress.mjs'), root]);

let api: Api;
let apiOnly: Api;
beforeAll(async () => {
  [api, apiOnly] = await Promise.all([
    startApi({ demo: false, web: { root, publicConfig: { mapboxToken: 'pk.public-test' } } }),
    startApi({ demo: false, web: { root: join(root, 'missing'), publicConfig: { mapboxToken: null } } }),
  ]);
});
afterAll(async () => {
  await Promise.all([api.close(), apiOnly.close()]);
  rmSync(root, { recursive: true, force: true });
});

const html = { accept: 'text/html,application/xhtml+xml' };

describe('the web app, served with the API', () => {
  it('serves the page at / without caching, and keeps searches out of referrers', async () => {
    const res = await api.app.inject({ url: '/', headers: html });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('<div id="root">');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('answers a deep link such as /clinics/… with the page, so shared links open', async () => {
    const res = await api.app.inject({ url: '/clinics/Q2xpbmljOjE?location=x', headers: html });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<div id="root">');
    expect(res.headers['content-security-policy']).toBe(
      (await api.app.inject({ url: '/', headers: html })).headers['content-security-policy'],
    );
  });

  it('lets the page run only its own scripts, and reach Mapbox only when a Mapbox token is configured', async () => {
    const withToken = String(
      (await api.app.inject({ url: '/', headers: html })).headers['content-security-policy'],
    );
    expect(withToken).toContain("script-src 'self'");
    expect(withToken).toContain("frame-ancestors 'none'");
    expect(withToken).toMatch(/connect-src 'self' https:\/\/api\.mapbox\.com/);
    expect(contentSecurityPolicy(false)).toContain("connect-src 'self';");
    expect(contentSecurityPolicy(false)).not.toContain('mapbox');
  });

  it('never serves a source map, which is the source', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/assets/index-abc123.js.map' });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('secret.ts');
    expect(res.json().errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('marks every answer nosniff, the page and its assets included', async () => {
    for (const url of ['/', '/assets/index-abc123.js', '/config.json', '/healthz'])
      expect(
        (await api.app.inject({ method: 'GET', url, headers: html })).headers['x-content-type-options'],
      ).toBe('nosniff');
  });

  it('caches hashed assets for a year', async () => {
    const res = await api.app.inject({ url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers a missing asset or API path with a JSON 404, not the page', async () => {
    for (const url of ['/assets/gone-999.js', '/nope.json']) {
      const res = await api.app.inject({ url, headers: html });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().errors[0].message).toContain('Not found');
    }
  });

  it('tells the browser the public Mapbox token, and only that', async () => {
    const res = await api.app.inject({ url: '/config.json' });
    expect(res.json()).toEqual({ mapboxToken: 'pk.public-test' });
  });

  it('answers a malformed, oversized or wrongly typed GraphQL request in the GraphQL error shape, as without the page', async () => {
    const asked = (headers: Record<string, string>, payload: string) =>
      api.app.inject({ method: 'POST', url: '/graphql', headers, payload });
    const json = { 'content-type': 'application/json' };
    for (const [res, status, code] of [
      [await asked(json, '{"query": "{ __typename }"'), 400, 'BAD_REQUEST'],
      [await asked(json, '{"query": "{ __typename }"\u0000'), 400, 'BAD_REQUEST'],
      [
        await asked(json, JSON.stringify({ query: `{ __typename }${' '.repeat(70_000)}` })),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [await asked({ 'content-type': 'application/xml' }, '<query/>'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ] as const) {
      expect(res.statusCode).toBe(status);
      expect(res.json().errors[0].extensions.code).toBe(code);
      expect(res.json().errors[0].message).not.toMatch(/^Something went wrong/);
    }
  });

  it('still serves GraphQL and the config when the web app is not built', async () => {
    expect((await apiOnly.app.inject({ url: '/', headers: html })).statusCode).toBe(404);
    expect((await apiOnly.app.inject({ url: '/config.json' })).json()).toEqual({ mapboxToken: null });
    expect((await apiOnly.gql('{ routes { code } }')).data?.routes.length).toBeGreaterThan(0);
  });
});

describe('compression', () => {
  const kinds: [string, string, string | null][] = [
    ['the page', '/', big['index.html']],
    ['a deep link’s page', '/clinics/Q2xpbmljOjE', big['index.html']],
    ['a script', '/assets/app-def456.js', big['assets/app-def456.js']],
    ['a style sheet', '/assets/app-def456.css', big['assets/app-def456.css']],
    ['the basemap shapes', '/assets/counties-10m-xyz.json', big['assets/counties-10m-xyz.json']],
  ];

  it.each(kinds)('sends %s as brotli or gzip when asked, and plain when not', async (_kind, url, text) => {
    const get = (encoding?: string) =>
      api.app.inject({ url, headers: { ...html, ...(encoding ? { 'accept-encoding': encoding } : {}) } });
    const br = await get('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(text);
    expect(br.rawPayload.length).toBeLessThan(Buffer.byteLength(text ?? '') / 2);
    const gz = await get('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(text);
    const plain = await get();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(text);
  });

  it('sends a GraphQL answer as brotli or gzip when asked, and plain when not', async () => {
    const query = `{ __schema { types { name description } } }`;
    const post = (encoding?: string) =>
      api.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', ...(encoding ? { 'accept-encoding': encoding } : {}) },
        payload: { query },
      });
    const plain = await post();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    const br = await post('br, gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    const gz = await post('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
    // Compressed whole, not streamed: its length is known, and each says it depends on Accept-Encoding.
    expect(Number(br.headers['content-length'])).toBe(br.rawPayload.length);
    for (const res of [plain, br, gz]) expect(res.headers.vary).toMatch(/accept-encoding/);
  });

  it('does not decompress a request body: a gzipped upload is refused, not expanded', async () => {
    const { gzipSync } = await import('node:zlib');
    const res = await api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify({ query: '{ __typename }' })),
    });
    // Read as the bytes it is, it is not JSON; nothing is ever inflated past the body limit.
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('"__typename"');
  });
});
