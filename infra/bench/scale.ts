/**
 * `pnpm bench:scale [--locations N] [--duration S] [--connections C]`
 *
 * Public search through HAProxy with one API replica and with three, on the same data: a PostgreSQL
 * primary with N synthetic locations (100,000 by default) and its streaming replica, the APIs started from
 * the bare bundle as the scale test starts them (anonymous search reads from the replica). The two setups
 * are interleaved over rounds (1, 3, 1, 3, …) on this shared machine, and printed as a table.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDb } from '@kapmap/db/client';
import { generateLocations } from '@kapmap/db/generate';
import autocannon from 'autocannon';
import { CITY_CENTRES } from '../../apps/api/bench/cities.js';
import {
  type ApiProcess,
  freePort,
  gql,
  makeBundle,
  newPhiKey,
  runCommand,
  startApi,
  startHaproxy,
  startSmtpSink,
  waitFor,
} from '../scale/fleet.js';
import { startCluster } from '../scale/postgres.js';

const { values } = parseArgs({
  options: {
    locations: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
  },
});
const locations = Number(values.locations);
const duration = Number(values.duration);
const connections = Number(values.connections);
const rounds = Number(values.rounds);

const QUERY = `query Nearby($near: GeoPointInput!) {
  searchLocations(near: $near, radius: 25, first: 20) { edges { distance node { id name clinic { name } } } } }`;

const dir = mkdtempSync(join(tmpdir(), 'kapmap-bench-scale-'));
chmodSync(dir, 0o755);
const [pgPort, replicaPort, smtpPort, lb1Port, lb3Port, ...apiPorts] = await Promise.all(
  Array.from({ length: 8 }, () => freePort()),
);
const cleanup: (() => Promise<void> | void)[] = [];
try {
  console.log('Starting a PostgreSQL primary and its streaming replica…');
  const cluster = await startCluster(join(dir, 'pg'), pgPort as number, replicaPort as number);
  cleanup.push(() => cluster.stop());
  const smtp = await startSmtpSink(smtpPort as number);
  cleanup.push(() => smtp.stop());
  const bundle = makeBundle(join(dir, 'bundle'));
  const settings = {
    primaryUrl: cluster.primaryUrl,
    replicaUrl: cluster.replicaUrl,
    smtpPort: smtpPort as number,
    publicUrl: 'http://127.0.0.1',
    phiKey: newPhiKey(),
  };
  runCommand(bundle, settings, ['migrate']);
  const handle = await createDb({ url: cluster.primaryUrl });
  const started = Date.now();
  await generateLocations(handle, {
    locations,
    onProgress: (done, total) =>
      process.stdout.write(`\rGenerating locations: ${done.toLocaleString()} / ${total.toLocaleString()}`),
  });
  await handle.rawQuery('ANALYZE');
  await handle.close();
  console.log(` (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  await waitFor('the replica to catch up', 120_000, async () => {
    const [p] = await cluster.sql('primary')`SELECT pg_current_wal_lsn()::text AS lsn`;
    const [r] = await cluster.sql(
      'replica',
    )`SELECT (pg_last_wal_replay_lsn() >= ${p?.lsn}::pg_lsn) AS caught`;
    return Boolean(r?.caught);
  });

  const apis: ApiProcess[] = await Promise.all(
    (apiPorts as number[]).map((port, i) =>
      startApi(bundle, settings, `api${i + 1}`, port, { LOG_LEVEL: 'warn' }),
    ),
  );
  cleanup.push(async () => {
    for (const api of apis) await api.kill9();
  });
  // One balancer with the first replica only (its three server lines all point at it), one with all three.
  const one = await startHaproxy(lb1Port as number, [apiPorts[0] as number]);
  const three = await startHaproxy(lb3Port as number, apiPorts as number[]);
  cleanup.push(
    () => one.stop(),
    () => three.stop(),
  );
  const check = await gql(three.url, QUERY, { near: CITY_CENTRES[0] });
  if (check.body.data?.searchLocations.edges.length === 0) throw new Error('the search found nothing');

  // CPU time, from /proc: the machine's busy time (all cores) and the API processes' own.
  const ticks = 100; // USER_HZ on Linux
  const machineBusy = () => {
    const [, ...f] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
    const n = f.map(Number);
    return ((n[0] ?? 0) + (n[1] ?? 0) + (n[2] ?? 0) + (n[5] ?? 0) + (n[6] ?? 0) + (n[7] ?? 0)) / ticks;
  };
  const apiCpu = () =>
    apis.reduce((sum, api) => {
      const fields = readFileSync(`/proc/${api.child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return sum + (Number(fields[11]) + Number(fields[12])) / ticks;
    }, 0);
  const cores = availableParallelism();

  let i = 0;
  const run = async (url: string) => {
    const [m0, a0] = [machineBusy(), apiCpu()];
    const result = await autocannon({
      url,
      connections,
      duration,
      requests: [
        {
          setupRequest: (req) => {
            const c = CITY_CENTRES[i++ % CITY_CENTRES.length];
            return {
              ...req,
              method: 'POST',
              path: '/graphql',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ query: QUERY, variables: { near: { lat: c?.lat, lng: c?.lng } } }),
            };
          },
        },
      ],
    });
    const [m1, a1] = [machineBusy(), apiCpu()];
    return {
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.non2xx,
      busy: (m1 - m0) / result.duration / cores,
      apiMsPerRequest: ((a1 - a0) * 1000) / result.requests.total,
    };
  };
  // Warm both (prepared statements, JIT) before measuring.
  await run(one.url);
  await run(three.url);
  const results: Record<'1' | '3', Awaited<ReturnType<typeof run>>[]> = { '1': [], '3': [] };
  for (let r = 0; r < rounds; r++) {
    results['1'].push(await run(one.url));
    results['3'].push(await run(three.url));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  console.log(
    `\nSearch through HAProxy, ${locations.toLocaleString()} locations, ${connections} connections, ${duration} s × ${rounds} rounds (median):`,
  );
  console.log(
    `| replicas | req/s | p50 ms | p99 ms | errors | machine busy (${cores} cores) | API CPU ms per request |`,
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const n of ['1', '3'] as const) {
    const rs = results[n];
    console.log(
      `| ${n} | ${median(rs.map((x) => x.rps)).toFixed(0)} | ${median(rs.map((x) => x.p50))} | ${median(rs.map((x) => x.p99))} | ${rs.reduce((s, x) => s + x.errors, 0)} | ${(median(rs.map((x) => x.busy)) * 100).toFixed(0)}% | ${median(rs.map((x) => x.apiMsPerRequest)).toFixed(2)} |`,
    );
  }
} finally {
  for (const step of cleanup.reverse()) await step();
  rmSync(dir, { recursive: true, force: true });
}
