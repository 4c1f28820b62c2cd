import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { httpErrorBody } from './graphql/errors.js';

export interface WebOptions {
  /** The built web app (apps/web/dist); null serves the API alone. */
  root: string | null;
  /** What the browser may know: a public Mapbox token (pk.…) selects mapbox-gl; none, the offline map. */
  publicConfig: { mapboxToken: string | null };
}

/**
 * What the page may load, run and connect to: only this origin, plus Mapbox's hosts when a Mapbox token puts
 * the page on mapbox-gl. Workers may start from blob: URLs (both map engines can); styles may be inline (the
 * map engines position their controls with style attributes).
 */
export function contentSecurityPolicy(mapbox: boolean): string {
  const mapboxHosts = mapbox
    ? ' https://api.mapbox.com https://*.tiles.mapbox.com https://events.mapbox.com'
    : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${mapboxHosts}`,
    `connect-src 'self'${mapboxHosts}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A 404 names the path, never its query string (which may hold a link's token). */
export function notFoundBody(request: { method: string; url: string }) {
  return httpErrorBody(404, `Not found: ${request.method} ${request.url.split('?')[0]}`);
}

/**
 * The web app from the same process as /graphql: hashed assets cached for a year, the page itself never
 * cached, and every other GET that asks for HTML answered with the page, so /clinics/… links work directly.
 */
export async function registerWebApp(app: FastifyInstance, options: WebOptions): Promise<void> {
  app.get('/config.json', async (_request, reply) => {
    void reply.header('cache-control', 'no-cache');
    return options.publicConfig;
  });

  const root = options.root;
  if (!root || !existsSync(join(root, 'index.html'))) {
    app.log.warn(`the web app is not built (${root ?? 'no WEB_ROOT'}): serving the API only`);
    app.setNotFoundHandler((request, reply) => reply.status(404).send(notFoundBody(request)));
    return;
  }

  const assets = join(root, 'assets');
  const csp = contentSecurityPolicy(options.publicConfig.mapboxToken !== null);
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    // Source maps are built (hidden) for our own debugging, never served: they are the source.
    allowedPath: (path) => !path.endsWith('.map'),
    index: ['index.html'],
    // The build writes .br and .gz beside each text file: sent as the client's Accept-Encoding asks.
    preCompressed: true,
    setHeaders: (res, path) => {
      res.header('x-content-type-options', 'nosniff');
      // Searches sit in the URL (a ZIP code someone lives near): never send them to the sites we link to.
      res.header('referrer-policy', 'no-referrer');
      if (path.endsWith('.html')) res.header('content-security-policy', csp);
      res.header(
        'cache-control',
        path.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // A path naming a file (/favicon.ico, /x.json) that is not there is a 404, not the page.
    const namesFile = /\.[a-z0-9]+$/i.test(path);
    const wantsPage =
      !namesFile &&
      (request.method === 'GET' || request.method === 'HEAD') &&
      !request.url.startsWith('/graphql') &&
      !request.url.startsWith('/assets/') &&
      (request.headers.accept ?? '').includes('text/html');
    if (wantsPage) {
      void reply
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-cache')
        .header('content-security-policy', csp);
      return reply.sendFile('index.html');
    }
    return reply.status(404).send(notFoundBody(request));
  });
}
