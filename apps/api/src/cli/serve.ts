import { MapboxGeocoder, offlineGeocoder } from '@kapmap/geo';
import { ConfigError, type Env } from '../env.js';
import { createPublicCache, dropOnListingChange } from '../graphql/public-cache.js';
import { scrub } from '../log.js';
import { createMetrics } from '../metrics.js';
import { firstAdminSetup } from '../modules/accounts/first-admin.js';
import { createSender, startOutboxWorker } from '../modules/accounts/outbox.js';
import { createSealer, keyFromFile, parseKey } from '../modules/referrals/sealing.js';
import { checkSealerOpens } from '../modules/referrals/store.js';
import { createServer, sessionCookieName } from '../server.js';
import { openDatabase, prepare, waitForSchema } from './database.js';

/**
 * `kapmap serve`: the API and the web app, with the outbox worker. With MIGRATE_ON_START (the default) it
 * first migrates and seeds as `kapmap migrate` does; without, it waits until a migration step has made the
 * schema current, so that a replica never serves a schema older than its code.
 */
export async function serve(env: Env): Promise<void> {
  const { db, where } = await openDatabase(env);
  let seededDemo = false;
  if (env.MIGRATE_ON_START) ({ seededDemo } = await prepare(db, env, where));
  else await waitForSchema(db, (line) => console.log(line));
  const geocoder = env.MAPBOX_TOKEN
    ? new MapboxGeocoder({
        accessToken: env.MAPBOX_TOKEN,
        offline: offlineGeocoder(),
        onError: (error) =>
          console.warn(`Mapbox geocoding failed; answering offline: ${scrub(String(error))}`),
      })
    : offlineGeocoder();
  const phiKey = env.PHI_KEY ? { key: parseKey(env.PHI_KEY), created: false } : keyFromFile(env.PHI_KEY_FILE);
  const sealer = createSealer(phiKey.key);
  if (phiKey.created)
    console.log(`Generated a patient-data key in ${env.PHI_KEY_FILE} (keep it with the data).`);
  // A wrong key must stop the server at start, not fail on the first referral someone opens.
  await checkSealerOpens(db.db, sealer).catch((error: unknown) => {
    throw new ConfigError(`kapmap cannot open the patient data in ${where}: ${String(error)}`);
  });
  const production = env.NODE_ENV === 'production';
  // A setup link is a credential: production logs never carry one (there, `kapmap create-admin` makes the first).
  const firstAdmin = production ? null : await firstAdminSetup(db.db);
  const publicUrl =
    env.PUBLIC_URL ??
    `http://${env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST}:${env.PORT}`;
  const lifecycle = { draining: false };
  const metrics = createMetrics({ db: db.db, pools: () => db.poolStats() });
  const secureCookies = env.SECURE_COOKIES ?? env.NODE_ENV !== 'development';
  const publicCache =
    env.PUBLIC_CACHE_ENTRIES > 0
      ? createPublicCache({
          maxEntries: env.PUBLIC_CACHE_ENTRIES,
          maxAgeSeconds: env.PUBLIC_CACHE_SECONDS,
          keepSeconds: env.PUBLIC_CACHE_KEEP_SECONDS,
          cookieName: sessionCookieName(secureCookies),
          replica: Boolean(env.DATABASE_READ_URL),
        })
      : undefined;
  // Any process's write to a listing drops every process's cache; so does listening again after a lost
  // connection, which may have missed some.
  const stopListening = publicCache ? await dropOnListingChange(db, publicCache) : null;
  const app = await createServer({
    ...(publicCache ? { publicCache } : {}),
    firstAdmin,
    lifecycle,
    metrics,
    pendingMigrations: () => db.pendingMigrations(),
    db: db.db,
    publicDb: db.publicDb,
    readDb: db.readDb,
    sealer,
    geocoder,
    maxBodyBytes: env.MAX_BODY_BYTES,
    logLevel: env.LOG_LEVEL,
    web: { root: env.WEB_ROOT, publicConfig: { mapboxToken: env.MAPBOX_PUBLIC_TOKEN ?? null } },
    publicUrl,
    secureCookies,
    trustProxy: env.TRUST_PROXY,
    production,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    ...(env.MAX_CONNECTIONS_PER_ADDRESS !== undefined
      ? { maxConnectionsPerAddress: env.MAX_CONNECTIONS_PER_ADDRESS }
      : {}),
  });
  const send = createSender({
    smtpUrl: env.SMTP_URL,
    from: env.MAIL_FROM,
    // Development only (production requires SMTP_URL): the email as plain lines, its link easy to copy.
    log: (line) => console.log(`\n--- email (no SMTP_URL: written here instead of sent) ---\n${line}\n---\n`),
  });
  const outbox = startOutboxWorker(db.db, send, {
    onError: (e) => {
      metrics.countFailure('outbox_worker');
      app.log.error(e, 'outbox worker');
    },
    onSendFailed: () => metrics.countFailure('email_send'),
  });
  const shutdown = async () => {
    // Not ready from this moment (/readyz 503); requests in flight finish; then the process exits.
    lifecycle.draining = true;
    if (env.SHUTDOWN_DELAY_MS > 0) await new Promise((r) => setTimeout(r, env.SHUTDOWN_DELAY_MS));
    await outbox.stop();
    await stopListening?.();
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await app.listen({ port: env.PORT, host: env.HOST });
  const started = `kapmap API on ${where}${seededDemo ? ' (demo data seeded: fictional clinics)' : ''}`;
  if (production) {
    // Production logs are JSON lines only.
    app.log.info({ publicUrl, readReplica: Boolean(env.DATABASE_READ_URL) }, started);
    return;
  }
  console.log(`${started}\n  Web app: ${publicUrl}/\n  GraphQL: ${publicUrl}/graphql`);
  if (firstAdmin)
    console.log(
      '\nNo platform admin yet. To create the first one, open this single-use link (it works until an admin exists):\n' +
        `  ${firstAdmin.link(publicUrl)}\n`,
    );
}
