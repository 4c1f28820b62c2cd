/**
 * `pnpm bench:search [--locations N] [--duration S] [--connections C] [--rounds R] [--warm S] [--warm-searches N]`
 *
 * Fills a PostgreSQL database with N synthetic locations (100,000 by default; `--locations 1000000` for the
 * full target) spread like the US population, then measures side by side, with autocannon on loopback:
 *   (a) a bare node:http handler running the nearby search's SQL through postgres.js, and
 *   (b) the same search through kapmap's /graphql,
 * for "the nearest 20 locations within 25 miles of a point, with id, name, distance and clinic name", the
 * point drawn per request from 50 US city centers. It checks both answer the same, prints requests/s, p50
 * and p99 for each and the ratio b/a, then the cost of also asking for totalCount and bounds, and for the
 * bounded count (boundedCount, which stops at 1,000) instead.
 * Each server runs in a child process of its own, so the load generator does not share its event loop.
 */
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ApolloServer } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import { createDb } from '@kapmap/db/client';
import { benchDatabase, zipWeights } from '@kapmap/db/generate';
import { seededRandom } from '@kapmap/db/seed';
import { METERS_PER_MILE, offlineGeocoder } from '@kapmap/geo';
import { clusterRequest, mercatorY } from '@kapmap/geo/map-grid';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { buildSchema } from 'graphql';
import postgres from 'postgres';
import { createPublicCache } from '../src/graphql/public-cache.js';
import { createSealer } from '../src/modules/referrals/sealing.js';
import { createServer, sessionCookieName } from '../src/server.js';
import { CITY_CENTRES } from './cities.js';

const RADIUS_MILES = 25;
const POOL = 10;

/**
 * The nearby search as a hand-written server would send it: the same shape as kapmap's (nearest-first over
 * the GiST index inside the radius's box, the exact radius checked outside the LIMIT), in one statement,
 * with the clinic's name joined in.
 */
const BARE_SQL = `
  SELECT n.id, n.name, n.clinic_name, n.meters FROM (
    SELECT l.id, l.name, c.name AS clinic_name,
           earth_distance(l.earth, ll_to_earth($1::float8, $2::float8)) AS meters
    FROM locations l JOIN clinics c ON c.id = l.clinic_id
    WHERE l.kind = 'physical' AND l.listed
      AND earth_box(ll_to_earth($1::float8, $2::float8), $3::float8) @> l.earth
    ORDER BY l.earth <-> ll_to_earth($1::float8, $2::float8)
    LIMIT 21
  ) n WHERE n.meters <= $3::float8`;

const GRAPHQL_QUERY = `query Nearby($near: GeoPointInput!) {
  searchLocations(near: $near, radius: ${RADIUS_MILES}, first: 20) {
    edges { distance node { id name clinic { name } } }
  } }`;
const GRAPHQL_WITH_SUMMARY = `query NearbyWithSummary($near: GeoPointInput!) {
  searchLocations(near: $near, radius: ${RADIUS_MILES}, first: 20) {
    totalCount bounds { north south east west }
    edges { distance node { id name clinic { name } } }
  } }`;

const GRAPHQL_WITH_BOUNDED = `query NearbyWithBoundedCount($near: GeoPointInput!) {
  searchLocations(near: $near, radius: ${RADIUS_MILES}, first: 20) {
    boundedCount(upTo: 1000) { value exact }
    edges { distance node { id name clinic { name } } }
  } }`;

interface Answer {
  id: string;
  name: string;
  clinicName: string;
  miles: number;
}

/* ---------- child processes: the two servers ---------- */

async function serveBare(url: string): Promise<number> {
  const sql = postgres(url, { max: POOL, onnotice: () => {} });
  const server = createHttpServer(async (req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const lat = Number(q.get('lat'));
    const lng = Number(q.get('lng'));
    const rows = await sql.unsafe(BARE_SQL, [lat, lng, RADIUS_MILES * METERS_PER_MILE], { prepare: true });
    const edges = rows.slice(0, 20).map((r) => ({
      distance: Number(r.meters) / METERS_PER_MILE,
      node: { id: r.id, name: r.name, clinic: { name: r.clinic_name } },
    }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: { searchLocations: { edges } } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function serveGraphql(url: string, cached = false): Promise<number> {
  const db = await createDb({ url, maxConnections: POOL });
  const app = await createServer({
    // As `kapmap serve` runs it (the benchmark writes no listing, so nothing drops it).
    ...(cached ? { publicCache: createPublicCache({ cookieName: sessionCookieName(false) }) } : {}),
    db: db.db,
    geocoder: offlineGeocoder(),
    sealer: createSealer(randomBytes(32)),
    logLevel: 'silent',
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as { port: number }).port;
}

/**
 * A reference point, not kapmap: Apollo Server on the same Fastify integration with a one-field schema whose
 * hand-written resolver runs the bare SQL. It shows what Apollo itself costs on this machine.
 */
async function servePlainApollo(url: string): Promise<number> {
  const sql = postgres(url, { max: POOL, onnotice: () => {} });
  const schema = buildSchema(`
    input GeoPointInput { lat: Float!  lng: Float! }
    type Clinic { name: String! }
    type Location { id: ID!  name: String!  clinic: Clinic! }
    type Edge { distance: Float!  node: Location! }
    type Connection { edges: [Edge!]! }
    type Query { searchLocations(near: GeoPointInput!, radius: Float, first: Int): Connection! }`);
  const field = schema.getQueryType()?.getFields().searchLocations;
  if (!field) throw new Error('no searchLocations field');
  field.resolve = async (_root, args: { near: { lat: number; lng: number }; radius: number }) => {
    const rows = await sql.unsafe(BARE_SQL, [args.near.lat, args.near.lng, args.radius * METERS_PER_MILE], {
      prepare: true,
    });
    return {
      edges: rows.slice(0, 20).map((r) => ({
        distance: Number(r.meters) / METERS_PER_MILE,
        node: {
          id: Buffer.from(`Location:${r.id}`).toString('base64'),
          name: r.name,
          clinic: { name: r.clinic_name },
        },
      })),
    };
  };
  const app = Fastify();
  const apollo = new ApolloServer({ schema, plugins: [fastifyApolloDrainPlugin(app)] });
  await apollo.start();
  app.route({ url: '/graphql', method: ['GET', 'POST', 'OPTIONS'], handler: fastifyApolloHandler(apollo) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as { port: number }).port;
}

async function child(role: string, url: string) {
  const port =
    role === 'bare'
      ? await serveBare(url)
      : role === 'plain'
        ? await servePlainApollo(url)
        : await serveGraphql(url, role === 'cached');
  process.send?.({ port });
}

function startChild(
  role: 'bare' | 'plain' | 'graphql' | 'cached',
  url: string,
): Promise<{ port: number; stop: () => void }> {
  return new Promise((resolve, reject) => {
    // Every server as deployments run it (the Containerfile and the manifests set NODE_ENV=production: graphql-js,
    // for one, skips its development-time checks of every value's type).
    const proc = fork(fileURLToPath(import.meta.url), ['--serve', role, '--url', url], {
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    proc.once('message', (m: { port: number }) => resolve({ port: m.port, stop: () => proc.kill() }));
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`${role} server exited with ${code}`)));
  });
}

/* ---------- the parent: data, correctness check, load ---------- */

async function prepare(locations: number): Promise<string> {
  const started = Date.now();
  let generated = false;
  const url = await benchDatabase(locations, {
    onProgress: (done, total) => {
      generated = true;
      process.stdout.write(`\rGenerating locations: ${done.toLocaleString()} / ${total.toLocaleString()}`);
    },
  });
  console.log(
    generated
      ? ` (${((Date.now() - started) / 1000).toFixed(0)} s)`
      : `Using kapmap_bench_${locations}: ${locations.toLocaleString()} locations generated earlier.`,
  );
  return url;
}

function answersOf(body: unknown): Answer[] {
  const edges = (
    body as {
      data: {
        searchLocations: {
          edges: { distance: number; node: { id: string; name: string; clinic: { name: string } } }[];
        };
      };
    }
  ).data.searchLocations.edges;
  return edges.map((e) => ({
    id: e.node.id,
    name: e.node.name,
    clinicName: e.node.clinic.name,
    miles: e.distance,
  }));
}

const graphqlBody = (query: string, lat: number, lng: number) =>
  JSON.stringify({ query, variables: { near: { lat, lng } } });

async function checkSameAnswers(barePort: number, gqlPort: number): Promise<number> {
  let results = 0;
  for (const city of CITY_CENTRES) {
    const bare = answersOf(
      await (await fetch(`http://127.0.0.1:${barePort}/?lat=${city.lat}&lng=${city.lng}`)).json(),
    );
    const res = await fetch(`http://127.0.0.1:${gqlPort}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: graphqlBody(GRAPHQL_QUERY, city.lat, city.lng),
    });
    const gql = answersOf(await res.json());
    // GraphQL ids are global IDs: base64 of "Location:<uuid>".
    const gqlIds = gql.map((a) => Buffer.from(a.id, 'base64').toString().split(':')[1]);
    const same =
      bare.length === gql.length &&
      bare.every(
        (b, i) =>
          b.id === gqlIds[i] &&
          b.name === gql[i]?.name &&
          b.clinicName === gql[i]?.clinicName &&
          Math.abs(b.miles - (gql[i]?.miles ?? Number.NaN)) < 1e-9,
      );
    if (!same) throw new Error(`the two servers answer differently near ${city.name}`);
    results += bare.length;
  }
  return results;
}

interface Place {
  lat: number;
  lng: number;
}

/**
 * Where people search from, as the web app sends it: a ZIP code's center drawn by how many people live around
 * it (the weights the generator spreads locations by), and one search in LOCATE_SHARE a "use my location"
 * point: a spot within a few miles of such a center, rounded to 0.01° as the web app rounds a phone's fix
 * (`locate()` in apps/web/src/search/SearchForm.tsx), so two such searches repeat only when they fall in the
 * same cell of about a kilometer.
 */
const LOCATE_SHARE = 0.15;
function populationWorkload(n: number, seed = 20261202): Place[] {
  const zips = zipWeights();
  const total = zips.reduce((sum, z) => sum + z.weight, 0);
  let acc = 0;
  const cumulative = zips.map((z) => {
    acc += z.weight / total;
    return acc;
  });
  const next = seededRandom(seed);
  const draw = () => {
    const r = next();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 1) < r) lo = mid + 1;
      else hi = mid;
    }
    return zips[lo] ?? zips[0];
  };
  return Array.from({ length: n }, () => {
    const z = draw();
    if (!z) return { lat: 40.7128, lng: -74.006 };
    if (next() >= LOCATE_SHARE) return { lat: z.lat, lng: z.lng };
    // Up to about 5 miles from the center, in any direction.
    const d = next() * 0.07;
    const a = next() * 2 * Math.PI;
    const km = (n: number) => Math.round(n * 100) / 100;
    return {
      lat: km(z.lat + d * Math.cos(a)),
      lng: km(z.lng + (d * Math.sin(a)) / Math.cos((z.lat * Math.PI) / 180)),
    };
  });
}

/**
 * What Chromium sends with every request over HTTPS, as a deployment serves it (over plain HTTP it asks for gzip
 * alone). The uncached rows send none, as the bare handler compresses nothing.
 */
const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

const CITY_WORKLOAD: Place[] = CITY_CENTRES.map((c) => ({ lat: c.lat, lng: c.lng }));

/** What the whole-search run reads of the web app's three answers. */
interface WebSearchData {
  searchLocations?: { edges?: { node: { coordinates: Place | null } }[]; mapClusters?: unknown[] };
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(
  port: number,
  kind: 'bare' | 'graphql' | 'get',
  query: string,
  /** Seconds to run, or a number of searches to send (a warm-up that must see so many). */
  budget: number | { searches: number },
  connections: number,
  places: Place[] = CITY_WORKLOAD,
): Promise<Figures> {
  let i = 0;
  const next = () => places[i++ % places.length] ?? places[0];
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    ...(typeof budget === 'number' ? { duration: budget } : { amount: budget.searches }),
    requests: [
      {
        setupRequest: (req) => {
          const c = next();
          if (!c) return req;
          if (kind === 'bare') return { ...req, method: 'GET', path: `/?lat=${c.lat}&lng=${c.lng}` };
          if (kind === 'get') {
            // What the web app sends for a public query: a GET a CDN could keep.
            const params = new URLSearchParams({
              query,
              variables: JSON.stringify({ near: { lat: c.lat, lng: c.lng } }),
            });
            return {
              ...req,
              method: 'GET',
              path: `/graphql?${params}`,
              // As a browser asks over HTTPS: a hit then goes out as the cache keeps it, compressed.
              headers: { 'apollo-require-preflight': 'true', 'accept-encoding': BROWSER_ACCEPT_ENCODING },
            };
          }
          return {
            ...req,
            method: 'POST',
            path: '/graphql',
            headers: { 'content-type': 'application/json' },
            body: graphqlBody(query, c.lat, c.lng),
          };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** What the web app's search page sends for one search (apps/web/src/search/queries.ts), its fields in full. */
const WEB_LIST = `query SearchList($near: GeoPointInput) {
  searchLocations(near: $near, radius: ${RADIUS_MILES}, first: 20) {
    origin { label lat lng state }
    edges { cursor distance node { ...LocationSummary } }
    pageInfo { hasNextPage endCursor }
    telehealth { ...LocationSummary }
  } }
  fragment LocationSummary on Location {
    id name phone acceptingNewPatients typicalWaitDays isTelehealth servesStates
    address { line1 city state postalCode } coordinates { lat lng }
    clinic { id name isSample notRecentlyConfirmed }
    offeredRoutes { priceUsd route { code name } } acceptedConditions { code name }
  }`;
const WEB_COUNT = `query SearchCount($near: GeoPointInput) {
  searchLocations(near: $near, radius: ${RADIUS_MILES}, first: 1) { boundedCount(upTo: 1000) { value exact } } }`;
const WEB_MAP = `query SearchMap($near: GeoPointInput, $zoom: Int!, $within: GeoBoundsInput) {
  searchLocations(near: $near, radius: ${RADIUS_MILES}, first: 1) {
    mapClusters(zoom: $zoom, within: $within) { count lat lng id bounds { north south east west } }
  } }`;

/** The desktop map pane (1280 × 900 page) and how the web app fits a search's results into it. */
const MAP_PANE = { width: 816, height: 580, padding: 48, maxZoom: 12 };

/**
 * The view the web app's map settles on for a search (maplibre's fitBounds over the page's results and the
 * origin, as ClinicMapCore does it), as mapClusters is then asked for it (clusterRequest).
 */
function fittedView(points: Place[]): ClusterView {
  const xs = points.map((p) => (p.lng + 180) / 360);
  const ys = points.map((p) => mercatorY(p.lat));
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const zoomToFit = (px: number, span: number) =>
    Math.log2((px - 2 * MAP_PANE.padding) / (512 * Math.max(span, 1e-12)));
  const zoom = Math.min(
    MAP_PANE.maxZoom,
    zoomToFit(MAP_PANE.width, x1 - x0),
    zoomToFit(MAP_PANE.height, y1 - y0),
  );
  const world = 512 * 2 ** zoom;
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  const lngOf = (x: number) => x * 360 - 180;
  const latOf = (y: number) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
  const [hx, hy] = [MAP_PANE.width / 2 / world, MAP_PANE.height / 2 / world];
  return clusterRequest(
    { west: lngOf(cx - hx), east: lngOf(cx + hx), north: latOf(cy - hy), south: latOf(cy + hy) },
    zoom,
  );
}
type ClusterView = ReturnType<typeof clusterRequest>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The web page's whole search, as a browser makes it: the list and the bounded count at once, then the map's
 * clusters for the view the list's results are fitted to, timed from the first byte sent to the last
 * received, `workers` searches in flight at a time. By POST (`via: 'post'`: nothing is kept), or as the web
 * app sends them (`'get'`): GET with the document's SHA-256 alone (automatic persisted queries), and once
 * more with its text when the server answers PERSISTED_QUERY_NOT_FOUND (apps/web/src/graphql/client.ts).
 */
async function wholeSearch(
  port: number,
  seconds: number,
  workers: number,
  places: Place[],
  via: 'post' | 'get' = 'post',
): Promise<Figures & { cells: number }> {
  const times: number[] = [];
  let errors = 0;
  let cells = 0;
  let i = 0;
  const until = Date.now() + seconds * 1000;
  type Answer = { data?: WebSearchData; errors?: { extensions?: { code?: string } }[] };
  const get = async (query: string, variables: Record<string, unknown>, withText: boolean) => {
    const params = new URLSearchParams({
      ...(withText ? { query } : {}),
      variables: JSON.stringify(variables),
      extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(query) } }),
    });
    const res = await fetch(`http://127.0.0.1:${port}/graphql?${params}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    return { res, body: (await res.json()) as Answer };
  };
  const send = async (query: string, variables: Record<string, unknown>) => {
    let answer: { res: Response; body: Answer };
    if (via === 'get') {
      answer = await get(query, variables, false);
      if (answer.body.errors?.[0]?.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND') {
        answer = await get(query, variables, true);
      }
    } else {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      answer = { res, body: (await res.json()) as Answer };
    }
    if (!answer.res.ok || answer.body.errors) errors++;
    return answer.body.data;
  };
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < until) {
        const near = places[i++ % places.length] ?? { lat: 40.7, lng: -74 };
        const started = performance.now();
        const [list] = await Promise.all([send(WEB_LIST, { near }), send(WEB_COUNT, { near })]);
        const shown: Place[] = (list?.searchLocations?.edges ?? []).flatMap((e) =>
          e.node.coordinates ? [e.node.coordinates] : [],
        );
        const map = await send(WEB_MAP, { near, ...fittedView([...shown, near]) });
        cells += map?.searchLocations?.mapClusters?.length ?? 0;
        times.push(performance.now() - started);
      }
    }),
  );
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return {
    rps: times.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    errors,
    cells: cells / Math.max(1, times.length),
  };
}

/** The public cache's hits and misses so far, from the process's /metrics. */
async function cacheCounts(port: number): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const count = (result: string) =>
    Number(
      text.match(new RegExp(`kapmap_public_cache_requests_total\\{result="${result}"\\} (\\d+)`))?.[1] ?? 0,
    );
  return { hit: count('hit'), miss: count('miss') };
}

async function explainGenericPlan(url: string) {
  // postgres.js prepares statements; after five runs PostgreSQL may switch to a generic plan. Check that one.
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql.unsafe('SET plan_cache_mode = force_generic_plan');
  const nyc = CITY_CENTRES[0] ?? { lat: 40.7, lng: -74 };
  const rows = await sql.unsafe(`EXPLAIN ${BARE_SQL}`, [nyc.lat, nyc.lng, RADIUS_MILES * METERS_PER_MILE], {
    prepare: true,
  });
  await sql.end();
  const plan = rows.map((r) => Object.values(r)[0]).join('\n');
  const knn = /Index Scan using locations_(public_)?earth_idx[\s\S]*Order By/.test(plan);
  return { plan, knn };
}

async function main() {
  const { values } = parseArgs({
    options: {
      locations: { type: 'string', default: '100000' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      warm: { type: 'string', default: '120' },
      'warm-searches': { type: 'string', default: '300000' },
    },
  });
  const locations = Number(values.locations);
  const seconds = Number(values.duration);
  const connections = Number(values.connections);
  const rounds = Number(values.rounds);
  const warm = Number(values.warm);
  const warmSearches = Number(values['warm-searches']);
  const url = await prepare(locations);

  const generic = await explainGenericPlan(url);
  console.log(
    `Generic plan of the prepared search walks the GiST index nearest-first: ${generic.knn ? 'yes' : 'NO'}`,
  );
  if (!generic.knn) console.log(generic.plan);

  const bare = await startChild('bare', url);
  const plain = await startChild('plain', url);
  const gql = await startChild('graphql', url);
  const cached = await startChild('cached', url);
  const population = populationWorkload(20_000);
  try {
    const checked = await checkSameAnswers(bare.port, gql.port);
    console.log(`Both servers give the same ${checked} results for the 50 city centers.`);
    // Warm all three (JIT, connection pools, prepared statements) before measuring.
    await load(bare.port, 'bare', '', 2, connections);
    await load(gql.port, 'graphql', GRAPHQL_QUERY, 2, connections);
    await load(plain.port, 'graphql', GRAPHQL_QUERY, 2, connections);
    // Interleaved rounds, each server in turn, so a noisy stretch of this shared machine hits all of them:
    // the round with the median throughput stands for each. Places from the 50 city centers, then drawn by
    // population with a share of "use my location" points.
    const runs = { a: [], b: [], p: [], aPop: [], bPop: [], pPop: [] } as Record<string, Figures[]>;
    for (let round = 0; round < rounds; round++) {
      runs.a?.push(await load(bare.port, 'bare', '', seconds, connections));
      runs.b?.push(await load(gql.port, 'graphql', GRAPHQL_QUERY, seconds, connections));
      runs.p?.push(await load(plain.port, 'graphql', GRAPHQL_QUERY, seconds, connections));
      runs.aPop?.push(await load(bare.port, 'bare', '', seconds, connections, population));
      runs.bPop?.push(await load(gql.port, 'graphql', GRAPHQL_QUERY, seconds, connections, population));
      runs.pPop?.push(await load(plain.port, 'graphql', GRAPHQL_QUERY, seconds, connections, population));
    }
    const mid = (xs: Figures[] | undefined): Figures => {
      const sorted = [...(xs ?? [])].sort((x, y) => x.rps - y.rps);
      return (
        sorted[Math.floor(sorted.length / 2)] ?? {
          rps: Number.NaN,
          p50: Number.NaN,
          p99: Number.NaN,
          errors: 0,
        }
      );
    };
    const [a, b, p, aPop, bPop, pPop] = [runs.a, runs.b, runs.p, runs.aPop, runs.bPop, runs.pPop].map(
      mid,
    ) as [Figures, Figures, Figures, Figures, Figures, Figures];
    const c = await load(gql.port, 'graphql', GRAPHQL_WITH_SUMMARY, seconds, connections);
    const d = await load(gql.port, 'graphql', GRAPHQL_WITH_BOUNDED, seconds, connections);
    // The same GETs with the public cache on, as a cache in service finds itself: warmed by `--warm-searches`
    // searches (300,000 by default: its 10-minute keep window at 500 searches a second; 120 s at this machine's
    // ~1,100 a second saw too few for rare ZIP codes to be asked twice) on the same distribution drawn with
    // another seed (its "use my location" points fall in the same 0.01° cells only as often as two people's
    // would), so every hit counted is one an earlier request paid for.
    await load(
      cached.port,
      'get',
      GRAPHQL_QUERY,
      { searches: warmSearches },
      connections,
      populationWorkload(200_000, 7),
    );
    const before = await cacheCounts(cached.port);
    const cPop = await load(cached.port, 'get', GRAPHQL_QUERY, seconds, connections, population);
    const after = await cacheCounts(cached.port);
    const hits = after.hit - before.hit;
    const hitRate = hits / Math.max(1, hits + after.miss - before.miss);
    // The web page's whole search (list, bounded count, map clusters) near the 50 city centers.
    await wholeSearch(gql.port, 2, connections, CITY_WORKLOAD);
    const w = await wholeSearch(gql.port, seconds, connections, CITY_WORKLOAD);
    // The whole search as the web app sends it (GET with persisted hashes, the public cache on), places drawn by
    // population, after warming the cache as above on the same distribution drawn with another seed.
    await wholeSearch(cached.port, warm, connections, populationWorkload(200_000, 11), 'get');
    const beforeWhole = await cacheCounts(cached.port);
    const wGet = await wholeSearch(cached.port, seconds, connections, population, 'get');
    const afterWhole = await cacheCounts(cached.port);
    const wholeHits = afterWhole.hit - beforeWhole.hit;
    const wholeHitRate = wholeHits / Math.max(1, wholeHits + afterWhole.miss - beforeWhole.miss);
    const row = (label: string, f: Figures) =>
      `${label.padEnd(44)} ${f.rps.toFixed(0).padStart(7)} ${f.p50.toFixed(1).padStart(8)} ${f.p99.toFixed(1).padStart(8)}${f.errors ? `   ${f.errors} errors` : ''}`;
    console.log(
      `\nNearest 20 within ${RADIUS_MILES} miles, ${locations.toLocaleString()} locations, ${connections} connections, ${seconds} s each; (a), (b) and the reference: the median of ${rounds} interleaved rounds`,
    );
    console.log(
      `${'server'.padEnd(44)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
    );
    console.log(row('(a) bare node:http + postgres.js', a));
    console.log(row('(b) /graphql (Apollo + Pothos + Drizzle)', b));
    console.log(row('(b) + totalCount and bounds', c));
    console.log(row('(b) + boundedCount(upTo: 1000)', d));
    console.log(row('reference: plain Apollo, hand-written resolver', p));
    console.log(`\nThe same, places drawn by population (${LOCATE_SHARE * 100}% "use my location" points)`);
    console.log(row('(a) bare node:http + postgres.js', aPop));
    console.log(row('(b) /graphql', bPop));
    console.log(row('reference: plain Apollo', pPop));
    console.log(row(`(c) /graphql GET, cache on (warmed ${warmSearches / 1000}k)`, cPop));
    console.log(
      `\nThe web page's whole search (list + boundedCount, then mapClusters for the fitted view), city centers, ${connections} at once`,
    );
    console.log(`${row('searches, by POST', w)}   (${w.cells.toFixed(0)} cells a map; target p50 < 100 ms)`);
    console.log(
      `${row('as the web app sends it, by population', wGet)}   (GET, public cache on, warmed ${warm} s: ${(wholeHitRate * 100).toFixed(0)}% of requests hits)`,
    );
    console.log(`\nratio b/a: ${(b.rps / a.rps).toFixed(2)}   (target >= 0.60; p99 target < 50 ms)`);
    console.log(`reference: plain Apollo / a: ${(p.rps / a.rps).toFixed(2)}`);
    console.log(
      `by population: b/a ${(bPop.rps / aPop.rps).toFixed(2)}, plain Apollo/a ${(pPop.rps / aPop.rps).toFixed(2)}, ` +
        `cached c/a ${(cPop.rps / aPop.rps).toFixed(2)} (target >= 2), cache hit rate ${(hitRate * 100).toFixed(0)}%`,
    );
    console.log(
      `totalCount + bounds cost: ${(((b.rps - c.rps) / b.rps) * 100).toFixed(0)}% of throughput, p50 +${(c.p50 - b.p50).toFixed(1)} ms`,
    );
    console.log(
      `boundedCount(upTo: 1000) costs: ${(((b.rps - d.rps) / b.rps) * 100).toFixed(0)}% of throughput, p50 +${(d.p50 - b.p50).toFixed(1)} ms`,
    );
  } finally {
    bare.stop();
    plain.stop();
    gql.stop();
    cached.stop();
  }
}

const serveIndex = process.argv.indexOf('--serve');
if (serveIndex >= 0) {
  await child(process.argv[serveIndex + 1] ?? '', process.argv[process.argv.indexOf('--url') + 1] ?? '');
} else {
  await main();
  process.exit(0);
}
