import { connect } from 'node:net';
import type { TestProjectInlineConfiguration } from 'vitest/config';

/**
 * The vitest projects for code that touches the database: the same tests run once on PGlite and once on
 * PostgreSQL (TEST_DATABASE_URL, by default the local server). PostgreSQL is required in CI; elsewhere its
 * project is left out, with a notice, when no server answers, so a laptop with only Node can still test.
 */
const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function engineProjects(
  base: TestProjectInlineConfiguration['test'] = {},
): Promise<TestProjectInlineConfiguration[]> {
  const wanted = (process.env.KAPMAP_TEST_ENGINES ?? 'pglite,postgres').split(',');
  const projects: TestProjectInlineConfiguration[] = [];
  if (wanted.includes('pglite')) {
    projects.push({ extends: true, test: { ...base, name: 'pglite', env: { KAPMAP_TEST_DB: 'pglite' } } });
  }
  if (wanted.includes('postgres')) {
    const up = await reachable(url.hostname, Number(url.port || 5432));
    if (up || process.env.CI) {
      projects.push({
        extends: true,
        test: { ...base, name: 'postgres', env: { KAPMAP_TEST_DB: 'postgres' } },
      });
    } else {
      console.warn(
        `\n  kapmap: no PostgreSQL at ${url.host}: running the database tests on PGlite only.` +
          '\n  Start PostgreSQL (infra/postgres/README.md) to run them on both engines, as CI does.\n',
      );
    }
  }
  return projects;
}
