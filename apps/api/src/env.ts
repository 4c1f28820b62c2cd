import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_PUBLIC_CACHE_ENTRIES, DEFAULT_PUBLIC_CACHE_KEEP_SECONDS } from './graphql/public-cache.js';

/**
 * The only place that reads process.env. Every value is checked once at start, and each bad one is
 * reported with what was expected, so the server never starts half-configured.
 */
function workspaceRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml')) && dirname(dir) !== dir) dir = dirname(dir);
  return existsSync(join(dir, 'pnpm-workspace.yaml')) ? dir : null;
}

/**
 * In a checkout, defaults are relative to its top. In the deployable bundle (`pnpm bundle`: no workspace
 * around it) they are relative to the bundle, which holds the web app in `web/`.
 */
const checkout = workspaceRoot();
const home = checkout ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const defaultWebRoot = checkout ? join(checkout, 'apps', 'web', 'dist') : join(home, 'web');

/** PGlite keeps its data in `.data/pglite` at the top of the checkout (git-ignored). */
const defaultPgliteDir = join(home, '.data', 'pglite');

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a whole number')
    .min(1, 'must be from 1 to 65535')
    .max(65535, 'must be from 1 to 65535')
    .default(4000),
  HOST: z.string().min(1, 'must not be empty').default('localhost'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a PostgreSQL URL such as postgres://user@host:5432/kapmap')
    .optional(),
  /**
   * A read replica of DATABASE_URL (PostgreSQL streaming replication): anonymous directory reads go there;
   * writes, sessions and whatever a signed-in user reads stay on DATABASE_URL.
   */
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a PostgreSQL URL such as postgres://user@replica:5432/kapmap')
    .optional(),
  /**
   * `kapmap serve` migrates first (the default, and what the embedded database needs). With false it waits
   * for `kapmap migrate` to have run: set it where a migration Job or one-shot service does that.
   */
  MIGRATE_ON_START: boolean.default(true),
  PGLITE_DIR: z.string().min(1, 'must not be empty').default(defaultPgliteDir),
  DEMO_DATA: boolean.default(true),
  /** With a Mapbox access token, places the offline ZIP table cannot answer go to Mapbox's geocoder. */
  MAPBOX_TOKEN: z
    .string()
    .regex(/^[a-z]{2}\.[\w.-]+$/, 'must be a Mapbox access token such as pk.eyJ…')
    .optional(),
  /** A public (pk.) token for the browser's map: with one, the map is mapbox-gl with a Mapbox style. */
  MAPBOX_PUBLIC_TOKEN: z
    .string()
    .regex(/^pk\.[\w.-]+$/, 'must be a public Mapbox token, starting pk.')
    .optional(),
  /** The built web app to serve at /; an empty folder or a missing one serves the API alone. */
  // A relative folder is taken from where kapmap was started, as a shell would.
  WEB_ROOT: z
    .string()
    .min(1, 'must not be empty')
    .default(defaultWebRoot)
    .transform((p) => resolve(p)),
  DB_POOL_SIZE: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(200)
    .default(10),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int('must be a whole number')
    .min(1024, 'must be at least 1024')
    .default(65_536),
  /** Where people reach the web app: the start of every link in an email. Defaults to http://localhost:PORT. */
  PUBLIC_URL: z.string().url('must be a URL such as https://kapmap.example.org').optional(),
  /** Send email through this SMTP server (smtp://user:pass@host:587); without it, email goes to the log. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, 'must be an SMTP URL such as smtp://user:password@mail.example.org:587')
    .optional(),
  MAIL_FROM: z.string().min(3).default('kapmap <no-reply@kapmap.localhost>'),
  /** Session cookies only over HTTPS. Defaults to on unless NODE_ENV=development (the default for `pnpm start`). */
  SECURE_COOKIES: boolean.optional(),
  /** Behind a reverse proxy you run: take the client's address from X-Forwarded-For. */
  TRUST_PROXY: boolean.default(false),
  /**
   * The key that seals patient data in referrals (AES-256-GCM): 32 random bytes as base64 or hex. Required
   * with NODE_ENV=production; otherwise, when unset, a key is generated into PHI_KEY_FILE on first start.
   */
  PHI_KEY: z
    .string()
    .regex(
      /^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/,
      'must be 32 random bytes as 64 hex digits or base64 (openssl rand -base64 32)',
    )
    .optional(),
  PHI_KEY_FILE: z
    .string()
    .min(1, 'must not be empty')
    .default(join(home, '.data', 'phi.key')),
  /** PostgreSQL cancels a statement that runs longer than this (signed-in requests, workers). */
  STATEMENT_TIMEOUT_MS: z.coerce.number().int('must be a whole number').min(100).max(600_000).default(15_000),
  /** The same for anonymous requests, which anyone can send. */
  PUBLIC_STATEMENT_TIMEOUT_MS: z.coerce
    .number()
    .int('must be a whole number')
    .min(100)
    .max(600_000)
    .default(3_000),
  /** A request whose headers and body have not arrived by then gets 408. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int('must be a whole number').min(1_000).max(600_000).default(30_000),
  /**
   * After SIGTERM, how long /readyz answers 503 while requests are still taken, before the server stops
   * accepting them: time for a load balancer to notice. 0 (the default) closes at once.
   */
  SHUTDOWN_DELAY_MS: z.coerce.number().int('must be a whole number').min(0).max(120_000).default(0),
  /** Open connections one client address may hold (0: no cap; the default behind TRUST_PROXY). */
  MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int('must be a whole number').min(0).optional(),
  /**
   * Anonymous public answers kept in memory by each process (graphql/public-cache.ts), within its 64 MiB;
   * 0 turns the cache off.
   */
  PUBLIC_CACHE_ENTRIES: z.coerce
    .number()
    .int('must be a whole number')
    .min(0)
    .max(1_000_000)
    .default(DEFAULT_PUBLIC_CACHE_ENTRIES),
  /** The longest browsers and CDNs may keep a public answer: its Cache-Control max-age (seconds). */
  PUBLIC_CACHE_SECONDS: z.coerce.number().int('must be a whole number').min(1).max(3_600).default(60),
  /**
   * How long each process keeps a public answer while no listing changes (seconds): every listing write drops
   * it at once in every process, so this only bounds what a lost notification could leave.
   */
  PUBLIC_CACHE_KEEP_SECONDS: z.coerce
    .number()
    .int('must be a whole number')
    .min(1)
    .max(86_400)
    .default(DEFAULT_PUBLIC_CACHE_KEEP_SECONDS),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
});

const checked = schema.superRefine((env, ctx) => {
  if (env.DATABASE_READ_URL && !env.DATABASE_URL)
    ctx.addIssue({
      code: 'custom',
      path: ['DATABASE_READ_URL'],
      message: 'needs DATABASE_URL: a read replica is of a PostgreSQL primary, not of the embedded database',
    });
  // Without SMTP_URL email is written to the log, links and addresses included: a development aid only.
  if (env.NODE_ENV === 'production' && !env.SMTP_URL)
    ctx.addIssue({
      code: 'custom',
      path: ['SMTP_URL'],
      message:
        'is required with NODE_ENV=production: without it kapmap writes each email, with its sign-in links, to the log',
    });
  if (env.NODE_ENV === 'production' && !env.PHI_KEY)
    ctx.addIssue({
      code: 'custom',
      path: ['PHI_KEY'],
      message:
        'is required with NODE_ENV=production: patient data is sealed under it (generate one with openssl rand -base64 32 and keep it in your secret store)',
    });
});

export type Env = z.infer<typeof schema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = checked.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => {
    const name = String(i.path[0]);
    return `  ${name}=${JSON.stringify(source[name] ?? '')}: ${i.message}`;
  });
  throw new ConfigError(`kapmap cannot start: fix these settings in the environment.\n${lines.join('\n')}`);
}
