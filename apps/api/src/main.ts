import { createDb } from '@kapmap/db/client';
import { prepareDatabase } from '@kapmap/db/seed';
import { MapboxGeocoder, offlineGeocoder } from '@kapmap/geo';
import { ConfigError, loadEnv } from './env.js';
import { firstAdminSetup } from './modules/accounts/first-admin.js';
import { createSender, startOutboxWorker } from './modules/accounts/outbox.js';
import { createSealer, keyFromFile, parseKey } from './modules/referrals/sealing.js';
import { checkSealerOpens } from './modules/referrals/store.js';
import { createServer } from './server.js';

try {
  const env = loadEnv();
  const where = env.DATABASE_URL ? 'PostgreSQL' : `PGlite in ${env.PGLITE_DIR}`;
  const db = await createDb({
    url: env.DATABASE_URL,
    dataDir: env.DATABASE_URL ? undefined : env.PGLITE_DIR,
    maxConnections: env.DB_POOL_SIZE,
    statementTimeoutMs: env.STATEMENT_TIMEOUT_MS,
    publicStatementTimeoutMs: env.PUBLIC_STATEMENT_TIMEOUT_MS,
  });
  const { seededDemo } = await prepareDatabase(db, { demo: env.DEMO_DATA }).catch((error: unknown) => {
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new ConfigError(
      `kapmap cannot prepare its database on ${where}: ${cause}.\n` +
        (env.DATABASE_URL
          ? '  The search needs the cube and earthdistance extensions: run infra/postgres/prepare.sh as a superuser.'
          : `  Delete ${env.PGLITE_DIR} to start again with a fresh embedded database.`),
    );
  });
  const geocoder = env.MAPBOX_TOKEN
    ? new MapboxGeocoder({
        accessToken: env.MAPBOX_TOKEN,
        offline: offlineGeocoder(),
        onError: (error) => console.warn(`Mapbox geocoding failed; answering offline: ${String(error)}`),
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
  const firstAdmin = await firstAdminSetup(db.db);
  const publicUrl =
    env.PUBLIC_URL ??
    `http://${env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST}:${env.PORT}`;
  const lifecycle = { draining: false };
  const app = await createServer({
    firstAdmin,
    lifecycle,
    pendingMigrations: () => db.pendingMigrations(),
    db: db.db,
    publicDb: db.publicDb,
    sealer,
    geocoder,
    maxBodyBytes: env.MAX_BODY_BYTES,
    logLevel: env.LOG_LEVEL,
    web: { root: env.WEB_ROOT, publicConfig: { mapboxToken: env.MAPBOX_PUBLIC_TOKEN ?? null } },
    publicUrl,
    secureCookies: env.SECURE_COOKIES ?? env.NODE_ENV !== 'development',
    trustProxy: env.TRUST_PROXY,
    production: env.NODE_ENV === 'production',
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
  const outbox = startOutboxWorker(db.db, send, { onError: (e) => app.log.error(e, 'outbox worker') });
  const shutdown = async () => {
    // Not ready from this moment (/readyz 503); requests in flight finish; then the process exits.
    lifecycle.draining = true;
    if (env.SHUTDOWN_DELAY_MS > 0) await new Promise((r) => setTimeout(r, env.SHUTDOWN_DELAY_MS));
    await outbox.stop();
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await app.listen({ port: env.PORT, host: env.HOST });
  console.log(
    `kapmap API on ${where}${seededDemo ? ' (demo data seeded: fictional clinics)' : ''}\n` +
      `  Web app: ${publicUrl}/\n` +
      `  GraphQL: ${publicUrl}/graphql`,
  );
  if (firstAdmin)
    console.log(
      '\nNo platform admin yet. To create the first one, open this single-use link (it works until an admin exists):\n' +
        `  ${firstAdmin.link(publicUrl)}\n`,
    );
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
