import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';

/**
 * A PostgreSQL primary and a streaming replica made with pg_basebackup: two clusters of the machine's own
 * PostgreSQL, in a folder of the test's, on loopback ports of its choosing. Stopped (and nothing left
 * running) by `stop`.
 */
export interface Cluster {
  primaryUrl: string;
  replicaUrl: string;
  /** Superuser SQL on the primary or the replica. */
  sql(on: 'primary' | 'replica'): postgres.Sql;
  stopPrimary(): void;
  startPrimary(): void;
  stop(): Promise<void>;
}

/** The newest PostgreSQL server installed (Debian keeps each in /usr/lib/postgresql/<version>/bin). */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter(
      (v) => existsSync(join(root, v, 'bin', 'pg_basebackup')) && existsSync(join(root, v, 'bin', 'initdb')),
    )
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user. */
function runner(bin: string) {
  const asRoot = process.getuid?.() === 0;
  return (command: string, args: string[]) => {
    const file = join(bin, command);
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
    return execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  };
}

export async function startCluster(dir: string, primaryPort: number, replicaPort: number): Promise<Cluster> {
  const bin = postgresBin();
  if (!bin) throw new Error('no PostgreSQL server binaries (apt-get install postgresql)');
  const run = runner(bin);
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() === 0) {
    const ids = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  const primary = join(dir, 'primary');
  const replica = join(dir, 'replica');
  run('initdb', ['-D', primary, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
  writeFileSync(
    join(primary, 'postgresql.auto.conf'),
    [
      `port = ${primaryPort}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      'wal_level = replica',
      'max_wal_senders = 5',
      'hot_standby = on',
      'max_connections = 200',
      // A test cluster: durability is not what is tested, and fsync costs the other tests their disk.
      'fsync = off',
      'full_page_writes = off',
      '',
    ].join('\n'),
  );
  if (process.getuid?.() === 0)
    execFileSync('chown', ['postgres:postgres', join(primary, 'postgresql.auto.conf')]);
  const ctl = (data: string, action: string, extra: string[] = []) =>
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, `${data === primary ? 'primary' : 'replica'}.log`),
      '-w',
      '-t',
      '60',
      ...extra,
      action,
    ]);
  ctl(primary, 'start');
  const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/kapmap`;
  const admin = postgres(`postgres://postgres@127.0.0.1:${primaryPort}/postgres`, { onnotice: () => {} });
  await admin`CREATE DATABASE kapmap`;
  await admin.end();
  // The replica: a base backup of the primary that streams from it from then on (-R writes the settings).
  run('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primaryPort),
    '-U',
    'postgres',
    '-D',
    replica,
    '-R',
    '-X',
    'stream',
  ]);
  ctl(replica, 'start', ['-o', `-p ${replicaPort}`]);
  const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/kapmap`;

  const pools: { primary?: postgres.Sql; replica?: postgres.Sql } = {};
  return {
    primaryUrl,
    replicaUrl,
    sql: (on) => {
      pools[on] ??= postgres(on === 'primary' ? primaryUrl : replicaUrl, { max: 2, onnotice: () => {} });
      return pools[on];
    },
    stopPrimary: () => ctl(primary, 'stop', ['-m', 'fast']),
    startPrimary: () => ctl(primary, 'start'),
    stop: async () => {
      await Promise.all(Object.values(pools).map((p) => p?.end({ timeout: 2 })));
      for (const data of [replica, primary]) {
        try {
          ctl(data, 'stop', ['-m', 'immediate']);
        } catch {
          // Already stopped.
        }
      }
    },
  };
}
