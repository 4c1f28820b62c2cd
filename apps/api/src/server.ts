import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import fastifyCookie from '@fastify/cookie';
import type { Database } from '@kapmap/db/client';
import type { Geocoder } from '@kapmap/geo';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { GraphQLError, ValidationContext } from 'graphql';
import type { Context } from './context.js';
import { formatError } from './graphql/errors.js';
import { schema } from './graphql/schema.js';
import { loadViewer } from './modules/accounts/sessions.js';
import { accessRecorder } from './modules/referrals/access-log.js';
import type { Sealer } from './modules/referrals/sealing.js';
import { registerWebApp, type WebOptions } from './web.js';

/** graphql-armor's rules throw by default, which Apollo answers with a 500; report a validation error instead. */
const reportAsValidationError = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

export interface ServerOptions {
  db: Database;
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
  /** Send the session cookie only over HTTPS (everywhere but local development). */
  secureCookies?: boolean;
  /** Read the client's address from X-Forwarded-For (only behind a proxy you run). */
  trustProxy?: boolean;
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
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: options.maxBodyBytes ?? 65_536,
    logger: options.logLevel === 'silent' ? false : { level: options.logLevel ?? 'info' },
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustProxy ?? false,
  });
  await app.register(fastifyCookie);
  const secure = options.secureCookies ?? false;
  const cookieName = sessionCookieName(secure);
  const publicUrl = options.publicUrl ?? 'http://localhost:4000';

  const apollo = new ApolloServer<Context>({
    schema,
    includeStacktraceInErrorResponses: false,
    // Sessions are cookies: refuse the "simple" requests a browser sends cross-site without a preflight.
    csrfPrevention: true,
    // The process owner decides how to shut down (main.ts closes Fastify, then the database pool).
    stopOnTerminationSignals: false,
    // A public API must refuse queries built to exhaust it (clinic → locations → clinic → …) before running
    // them. As validation rules these run once per distinct document: Apollo caches validated documents.
    validationRules: [
      maxDepthRule({ n: 12, ...reportAsValidationError }),
      costLimitRule({ maxCost: 100_000, ...reportAsValidationError }),
      maxAliasesRule({ n: 15, ...reportAsValidationError }),
    ],
    formatError: (formatted, error) =>
      formatError(formatted, error, (e) => app.log.error(e, 'unexpected error')),
    plugins: [
      fastifyApolloDrainPlugin(app),
      ApolloServerPluginLandingPageDisabled(),
      // No @cacheControl hints are used; the plugin would still wrap every resolver, at a cost per field.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  const handler = fastifyApolloHandler(apollo, {
    context: async (request, reply): Promise<Context> => {
      const token = request.cookies[cookieName];
      const viewer = token ? await loadViewer(options.db, token) : null;
      if (token && !viewer) void reply.clearCookie(cookieName, { path: '/' });
      return {
        db: options.db,
        geocoder: options.geocoder,
        viewer,
        ip: request.ip,
        publicUrl,
        sealer: options.sealer,
        accessLog: accessRecorder(options.db),
        httpMethod: request.method,
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
  app.route({ url: '/graphql', method: ['GET', 'POST', 'OPTIONS'], handler });
  app.get('/healthz', async () => ({ ok: true }));
  if (options.web) await registerWebApp(app, options.web);

  // Fastify's own errors (body too large, bad JSON) carry a status and a message, never a stack.
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) app.log.error(error);
    void reply.status(status).send({
      errors: [{ message: status === 500 ? 'Internal server error' : error.message }],
    });
  });
  return app;
}
