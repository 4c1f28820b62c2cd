import { randomUUID } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Writable } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import type { Database } from '@kapmap/db/client';
import type { Geocoder } from '@kapmap/geo';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { GraphQLError, type ValidationContext } from 'graphql';
import { compressAnswer, compressOptions } from './compression.js';
import type { Context, RequestNotes } from './context.js';
import { formatError, httpErrorBody } from './graphql/errors.js';
import { MAX_ALIASES, MAX_RESPONSE_BYTES, MAX_TOKENS, rowBudgetPlugin } from './graphql/limits.js';
import type { PublicCache } from './graphql/public-cache.js';
import { readReplicaPlugin } from './graphql/read-routing.js';
import { schema } from './graphql/schema.js';
import { storableStringsPlugin } from './graphql/strings.js';
import { serializeError } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { FirstAdminSetup } from './modules/accounts/first-admin.js';
import { loadViewer } from './modules/accounts/sessions.js';
import { accessRecorder } from './modules/referrals/access-log.js';
import type { Sealer } from './modules/referrals/sealing.js';
import { notFoundBody, registerWebApp, type WebOptions } from './web.js';

/**
 * graphql-armor's rules throw by default, which Apollo answers with a 500; report a validation error instead,
 * without the "Syntax Error:" its messages open with (the query parsed; it asks for too much) and with what
 * to do about it.
 */
const reportAsValidationError = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(
        new GraphQLError(
          `${error.message.replace(/^Syntax Error: /, '')} Ask for fewer nested fields, aliases or smaller pages.`,
          { nodes: error.nodes ?? null },
        ),
      ),
  ],
};

export interface ServerOptions {
  db: Database;
  /** What anonymous requests use (a pool with a shorter statement timeout); `db` when absent. */
  publicDb?: Database;
  /** Where anonymous queries read the directory: a read replica's pool; `publicDb` when absent. */
  readDb?: Database;
  geocoder: Geocoder;
  /** Seals patient data in referrals under the configured key. */
  sealer: Sealer;
  /** Requests with a larger body get 413. */
  maxBodyBytes?: number;
  logLevel?: string;
  /** Serve the web app too (`pnpm start`); absent in API-only tests. */
  web?: WebOptions;
  /** Where people reach the web app, for links in emails. */
  publicUrl?: string;
  /** Set when the database has no platform admin: its link creates the first (main.ts prints it). */
  firstAdmin?: FirstAdminSetup | null;
  /** Migrations the database still lacks: /readyz answers 503 until there are none. */
  pendingMigrations?: () => Promise<string[]>;
  /** Set `draining` on SIGTERM: /readyz answers 503 from then on, while requests in flight finish. */
  lifecycle?: { draining: boolean };
  /** Send the session cookie only over HTTPS (everywhere but local development). */
  secureCookies?: boolean;
  /** Read the client's address from X-Forwarded-For (only behind a proxy you run). */
  trustProxy?: boolean;
  /** Production: error messages do not suggest field names ("Did you mean …"). */
  production?: boolean;
  /** A request whose headers and body have not all arrived by then gets 408 and is closed. Default 30 s. */
  requestTimeoutMs?: number;
  /** Open connections one client address may hold; more are closed at once. 0: no cap. */
  maxConnectionsPerAddress?: number;
  /** The largest answer sent; a larger one becomes RESPONSE_TOO_LARGE. Default MAX_RESPONSE_BYTES (4 MB). */
  maxResponseBytes?: number;
  /** /metrics and what it counts; one with the outbox's backlog on `db` when absent. */
  metrics?: Metrics;
  /** Keeps anonymous public answers (graphql/public-cache.ts); without it every request runs its query. */
  publicCache?: PublicCache;
  /** Where the log goes (standard output unless given): tests read it. */
  logStream?: Writable;
}

/** pino's error serializer: log.ts decides what of an error may be written. */
const logSerializer = (error: unknown) => {
  const logged = serializeError(error);
  return { ...logged, stack: logged.stack ?? '' };
};

/** The most bytes of persisted query documents a process keeps (a few thousand documents). */
export const MAX_PERSISTED_BYTES = 4 * 1024 * 1024;

/** What a request id from a proxy may look like: nothing else is written to the log. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** How long the server waits for a request's headers and body, and for an idle kept-alive connection. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;

/**
 * Node's HTTP server with the time budget of a request: headers and body must arrive within the request
 * timeout (checked every second, not Node's default 30 s, so a slow body is cut off on time), and one address
 * may hold only so many connections, so a client trickling bytes over many sockets cannot starve the rest.
 */
function boundedHttpServer(requestTimeoutMs: number, maxPerAddress: number) {
  return (handler: (req: IncomingMessage, res: ServerResponse) => void): Server => {
    const server = createHttpServer(
      {
        requestTimeout: requestTimeoutMs,
        headersTimeout: Math.min(requestTimeoutMs, 10_000),
        keepAliveTimeout: 5_000,
        connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs),
      },
      handler,
    );
    if (maxPerAddress > 0) {
      const open = new Map<string, number>();
      server.on('connection', (socket) => {
        const address = socket.remoteAddress ?? '';
        const n = (open.get(address) ?? 0) + 1;
        if (n > maxPerAddress) {
          socket.destroy();
          return;
        }
        open.set(address, n);
        socket.once('close', () => {
          const left = (open.get(address) ?? 1) - 1;
          if (left <= 0) open.delete(address);
          else open.set(address, left);
        });
      });
    }
    return server;
  };
}

/**
 * The session cookie. With Secure, the `__Host-` prefix also pins it to this host and path `/`, so no
 * subdomain can set or overwrite it.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-kapmap_session' : 'kapmap_session';
}

/**
 * The HTTP server: GraphQL at /graphql (GET and POST, per the GraphQL-over-HTTP spec), a health check, and
 * the web app when it is built.
 * Stateless: every request builds its context from the shared database pool, so any number of these
 * processes can serve one database behind a load balancer.
 */
/** How long /readyz waits for the database before saying it does not answer. */
const READY_TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error('timed out')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const app: FastifyInstance = Fastify({
    bodyLimit: options.maxBodyBytes ?? 65_536,
    logger:
      options.logLevel === 'silent'
        ? false
        : {
            level: options.logLevel ?? 'info',
            // Errors are logged by what happened, never with what (log.ts); no request is logged with its
            // headers (cookies) or URL.
            serializers: { err: logSerializer, error: logSerializer },
            ...(options.logStream ? { stream: options.logStream } : {}),
          },
    // Fastify's own request lines would carry the URL (a GET's query and variables); ours say the route.
    logController: new LogController({ disableRequestLogging: true }),
    // A load balancer's X-Request-Id is kept, so one id follows a request through the logs; else a new one.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    trustProxy: options.trustProxy ?? false,
    requestTimeout: requestTimeoutMs,
    connectionTimeout: requestTimeoutMs * 2,
    serverFactory: boundedHttpServer(
      requestTimeoutMs,
      options.maxConnectionsPerAddress ?? (options.trustProxy ? 0 : DEFAULT_MAX_CONNECTIONS_PER_ADDRESS),
    ),
  });
  const metrics = options.metrics ?? createMetrics({ db: options.db });
  // Fastify's own errors (body too large, bad JSON, wrong media type) in the GraphQL error shape, with a code.
  // Set before any route or plugin: a route keeps the handler in force when it was registered, and an `await`
  // of a plugin (the web app's) registers the routes before it, so a handler set last missed /graphql.
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      metrics.countFailure('unexpected_error');
      app.log.error(error, 'unexpected error');
    }
    void reply.status(status).send(httpErrorBody(status, status === 500 ? undefined : error.message));
  });
  const secure = options.secureCookies ?? false;
  const cookieName = sessionCookieName(secure);
  // One JSON log line per request: its id, method, route pattern, status, time and operation. Never its URL,
  // headers or variables.
  const notes = new WeakMap<object, RequestNotes>();
  app.addHook('onRequest', async (request, reply) => {
    notes.set(request, {});
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.observeRequest(route, request.method, reply.statusCode, seconds);
    if (route === '/metrics' || route === '/healthz' || route === '/readyz') return;
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ...(notes.get(request)?.operation ? { operation: notes.get(request)?.operation } : {}),
      },
      'request',
    );
  });
  // Every answer: no MIME sniffing; HSTS where cookies are HTTPS-only; nothing from /graphql kept by a browser
  // or a proxy (answers may hold patient data) but the public answers the public cache says may be; and no
  // answer larger than its byte budget. Added before compression's hook, so it sees the answer as text.
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff');
    if (secure) void reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (!request.url.startsWith('/graphql')) return payload;
    if (typeof payload === 'string' && Buffer.byteLength(payload) > maxResponseBytes) {
      void reply.header('cache-control', 'no-store');
      void reply.status(400);
      return JSON.stringify(
        httpErrorBody(
          'RESPONSE_TOO_LARGE',
          `The answer would be larger than ${Math.ceil(maxResponseBytes / 1024).toLocaleString('en-US')} kB. Ask for fewer fields or smaller pages.`,
        ),
      );
    }
    const requestNotes = notes.get(request);
    let answer = payload;
    if (options.publicCache && requestNotes)
      answer = options.publicCache.store(request, reply, requestNotes, payload);
    else void reply.header('cache-control', 'no-store');
    // A hit, or an answer just kept, goes as kept (compressed, a Buffer); any other is compressed here.
    return typeof answer === 'string' && !reply.hasHeader('content-encoding')
      ? compressAnswer(request, reply, answer)
      : answer;
  });

  await app.register(fastifyCookie);
  // Answers over 1 kB go out as brotli or gzip, as the client's Accept-Encoding asks (compression.ts; the web
  // app's static files are compressed at build time and sent as they are: see web.ts).
  await app.register(fastifyCompress, compressOptions);
  const publicUrl = options.publicUrl ?? 'http://localhost:4000';

  const apollo = new ApolloServer<Context>({
    schema,
    includeStacktraceInErrorResponses: false,
    // Sessions are cookies: refuse the "simple" requests a browser sends cross-site without a preflight.
    csrfPrevention: true,
    // The process owner decides how to shut down (main.ts closes Fastify, then the database pool).
    stopOnTerminationSignals: false,
    // "Did you mean …" names fields an attacker did not know; in production errors do not suggest them.
    hideSchemaDetailsFromClientErrors: options.production ?? false,
    // A document of more tokens is refused by the parser before it recurses (10,000 nested selections
    // otherwise end in "Maximum call stack size exceeded").
    parseOptions: { maxTokens: MAX_TOKENS },
    // Apollo indents every answer by default (two spaces a level): a third more bytes to write, compress and
    // send, for no client that reads JSON.
    stringifyResult: (result) => JSON.stringify(result),
    // Automatic persisted queries: a client may send a document's SHA-256 instead of the document (a GET a CDN
    // can key on), and an unknown one is answered PERSISTED_QUERY_NOT_FOUND, so the client sends it once with
    // its text. Documents kept are capped by bytes, least recently used first, so no client can grow it.
    persistedQueries: {
      cache: new InMemoryLRUCache<string>({
        maxSize: MAX_PERSISTED_BYTES,
        sizeCalculation: (document) => document.length,
      }),
      ttl: null,
    },
    // A public API must refuse queries built to exhaust it (clinic → locations → clinic → …) before running
    // them. As validation rules these run once per distinct document: Apollo caches validated documents.
    validationRules: [
      maxDepthRule({ n: 12, ...reportAsValidationError }),
      costLimitRule({ maxCost: 100_000, ...reportAsValidationError }),
      // `__typename` is an alias like any other: 101 of them cost as much as 101 fields.
      maxAliasesRule({ n: MAX_ALIASES, allowList: [], ...reportAsValidationError }),
    ],
    formatError: (formatted, error) =>
      formatError(formatted, error, (e) => {
        metrics.countFailure('unexpected_error');
        app.log.error(e, 'unexpected error');
      }),
    plugins: [
      fastifyApolloDrainPlugin(app),
      ApolloServerPluginLandingPageDisabled(),
      // No @cacheControl hints are used; the plugin would still wrap every resolver, at a cost per field.
      ApolloServerPluginCacheControlDisabled(),
      storableStringsPlugin(),
      rowBudgetPlugin(),
      metrics.graphqlPlugin(),
      ...(options.readDb ? [readReplicaPlugin(options.readDb)] : []),
      ...(options.publicCache ? [options.publicCache.plugin(schema)] : []),
    ],
  });
  await apollo.start();

  const handler = fastifyApolloHandler(apollo, {
    context: async (request, reply): Promise<Context> => {
      const token = request.cookies[cookieName];
      const viewer = token ? await loadViewer(options.db, token) : null;
      if (token && !viewer) void reply.clearCookie(cookieName, { path: '/' });
      return {
        // Anonymous requests run on the public pool, with its shorter statement timeout.
        db: viewer ? options.db : (options.publicDb ?? options.db),
        geocoder: options.geocoder,
        viewer,
        ip: request.ip,
        publicUrl,
        sealer: options.sealer,
        accessLog: accessRecorder(options.db),
        httpMethod: request.method,
        firstAdmin: options.firstAdmin ?? null,
        notes: notes.get(request) ?? {},
        sessionCookie: {
          start: (value, expiresAt) =>
            void reply.setCookie(cookieName, value, {
              path: '/',
              httpOnly: true,
              secure,
              sameSite: 'lax',
              expires: expiresAt,
            }),
          end: () =>
            void reply.clearCookie(cookieName, { path: '/', httpOnly: true, secure, sameSite: 'lax' }),
        },
      };
    },
  });
  // Request bodies are taken as sent: no decompression of a client's upload (a small zip can expand a lot).
  app.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    handler,
    config: { decompress: false },
    // A public answer kept earlier goes out before Apollo is reached (public-cache.ts).
    preHandler: async (request, reply) => {
      const requestNotes = notes.get(request);
      if (!options.publicCache || !requestNotes) return;
      const answered = options.publicCache.lookup(request, reply, requestNotes);
      if (requestNotes.cache) metrics.countCache(requestNotes.cache.hit ? 'hit' : 'miss');
      return answered;
    },
  });
  // Prometheus's scrape. Deployments keep it from the public (HAProxy denies it; see infra/).
  app.get('/metrics', async (_request, reply) => {
    void reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store');
    return metrics.registry.metrics();
  });
  // Liveness: the process answers. Readiness: it can serve, so a load balancer may send it requests.
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    const notReady = (reason: string) => reply.status(503).send({ ready: false, reason });
    if (options.lifecycle?.draining) return notReady('shutting down');
    try {
      const pending = await withTimeout(
        (async () => {
          await options.db.execute(sql`SELECT 1`);
          return (await options.pendingMigrations?.()) ?? [];
        })(),
        READY_TIMEOUT_MS,
      );
      if (pending.length > 0)
        return notReady(`the database schema is behind (${pending.length} migrations to apply)`);
    } catch {
      return notReady('the database does not answer');
    }
    return { ready: true };
  });
  if (options.web) await registerWebApp(app, options.web);

  if (!options.web) app.setNotFoundHandler((request, reply) => reply.status(404).send(notFoundBody(request)));
  return app;
}
