import { createDb } from './client.js';
import { generateLocations } from './generate.js';

/** `pnpm --filter @kapmap/db generate -- 100000`: adds N synthetic locations to DATABASE_URL (or local PGlite). */
const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 100_000);
const handle = await createDb({
  url: process.env.DATABASE_URL,
  dataDir: process.env.PGLITE_DIR ?? '.data/pglite',
});
await handle.migrate();
const started = Date.now();
await generateLocations(handle, {
  locations: n,
  onProgress: (done, total) =>
    console.log(`generated ${done.toLocaleString()} of ${total.toLocaleString()} locations`),
});
console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
await handle.close();
