import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../src/web.js';
import { type Api, startApi } from './harness.js';

/** A stand-in build of the web app: a page and one hashed asset, as Vite writes them. */
const root = mkdtempSync(join(tmpdir(), 'kapmap-web-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>kapmap</title><div id="root"></div>');
writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
writeFileSync(join(root, 'assets', 'index-abc123.js.map'), '{"version":3,"sources":["secret.ts"]}');

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

  it('still serves GraphQL and the config when the web app is not built', async () => {
    expect((await apiOnly.app.inject({ url: '/', headers: html })).statusCode).toBe(404);
    expect((await apiOnly.app.inject({ url: '/config.json' })).json()).toEqual({ mapboxToken: null });
    expect((await apiOnly.gql('{ routes { code } }')).data?.routes.length).toBeGreaterThan(0);
  });
});
