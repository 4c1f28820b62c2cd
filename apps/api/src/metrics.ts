import type { ApolloServerPlugin } from '@apollo/server';
import type { Database, PoolStats } from '@kapmap/db/client';
import { emailOutbox } from '@kapmap/db/schema';
import { isNull, sql } from 'drizzle-orm';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Context } from './context.js';

/**
 * What an operator watches, in the Prometheus format at /metrics (prom-client). Labels are names from
 * kapmap's code or an operation's name, never a value a person typed: no email, token or patient datum can
 * become a label. Operation names are the client's choice, so they are checked and capped (`boundedLabel`).
 */
export interface Metrics {
  registry: Registry;
  /** One HTTP request answered: its route pattern (never its URL), method and status. */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** Apollo plugin: operation latency by name and type, and errors by code; notes the operation's name. */
  graphqlPlugin(): ApolloServerPlugin<Context>;
  /** The outbox worker failed to send, or to run. */
  countFailure(what: 'email_send' | 'outbox_worker' | 'unexpected_error'): void;
  /** A request the public cache answered (hit) or could have kept (miss). */
  countCache(result: 'hit' | 'miss'): void;
}

/** Distinct operation names kept as labels; later ones count as "other", so a client cannot grow the series. */
const MAX_OPERATION_NAMES = 200;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function boundedLabel(max: number) {
  const seen = new Set<string>();
  return (name: string | null | undefined, fallback: string) => {
    if (!name) return fallback;
    if (!NAME.test(name)) return 'other';
    if (seen.has(name)) return name;
    if (seen.size >= max) return 'other';
    seen.add(name);
    return name;
  };
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(options: {
  /** Reads the outbox's backlog when scraped; PostgreSQL's primary. */
  db?: Database;
  /** Connections per pool, busy and configured. */
  pools?: () => Promise<PoolStats[]>;
}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kapmap_' });
  const requests = new Histogram({
    name: 'kapmap_http_request_duration_seconds',
    help: 'HTTP requests answered, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const operations = new Histogram({
    name: 'kapmap_graphql_operation_duration_seconds',
    help: 'GraphQL operations executed, by operation name and type',
    labelNames: ['operation', 'type'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'kapmap_graphql_errors_total',
    help: 'Errors in GraphQL answers, by code',
    labelNames: ['code'],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'kapmap_failures_total',
    help: 'Failures an operator should look at: emails that could not be sent, a worker that failed, unexpected errors',
    labelNames: ['what'],
    registers: [registry],
  });
  const cache = new Counter({
    name: 'kapmap_public_cache_requests_total',
    help: 'Anonymous GraphQL requests the public cache answered (hit) or looked up in vain (miss)',
    labelNames: ['result'],
    registers: [registry],
  });
  new Gauge({
    name: 'kapmap_db_pool_connections',
    help: 'Database connections per pool: busy (running a statement or a transaction) and max',
    labelNames: ['pool', 'state'],
    registers: [registry],
    async collect() {
      for (const pool of (await options.pools?.().catch(() => [])) ?? []) {
        this.set({ pool: pool.name, state: 'busy' }, pool.busy);
        this.set({ pool: pool.name, state: 'open' }, pool.open);
        this.set({ pool: pool.name, state: 'max' }, pool.max);
      }
    },
  });
  // One read of the outbox serves both gauges of a scrape.
  let backlog: Promise<{ waiting: number; oldestSeconds: number }> | null = null;
  const readBacklog = () => {
    backlog ??= (async () => {
      if (!options.db) return { waiting: 0, oldestSeconds: 0 };
      const [row] = await options.db
        .select({
          waiting: sql<number>`count(*)::int`,
          oldestSeconds: sql<number>`coalesce(extract(epoch from now() - min(${emailOutbox.createdAt})), 0)::float8`,
        })
        .from(emailOutbox)
        .where(isNull(emailOutbox.sentAt));
      return { waiting: Number(row?.waiting ?? 0), oldestSeconds: Number(row?.oldestSeconds ?? 0) };
    })()
      .catch(() => ({ waiting: Number.NaN, oldestSeconds: Number.NaN }))
      .finally(() => setTimeout(() => (backlog = null), 1000).unref());
    return backlog;
  };
  new Gauge({
    name: 'kapmap_outbox_emails_waiting',
    help: 'Emails queued and not yet sent',
    registers: [registry],
    async collect() {
      this.set((await readBacklog()).waiting);
    },
  });
  new Gauge({
    name: 'kapmap_outbox_oldest_unsent_seconds',
    help: 'Age of the oldest email not yet sent (0 when none waits)',
    registers: [registry],
    async collect() {
      this.set((await readBacklog()).oldestSeconds);
    },
  });

  const operationName = boundedLabel(MAX_OPERATION_NAMES);
  return {
    registry,
    observeRequest: (route, method, status, seconds) =>
      requests.observe({ route, method, status: String(status) }, seconds),
    countFailure: (what) => failures.inc({ what }),
    countCache: (result) => cache.inc({ result }),
    graphqlPlugin: () => ({
      async requestDidStart() {
        const started = process.hrtime.bigint();
        return {
          async didResolveOperation({ operation, contextValue }) {
            contextValue.notes.operation = operationName(operation?.name?.value, 'anonymous');
          },
          async willSendResponse({ operation, contextValue, response }) {
            if (response.body.kind === 'single') {
              for (const error of response.body.singleResult.errors ?? []) {
                const code = error.extensions?.code;
                errors.inc({ code: typeof code === 'string' && NAME.test(code) ? code : 'UNKNOWN' });
              }
            }
            if (!operation) return;
            operations.observe(
              {
                operation: contextValue.notes.operation ?? 'anonymous',
                type: operation.operation,
              },
              Number(process.hrtime.bigint() - started) / 1e9,
            );
          },
        };
      },
    }),
  };
}
